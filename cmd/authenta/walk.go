package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/phospheneai/authenta-go"
)

// item is one file to judge.
type item struct {
	path    string // as walked: the root as given, joined with rel
	rel     string // relative to the root, with forward slashes (the shard hash's input)
	size    int64
	modTime string
	task    authenta.TaskType
}

// autoTask picks the task for a content type: image → AC-1, video → DF-1,
// audio → AF-1, PDF → DI-1. ok is false for anything else.
func autoTask(contentType string) (authenta.TaskType, bool) {
	switch {
	case contentType == "application/pdf":
		return authenta.DocumentIntelligence, true
	case strings.HasPrefix(contentType, "image/"):
		return authenta.AIImageDetection, true
	case strings.HasPrefix(contentType, "video/"):
		return authenta.FaceSwapDetection, true
	case strings.HasPrefix(contentType, "audio/"):
		return authenta.AIAudioDetection, true
	}
	return authenta.TaskType{}, false
}

// taskFor picks the task for a file: the one given, or by content type
// (task nil). ok is false when that task does not take the file.
func taskFor(task *authenta.TaskType, name string) (authenta.TaskType, bool) {
	ct := authenta.ContentTypeFor(name)
	if ct == "" {
		return authenta.TaskType{}, false
	}
	t := authenta.TaskType{}
	if task != nil {
		t = *task
	} else {
		var ok bool
		if t, ok = autoTask(ct); !ok {
			return t, false
		}
	}
	return t, t.Accepts(ct)
}

// skipped counts what a walk left out. None of it is an error.
type skipped struct {
	unsupported int // no task (or not the one given) takes it
	empty       int
	special     int // not a regular file: devices, sockets, links to folders
	unreadable  int // could not be listed or stat'ed
	otherShard  int // taken by another shard
}

func (s skipped) total() int {
	return s.unsupported + s.empty + s.special + s.unreadable
}

func (s skipped) String() string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(s.unsupported, "of a type no task takes")
	add(s.empty, "empty")
	add(s.special, "not regular files")
	add(s.unreadable, "unreadable")
	return strings.Join(parts, ", ")
}

// walker finds the files of a batch.
type walker struct {
	task  *authenta.TaskType // nil: by content type
	shard shard
	warn  func(format string, args ...any)
}

// checkRoots fails for a root that does not exist, before anything runs.
func checkRoots(roots []string) error {
	for _, r := range roots {
		if _, err := os.Stat(r); err != nil {
			return usagef("%v", err)
		}
	}
	return nil
}

// walk calls fn for each file of the roots that this run takes, in
// lexical order per root, and counts what it leaves out in sk.
func (w *walker) walk(ctx context.Context, roots []string, sk *skipped, fn func(item) error) error {
	for _, root := range roots {
		fi, err := os.Stat(root)
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			if err := w.consider(root, filepath.Base(root), fi, sk, fn); err != nil {
				return err
			}
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			if err != nil {
				sk.unreadable++
				w.warn("skipping %s: %v", p, err)
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			fi, err := os.Stat(p) // follows a link to a file
			if err != nil {
				sk.unreadable++
				w.warn("skipping %s: %v", p, err)
				return nil
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			return w.consider(p, rel, fi, sk, fn)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) consider(p, rel string, fi os.FileInfo, sk *skipped, fn func(item) error) error {
	rel = filepath.ToSlash(rel)
	switch {
	case !fi.Mode().IsRegular():
		sk.special++
		return nil
	case !w.shard.takes(rel):
		sk.otherShard++
		return nil
	}
	task, ok := taskFor(w.task, p)
	switch {
	case !ok:
		sk.unsupported++
		return nil
	case fi.Size() == 0:
		sk.empty++
		return nil
	}
	return fn(item{path: p, rel: rel, size: fi.Size(), modTime: formatModTime(fi.ModTime()), task: task})
}

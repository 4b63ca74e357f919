// Command batch runs every media file of a folder through Authenta with a
// bounded number of concurrent workers: one line per file, then a summary.
// A file that fails does not stop the others.
//
//	go run ./examples/batch [-workers 4] [-task AC-1] [-json] DIR
//
// With AUTHENTA_API_KEY set it talks to the real service; without it, it
// starts the embedded fake platform (package authentatest) and says so.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"sync"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(demo.Exit("batch", err, os.Stderr))
}

// outcome is what happened to one file.
type outcome struct {
	name    string
	task    authenta.TaskType
	jobID   string
	verdict string
	fake    bool
	err     error
	done    chan struct{}
}

// line is one file in the -json output (NDJSON).
type line struct {
	File    string `json:"file"`
	Task    string `json:"task,omitempty"`
	JobID   string `json:"jobId,omitempty"`
	Verdict string `json:"verdict,omitempty"`
	Fake    bool   `json:"fake,omitempty"`
	Error   string `json:"error,omitempty"`
}

const usage = `usage: batch [-workers N] [-task T] [-json] DIR

Runs every media file of DIR through Authenta, N at a time: one line per
file, in the folder's order, then a summary. Files that are not media
(by their extension; with -task, of a type the task does not take) are
skipped and counted; a file that fails does not stop the others. With
$AUTHENTA_API_KEY set it uses the real service; without it, the embedded
fake platform (said on stderr).

Exit status: 0 when every media file was analysed, 1 when some failed,
2 usage error (or nothing to do).

flags:
`

// errFailed is the error of a batch in which some files failed.
var errFailed = errors.New("some files failed")

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	workers := fs.Int("workers", 4, "files analysed at once")
	taskName := fs.String("task", "", "task type for every file (default: chosen per file type)")
	asJSON := fs.Bool("json", false, "one JSON object per file on stdout (the summary goes to stderr)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := demo.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 || *workers < 1 {
		fs.Usage()
		return demo.Usagef("need one folder and -workers > 0")
	}
	var task *authenta.TaskType
	if *taskName != "" {
		t, err := authenta.ParseTaskType(*taskName)
		if err != nil {
			return demo.Usagef("%v", err)
		}
		task = &t
	}
	entries, err := os.ReadDir(fs.Arg(0))
	if err != nil {
		return demo.Usagef("%v", err)
	}
	var files []string
	skipped := 0
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if !isMedia(e.Name(), task) {
			skipped++
			continue
		}
		files = append(files, filepath.Join(fs.Arg(0), e.Name()))
	}
	sort.Strings(files)
	if len(files) == 0 {
		return demo.Usagef("no media files in %s (%d skipped)", fs.Arg(0), skipped)
	}
	client, done, err := demo.Connect(getenv, stderr)
	if err != nil {
		return err
	}
	defer done()

	// Workers take files from a channel; the main goroutine prints results
	// in the folder's order as soon as each one and those before it are in.
	outcomes := make([]*outcome, len(files))
	work := make(chan int)
	for i, f := range files {
		outcomes[i] = &outcome{name: filepath.Base(f), done: make(chan struct{})}
	}
	var wg sync.WaitGroup
	for range min(*workers, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				analyse(ctx, client, *taskName, files[i], outcomes[i])
			}
		}()
	}
	go func() {
		defer close(work)
		for i := range files {
			select {
			case work <- i:
			case <-ctx.Done():
				for _, o := range outcomes[i:] {
					o.err = ctx.Err()
					close(o.done)
				}
				return
			}
		}
	}()

	var ok, fakes, failed int
	enc := json.NewEncoder(stdout)
	for _, o := range outcomes {
		<-o.done
		if o.err != nil {
			failed++
		} else {
			ok++
			if o.fake {
				fakes++
			}
		}
		switch {
		case *asJSON:
			l := line{File: o.name, Task: o.task.Model, JobID: o.jobID, Verdict: o.verdict, Fake: o.fake}
			if o.err != nil {
				l.Error = o.err.Error()
			}
			_ = enc.Encode(l)
		case o.err != nil:
			fmt.Fprintf(stdout, "%-16s  error: %v\n", o.name, o.err)
		default:
			fmt.Fprintf(stdout, "%-16s  %-5s  %s\n", o.name, o.task.Model, o.verdict)
		}
	}
	wg.Wait()
	summary := stdout
	if *asJSON {
		summary = stderr
	}
	fmt.Fprintf(summary, "%d files: %d analysed (%d fake, %d real), %d failed, %d skipped (not media)\n", len(files), ok, fakes, ok-fakes, failed, skipped)
	if failed > 0 {
		return fmt.Errorf("%w: %d of %d", errFailed, failed, len(files))
	}
	return nil
}

// isMedia reports whether a file is one to analyse: of a type the task
// takes, or with no task named, of a type some task takes.
func isMedia(name string, task *authenta.TaskType) bool {
	ct := authenta.ContentTypeFor(name)
	if ct == "" {
		return false
	}
	if task != nil {
		return task.Accepts(ct)
	}
	_, err := demo.TaskFor("", name)
	return err == nil
}

func analyse(ctx context.Context, client *authenta.Client, taskName, file string, o *outcome) {
	defer close(o.done)
	o.task, o.err = demo.TaskFor(taskName, file)
	if o.err != nil {
		return
	}
	d, err := client.Detect(ctx, o.task, file, nil)
	if err != nil {
		o.err = err
		return
	}
	o.jobID = d.Job.ID
	o.verdict = demo.Verdict(d.Result)
	o.fake = d.Result.Verdict() == authenta.VerdictFake
}

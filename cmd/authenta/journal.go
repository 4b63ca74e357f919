package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/phospheneai/authenta-go"
)

// The journal is the batch's output file (-o): NDJSON, one record per
// line, appended. A line is written when a file's job is created (state
// "created", with the job ID and no verdict) and another when the file
// ends ("judged" with the verdict, or "failed" with the reason). The last
// line for a file wins.
//
// Running the same command again reads the journal first: a judged file is
// not sent again; a file whose job was created but did not finish is
// resumed by its job ID, never created again. Files are known by path,
// size and modification time, so a changed file is judged again.
//
// Durability: the "created" line is written and fsynced before the upload
// starts, with the job's presigned upload URLs and their expiry, so that a
// kill at any later moment finds the job on the next run: a job whose
// upload was cut is uploaded to again (same job) while its URLs last, and
// only replaced by a new job once they expired. The journal therefore holds
// secrets: it is created readable by its owner only (0600), and an existing
// one that others can read is narrowed to that.
//
// What no client can close is the moment between the server creating the
// job and its answer reaching the journal (the API has no idempotency
// key): a kill then leaves a job the journal does not know. That job was
// never uploaded to nor finalized, so it was never charged. A rerun looks
// for such jobs (see orphans.go) and names them; it never removes them.

// maxLine bounds one journal line, its newline included: it is the
// reader's buffer, so a longer line is taken for damage at a cost of that
// buffer whatever its length, and the journal never writes one.
const maxLine = 64 << 10

// fileKey identifies a file: its path as walked, its size and its
// modification time. Keys are hashed so that the index costs the same per
// file whatever the path's length.
type fileKey [16]byte

func keyOf(file string, size int64, modTime string) fileKey {
	h := sha256.New()
	h.Write([]byte(file))
	h.Write([]byte{0})
	h.Write([]byte(strconv.FormatInt(size, 10)))
	h.Write([]byte{0})
	h.Write([]byte(modTime))
	var k fileKey
	copy(k[:], h.Sum(nil))
	return k
}

// The values of record.Next.
const (
	nextResume = "resume"
	nextAgain  = "again"
)

// entry is what the journal says of a file: its last line, reduced.
type entry struct {
	state  string
	jobID  string
	fake   bool            // judged fake
	next   string          // of a failed line
	upload authenta.Upload // of a created line: where the original goes
}

// next is what a run does with a file, given its entry.
type next int

const (
	doNew    next = iota // no job: create one
	doResume             // a job exists: resume it by ID
	doSkip               // judged, or failed for good
)

func (e entry) plan() next {
	switch {
	case e.state == stateCreated && e.jobID != "":
		return doResume
	case e.state == stateFailed && e.next == nextResume && e.jobID != "":
		return doResume
	case e.state == stateFailed && e.next == nextAgain:
		return doNew
	case e.state == stateCreated:
		return doNew // a created line without a job ID says nothing
	}
	return doSkip
}

func entryOf(r record) entry {
	e := entry{state: r.State, jobID: r.JobID, fake: r.Verdict == authenta.VerdictFake, next: r.Next}
	if r.State == stateCreated {
		for _, u := range r.Uploads {
			if u.Slot == authenta.SlotOriginal {
				e.upload = authenta.Upload(u)
			}
		}
	}
	return e
}

// journalStats tells what opening a journal found.
type journalStats struct {
	lines, bad int
	torn       int64     // bytes of a torn last line cut off
	first      time.Time // when the first line was written (zero: unknown)
	narrowed   bool      // its mode let others read it: now 0600
}

// journal is an open journal; a nil *journal (no -o) keeps nothing.
type journal struct {
	path   string
	mu     sync.Mutex // guards f's writes and idx
	f      *os.File
	unlock func()
	idx    map[fileKey]entry
	err    error // the first write error: the journal is no longer trusted
}

// openJournal reads the journal at path (if any) into an index, cuts a
// torn last line off, and opens it for appending. It holds an advisory
// lock on the file, so that two runs never share one journal.
func openJournal(path string) (*journal, journalStats, error) {
	var st journalStats
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, st, err
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
		// Created lines hold upload URLs: the owner's only.
		if err := f.Chmod(fi.Mode().Perm() &^ 0o077); err == nil {
			st.narrowed = true
		}
	}
	unlock, err := lockFile(f)
	if err != nil {
		_ = f.Close()
		return nil, st, fmt.Errorf("%s: %w", path, err)
	}
	j := &journal{path: path, f: f, unlock: unlock, idx: make(map[fileKey]entry)}
	good, err := j.load(f, &st)
	if err == nil {
		var fi os.FileInfo
		if fi, err = f.Stat(); err == nil && fi.Size() > good {
			// A torn last line (a kill or a crash mid-write): cut it off so
			// that the next line starts on a line of its own.
			st.torn = fi.Size() - good
			if err = f.Truncate(good); err == nil {
				err = f.Sync()
			}
		}
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekEnd)
	}
	if err != nil {
		unlock()
		_ = f.Close()
		return nil, st, fmt.Errorf("%s: %w", path, err)
	}
	return j, st, nil
}

// load indexes every complete line of r and returns the offset just past
// the last one. Lines that do not parse are counted and skipped.
func (j *journal) load(r io.Reader, st *journalStats) (int64, error) {
	br := bufio.NewReaderSize(r, maxLine)
	var off, good int64
	var long bool
	for {
		line, err := br.ReadSlice('\n')
		off += int64(len(line))
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			long = true
			continue
		case err == io.EOF:
			return good, nil
		case err != nil:
			return good, err
		}
		good = off
		if long {
			long = false
			st.bad++
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var rec record
		if json.Unmarshal(line, &rec) != nil || rec.File == "" || !knownState(rec.State) {
			st.bad++
			continue
		}
		st.lines++
		if st.first.IsZero() {
			st.first, _ = time.Parse(time.RFC3339Nano, rec.At)
		}
		j.idx[keyOf(rec.File, rec.Size, rec.ModTime)] = entryOf(rec)
	}
}

func knownState(s string) bool {
	return s == stateCreated || s == stateJudged || s == stateFailed
}

// lookup returns what the journal says of a file.
func (j *journal) lookup(k fileKey) (entry, bool) {
	if j == nil {
		return entry{}, false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.idx[k]
	return e, ok
}

// jobIDs returns the IDs of the jobs the journal says are live: those of
// files whose last line is created, or failed to be resumed.
func (j *journal) jobIDs() map[string]bool {
	ids := make(map[string]bool)
	if j == nil {
		return ids
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, e := range j.idx {
		if e.plan() == doResume {
			ids[e.jobID] = true
		}
	}
	return ids
}

// write appends a line in one write call; with sync it is on disk when
// write returns. After a failed write the journal refuses every later one,
// so that nothing is done that it could not record.
func (j *journal) write(r record, sync bool) error {
	if j == nil {
		return nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if len(b) > maxLine {
		return fmt.Errorf("journal %s: a line of %d bytes for %.64q is over %d, the most a rerun reads", j.path, len(b), r.File, maxLine)
	}
	j.mu.Lock()
	if j.err != nil {
		j.mu.Unlock()
		return j.err
	}
	if _, err = j.f.Write(b); err != nil {
		j.err = fmt.Errorf("journal %s: %w", j.path, err)
		j.mu.Unlock()
		return j.err
	}
	j.idx[keyOf(r.File, r.Size, r.ModTime)] = entryOf(r)
	j.mu.Unlock()
	if sync {
		// Outside the lock: concurrent fsyncs of one file are safe, and
		// each covers every write before it.
		if err := j.f.Sync(); err != nil {
			j.mu.Lock()
			if j.err == nil {
				j.err = fmt.Errorf("journal %s: %w", j.path, err)
			}
			err = j.err
			j.mu.Unlock()
			return err
		}
	}
	return nil
}

// close syncs and closes the journal.
func (j *journal) close() error {
	if j == nil {
		return nil
	}
	err := j.f.Sync()
	j.unlock()
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	return err
}

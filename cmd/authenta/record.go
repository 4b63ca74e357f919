package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/phospheneai/authenta-go"
)

// The states of a file in the output and the journal.
const (
	stateCreated = "created" // its job exists; no verdict yet
	stateJudged  = "judged"  // the job completed: verdict set
	stateFailed  = "failed"  // error set
)

// record is one line of -json output and of the batch journal. The field
// names are stable; verdict comes first (absent until the file is
// judged), then file and jobId.
type record struct {
	Verdict         authenta.Verdict `json:"verdict,omitempty"`
	File            string           `json:"file"`
	JobID           string           `json:"jobId,omitempty"`
	State           string           `json:"state"`
	Task            string           `json:"task,omitempty"` // model code, e.g. "AC-1"
	FakeProbability *float64         `json:"fakeProbability,omitempty"`
	Status          authenta.Status  `json:"status,omitempty"` // the job's status
	Error           string           `json:"error,omitempty"`
	// Next, on a failed line, is what running the same batch again does
	// with the file: "resume" its job (kept on the server), or judge it
	// "again" (no job of it is left: none was made, or the one made was
	// deleted before it was finalized, so never charged). Absent: nothing,
	// the job ran and failed (its credits are spent).
	Next string `json:"next,omitempty"`
	// JobRemoved says the failed file's job was deleted.
	JobRemoved bool    `json:"jobRemoved,omitempty"`
	Evidence   string  `json:"evidence,omitempty"` // the folder of a fake file's evidence (-evidence)
	Size       int64   `json:"size,omitempty"`
	ModTime    string  `json:"modTime,omitempty"` // RFC 3339, UTC, nanoseconds
	Seconds    float64 `json:"seconds,omitempty"` // time spent on it in this run
	At         string  `json:"at,omitempty"`      // when the line was written
	// Uploads, on a journal's created line only, are the job's presigned
	// upload URLs and their expiry, so that a rerun can finish an
	// interrupted upload to the same job instead of making another. They
	// are secrets until they expire: never printed (see printer.print).
	Uploads []journalUpload `json:"uploads,omitempty"`
	// Result is the whole result (detect and jobs result, not the batch
	// journal): the decoded fields and the raw document, URLs redacted.
	Result *authenta.Result `json:"result,omitempty"`
}

// journalUpload is an upload as the journal keeps it: WITH its presigned
// URL (an authenta.Upload marshals it redacted, which a rerun could not
// use).
type journalUpload struct {
	Slot      string    `json:"slot"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// journalUploads converts a created job's uploads for the journal.
func journalUploads(us []authenta.Upload) []journalUpload {
	out := make([]journalUpload, len(us))
	for i, u := range us {
		out[i] = journalUpload(u)
	}
	return out
}

// judged fills a record from a completed detection.
func (r *record) judged(d *authenta.Detection) {
	r.State = stateJudged
	r.Verdict = d.Result.Verdict()
	if d.Job != nil {
		r.JobID, r.Status = d.Job.ID, d.Job.Status
	}
	if p, ok := d.Result.FakeProbability(); ok {
		p = math.Round(p*1e4) / 1e4
		r.FakeProbability = &p
	}
}

func formatModTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// printer writes results on stdout, one per file, as they come: NDJSON
// with -json, else a table. It is safe for concurrent use.
type printer struct {
	mu     sync.Mutex
	w      io.Writer
	json   bool
	header bool
}

func newPrinter(w io.Writer, asJSON bool) *printer { return &printer{w: w, json: asJSON} }

func (p *printer) print(r record) error {
	r.Uploads = nil // secrets: the journal's, never stdout's
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		r.At = ""
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = p.w.Write(append(b, '\n'))
		return err
	}
	if !p.header {
		p.header = true
		if _, err := fmt.Fprintf(p.w, "%-8s %7s  %-5s  %-20s  %s\n", "VERDICT", "P(FAKE)", "TASK", "JOB", "FILE"); err != nil {
			return err
		}
	}
	verdict, prob := string(r.Verdict), "-"
	if r.State == stateFailed {
		verdict = "FAILED"
	}
	if r.Verdict == authenta.VerdictFake {
		verdict = "FAKE"
	}
	if r.FakeProbability != nil {
		prob = fmt.Sprintf("%.0f%%", *r.FakeProbability*100)
	}
	job := r.JobID
	if job == "" {
		job = "-"
	}
	line := fmt.Sprintf("%-8s %7s  %-5s  %-20s  %s", verdict, prob, r.Task, job, r.File)
	if r.Error != "" {
		line += "  (" + oneLine(r.Error) + ")"
	}
	_, err := fmt.Fprintln(p.w, line)
	return err
}

// oneLine keeps an error message on one line of the table.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// tally counts outcomes and gives the exit status.
type tally struct {
	mu                     sync.Mutex
	judged, fake, failed   int // in this run
	unchanged              int // done in an earlier run (the journal says)
	priorFake, priorFailed int
}

// prior counts a file an earlier run finished.
func (t *tally) prior(e entry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.unchanged++
	switch {
	case e.state == stateFailed:
		t.priorFailed++
	case e.fake:
		t.priorFake++
	}
}

func (t *tally) add(r record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch r.State {
	case stateJudged:
		t.judged++
		if r.Verdict == authenta.VerdictFake {
			t.fake++
		}
	case stateFailed:
		t.failed++
	}
}

func (t *tally) code() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.failed+t.priorFailed > 0:
		return exitFailed
	case t.fake+t.priorFake > 0:
		return exitFake
	}
	return exitOK
}

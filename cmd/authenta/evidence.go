package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/evidence"
)

// evidenceTimeout bounds saving one file's evidence.
const evidenceTimeout = 2 * time.Minute

// saveEvidence writes what a reviewer of a fake file looks at into a
// folder of its own under dir, named after the file and its job (so that
// two files never share one): the job's artifacts but its inputs (the
// result document, heatmaps) and the image annotated with every face's box and label, or
// for a video its annotated frames (where ffmpeg is on PATH). It returns
// the folder. An error leaves the verdict as it is.
func saveEvidence(ctx context.Context, c *authenta.Client, dir, file string, task authenta.TaskType, d *authenta.Detection) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, evidenceTimeout)
	defer cancel()
	out := filepath.Join(dir, evidenceName(file, d.Job.ID))
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	opts := &evidence.Options{Verdict: d.Result.Verdict(), Title: evidenceTitle(task, d.Result)}
	var ids []authenta.Identity
	if d.Result != nil {
		ids = d.Result.Identities
	}
	var errs []error
	ct := authenta.ContentTypeFor(file)
	switch {
	case ct == "image/jpeg" || ct == "image/png":
		if err := evidence.AnnotateFile(ctx, file, filepath.Join(out, "annotated.png"), ids, opts); err != nil {
			errs = append(errs, fmt.Errorf("annotate: %w", err))
		}
	case strings.HasPrefix(ct, "video/") && len(ids) > 0:
		if _, err := evidence.AnnotateVideo(ctx, file, out, ids, opts); err != nil {
			errs = append(errs, fmt.Errorf("annotate frames: %w", err))
		}
	}
	// The job's artifacts but its inputs: the file is here already.
	job := *d.Job
	job.Artifacts = nil
	for _, a := range d.Job.Artifacts {
		if !strings.EqualFold(a.Kind, "input") {
			job.Artifacts = append(job.Artifacts, a)
		}
	}
	if _, err := c.Jobs.SaveArtifacts(ctx, &job, out); err != nil {
		errs = append(errs, fmt.Errorf("artifacts: %w", err))
	}
	return out, errors.Join(errs...)
}

// evidenceTitle is the banner of an annotated image: "AC-1: fake 97%".
func evidenceTitle(task authenta.TaskType, r *authenta.Result) string {
	t := task.Model + ": " + string(r.Verdict())
	if p, ok := r.FakeProbability(); ok {
		t += fmt.Sprintf(" %.0f%%", p*100)
	}
	return t
}

// evidenceName is a folder name for a file's evidence: its base name made
// safe (letters, digits, '.', '-', '_'), then the job ID.
func evidenceName(file, jobID string) string {
	safe := func(s string, n int) string {
		var b strings.Builder
		for _, r := range s {
			if b.Len() >= n {
				break
			}
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_' {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
		return strings.TrimLeft(b.String(), ".")
	}
	name := safe(filepath.Base(file), 80)
	if name == "" {
		name = "file"
	}
	return name + "-job" + safe(jobID, 64)
}

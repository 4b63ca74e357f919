package authenta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ErrInputsNotUploaded is the error of Resume for a job that is waiting
// for its inputs: not every input has been uploaded, so the job cannot be
// finalized. Upload the rest (JobsService.Upload, with the upload URLs
// from the CreatedJob) and Resume again, or delete the job.
var ErrInputsNotUploaded = errors.New("authenta: not every input of the job is uploaded")

// Resume finishes a job that another process (or an earlier run) started,
// e.g. a batch worker that crashed after creating or finalizing its jobs:
// it gets the job; if the job is still pending (created, never finalized)
// it finalizes it, provided every input is uploaded; then it waits for
// the job (wait, or the client's WithWaitOptions) and fetches its result.
// It never creates a job, and never removes one.
//
// Whether every input is uploaded is judged from the job's input
// artifacts, when the server lists them (an input artifact appears, or
// leaves its "pending" status, once its bytes arrive). When the job shows
// none, Resume finalizes and lets the server judge. Either way a job with
// inputs missing gives an error matching ErrInputsNotUploaded (and the
// server's *APIError, when it refused the finalize), and nothing else is
// sent. A job that another process finalizes at the same moment is simply
// waited for.
//
// Errors after the job was found are *StepError values (StepFinalize,
// StepWait, StepResult) with the job's ID; a job that ended failed or
// cancelled matches ErrJobFailed or ErrJobCancelled, and an unknown job ID
// ErrJobNotFound. Without a deadline on ctx the wait is bounded by the job
// task type's server timeout plus two minutes.
func (c *Client) Resume(ctx context.Context, jobID string, wait *WaitOptions, opts ...CallOption) (*Detection, error) {
	if err := checkJobID(jobID); err != nil {
		return nil, err
	}
	if _, err := c.waitOptions(wait); err != nil {
		return nil, err
	}
	ctx, cs, end, err := c.startCall(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer end()
	job, err := c.Jobs.job(ctx, http.MethodGet, jobID, "", cs)
	if err != nil {
		return nil, err // the GET's own error names the job's path
	}
	fail := func(step string, err error, _ bool) (*Detection, error) {
		return nil, &StepError{Step: step, JobID: job.ID, Err: err}
	}
	if job.Status == StatusPending {
		if err := c.resumeFinalize(ctx, job, cs); err != nil {
			return fail(StepFinalize, err, false)
		}
	}
	if job.Status == StatusCompleted {
		res, err := c.Jobs.result(ctx, job, cs)
		if err != nil {
			return fail(StepResult, err, false)
		}
		return &Detection{Job: job, Result: res}, nil
	}
	return c.finish(ctx, resumeTask(job), job.ID, wait, cs, fail)
}

// resumeFinalize finalizes a pending job whose inputs are all uploaded.
func (c *Client) resumeFinalize(ctx context.Context, job *Job, cs *callSettings) error {
	if missing, known := missingInputs(job); known && len(missing) > 0 {
		return fmt.Errorf("%w: job %s is waiting for %s", ErrInputsNotUploaded, job.ID, strings.Join(missing, ", "))
	}
	_, err := c.Jobs.job(ctx, http.MethodPost, job.ID, "/finalize", cs)
	if err == nil {
		return nil
	}
	var ae *APIError
	if !errors.As(err, &ae) || (ae.StatusCode != 400 && ae.StatusCode != 409 && ae.StatusCode != 422) {
		return err
	}
	// Refused: finalized meanwhile by someone else, or inputs missing.
	now, gerr := c.Jobs.job(ctx, http.MethodGet, job.ID, "", cs)
	if gerr != nil {
		return err
	}
	if now.Status != StatusPending {
		*job = *now
		return nil
	}
	return fmt.Errorf("%w: job %s: the server refused to finalize it: %w", ErrInputsNotUploaded, job.ID, err)
}

// missingInputs returns the slots of a pending job whose bytes have not
// arrived, judged from its input artifacts; known is false when the job
// lists none (the server does not tell).
func missingInputs(job *Job) (missing []string, known bool) {
	seen := make(map[string]bool)
	for _, a := range job.Artifacts {
		if !strings.EqualFold(a.Kind, "input") {
			continue
		}
		known = true
		switch NormalizeStatus(a.Status) {
		case StatusPending: // pending, uploading, waiting_for_upload, ...
			missing = append(missing, a.Slot)
		default:
			seen[a.Slot] = true
		}
	}
	if !known {
		return nil, false
	}
	for _, in := range job.Inputs {
		if !seen[in.Slot] && !slices.Contains(missing, in.Slot) {
			missing = append(missing, in.Slot)
		}
	}
	return missing, true
}

// resumeTask returns the job's task type, for the bound on the wait; an
// unknown one gets the longest server timeout.
func resumeTask(job *Job) TaskType {
	var longest time.Duration
	for i := range taskTable {
		t := &taskTable[i]
		if t.ID == job.TaskTypeID || (job.TaskTypeSlug != "" && t.Slug == job.TaskTypeSlug) {
			return *t
		}
		longest = max(longest, t.Timeout)
	}
	return TaskType{Timeout: longest}
}

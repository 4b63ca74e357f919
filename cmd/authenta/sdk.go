package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/phospheneai/authenta-go"
)

// This file is the seam between the command and Client.Resume, being
// built alongside it.

// errNotUploaded says a job was created but its inputs never all reached
// storage (the process that made it stopped during the upload). Such a job
// was never finalized, so it was never charged.
var errNotUploaded = errors.New("the job's inputs were never all uploaded")

// resume finishes a job another run created: it finalizes it when all its
// inputs are uploaded and it was never finalized, waits for it and fetches
// its result. A job whose inputs never all arrived gives errNotUploaded.
func resume(ctx context.Context, c *authenta.Client, id string, wait *authenta.WaitOptions) (*authenta.Detection, error) {
	job, err := c.Jobs.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get job %s: %w", id, err)
	}
	if job.Status == authenta.StatusPending {
		if !inputsUploaded(job) {
			return nil, errNotUploaded
		}
		if _, err := c.Jobs.Finalize(ctx, id); err != nil {
			var ae *authenta.APIError
			if errors.As(err, &ae) && ae.StatusCode >= 400 && ae.StatusCode < 500 && ae.StatusCode != 401 && ae.StatusCode != 402 && ae.StatusCode != 403 {
				// Refused while pending: its inputs are not all there.
				return nil, errNotUploaded
			}
			return nil, fmt.Errorf("finalize job %s: %w", id, err)
		}
	}
	done, err := c.Jobs.Wait(ctx, id, wait)
	if err != nil {
		return &authenta.Detection{Job: done}, err
	}
	res, err := c.Jobs.Result(ctx, done)
	if err != nil {
		return &authenta.Detection{Job: done}, fmt.Errorf("result of job %s: %w", id, err)
	}
	return &authenta.Detection{Job: done, Result: res}, nil
}

// inputsUploaded reports whether every input of a pending job has reached
// storage, as the job's "input" artifacts show. A job that lists no inputs
// is given the benefit of the doubt: finalize will say.
func inputsUploaded(job *authenta.Job) bool {
	have := make(map[string]bool, len(job.Artifacts))
	for _, a := range job.Artifacts {
		if a.Kind == "input" {
			have[a.Slot] = true
		}
	}
	for _, in := range job.Inputs {
		if !have[in.Slot] {
			return false
		}
	}
	return true
}

package authenta

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// finalizeLanded tells, for Detect's finalize that failed with no answer
// from the server (its request was sent, then the connection failed before
// any status came back), whether the server finalized the job anyway: the
// job is got once, and one no longer pending was finalized (it is queued
// and charged: it must be waited for, not removed). It returns that job.
// Any other failure (a status, an answer that could not be decoded, a
// request never sent, a caller that has gone) says nothing is to be
// learnt: ok is false.
func (c *Client) finalizeLanded(ctx context.Context, id string, err error, cs *callSettings) (_ *Job, ok bool) {
	var (
		ue *url.Error
		ns *retry.NotSentError
	)
	if ctx.Err() != nil || !errors.As(err, &ue) || errors.As(err, &ns) {
		return nil, false
	}
	j, gerr := c.Jobs.job(ctx, http.MethodGet, id, "", cs)
	if gerr != nil || j.Status == "" || j.Status == StatusPending {
		return nil, false
	}
	return j, true
}

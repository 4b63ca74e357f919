package authenta

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"
)

// WaitOptions tunes Wait.
type WaitOptions struct {
	MinInterval time.Duration // first poll delay; default 500ms
	MaxInterval time.Duration // cap on the delay between polls; default 5s
	OnPoll      func(*Job)    // called after every poll, optional
}

const (
	defaultMinInterval = 500 * time.Millisecond
	defaultMaxInterval = 5 * time.Second
	// pollGrowth is the most the delay grows per poll. 1.25 keeps the time
	// between a job's end and Wait noticing it under a quarter of the time
	// waited so far (or MinInterval), whatever the job's length.
	pollGrowth = 1.25
)

// JobError is the error Wait and Detect return for a job that ended failed
// or cancelled. It matches ErrJobFailed or ErrJobCancelled.
type JobError struct {
	Job     *Job
	Message string // the server's errorMessage, when it gave one, with the API key and URL query strings redacted
}

func (e *JobError) Error() string {
	what := "failed"
	if e.Job.Status == StatusCancelled {
		what = "was cancelled"
	}
	s := "authenta: job " + e.Job.ID + " " + what
	if e.Message != "" {
		s += ": " + scrubLine(e.Message, 300)
	}
	return s
}

// Is matches ErrJobFailed or ErrJobCancelled by the job's status.
func (e *JobError) Is(target error) bool {
	return (target == ErrJobFailed && e.Job.Status == StatusFailed) ||
		(target == ErrJobCancelled && e.Job.Status == StatusCancelled)
}

// Wait polls the job until it reaches a terminal state or ctx ends. The
// first poll comes after MinInterval; each delay grows by at most 1.25×
// (with jitter) up to MaxInterval, and the last one is shortened to end at
// the context's deadline. Transient errors while polling (5xx, 429,
// network) do not end the wait; other errors (4xx) do.
//
// It returns the job when it completes. A job that ends failed returns the
// job and a *JobError matching ErrJobFailed, with the server's message;
// cancelled returns the job and an error matching ErrJobCancelled. A
// context that ends first returns the last job seen (possibly nil) and an
// error matching the context's error.
func (s *JobsService) Wait(ctx context.Context, id string, opts *WaitOptions, copts ...CallOption) (*Job, error) {
	if err := checkJobID(id); err != nil {
		return nil, err
	}
	ctx, cs, end, err := s.c.startCall(ctx, copts)
	if err != nil {
		return nil, err
	}
	defer end()
	return s.wait(ctx, id, opts, cs)
}

func (s *JobsService) wait(ctx context.Context, id string, opts *WaitOptions, cs *callSettings) (*Job, error) {
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	if o.MinInterval < 0 || o.MaxInterval < 0 {
		return nil, fmt.Errorf("%w: negative wait interval", ErrInvalidArgument)
	}
	if o.MinInterval == 0 {
		o.MinInterval = defaultMinInterval
	}
	if o.MaxInterval == 0 {
		o.MaxInterval = max(defaultMaxInterval, o.MinInterval)
	}
	if o.MinInterval > o.MaxInterval {
		return nil, fmt.Errorf("%w: MinInterval %v is above MaxInterval %v", ErrInvalidArgument, o.MinInterval, o.MaxInterval)
	}

	clk := s.c.clock
	var last *Job
	delay := o.MinInterval
	final := false // the poll just before the deadline is done
	for {
		d := jitter(delay)
		if dl, ok := ctx.Deadline(); ok {
			if left := dl.Sub(clk.Now()); left < d {
				if final {
					// Nothing to do but let the context end.
					_ = clk.Sleep(ctx, left)
					return last, fmt.Errorf("authenta: wait for job %s: %w", id, context.DeadlineExceeded)
				}
				// Poll once more just before the deadline rather than
				// sleep past it.
				d, final = left-left/8, true
			}
		}
		if err := clk.Sleep(ctx, d); err != nil {
			return last, fmt.Errorf("authenta: wait for job %s: %w", id, err)
		}
		job, err := s.job(ctx, http.MethodGet, id, "", cs)
		switch {
		case err == nil:
			last = job
			if o.OnPoll != nil {
				o.OnPoll(job)
			}
			switch job.Status {
			case StatusCompleted:
				return job, nil
			case StatusFailed, StatusCancelled:
				return job, &JobError{Job: job, Message: redactURLs(job.ErrorMessage)}
			}
		case ctx.Err() != nil:
			return last, fmt.Errorf("authenta: wait for job %s: %w", id, err)
		case !transientPollError(err):
			return last, fmt.Errorf("authenta: wait for job %s: %w", id, err)
		}
		delay = min(time.Duration(float64(delay)*pollGrowth), o.MaxInterval)
	}
}

// jitter shortens d by up to 10%, so that many waiters spread out without
// ever polling later than the schedule.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d - time.Duration(rand.Int64N(int64(d)/10+1))
}

// transientPollError reports whether a failed poll is worth another one: a
// server error, a rate limit, or a network failure.
func transientPollError(err error) bool {
	if errors.Is(err, ErrServer) || errors.Is(err, ErrRateLimited) {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode == 408 || ae.StatusCode >= 500
	}
	var ue *url.Error
	return errors.As(err, &ue)
}

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

// WaitOptions tunes Wait. Zero fields take the client's defaults (see
// WithWaitOptions), then the package's.
type WaitOptions struct {
	MinInterval time.Duration // first poll delay; default 500ms (or MaxInterval, if lower)
	MaxInterval time.Duration // cap on the delay between polls; default 5s (or MinInterval, if higher)
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
	what, id := "failed", ""
	if e.Job != nil {
		id = oneLine(e.Job.ID, maxRequestIDLen) // server text: one clean line
		if e.Job.Status == StatusCancelled {
			what = "was cancelled"
		}
	}
	s := "authenta: job " + id + " " + what
	if id == "" {
		s = "authenta: job " + what
	}
	if e.Message != "" {
		s += ": " + scrubLine(e.Message, maxMessageLen)
	}
	return s
}

// Is matches ErrJobFailed or ErrJobCancelled by the job's status.
func (e *JobError) Is(target error) bool {
	if e.Job == nil {
		return false
	}
	return (target == ErrJobFailed && e.Job.Status == StatusFailed) ||
		(target == ErrJobCancelled && e.Job.Status == StatusCancelled)
}

// Wait polls the job until it reaches a terminal state or ctx ends. The
// first poll comes after MinInterval; each delay grows by at most 1.25×
// (with jitter) up to MaxInterval, and the last one is shortened to end at
// the context's deadline. Transient errors while polling (5xx, 429,
// network, a body cut by the network) do not end the wait; other errors
// (4xx) do. A 429 or 503 poll's Retry-After is honoured: the next poll
// comes no sooner, and a delay past the context's deadline ends the wait
// at the deadline.
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
	o, err := s.c.waitOptions(opts)
	if err != nil {
		return nil, err
	}
	var last *Job
	err = s.c.poll(ctx, o, "job "+oneLine(id, maxRequestIDLen), func(ctx context.Context) (bool, error) {
		job, err := s.job(ctx, http.MethodGet, id, "", cs)
		if err != nil {
			return false, err
		}
		last = job
		if o.OnPoll != nil {
			o.OnPoll(job)
		}
		switch job.Status {
		case StatusCompleted:
			return true, nil
		case StatusFailed, StatusCancelled:
			return true, &JobError{Job: job, Message: redactURLs(job.ErrorMessage)}
		}
		return false, nil
	})
	return last, err
}

// normalized checks the options and fills in the defaults.
func (opts *WaitOptions) normalized() (WaitOptions, error) {
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	if o.MinInterval < 0 || o.MaxInterval < 0 {
		return o, fmt.Errorf("%w: negative wait interval", ErrInvalidArgument)
	}
	// Defaults adapt to what the caller set: a MaxInterval below the
	// default MinInterval lowers it, and the other way round.
	switch {
	case o.MinInterval == 0 && o.MaxInterval == 0:
		o.MinInterval, o.MaxInterval = defaultMinInterval, defaultMaxInterval
	case o.MinInterval == 0:
		o.MinInterval = min(defaultMinInterval, o.MaxInterval)
	case o.MaxInterval == 0:
		o.MaxInterval = max(defaultMaxInterval, o.MinInterval)
	}
	if o.MinInterval > o.MaxInterval {
		return o, fmt.Errorf("%w: MinInterval %v is above MaxInterval %v", ErrInvalidArgument, o.MinInterval, o.MaxInterval)
	}
	return o, nil
}

// poll runs check after each delay of o's schedule until it reports done,
// and returns check's error then (nil, or why the thing waited for ended
// badly). The first delay is MinInterval; each grows by at most pollGrowth
// (with jitter) up to MaxInterval, and the last is shortened to end at the
// context's deadline. An error from a check that is not done ends the wait
// unless it is transient (transientPollError). what names the thing waited
// for in the errors poll returns.
func (c *Client) poll(ctx context.Context, o WaitOptions, what string, check func(context.Context) (bool, error)) error {
	clk := c.clock
	delay := o.MinInterval
	final := false          // the poll just before the deadline is done
	var asked time.Duration // the last poll's Retry-After: the next waits at least that
	for {
		d := max(jitter(delay), asked)
		if dl, ok := ctx.Deadline(); ok {
			if left := dl.Sub(clk.Now()); left < d {
				if final || asked > 0 {
					// The server asked for more time than is left, or the
					// last poll is done: nothing to do but let the context end.
					_ = clk.Sleep(ctx, left)
					return fmt.Errorf("authenta: wait for %s: %w", what, context.DeadlineExceeded)
				}
				// Poll once more just before the deadline rather than
				// sleep past it.
				d, final = left-left/8, true
			}
		}
		if err := clk.Sleep(ctx, d); err != nil {
			return fmt.Errorf("authenta: wait for %s: %w", what, err)
		}
		done, err := check(ctx)
		asked = retryAfter(err)
		switch {
		case done:
			return err
		case err == nil:
		case ctx.Err() != nil:
			// The context ended during the poll: the error matches the
			// context's, whatever the poll's own error was.
			return fmt.Errorf("authenta: wait for %s: %w (last poll: %w)", what, ctx.Err(), err)
		case !transientPollError(err):
			return fmt.Errorf("authenta: wait for %s: %w", what, err)
		}
		delay = min(time.Duration(float64(delay)*pollGrowth), o.MaxInterval)
	}
}

// retryAfter returns the delay a 429 or 503 poll asked for, if any.
func retryAfter(err error) time.Duration {
	if err == nil {
		return 0 // every successful poll: before the variable errors.As makes escape
	}
	var ae *APIError
	if errors.As(err, &ae) && (ae.StatusCode == http.StatusTooManyRequests || ae.StatusCode == http.StatusServiceUnavailable) {
		return ae.RetryAfter
	}
	return 0
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

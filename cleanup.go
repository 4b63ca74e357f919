package authenta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// ErrCleanupPending is StepError.Cleanup when Detect returned, its context
// having ended, before its removal of the job it created had finished: the
// removal goes on in the background (see Client.Close and
// DetectOptions.OnCleanup).
var ErrCleanupPending = errors.New("authenta: removing the job in the background")

// cleanups tracks the removals of jobs that Detect left running in the
// background when its caller's context ended.
type cleanups struct {
	mu      sync.Mutex
	closed  bool
	running int
	wg      sync.WaitGroup
}

// start runs f in a tracked goroutine, or reports false (and does nothing)
// once the client is closed.
func (g *cleanups) start(f func()) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.running++
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer func() {
			g.mu.Lock()
			g.running--
			g.mu.Unlock()
		}()
		f()
	}()
	return true
}

// Close waits until the job removals that cancelled Detect calls left
// running in the background have finished (each is bounded: it gives up
// after 15 seconds), or until ctx ends, and closes the idle connections of
// the client's own transport (not those of a WithHTTPClient transport).
// It returns nil when no removal is left, else an error matching ctx's
// error.
//
// Close is meant for a service's graceful shutdown, after its handlers have
// returned. The Client stays usable after Close, but no longer leaves work
// behind: a Detect whose context ends after Close removes its job before
// returning (bounded by the same 15 seconds), so once Close has returned
// nil, no goroutine of the SDK outlives the calls in flight. Close may be
// called more than once.
func (c *Client) Close(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrInvalidArgument)
	}
	g := c.cleanups
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	done := make(chan struct{})
	go func() { // ends when the last removal does, at most cleanupTimeout from now
		g.wg.Wait()
		close(done)
	}()
	defer c.closeIdle()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		n := g.running
		g.mu.Unlock()
		return fmt.Errorf("authenta: close: %d job removal(s) still running: %w", n, ctx.Err())
	}
}

// closeIdle closes the idle connections of the transport the SDK made.
func (c *Client) closeIdle() {
	if c.ownTransport != nil {
		c.ownTransport.CloseIdleConnections()
	}
}

// cleanupJob removes the job a failed Detect created. It waits for the
// removal while ctx lasts; when ctx ends first, the removal goes on in the
// background and cleanupJob returns ErrCleanupPending at once. Either way
// onDone, if set, gets the removal's outcome when it is known. The removal
// never counts in the call's ResponseInfo: that describes the call's own
// failure.
func (c *Client) cleanupJob(ctx context.Context, id string, finalized bool, cs *callSettings, onDone func(jobID string, err error)) error {
	rcs := &callSettings{header: cs.header, retries: cs.retries}
	result := make(chan error, 1)
	run := func() {
		err := c.removeJob(ctx, id, finalized, rcs)
		if onDone != nil {
			onDone(id, err)
		}
		result <- err
	}
	if !c.cleanups.start(run) {
		run() // closed: no background work any more
		return <-result
	}
	if ctx.Err() != nil {
		return ErrCleanupPending // the caller has gone: do not make it wait
	}
	select {
	case err := <-result:
		return err
	case <-ctx.Done():
		select {
		case err := <-result: // finished meanwhile
			return err
		default:
			return ErrCleanupPending
		}
	}
}

// removeJob removes a job after a failed Detect, on a fresh context that
// outlives the caller's cancellation but not by long: a finalized job is
// cancelled first (it may be queued), then deleted.
func (c *Client) removeJob(ctx context.Context, id string, finalized bool, cs *callSettings) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if finalized {
		_, _ = c.Jobs.job(ctx, http.MethodPost, id, "/cancel", cs) // a 409 means it is past cancelling; delete may still work
	}
	err := c.Jobs.delete(ctx, id, cs)
	if errors.Is(err, ErrJobNotFound) {
		return nil
	}
	return err
}

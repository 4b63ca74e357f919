package authenta

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// Reading response bodies. A body is part of the attempt that fetched it:
// the SDK's transport (below the retries) reads a success body that the
// SDK decodes (API answers, the result document) whole, so that a body cut
// by the network fails the attempt, and the retry policy decides, as for
// any connection error. Bodies the SDK does not own (streamed storage
// downloads) are handed over unread, still bounded by idle time.

// defaultReadIdle is how long a response body may stall before the attempt
// is abandoned, unless WithReadIdleTimeout says otherwise.
const defaultReadIdle = time.Minute

// WithReadIdleTimeout bounds how long the SDK waits for the next bytes of a
// response body (default one minute): a body that stalls longer fails its
// attempt, which is retried as a connection error, even when the context
// has no deadline. It bounds idle time, not the whole transfer, so a large
// download that keeps flowing is never cut. 0 removes the bound; a negative
// duration is an error.
func WithReadIdleTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return fmt.Errorf("%w: negative read idle timeout %v", ErrInvalidArgument, d)
		}
		s.readIdle = d
		return nil
	}
}

// errReadIdle ends a body read that stalled past the idle timeout.
var errReadIdle = errors.New("authenta: no response data for the read idle timeout (WithReadIdleTimeout)")

// bodyReadError is a success response whose body could not be read whole:
// the request reached the server and was answered, so a request that is
// not idempotent has happened.
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return "read response body: " + e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

// idleBody is a response body whose every Read is bounded by idle time:
// a Read blocked longer closes the body, which makes the transport close
// the connection and the Read return (net/http allows Close during a Read,
// for HTTP/1 and HTTP/2 alike). Time spent between Reads (the caller's own
// work) does not count. Closing, rather than cancelling the request's
// context, costs the hot path no context of its own per attempt.
type idleBody struct {
	rc    io.ReadCloser
	idle  time.Duration // 0: unbounded
	timer *time.Timer
	fired atomic.Bool
	armed bool // the timer runs: set by Read, cleared by stop
	// late: a Stop of the timer came too late to keep fire from running,
	// so the body is never reused (see idleBodies).
	late bool
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.idle <= 0 {
		return b.rc.Read(p)
	}
	if b.timer == nil {
		b.timer = time.AfterFunc(b.idle, b.fire)
	} else {
		b.timer.Reset(b.idle)
	}
	b.armed = true
	n, err := b.rc.Read(p)
	b.stop()
	if err != nil && err != io.EOF && b.fired.Load() {
		err = errReadIdle
	}
	return n, err
}

func (b *idleBody) fire() {
	b.fired.Store(true)
	_ = b.rc.Close()
}

// stop stops the timer, noting when fire has already been started.
func (b *idleBody) stop() {
	if b.armed {
		b.armed = false
		if !b.timer.Stop() {
			b.late = true
		}
	}
}

func (b *idleBody) Close() error {
	b.stop()
	return b.rc.Close()
}

// idleBodies holds *idleBody values, timer included, for the bodies that
// readResponse reads whole and closes itself: a body goes back only when
// its timer was stopped before fire could start (time.Timer.Stop returned
// true every time), so fire never runs for a reused body's earlier use.
var idleBodies = sync.Pool{New: func() any { return new(idleBody) }}

func getIdleBody(rc io.ReadCloser, idle time.Duration) *idleBody {
	b := idleBodies.Get().(*idleBody)
	b.rc, b.idle = rc, idle
	return b
}

// putIdleBody returns a closed body to idleBodies unless fire may run.
func putIdleBody(b *idleBody) {
	if b.late || b.fired.Load() {
		return
	}
	b.rc = nil
	idleBodies.Put(b)
}

// readResponse is the transport's handling of an attempt's answer: a
// success body the request asked to buffer (st.Buffer) is read whole and
// handed over through st, one it asked to drop (st.Drop) is drained and
// closed; any other body is wrapped to be idle-bounded.
func (t *sdkTransport) readResponse(st *retry.Request, resp *http.Response) (*http.Response, error) {
	success := resp.StatusCode >= 200 && resp.StatusCode <= 299
	switch {
	case resp.Body == http.NoBody:
		return resp, nil // nothing to read, nothing to bound
	case st != nil && st.Drop && st.Buffer <= 0 && success:
		// The caller drops the body: drain it here, as drainClose would
		// after the attempt. A body declared empty is only closed.
		if resp.ContentLength == 0 {
			_ = resp.Body.Close()
		} else {
			body := getIdleBody(resp.Body, t.readIdle)
			drainClose(body)
			putIdleBody(body)
		}
		resp.Body = http.NoBody
		return resp, nil
	case st == nil || st.Buffer <= 0 || !success:
		resp.Body = &idleBody{rc: resp.Body, idle: t.readIdle}
		return resp, nil
	}
	body := getIdleBody(resp.Body, t.readIdle)
	b, more, err := readAtMost(body, resp.ContentLength, st.Buffer)
	_ = body.Close()
	putIdleBody(body)
	switch {
	case err != nil:
		return nil, &bodyReadError{err: err}
	case more:
		return nil, &retry.Permanent{Err: fmt.Errorf("%w: more than %d MiB", errTooLarge, st.Buffer>>20)}
	}
	st.SetBody(b)
	resp.Body = http.NoBody
	return resp, nil
}

// answerLostError is a request that is not idempotent (a POST) whose answer
// was cut by the network: the server got it and acted on it, so it is not
// sent again, and what it answered is unknown.
type answerLostError struct{ err error }

func (e *answerLostError) Error() string {
	return e.err.Error() + " (the request reached the server and was not resent)"
}
func (e *answerLostError) Unwrap() error { return e.err }

// ownedBody is a body read whole inside its attempt, handed over as a
// reader over its bytes, which ownedBytes returns without a copy.
type ownedBody struct {
	b   []byte
	off int // what Read has returned so far
}

func newOwnedBody(b []byte) *ownedBody { return &ownedBody{b: b} }

func (o *ownedBody) Read(p []byte) (int, error) {
	if o.off >= len(o.b) {
		return 0, io.EOF
	}
	n := copy(p, o.b[o.off:])
	o.off += n
	return n, nil
}

func (*ownedBody) Close() error { return nil }

// ownedBytes returns the bytes of an *ownedBody (nil for any other body).
func ownedBytes(body io.ReadCloser) []byte {
	if ob, ok := body.(*ownedBody); ok {
		return ob.b
	}
	return nil
}

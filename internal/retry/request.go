package retry

import (
	"context"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
)

// Request is the state one HTTP request shares, through its context, with
// the retry policy and the SDK's transports: how it may be retried, how
// many retries this call allows, and how many attempts have begun.
type Request struct {
	// The context the request was made with: With returns the Request
	// itself as the request's context, one allocation instead of a
	// context.WithValue beside the Request.
	context.Context

	Mark Mark
	// Max is the number of retries allowed after the first attempt; a
	// negative Max leaves the limit to the retry client.
	Max int
	// Buffer, when positive, has the SDK's transport read a success
	// response's body whole (at most Buffer bytes) inside the attempt, so
	// that a body cut by the network is an error the retry policy sees.
	// The bytes are then handed over with Body. Zero streams the body.
	Buffer int
	// Drop, when set (and Buffer is not), has the SDK's transport drain
	// and close a success response's body inside the attempt, for a
	// request whose caller does not read it (an upload's answer).
	Drop     bool
	body     []byte
	attempts atomic.Int32

	mu         sync.Mutex // guards the last response's status and id
	lastStatus int
	lastID     string

	// trace notes in wrote that an attempt's request headers were
	// written (see TraceWrites); one trace serves every attempt.
	trace httptrace.ClientTrace
	wrote atomic.Bool
}

// TraceWrites returns ctx, which must carry r, with a client trace that
// notes when an attempt's request headers are written: one trace for
// every attempt of the request, where a trace made per attempt would cost
// a copy of the request each time. An attempt calls StartWrite before it
// is sent, and WroteHeaders after it failed. TraceWrites is called once,
// before the first attempt.
func (r *Request) TraceWrites(ctx context.Context) context.Context {
	r.trace.WroteHeaders = func() { r.wrote.Store(true) }
	return httptrace.WithClientTrace(ctx, &r.trace)
}

// Traces reports whether ctx's client trace is r's own (TraceWrites), not
// one that another layer made or composed with it since: only then does
// WroteHeaders tell about the attempt sent with ctx.
func (r *Request) Traces(ctx context.Context) bool {
	return r.trace.WroteHeaders != nil && httptrace.ContextClientTrace(ctx) == &r.trace
}

// StartWrite forgets that an earlier attempt's headers were written. An
// earlier attempt whose write ends late can only make the next one look
// sent (and so not be resent): the safe side.
func (r *Request) StartWrite() { r.wrote.Store(false) }

// WroteHeaders reports whether the headers of the attempt since
// StartWrite were written to a connection.
func (r *Request) WroteHeaders() bool { return r.wrote.Load() }

// Saw records the status and request id of an attempt's response (id ""
// keeps the last one seen).
func (r *Request) Saw(status int, requestID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastStatus = status
	if requestID != "" {
		r.lastID = requestID
	}
}

// Last returns the status of the last response seen (0: none) and the last
// request id a response carried.
func (r *Request) Last() (status int, requestID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastStatus, r.lastID
}

// SetBody keeps the body the transport read for the request's answer.
// Attempts run one after another, so no lock is needed.
func (r *Request) SetBody(b []byte) { r.body = b }

// Body returns the body the transport read, and forgets it.
func (r *Request) Body() []byte {
	b := r.body
	r.body = nil
	return b
}

type requestKey struct{}

// With returns a context that carries r: r itself, over ctx. A Request is
// given to With once.
func With(ctx context.Context, r *Request) context.Context {
	r.Context = ctx
	return r
}

// Value implements context.Context: r for its own key, else ctx's values.
func (r *Request) Value(key any) any {
	if key == (requestKey{}) {
		return r
	}
	return r.Context.Value(key)
}

// From returns the request state ctx carries, or nil.
func From(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// Begin records that attempt i (0-based) is about to be sent. The retry
// client calls it, through its request hook, before every attempt.
func (r *Request) Begin(i int) { r.attempts.Store(int32(i + 1)) }

// Attempts returns how many attempts have begun (0 before the first).
func (r *Request) Attempts() int { return int(r.attempts.Load()) }

// exhausted reports whether the call's own retry budget is spent.
func (r *Request) exhausted() bool { return r.Max >= 0 && r.Attempts() > r.Max }

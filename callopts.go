package authenta

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// CallOption tunes one call (a JobsService or FacesService method, Detect,
// DetectReader, Resume) without changing the Client.
type CallOption func(*callSettings)

// callSettings is what a call's options build.
type callSettings struct {
	header  http.Header // extra headers for API requests
	retries int         // retries after the first attempt; < 0: the client's
	timeout time.Duration
	info    *ResponseInfo
	err     error // the first invalid option

	mu sync.Mutex // guards *info: a call's uploads run concurrently
}

// maxCallRetries bounds WithCallRetries.
const maxCallRetries = 20

// ResponseInfo describes how a call went on the wire. For a call of one
// request it describes that request's last response; for a call made of
// several (Detect, Wait, Result, Resume) the last response, with Attempts
// counting every HTTP attempt of the call and Duration the whole call.
// It is filled whether the call succeeds or fails; fields stay zero when no
// response arrived.
type ResponseInfo struct {
	StatusCode int           `json:"statusCode"`          // of the last response
	RequestID  string        `json:"requestId,omitempty"` // of the last response that carried one (API key redacted)
	Attempts   int           `json:"attempts"`            // HTTP attempts made, retries included
	Duration   time.Duration `json:"durationNs"`          // the whole call
}

// WithCallHeader adds a header to the call's API requests (not to presigned
// storage URLs, whose signatures it could break), e.g. to pass an inbound
// X-Request-Id on. Authorization, Proxy-Authorization, Host, Content-Length
// and Transfer-Encoding are refused, as are names that are not HTTP tokens
// and values with CR, LF or NUL: the call then fails with an error matching
// ErrInvalidArgument before any request.
func WithCallHeader(key, value string) CallOption {
	return func(cs *callSettings) {
		if cs.err != nil {
			return
		}
		if err := checkCallHeader(key, value); err != nil {
			cs.err = err
			return
		}
		if cs.header == nil {
			cs.header = make(http.Header, 1)
		}
		cs.header.Set(key, value)
	}
}

func checkCallHeader(key, value string) error {
	if key == "" {
		return fmt.Errorf("%w: empty call header name", ErrInvalidArgument)
	}
	for i := 0; i < len(key); i++ {
		if !isTokenByte(key[i]) {
			return fmt.Errorf("%w: call header name %q is not an HTTP token", ErrInvalidArgument, truncate(key, 64))
		}
	}
	switch http.CanonicalHeaderKey(key) {
	case "Authorization", "Proxy-Authorization", "Host", "Content-Length", "Transfer-Encoding":
		return fmt.Errorf("%w: call header %s is set by the SDK and cannot be overridden", ErrInvalidArgument, http.CanonicalHeaderKey(key))
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Errorf("%w: call header %s: value contains CR, LF or NUL", ErrInvalidArgument, http.CanonicalHeaderKey(key))
	}
	return nil
}

// isTokenByte reports whether c may appear in an HTTP token (RFC 9110 §5.6.2).
func isTokenByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// WithCallRetries sets how many times each request of this call is retried
// after its first attempt (0 disables retries, at most 20), in place of
// WithMaxRetries and WithUploadRetries. The retry policy (which statuses and
// errors are retried) is unchanged.
func WithCallRetries(n int) CallOption {
	return func(cs *callSettings) {
		if cs.err != nil {
			return
		}
		if n < 0 || n > maxCallRetries {
			cs.err = fmt.Errorf("%w: call retries %d: need 0..%d", ErrInvalidArgument, n, maxCallRetries)
			return
		}
		cs.retries = n
	}
}

// WithCallTimeout bounds the whole call, retries, uploads, waits and result
// download included. It shortens the context's deadline, never extends it.
func WithCallTimeout(d time.Duration) CallOption {
	return func(cs *callSettings) {
		if cs.err != nil {
			return
		}
		if d <= 0 {
			cs.err = fmt.Errorf("%w: non-positive call timeout %v", ErrInvalidArgument, d)
			return
		}
		cs.timeout = d
	}
}

// WithResponseInfo fills dst when the call returns, whether it succeeded or
// failed (see ResponseInfo).
func WithResponseInfo(dst *ResponseInfo) CallOption {
	return func(cs *callSettings) { cs.info = dst }
}

// noCall is the settings of a call without options.
var noCall = &callSettings{retries: -1}

// startCall begins a public call: it checks ctx and the options and applies
// the call's timeout. end must be called when the call returns.
func (c *Client) startCall(ctx context.Context, opts []CallOption) (_ context.Context, _ *callSettings, end func(), _ error) {
	if ctx == nil {
		return nil, nil, nil, fmt.Errorf("%w: nil context", ErrInvalidArgument)
	}
	if len(opts) == 0 {
		return ctx, noCall, func() {}, nil
	}
	cs := &callSettings{retries: -1}
	for _, o := range opts {
		if o != nil {
			o(cs)
		}
	}
	if cs.err != nil {
		return nil, nil, nil, cs.err
	}
	var cancel context.CancelFunc = func() {}
	if cs.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, cs.timeout)
	}
	var start time.Time
	if cs.info != nil {
		*cs.info = ResponseInfo{}
		start = c.clock.Now()
	}
	return ctx, cs, func() {
		cancel()
		if cs.info != nil {
			d := c.clock.Now().Sub(start)
			cs.mu.Lock()
			cs.info.Duration = d
			cs.mu.Unlock()
		}
	}, nil
}

// record notes one request's outcome in the call's ResponseInfo.
func (cs *callSettings) record(status int, requestID string, attempts int) {
	if cs.info == nil {
		return
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if status != 0 {
		cs.info.StatusCode = status
	}
	if requestID != "" {
		cs.info.RequestID = requestID
	}
	cs.info.Attempts += attempts
}

package authenta

import (
	"fmt"
	"net/http"
)

// Middleware wraps every HTTP attempt the client makes: API requests and
// presigned storage uploads and downloads, each retry separately. It gets
// the attempt's request and next, which sends it on; it returns next's
// response (or its own) and error. Typical uses are tracing spans, metrics
// and extra headers.
//
// Middleware runs below the retries and above authentication: the request
// it sees has no Authorization header (the key is added after it), and
// the response's Request field is the request it passed to next. The
// request's Header is the attempt's own copy, so a middleware may set
// headers on it directly; anything else it changes, it should change on a
// clone (req.Clone). A storage request's URL carries a presigned query
// string, which is a credential: do not log req.URL whole (use URL.Path, or
// URL.Redacted is NOT enough: it keeps the query).
type Middleware func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error)

// WithMiddleware adds middleware around every HTTP attempt, API and
// storage (see Middleware). The first one given is the outermost. Several
// WithMiddleware options add up in order. A nil middleware is an error.
func WithMiddleware(mw ...Middleware) Option {
	return func(s *settings) error {
		for i, m := range mw {
			if m == nil {
				return fmt.Errorf("%w: middleware %d is nil", ErrInvalidArgument, i)
			}
		}
		s.middleware = append(s.middleware, mw...)
		return nil
	}
}

// middlewareTransport runs the client's middleware around one attempt,
// above the auth transport (so no middleware sees the key).
type middlewareTransport struct {
	mw   []Middleware
	next http.RoundTripper
}

// withMiddleware returns rt wrapped in mw, or rt when there is none.
func withMiddleware(rt http.RoundTripper, mw []Middleware) http.RoundTripper {
	if len(mw) == 0 {
		return rt
	}
	return &middlewareTransport{mw: mw, next: rt}
}

func (t *middlewareTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	// The retry client sends the same *http.Request on every attempt: give
	// each attempt its own header map, so headers a middleware sets do not
	// pile up, and the caller's request is never changed.
	r2 := new(http.Request)
	*r2 = *r
	r2.Header = r.Header.Clone()
	if r2.Header == nil {
		r2.Header = make(http.Header)
	}
	return t.call(0, r2)
}

func (t *middlewareTransport) call(i int, r *http.Request) (*http.Response, error) {
	if i == len(t.mw) {
		resp, err := t.next.RoundTrip(r)
		if resp != nil {
			// The response below points at the request the auth transport
			// sent, Authorization included: hand the middleware its own.
			resp.Request = r
		}
		return resp, err
	}
	return t.mw[i](r, func(r *http.Request) (*http.Response, error) {
		if r == nil {
			return nil, fmt.Errorf("%w: middleware passed a nil request", ErrInvalidArgument)
		}
		return t.call(i+1, r)
	})
}

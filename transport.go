package authenta

import (
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// sdkTransport sits directly above the base transport, below auth, for API
// and storage requests alike. It marks errors that happened before a
// non-idempotent request was sent (so the retry policy may resend it), and
// writes one Debug record per attempt when a logger is set. It reads the
// answer's body as part of the attempt (see readResponse), and bounds every
// body read by idle time.
type sdkTransport struct {
	base     http.RoundTripper
	logger   *slog.Logger  // nil: no logging
	key      secret        // the API key, redacted from what is logged
	readIdle time.Duration // 0: body reads are not bounded
}

func (t *sdkTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	st := retry.From(ctx)
	var (
		wrote  *atomic.Bool
		shared bool // st's trace (made once per request by do) tells
	)
	if tracesWrites(r.Method) {
		if st != nil && st.Traces(ctx) {
			shared = true
			st.StartWrite()
		} else {
			wrote = new(atomic.Bool)
			r = r.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
				WroteHeaders: func() { wrote.Store(true) },
			}))
		}
	}
	logging := t.logger != nil && t.logger.Enabled(ctx, slog.LevelDebug)
	var start time.Time
	if logging {
		start = time.Now()
	}
	resp, err := t.base.RoundTrip(r)
	if resp != nil && st != nil {
		st.Saw(resp.StatusCode, responseRequestID(resp.Header)) // for ResponseInfo when the call then fails
	}
	switch {
	case err != nil:
		if (wrote != nil && !wrote.Load()) || (shared && !st.WroteHeaders()) {
			err = &retry.NotSentError{Err: err}
		}
	case resp.Body != nil:
		resp, err = t.readResponse(st, resp)
	}
	if logging {
		t.log(r, resp, err, time.Since(start))
	}
	return resp, err
}

// tracesWrites reports whether requests of a method are traced to tell
// whether they were sent: those that are not idempotent (a POST that
// failed before it was sent may be sent again).
func tracesWrites(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodDelete && method != http.MethodPut
}

func (t *sdkTransport) log(r *http.Request, resp *http.Response, err error, d time.Duration) {
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs,
		slog.String("method", r.Method),
		slog.String("url", redactURL(r.URL)),
		slog.Duration("duration", d),
		slog.Int("attempt", attemptOf(r)),
	)
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if id := responseRequestID(resp.Header); id != "" {
			attrs = append(attrs, slog.String("request_id", cleanRequestID(id, t.key)))
		}
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", sanitizeError(err, t.key).Error()))
	}
	t.logger.LogAttrs(r.Context(), slog.LevelDebug, "authenta: http attempt", attrs...)
}

// attemptOf returns the number of the attempt r is (1 for the first).
func attemptOf(r *http.Request) int {
	if st := retry.From(r.Context()); st != nil && st.Attempts() > 0 {
		return st.Attempts()
	}
	return 1
}

// responseRequestID returns the request id a response carries, if any.
func responseRequestID(h http.Header) string {
	for _, k := range requestIDHeaders {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

package retry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExponentialBounds(t *testing.T) {
	t.Parallel()
	tests := []struct{ min, max time.Duration }{
		{time.Millisecond, 5 * time.Millisecond},
		{500 * time.Millisecond, 8 * time.Second},
		{time.Second, time.Second},
		{3 * time.Millisecond, time.Hour},
		{time.Hour, 1<<63 - 1},
		{1, 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v..%v", tt.min, tt.max), func(t *testing.T) {
			t.Parallel()
			prevFloor := time.Duration(0)
			for attempt := 0; attempt <= 70; attempt++ {
				ceil := tt.max // min·2^attempt, capped at max, computed without overflow
				if float64(tt.min)*math.Pow(2, float64(attempt)) < float64(tt.max) {
					ceil = tt.min << attempt
				}
				floor := max(ceil/2, tt.min)
				for range 50 {
					d := Exponential(tt.min, tt.max, attempt)
					require.GreaterOrEqual(t, d, tt.min, "attempt %d", attempt)
					require.LessOrEqual(t, d, tt.max, "attempt %d", attempt)
					require.GreaterOrEqual(t, d, floor, "attempt %d: jitter stays in the upper half", attempt)
					require.LessOrEqual(t, d, ceil, "attempt %d: at most min*2^attempt", attempt)
				}
				assert.GreaterOrEqual(t, floor, prevFloor, "the wait grows with the attempt")
				prevFloor = floor
			}
		})
	}
}

func TestExponentialGrowsAndJitters(t *testing.T) {
	t.Parallel()
	const lo, hi = 10 * time.Millisecond, 10 * time.Second
	mean := func(attempt int) time.Duration {
		var sum time.Duration
		for range 200 {
			sum += Exponential(lo, hi, attempt)
		}
		return sum / 200
	}
	for a := 0; a < 9; a++ {
		assert.Greater(t, mean(a+1), mean(a), "attempt %d", a+1)
	}
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[Exponential(lo, hi, 5)] = true
	}
	assert.Greater(t, len(seen), 1, "jittered")
	assert.Zero(t, Exponential(0, time.Second, 3))
	assert.Zero(t, Exponential(-time.Second, time.Second, 3))
}

func response(status int, retryAfter string) *http.Response {
	h := http.Header{}
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return &http.Response{StatusCode: status, Header: h}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	p := &Policy{MaxWait: time.Minute, Now: func() time.Time { return now }}
	const lo, hi = time.Millisecond, 4 * time.Millisecond
	tests := []struct {
		name   string
		resp   *http.Response
		exact  time.Duration // 0: exponential between lo and hi
		maxArg time.Duration
	}{
		{"no response", nil, 0, hi},
		{"500 ignores Retry-After", response(500, "30"), 0, hi},
		{"502", response(502, ""), 0, hi},
		{"429 without Retry-After", response(429, ""), 0, hi},
		{"429 seconds", response(429, "2"), 2 * time.Second, time.Minute},
		{"503 seconds", response(503, "3"), 3 * time.Second, time.Minute},
		{"429 capped at max", response(429, "30"), 10 * time.Second, 10 * time.Second},
		{"503 HTTP-date", response(503, now.Add(7*time.Second).Format(http.TimeFormat)), 7 * time.Second, time.Minute},
		{"429 zero falls back", response(429, "0"), 0, hi},
		{"429 past date falls back", response(429, now.Add(-time.Hour).Format(http.TimeFormat)), 0, hi},
		{"429 garbage falls back", response(429, "soon"), 0, hi},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for attempt := range 4 {
				d := p.Backoff(lo, tt.maxArg, attempt, tt.resp)
				if tt.exact != 0 {
					assert.Equal(t, tt.exact, d)
					continue
				}
				assert.GreaterOrEqual(t, d, lo)
				assert.LessOrEqual(t, d, hi)
			}
		})
	}
}

func TestCheckRetry(t *testing.T) {
	t.Parallel()
	p := &Policy{MaxWait: 10 * time.Second}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	plain := errors.New("connection reset by peer")
	tests := []struct {
		name           string
		resp           *http.Response
		err            error
		idem, nonIdem  bool
		once           bool
		cancelledRetry bool
	}{
		{"transport error", nil, &url.Error{Op: "Get", URL: "https://x", Err: plain}, true, false, false, false},
		{"bare error", nil, plain, true, false, false, false},
		{"not sent", nil, &NotSentError{Err: plain}, true, true, false, false},
		{"not sent, wrapped", nil, &url.Error{Op: "Post", URL: "https://x", Err: &NotSentError{Err: plain}}, true, true, false, false},
		{"permanent", nil, &Permanent{Err: plain}, false, false, false, false},
		{"not sent but permanent", nil, &NotSentError{Err: &Permanent{Err: plain}}, false, false, false, false},
		{"unknown authority", nil, &url.Error{Op: "Get", URL: "https://x", Err: x509.UnknownAuthorityError{}}, false, false, false, false},
		{"certificate verification", nil, &url.Error{Op: "Get", URL: "https://x", Err: &tls.CertificateVerificationError{Err: x509.HostnameError{Host: "x"}}}, false, false, false, false},
		{"not sent, bad certificate", nil, &NotSentError{Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, false, false, false, false},
		{"too many redirects", nil, &url.Error{Op: "Get", URL: "https://x", Err: errors.New("stopped after 10 redirects")}, false, false, false, false},
		{"bad scheme", nil, &url.Error{Op: "Get", URL: "ftp://x", Err: errors.New("unsupported protocol scheme \"ftp\"")}, false, false, false, false},
		{"429", response(429, ""), nil, true, true, false, false},
		{"503", response(503, ""), nil, true, true, false, false},
		{"429 short Retry-After", response(429, "5"), nil, true, true, false, false},
		{"503 Retry-After at max", response(503, "10"), nil, true, true, false, false},
		{"429 Retry-After above max", response(429, "11"), nil, false, false, false, false},
		{"503 Retry-After above max", response(503, "3600"), nil, false, false, false, false},
		{"500", response(500, ""), nil, true, false, false, false},
		{"500 with long Retry-After", response(500, "3600"), nil, true, false, false, false},
		{"502", response(502, ""), nil, true, false, false, false},
		{"504", response(504, ""), nil, true, false, false, false},
		{"501", response(501, ""), nil, false, false, false, false},
		{"505", response(505, ""), nil, false, false, false, false},
		{"200", response(200, ""), nil, false, false, false, false},
		{"204", response(204, ""), nil, false, false, false, false},
		{"400", response(400, ""), nil, false, false, false, false},
		{"401", response(401, ""), nil, false, false, false, false},
		{"402", response(402, ""), nil, false, false, false, false},
		{"403", response(403, ""), nil, false, false, false, false},
		{"404", response(404, ""), nil, false, false, false, false},
		{"408", response(408, ""), nil, false, false, false, false},
		{"409", response(409, ""), nil, false, false, false, false},
		{"422", response(422, ""), nil, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, m := range []struct {
				mark Mark
				want bool
			}{{Idempotent, tt.idem}, {NonIdempotent, tt.nonIdem}, {Once, tt.once}} {
				ok, err := p.CheckRetry(WithMark(context.Background(), m.mark), tt.resp, tt.err)
				assert.Equal(t, m.want, ok, "mark %d", m.mark)
				assert.NoError(t, err, "mark %d", m.mark)

				ok, err = p.CheckRetry(WithMark(cancelled, m.mark), tt.resp, tt.err)
				assert.False(t, ok, "never after the context ends (mark %d)", m.mark)
				assert.ErrorIs(t, err, context.Canceled)
			}
		})
	}
}

func TestWithMarkIdempotentIsTheDefault(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assert.Equal(t, ctx, WithMark(ctx, Idempotent), "no allocation for the default")
	p := &Policy{MaxWait: time.Second}
	ok, _ := p.CheckRetry(ctx, response(500, ""), nil)
	assert.True(t, ok)
}

func TestErrorWrappers(t *testing.T) {
	t.Parallel()
	inner := errors.New("inner")
	for _, err := range []error{&NotSentError{Err: inner}, &Permanent{Err: inner}} {
		assert.Equal(t, "inner", err.Error())
		assert.ErrorIs(t, err, inner)
	}
}

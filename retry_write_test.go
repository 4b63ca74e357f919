package authenta_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// scriptedWrites is a base transport whose n-th attempt (from 0) either
// "writes" the request (calls the trace's WroteHeaders, as net/http does
// once the headers are on the connection) and answers status, or fails
// before writing anything (status 0), or after writing it (status -1).
type scriptedWrites struct {
	mu       sync.Mutex
	statuses []int
	n        int
}

func (s *scriptedWrites) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	i := s.n
	s.n++
	s.mu.Unlock()
	if i >= len(s.statuses) || s.statuses[i] == 0 {
		return nil, errors.New("connection refused (nothing written)")
	}
	if tr := httptrace.ContextClientTrace(r.Context()); tr != nil && tr.WroteHeaders != nil {
		tr.WroteHeaders()
	}
	if s.statuses[i] < 0 {
		return nil, errors.New("connection reset (after the request was written)")
	}
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
	}
	body := `{"id":"7","status":"queued"}`
	if s.statuses[i] != http.StatusOK {
		body = `{"message":"busy"}`
	}
	return &http.Response{StatusCode: s.statuses[i], Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader([]byte(body))), ContentLength: int64(len(body)), Request: r}, nil
}

func (s *scriptedWrites) attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// TestPOSTAttemptAfterAWrittenOneStartsUnsent: an attempt of a POST that
// fails before it is written may be sent again even when the attempt
// before it was written (and answered 503): what one attempt wrote does
// not make the next look sent. And one that fails after it was written is
// not sent again.
func TestPOSTAttemptAfterAWrittenOneStartsUnsent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		statuses []int
		wantErr  bool
		attempts int
	}{
		{"503 written, then refused before writing, then 200", []int{503, 0, 200}, false, 3},
		{"refused, refused, 200", []int{0, 0, 200}, false, 3},
		{"refused, then reset after writing: not sent again", []int{0, -1, 200}, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, mw := range []bool{false, true} {
				rt := &scriptedWrites{statuses: tt.statuses}
				opts := []authenta.Option{authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey), authenta.WithBaseURL(testAPIBase),
					authenta.WithHTTPClient(&http.Client{Transport: rt}),
					authenta.WithMaxRetries(3), authenta.WithRetryWait(time.Millisecond, 2*time.Millisecond)}
				if mw {
					// Middleware that puts a trace of its own over the
					// request's: the SDK's transport traces the attempt itself.
					opts = append(opts, authenta.WithMiddleware(func(r *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
						return next(r.WithContext(httptrace.WithClientTrace(r.Context(), &httptrace.ClientTrace{})))
					}))
				}
				c, err := authenta.NewClient(opts...)
				require.NoError(t, err)
				_, err = c.Jobs.Finalize(t.Context(), "7")
				if tt.wantErr {
					require.Error(t, err, "middleware %v", mw)
				} else {
					require.NoError(t, err, "middleware %v", mw)
				}
				assert.Equal(t, tt.attempts, rt.attempts(), "middleware %v", mw)
			}
		})
	}
}

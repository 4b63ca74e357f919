package authenta_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// attemptLog is what a test middleware saw.
type attemptLog struct {
	mu       sync.Mutex
	attempts []string // "METHOD path -> status"
	leaks    []string // anything that carried the key
}

func (l *attemptLog) middleware(key string) authenta.Middleware {
	return func(r *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		check := func(where string, h http.Header) {
			for k, vs := range h {
				for _, v := range vs {
					if strings.EqualFold(k, "Authorization") || strings.Contains(v, key) {
						l.mu.Lock()
						l.leaks = append(l.leaks, where+" "+k)
						l.mu.Unlock()
					}
				}
			}
		}
		check("request", r.Header)
		r.Header.Set("X-Trace-Id", "trace-1") // a middleware may set headers on its request
		r.Header.Add("X-Hop", "1")            // must not pile up over retries
		resp, err := next(r)
		status := 0
		if resp != nil {
			status = resp.StatusCode
			check("response.Request", resp.Request.Header)
		}
		l.mu.Lock()
		l.attempts = append(l.attempts, r.Method+" "+r.URL.Path+" -> "+http.StatusText(status))
		l.mu.Unlock()
		return resp, err
	}
}

// TestMiddlewareSeesEveryAttempt: middleware wraps every HTTP attempt,
// API and storage, retries included; it never sees the key; headers it
// sets reach the server; it observes the responses.
func TestMiddlewareSeesEveryAttempt(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	var outer, inner attemptLog
	var order []string
	var mu sync.Mutex
	mark := func(name string) authenta.Middleware {
		return func(r *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return next(r)
		}
	}
	c := srv.Client(authenta.WithMiddleware(outer.middleware(srv.APIKey()), mark("a")), authenta.WithMiddleware(mark("b"), inner.middleware(srv.APIKey())))
	srv.Fail(authentatest.RouteCreate, 503)
	srv.Fail(authentatest.RouteUpload, 500)
	_, err := c.DetectReader(t.Context(), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, nil)
	require.NoError(t, err)

	all := srv.Requests()
	for _, l := range []*attemptLog{&outer, &inner} {
		l.mu.Lock()
		assert.Len(t, l.attempts, len(all), "one call per attempt: %v", l.attempts)
		assert.Empty(t, l.leaks, "middleware saw the key")
		assert.Contains(t, l.attempts, "POST /api/v1/jobs -> Service Unavailable")
		assert.Contains(t, l.attempts, "POST /api/v1/jobs -> OK")
		l.mu.Unlock()
	}
	var storage int
	for _, r := range all {
		assert.Equal(t, "trace-1", r.Header.Get("X-Trace-Id"), "%s %s", r.Method, r.Path)
		assert.Equal(t, []string{"1", "1"}, r.Header.Values("X-Hop"), "one per middleware, not per retry")
		if r.Host == authentatest.HostAPI {
			assert.True(t, r.AuthValid, "the key is still added below the middleware")
		} else {
			storage++
			assert.False(t, r.HadAuth)
		}
	}
	assert.Equal(t, 3, storage, "upload (twice) and result download")
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, order)
	assert.Equal(t, []string{"a", "b"}, order[:2], "the first middleware given is the outermost")
}

// TestMiddlewareCanAnswer: a middleware may end an attempt itself; its
// error goes through the retry policy like a transport's.
func TestMiddlewareCanAnswer(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	errBlocked := errors.New("blocked by policy")
	var calls int
	var mu sync.Mutex
	c := srv.Client(authenta.WithMaxRetries(0), authenta.WithMiddleware(func(r *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return nil, errBlocked
	}))
	_, err := c.Jobs.List(t.Context(), nil)
	require.ErrorIs(t, err, errBlocked)
	assert.Zero(t, srv.Count(authentatest.RouteAll))
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 1, calls)
}

func TestWithMiddlewareNil(t *testing.T) {
	t.Parallel()
	_, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey), authenta.WithMiddleware(nil))
	require.ErrorIs(t, err, authenta.ErrInvalidArgument)
}

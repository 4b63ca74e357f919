package authenta_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// rawJobServer is an HTTP/1.1 server on a raw listener: it reads each
// request whole, counts the finalize of each job, and then either answers
// 200 with the job (keeping the connection) or resets the connection, for
// the jobs reset says so. No request it read is ever answered twice.
type rawJobServer struct {
	ln    net.Listener
	reset func(id int) bool
	wg    sync.WaitGroup

	mu       sync.Mutex
	received map[int]int
	conns    []net.Conn
}

func newRawJobServer(t *testing.T, reset func(id int) bool) *rawJobServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &rawJobServer{ln: ln, reset: reset, received: map[int]int{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		_ = ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *rawJobServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *rawJobServer) serve(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		r, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		id, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/jobs/"), "/finalize"))
		s.mu.Lock()
		s.received[id]++
		s.mu.Unlock()
		if s.reset(id) {
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset, not a clean close
			}
			return
		}
		body := fmt.Sprintf(`{"id":"%d","status":"queued"}`, id)
		if _, err := fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body); err != nil {
			return
		}
	}
}

func (s *rawJobServer) count(id int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received[id]
}

// TestPOSTWrittenIsNeverResentOnARealNetwork runs finalize POSTs from many
// goroutines sharing one client over real connections, where every third
// dial is refused (nothing written: the POST is sent again) and the
// server resets the connection of every odd job after reading its request
// (written: never sent again, the call fails). It does so with the SDK's
// one trace per request, under middleware that puts its own trace over it
// on each attempt, and under a caller's context that carries a trace of
// its own. Every job's finalize reaches the server exactly once.
func TestPOSTWrittenIsNeverResentOnARealNetwork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		middleware bool
		callerHook bool
	}{
		{"the SDK's trace", false, false},
		{"middleware with a trace of its own", true, false},
		{"a caller's trace in the context", false, true},
		{"both", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newRawJobServer(t, func(id int) bool { return id%2 == 1 })
			var dials atomic.Int32
			d := &net.Dialer{}
			tr := &http.Transport{
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					if dials.Add(1)%3 == 0 {
						return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
					}
					return d.DialContext(ctx, network, addr)
				},
				MaxIdleConnsPerHost: 64,
			}
			t.Cleanup(tr.CloseIdleConnections)
			opts := []authenta.Option{authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey),
				authenta.WithBaseURL("http://" + srv.ln.Addr().String()),
				authenta.WithHTTPClient(&http.Client{Transport: tr}),
				authenta.WithMaxRetries(6), authenta.WithRetryWait(time.Millisecond, 2*time.Millisecond)}
			var mwHooks atomic.Int32
			if tt.middleware {
				opts = append(opts, authenta.WithMiddleware(func(r *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
					return next(r.WithContext(httptrace.WithClientTrace(r.Context(), &httptrace.ClientTrace{
						WroteHeaders: func() { mwHooks.Add(1) },
					})))
				}))
			}
			c, err := authenta.NewClient(opts...)
			require.NoError(t, err)

			const jobs = 64
			errs := make([]error, jobs+1)
			var callerHooks atomic.Int32
			var wg sync.WaitGroup
			for id := 1; id <= jobs; id++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ctx := t.Context()
					if tt.callerHook {
						ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { callerHooks.Add(1) }})
					}
					_, errs[id] = c.Jobs.Finalize(ctx, strconv.Itoa(id))
				}()
			}
			wg.Wait()
			require.Greater(t, dials.Load(), int32(3), "some dials were refused")
			for id := 1; id <= jobs; id++ {
				assert.Equal(t, 1, srv.count(id), "job %d's finalize reached the server once", id)
				if id%2 == 1 {
					assert.Error(t, errs[id], "job %d: reset after it was written", id)
				} else {
					assert.NoError(t, errs[id], "job %d", id)
				}
			}
			if tt.middleware {
				assert.GreaterOrEqual(t, mwHooks.Load(), int32(jobs), "the middleware's own trace was called")
			}
			if tt.callerHook {
				assert.GreaterOrEqual(t, callerHooks.Load(), int32(jobs), "the caller's trace was called")
			}
		})
	}
}

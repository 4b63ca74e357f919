package authenta_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestUploadAnswerHostile: a 200 answer to a PUT that never ends (chunked,
// written until the connection goes), one cut by a reset mid-body, and one
// chunked in small flushed pieces are drained inside the attempt and
// dropped: the upload succeeds, sent once, and returns.
func TestUploadAnswerHostile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request, done <-chan struct{})
	}{
		{"endless chunked", func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
			chunk := bytes.Repeat([]byte("<Etag>x</Etag>"), 2000)
			for {
				select {
				case <-done:
					return
				case <-r.Context().Done():
					return
				default:
				}
				if _, err := w.Write(chunk); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}},
		{"cut by a reset mid-body", func(w http.ResponseWriter, _ *http.Request, _ <-chan struct{}) {
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			_, _ = brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<Result>")
			_ = brw.Flush()
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
		}},
		{"chunked in small pieces", func(w http.ResponseWriter, _ *http.Request, _ <-chan struct{}) {
			for i := range 50 {
				_, _ = fmt.Fprintf(w, "<Part>%d</Part>", i)
				w.(http.Flusher).Flush()
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			done := make(chan struct{})
			var puts atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				puts.Add(1)
				_, _ = io.Copy(io.Discard, r.Body)
				tt.answer(w, r, done)
			}))
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(done) })
			c := storageClient(t, authenta.WithReadIdleTimeout(time.Second))
			t.Cleanup(func() { _ = c.Close(t.Context()) })
			data := testData(4096)
			err := c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: srv.URL + "/k?" + presignQuery}, bytes.NewReader(data), int64(len(data)), "image/jpeg")
			require.NoError(t, err)
			assert.Equal(t, int32(1), puts.Load())
		})
	}
}

// TestPooledBodiesUnderConcurrentStalls: upload answers that trickle at
// about the read idle time (so that idle timers fire, or are stopped too
// late, at every point of a read) run beside Gets of another client that
// does not retry. The bodies of both come from one pool: a body returned
// while its timer could still fire would close, or read into, a Get's
// body. Every Get gets its own job, whole.
func TestPooledBodiesUnderConcurrentStalls(t *testing.T) {
	t.Parallel()
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Length", "40")
		w.WriteHeader(http.StatusOK)
		for range 40 {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(time.Millisecond)
		}
	}))
	t.Cleanup(storage.Close)
	message := func(id string) string { return strings.Repeat("job "+id+";", 300) }
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		w.Header().Set("Content-Type", "application/json")
		bw := bufio.NewWriterSize(w, 64) // the body in many small writes
		_, _ = fmt.Fprintf(bw, `{"id":%q,"status":"processing","message":%q}`, id, message(id))
		_ = bw.Flush()
	}))
	t.Cleanup(api.Close)

	uploader := storageClient(t, authenta.WithReadIdleTimeout(time.Millisecond), authenta.WithMaxRetries(0))
	t.Cleanup(func() { _ = uploader.Close(t.Context()) })
	getter, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey),
		authenta.WithBaseURL(api.URL), authenta.WithMaxRetries(0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = getter.Close(t.Context()) })

	const workers, rounds = 8, 25
	type got struct {
		id, gotID, msg string
		err            error
	}
	gets := make([]got, workers*rounds)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			data := testData(512)
			for range rounds {
				// Its outcome does not matter: only what it does to the pool.
				_ = uploader.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: storage.URL + "/k?" + presignQuery},
					bytes.NewReader(data), int64(len(data)), "image/jpeg")
			}
		}()
		go func() {
			defer wg.Done()
			for i := range rounds {
				g := &gets[w*rounds+i]
				g.id = strconv.Itoa(w*rounds + i + 1)
				j, err := getter.Jobs.Get(t.Context(), g.id)
				g.err = err
				if err == nil {
					g.gotID, g.msg = j.ID, j.Message
				}
			}
		}()
	}
	wg.Wait()
	for _, g := range gets {
		require.NoError(t, g.err, "Get %s", g.id)
		assert.Equal(t, g.id, g.gotID)
		assert.Equal(t, message(g.id), g.msg, "Get %s: its own body, whole", g.id)
	}
}

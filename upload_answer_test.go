package authenta_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestUploadAnswerBodyIsDrainedAndBounded: the storage host's answer to a
// PUT is drained inside the attempt, whatever it holds: a large body, a
// body declared empty, or one that stalls after its first bytes (bounded
// by the read idle timeout; the upload itself succeeded, as before), one
// that never ends, one cut by a reset and one in small chunks. Each answer
// is a 200, so the PUT is sent once.
func TestUploadAnswerBodyIsDrainedAndBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, done <-chan struct{})
	}{
		{"empty", func(http.ResponseWriter, <-chan struct{}) {}},
		{"large", func(w http.ResponseWriter, _ <-chan struct{}) {
			_, _ = io.WriteString(w, strings.Repeat("<Etag>x</Etag>", 10000))
		}},
		{"stalls", func(w http.ResponseWriter, done <-chan struct{}) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "<Result>")
			w.(http.Flusher).Flush()
			<-done // until the test ends: only the idle bound lets Upload return
		}},
		{"endless chunked", func(w http.ResponseWriter, done <-chan struct{}) {
			chunk := bytes.Repeat([]byte("<Etag>x</Etag>"), 2000)
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := w.Write(chunk); err != nil {
					return // the client closed it after draining a little
				}
				w.(http.Flusher).Flush()
			}
		}},
		{"cut by a reset mid-body", func(w http.ResponseWriter, _ <-chan struct{}) {
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			_, _ = brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<Result>")
			_ = brw.Flush()
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset, not a clean close
			}
		}},
		{"chunked in small pieces", func(w http.ResponseWriter, _ <-chan struct{}) {
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
				tt.answer(w, done)
			}))
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(done) })
			c := storageClient(t, authenta.WithReadIdleTimeout(50*time.Millisecond))
			data := testData(4096)
			err := c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: srv.URL + "/k?" + presignQuery}, bytes.NewReader(data), int64(len(data)), "image/jpeg")
			require.NoError(t, err)
			assert.Equal(t, int32(1), puts.Load())
		})
	}
}

package authenta

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProgressOfAFileSentBySendfile: an upload of a file with a progress
// callback still goes by sendfile (net/http's transport takes the body's
// SyscallConn, on every attempt), and its progress, read from the file's
// offset while the kernel sends, holds to the rules of progress: each
// attempt starts at 0, only grows, and ends at the total; and reports come
// along the way, not only at the end. The server reads slowly, so each
// send lasts several sampling periods (at least 150 sleeps of 1 ms for what
// the socket buffers cannot hold); the server checks every byte. Over TLS
// net/http reads the body itself (no sendfile), and Read counts it.
func TestProgressOfAFileSentBySendfile(t *testing.T) {
	t.Parallel()
	if !offsetProgress {
		t.Skip("progress is read from the file's offset on Linux, with Go 1.25 or later, only")
	}
	const size = 24<<20 + 5
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i*131 + i>>11)
	}
	path := filepath.Join(t.TempDir(), "clip.mp4")
	require.NoError(t, os.WriteFile(path, data, 0o600))

	tests := []struct {
		name  string
		own   bool // Detect's own handle (ownFile), else a caller's *os.File
		fails int  // attempts answered 500 before one succeeds
		tls   bool // HTTPS: no sendfile, the bytes pass through Read
	}{
		{"caller's file", false, 0, false},
		{"caller's file, retried", false, 1, false},
		{"Detect's own file", true, 0, false},
		{"Detect's own file, retried", true, 1, false},
		{"Detect's own file over TLS, retried", true, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu       sync.Mutex
				attempts int
				bad      []string
			)
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var got bytes.Buffer
				buf := make([]byte, 64<<10)
				for {
					n, err := r.Body.Read(buf)
					got.Write(buf[:n])
					if err != nil {
						break
					}
					time.Sleep(time.Millisecond)
				}
				mu.Lock()
				attempts++
				n := attempts
				if !bytes.Equal(got.Bytes(), data) {
					bad = append(bad, "attempt with wrong bytes")
				}
				mu.Unlock()
				if n <= tt.fails {
					w.WriteHeader(http.StatusInternalServerError)
				}
			}))
			tr := http.DefaultTransport.(*http.Transport).Clone()
			if tt.tls {
				srv.StartTLS()
				tr.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig
			} else {
				srv.Start()
			}
			t.Cleanup(srv.Close)
			t.Cleanup(tr.CloseIdleConnections)
			rec := &BodyRecorder{Base: tr}
			c, err := NewClient(WithoutEnvironment(), WithAPIKey("sk_test_progress"), WithBaseURL("http://127.0.0.1:1"),
				WithHTTPClient(&http.Client{Transport: rec}), WithRetryWait(time.Millisecond, 5*time.Millisecond))
			require.NoError(t, err)

			f, err := os.Open(path)
			require.NoError(t, err)
			t.Cleanup(func() { _ = f.Close() })
			var opened os.FileInfo
			if tt.own {
				opened, err = f.Stat()
				require.NoError(t, err)
			}
			var (
				pmu     sync.Mutex
				reports []int64
			)
			prog := newProgress(func(slot string, sent, total int64) {
				pmu.Lock()
				defer pmu.Unlock()
				if slot == "original" && total == size {
					reports = append(reports, sent)
				} else {
					reports = append(reports, -1)
				}
			}, "original", size)
			err = c.putPresignedWith(t.Context(), srv.URL+"/bucket/in/clip.mp4?X-Amz-Signature=abc", presignedHeader{contentType: "video/mp4"},
				f, size, uploadName{verb: "upload", name: "original"}, nil, prog, opened)
			require.NoError(t, err)

			mu.Lock()
			assert.Empty(t, bad)
			assert.Equal(t, tt.fails+1, attempts)
			mu.Unlock()

			bodies := rec.Seen()
			require.Len(t, bodies, tt.fails+1)
			for i, b := range bodies {
				pf, ok := b.(*progressFile)
				require.True(t, ok, "attempt %d: body %T, want a *progressFile", i+1, b)
				if tt.tls {
					assert.Zero(t, pf.sendfiles.Load(), "attempt %d: sendfile under TLS", i+1)
				} else {
					assert.Positive(t, pf.sendfiles.Load(), "attempt %d: net/http did not take the sendfile path", i+1)
				}
			}

			pmu.Lock()
			defer pmu.Unlock()
			var att [][]int64
			for _, r := range reports {
				require.GreaterOrEqual(t, r, int64(0), "a report for another slot or total: %v", reports)
				if r == 0 {
					att = append(att, []int64{0})
					continue
				}
				require.NotEmpty(t, att, "the first report is 0: %v", reports)
				cur := att[len(att)-1]
				require.Greater(t, r, cur[len(cur)-1], "monotonic within an attempt: %v", reports)
				att[len(att)-1] = append(cur, r)
			}
			require.Len(t, att, tt.fails+1, "one run of reports per attempt: %v", reports)
			last := att[len(att)-1]
			assert.Equal(t, int64(size), last[len(last)-1], "the last report is the total")
			assert.Greater(t, len(last), 2, "reports along the way, not only 0 and the total: %v", last)
		})
	}
}

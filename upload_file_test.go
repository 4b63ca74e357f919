package authenta_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// recordingClient is a storage client whose base transport records every
// request body it is handed (see BodyRecorder).
func recordingClient(t *testing.T) (*authenta.Client, *authenta.BodyRecorder) {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	rec := &authenta.BodyRecorder{Base: tr}
	return storageClient(t, authenta.WithHTTPClient(&http.Client{Transport: rec})), rec
}

// openTemp writes data to a temporary file and opens it for the test.
func openTemp(t *testing.T, data []byte) (string, *os.File) {
	t.Helper()
	path := tempFile(t, "in.bin", data)
	f, err := os.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return path, f
}

// hookServer answers each PUT with status(n) for the n-th request (1 for
// the first), after reading its body whole, and records the bodies.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
}

func newHookServer(t *testing.T, status func(n int) int) *hookServer {
	t.Helper()
	s := &hookServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return // a body cut short: no answer
		}
		s.mu.Lock()
		s.bodies = append(s.bodies, b)
		n := len(s.bodies)
		s.mu.Unlock()
		w.WriteHeader(status(n))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *hookServer) received() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.bodies...)
}

// TestUploadFileGivesNetHTTPAFile checks that a regular file whose rest is
// the upload is handed to net/http as an *os.File on every attempt (so it
// can use sendfile), a fresh handle each time, never the caller's, which
// keeps its offset; and that every other case still sends the exact bytes.
func TestUploadFileGivesNetHTTPAFile(t *testing.T) {
	t.Parallel()
	data := testData(5000)
	onLinux := runtime.GOOS == "linux"
	tests := []struct {
		name     string
		prepare  func(t *testing.T, path string, f *os.File) // after open, before upload
		off      int64
		size     int64
		wantFile bool // net/http gets an *os.File
	}{
		{"whole file", nil, 0, 5000, true},
		{"from the caller's offset", nil, 1200, 3800, true},
		{"a prefix: generic reader", nil, 0, 4000, false},
		{"unlinked after open", func(t *testing.T, path string, _ *os.File) {
			require.NoError(t, os.Remove(path))
		}, 0, 5000, onLinux},
		{"another file renamed over its name", func(t *testing.T, path string, _ *os.File) {
			other := filepath.Join(filepath.Dir(path), "other.bin")
			require.NoError(t, os.WriteFile(other, testData(5000)[1:], 0o600))
			require.NoError(t, os.Rename(other, path))
		}, 0, 5000, onLinux},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path, f := openTemp(t, data)
			_, err := f.Seek(tt.off, io.SeekStart)
			require.NoError(t, err)
			if tt.prepare != nil {
				tt.prepare(t, path, f)
			}
			srv := newHookServer(t, func(n int) int { return map[bool]int{true: 503, false: 200}[n == 1] })
			c, rec := recordingClient(t)
			err = c.Jobs.Upload(t.Context(), authenta.Upload{URL: srv.URL + "/k?" + presignQuery}, f, tt.size, "video/mp4")
			require.NoError(t, err)

			got := srv.received()
			require.Len(t, got, 2, "a 503 and its retry")
			for i, b := range got {
				assert.Equal(t, data[tt.off:tt.off+tt.size], b, "attempt %d sends the caller's file's bytes", i+1)
			}
			bodies := rec.Seen()
			require.Len(t, bodies, 2)
			for i, b := range bodies {
				g, isFile := b.(*os.File)
				assert.Equal(t, tt.wantFile, isFile, "attempt %d: body %T", i+1, b)
				assert.False(t, isFile && g == f, "attempt %d: never the caller's handle", i+1)
			}
			if tt.wantFile {
				assert.NotSame(t, bodies[0], bodies[1], "a fresh handle per attempt")
			}
			off, err := f.Seek(0, io.SeekCurrent)
			require.NoError(t, err)
			assert.Equal(t, tt.off, off, "the caller's offset does not move")
		})
	}
}

// TestUploadFileChangesBeforeRetry changes the file while the first
// attempt is answered 503. Shrunk, the retry must not send a short body
// (which net/http would report as a transport error, retried as one) but
// stop with ErrInvalidArgument; grown, it sends exactly the declared bytes.
func TestUploadFileChangesBeforeRetry(t *testing.T) {
	t.Parallel()
	data := testData(3000)
	tests := []struct {
		name    string
		change  func(path string) error
		wantErr string // "": the upload succeeds
	}{
		{"shrinks", func(path string) error { return os.Truncate(path, 1000) }, "1000 bytes"},
		{"grows", func(path string) error {
			w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			_, err = w.WriteString("appended later")
			return errors.Join(err, w.Close())
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path, f := openTemp(t, data)
			srv := newHookServer(t, func(n int) int {
				if n > 1 {
					return 200
				}
				if err := tt.change(path); err != nil {
					return 500
				}
				return 503
			})
			c := storageClient(t)
			err := c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: srv.URL + "/k?" + presignQuery}, f, 3000, "video/mp4")
			got := srv.received()
			if tt.wantErr != "" {
				require.ErrorIs(t, err, authenta.ErrInvalidArgument)
				assert.Contains(t, err.Error(), tt.wantErr)
				assertNoSecrets(t, err.Error())
				assert.Len(t, got, 1, "the short file is not sent again")
				return
			}
			require.NoError(t, err)
			require.Len(t, got, 2)
			assert.Equal(t, data, got[1], "exactly the declared bytes")
		})
	}
}

// TestUploadFileConcurrently uploads one *os.File from several goroutines
// at once: each upload reads its own handle, so no body is interleaved.
func TestUploadFileConcurrently(t *testing.T) {
	t.Parallel()
	data := testData(256 << 10)
	_, f := openTemp(t, data)
	srv := newHookServer(t, func(int) int { return 200 })
	c := storageClient(t)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.Jobs.Upload(t.Context(), authenta.Upload{URL: fmt.Sprintf("%s/k%d?%s", srv.URL, i, presignQuery)}, f, int64(len(data)), "video/mp4")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	got := srv.received()
	require.Len(t, got, n)
	for i, b := range got {
		assert.True(t, string(b) == string(data), "upload %d: %d bytes, not the file", i, len(b))
	}
}

// openHandles counts this process's open file descriptors on the files
// match takes (Linux; 0 elsewhere, where there is no /proc/self/fd, which
// it logs). On Linux a /proc/self/fd it cannot read fails the test: a count
// of 0 would pass it.
func openHandles(t *testing.T, match func(file string) bool) int {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Log("open handles not counted: no /proc/self/fd")
		return 0
	}
	fds, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err, "open handles cannot be counted")
	n := 0
	for _, fd := range fds {
		if target, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && match(target) {
			n++
		}
	}
	return n
}

// handlesOn counts this process's open file descriptors on path.
func handlesOn(t *testing.T, path string) int {
	t.Helper()
	return openHandles(t, func(file string) bool { return file == path })
}

// handlesUnder counts this process's open file descriptors on files under
// dir.
func handlesUnder(t *testing.T, dir string) int {
	t.Helper()
	return openHandles(t, func(file string) bool { return strings.HasPrefix(file, dir+string(filepath.Separator)) })
}

// TestUploadFileClosesItsHandles runs uploads that end every way (success
// after retries, retries exhausted, a cancelled context) and checks that no
// handle the upload opened on the file stays open.
func TestUploadFileClosesItsHandles(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("counts handles through /proc/self/fd")
	}
	tests := []struct {
		name   string
		status func(n int) int
		cancel bool
	}{
		{"succeeds on the third attempt", func(n int) int { return map[bool]int{true: 503, false: 200}[n < 3] }, false},
		{"every attempt fails", func(int) int { return 503 }, false},
		{"context cancelled", func(int) int { return 200 }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path, f := openTemp(t, testData(64<<10))
			path, err := filepath.EvalSymlinks(path)
			require.NoError(t, err)
			srv := newHookServer(t, tt.status)
			c := storageClient(t)
			ctx, cancel := context.WithCancel(t.Context())
			if tt.cancel {
				cancel()
			}
			defer cancel()
			_ = c.Jobs.Upload(ctx, authenta.Upload{URL: srv.URL + "/k?" + presignQuery}, f, 64<<10, "video/mp4")
			assert.Equal(t, 1, handlesOn(t, path), "only the caller's handle is open")
		})
	}
}

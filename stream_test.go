package authenta_test

// Storage bodies the SDK does not own stay streamed (issue 7): only the
// answers it decodes are read inside the attempt. Not parallel: it reads
// process-wide MemStats.

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

func TestStorageGetStreams(t *testing.T) {
	const size = 256 << 20
	chunk := make([]byte, 64<<10)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(ts.Close)
	c := testClient(t, "https://api.authenta.test")

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp, err := authenta.StorageGet(t.Context(), c, ts.URL+"/artifact.mp4?X-Amz-Signature=abc")
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("streamed %d MiB, allocating %d KiB", n>>20, alloc>>10)
	assert.EqualValues(t, size, n)
	assert.Less(t, alloc, uint64(4<<20), "a 256 MiB download is not buffered")
}

// A streamed body that stalls ends after the read idle timeout.
func TestStorageGetStallEndsAfterIdle(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		_, _ = w.Write(make([]byte, 1000))
		http.NewResponseController(w).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(release) })
	c := testClient(t, "https://api.authenta.test", authenta.WithReadIdleTimeout(100*time.Millisecond))
	resp, err := authenta.StorageGet(t.Context(), c, ts.URL+"/artifact.mp4")
	require.NoError(t, err)
	defer resp.Body.Close()
	start := time.Now()
	n, err := io.Copy(io.Discard, resp.Body)
	t.Logf("read %d bytes, then after %v: %v", n, time.Since(start).Round(time.Millisecond), err)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "idle")
	assert.EqualValues(t, 1000, n)
	assert.Less(t, time.Since(start), 5*time.Second)
}

package memtest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
)

// These tests must not call t.Parallel: they read process-wide MemStats
// (see the package doc).

const (
	mib = 1 << 20
	gib = 1 << 30
)

// sparseFile creates a file of size bytes that is all hole: it costs no disk
// and reads as zeros.
func sparseFile(t *testing.T, size int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.mp4")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(size))
	require.NoError(t, f.Close())
	return path
}

// uploadRig is a loopback server that discards and counts what it is sent,
// with an SDK client (default transport) and a raw client pointed at it.
type uploadRig struct {
	srv      *httptest.Server
	received atomic.Int64
	client   *authenta.Client
	raw      *http.Client
	url      string
}

func newUploadRig(t *testing.T) *uploadRig {
	t.Helper()
	r := &uploadRig{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		n, _ := io.Copy(io.Discard, req.Body)
		r.received.Add(n)
	}))
	t.Cleanup(r.srv.Close)
	c, err := authenta.NewClient(
		authenta.WithAPIKey("api_memtest"),
		authenta.WithBaseURL(r.srv.URL),
		authenta.WithoutEnvironment(),
	)
	require.NoError(t, err)
	r.client = c
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	r.raw = &http.Client{Transport: tr}
	r.url = r.srv.URL + "/bucket/t/1/original.mp4?X-Amz-Signature=0123abcd&X-Amz-Expires=3600"
	return r
}

// sdkUpload sends the file through Jobs.Upload, as an *os.File (the
// io.ReaderAt path that can retry).
func (r *uploadRig) sdkUpload(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return r.client.Jobs.Upload(context.Background(), authenta.Upload{Slot: authenta.SlotOriginal, URL: r.url}, f, size, "video/mp4")
}

// rawUpload sends the file with a plain PUT: the *os.File as body and an
// explicit ContentLength (net/http then uses sendfile).
func (r *uploadRig) rawUpload(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPut, r.url, f)
	if err != nil {
		_ = f.Close()
		return err
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "video/mp4")
	resp, err := r.raw.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// allocs is what one measured call allocated, process-wide.
type allocs struct {
	bytes   uint64 // TotalAlloc delta
	objects uint64 // Mallocs delta
}

// measure runs fn and returns what the process allocated meanwhile.
func measure(t *testing.T, fn func() error) allocs {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := fn()
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	return allocs{after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs}
}

// TestUploadMemory256MiB uploads a 256 MiB sparse file through Jobs.Upload
// and checks that the whole process, the loopback server included,
// allocated less than 32 MiB meanwhile: the body is streamed, not buffered.
// It takes well under a second (a few seconds under -race), so it runs
// under -short too.
func TestUploadMemory256MiB(t *testing.T) {
	const size = 256 * mib
	path := sparseFile(t, size)
	rig := newUploadRig(t)
	// Warm up: the first request dials and allocates the connection's
	// buffers; lazy package state is set up.
	require.NoError(t, rig.sdkUpload(path, mib))

	rig.received.Store(0)
	got := measure(t, func() error { return rig.sdkUpload(path, size) })
	require.EqualValues(t, size, rig.received.Load(), "bytes the server read")
	t.Logf("256 MiB upload: TotalAlloc %d bytes (%.1f KiB), %d objects", got.bytes, float64(got.bytes)/1024, got.objects)
	require.Less(t, got.bytes, uint64(32*mib), "TotalAlloc during a 256 MiB upload")
}

// TestUploadMemory1GiB uploads a 1 GiB sparse file with the SDK and with a
// raw PUT, and reports TotalAlloc for each and the peak RSS. It checks that
// the SDK allocates less than 1 MiB more for 1 GiB than for 1 MiB: nothing
// grows with the size. It runs only with AUTHENTA_BIG=1.
func TestUploadMemory1GiB(t *testing.T) {
	if os.Getenv("AUTHENTA_BIG") != "1" {
		t.Skip("set AUTHENTA_BIG=1 to upload 1 GiB")
	}
	const size = gib
	path := sparseFile(t, size)
	rig := newUploadRig(t)
	require.NoError(t, rig.sdkUpload(path, mib))
	require.NoError(t, rig.rawUpload(path, mib))

	sdkSmall := measure(t, func() error { return rig.sdkUpload(path, mib) })
	rawSmall := measure(t, func() error { return rig.rawUpload(path, mib) })
	rig.received.Store(0)
	sdkBig := measure(t, func() error { return rig.sdkUpload(path, size) })
	rawBig := measure(t, func() error { return rig.rawUpload(path, size) })
	require.EqualValues(t, 2*size, rig.received.Load(), "bytes the server read")

	t.Logf("TotalAlloc sdk 1MiB=%d B/%d objs, 1GiB=%d B/%d objs", sdkSmall.bytes, sdkSmall.objects, sdkBig.bytes, sdkBig.objects)
	t.Logf("TotalAlloc raw 1MiB=%d B/%d objs, 1GiB=%d B/%d objs", rawSmall.bytes, rawSmall.objects, rawBig.bytes, rawBig.objects)
	if hwm, ok := peakRSS(); ok {
		t.Logf("peak RSS (VmHWM) %d KiB", hwm)
	}
	beyond := int64(sdkBig.bytes) - int64(sdkSmall.bytes)
	t.Logf("sdk allocations beyond the fixed per-upload buffers: %d bytes", beyond)
	require.Less(t, beyond, int64(mib), "SDK allocation that grows with the upload size")
}

// peakRSS reads the process's peak resident set size in KiB (Linux).
func peakRSS() (int64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := bytes.CutPrefix(s.Bytes(), []byte("VmHWM:")); ok {
			n, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

package memtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
)

// downloadRig is a loopback storage host that serves size bytes of zeros
// at any path, from one fixed buffer, and an SDK client.
type downloadRig struct {
	client *authenta.Client
	job    *authenta.Job
	art    authenta.Artifact
}

func newDownloadRig(tb testing.TB, size int64) *downloadRig {
	tb.Helper()
	chunk := make([]byte, 64<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			http.Error(w, "presigned URLs take no Authorization", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		for left := size; left > 0; {
			n, err := w.Write(chunk[:min(left, int64(len(chunk)))])
			if err != nil {
				return
			}
			left -= int64(n)
		}
	}))
	tb.Cleanup(srv.Close)
	c, err := authenta.NewClient(authenta.WithAPIKey("api_memtest"), authenta.WithBaseURL(srv.URL), authenta.WithoutEnvironment())
	require.NoError(tb, err)
	return &downloadRig{
		client: c,
		job:    &authenta.Job{ID: "1", Status: authenta.StatusCompleted},
		art:    authenta.Artifact{ID: "a1", Kind: "input", Slot: "original", ContentType: "video/mp4", DownloadURL: srv.URL + "/bucket/jobs/1/big.mp4?X-Amz-Signature=0123abcd"},
	}
}

// counter counts what it is given. It has no ReadFrom, so Download's own
// copy loop, not a pooled buffer of the writer's, carries the bytes.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func (r *downloadRig) download(size int64) error {
	var w counter
	n, err := r.client.Jobs.Download(context.Background(), r.job, r.art, &w)
	if err == nil && (n != size || w.n != size) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// TestDownloadMemory256MiB downloads a 256 MiB artifact through
// Jobs.Download and checks that the whole process, the loopback server
// included, allocated less than 1 MiB meanwhile.
func TestDownloadMemory256MiB(t *testing.T) {
	const size = 256 * mib
	rig := newDownloadRig(t, size)
	require.NoError(t, rig.download(size)) // warm up: dial, lazy state
	got := measure(t, func() error { return rig.download(size) })
	t.Logf("256 MiB download: TotalAlloc %d bytes (%.1f KiB), %d objects", got.bytes, float64(got.bytes)/1024, got.objects)
	require.Less(t, got.bytes, uint64(mib), "TotalAlloc during a 256 MiB download")
}

// BenchmarkDownload256MiB: one 256 MiB artifact per iteration through
// Jobs.Download from a loopback server; alloc-B/download is TotalAlloc per
// download, the server's included.
func BenchmarkDownload256MiB(b *testing.B) {
	const size = 256 * mib
	rig := newDownloadRig(b, size)
	require.NoError(b, rig.download(size))
	b.SetBytes(size)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		if err := rig.download(size); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N), "alloc-B/download")
}

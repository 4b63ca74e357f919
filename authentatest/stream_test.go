package authentatest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// patternAt is a size-byte body of a repeating 251-byte pattern, readable
// at any offset without holding it in memory.
type patternAt struct{ size int64 }

var block = func() []byte {
	b := make([]byte, 251*256)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}()

func (p patternAt) ReadAt(b []byte, off int64) (int, error) {
	if off >= p.size {
		return 0, io.EOF
	}
	n := 0
	want := int(min(int64(len(b)), p.size-off))
	for n < want {
		n += copy(b[n:want], block[(off+int64(n))%251:])
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

func patternSum(size int64) string {
	h := sha256.New()
	_, _ = io.Copy(h, io.NewSectionReader(patternAt{size}, 0, size))
	return hex.EncodeToString(h.Sum(nil))
}

// TestSDKUploadStreams sends 32 MiB through Jobs.Upload twice, from an
// io.ReaderAt and from a plain reader, and checks that the storage host got
// every byte with an explicit length, and that nobody held the body in
// memory. It is not parallel, so that other tests' allocations do not
// count.
func TestSDKUploadStreams(t *testing.T) {
	const size = 32 << 20
	srv := authentatest.NewServer(t)
	c := srv.Client()
	ctx := ctxFor(t)
	want := patternSum(size)

	bodies := []struct {
		name string
		body func() io.Reader
	}{
		{"ReaderAt", func() io.Reader { return io.NewSectionReader(patternAt{size}, 0, size) }},
		{"plain reader", func() io.Reader { return struct{ io.Reader }{io.NewSectionReader(patternAt{size}, 0, size)} }},
	}
	for _, b := range bodies {
		created, err := c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.FaceSwapDetection,
			Inputs: []authenta.Input{{Slot: "original", FileName: "long.mp4", ContentType: "video/mp4", Size: size}}})
		require.NoError(t, err)

		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		require.NoError(t, c.Jobs.Upload(ctx, created.Uploads[0], b.body(), size, "video/mp4"), b.name)
		runtime.ReadMemStats(&after)
		t.Logf("%s: %d KiB allocated", b.name, (after.TotalAlloc-before.TotalAlloc)>>10)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "%s: allocated while uploading 32 MiB", b.name)

		rec, ok := srv.Upload(created.Job.ID, "original")
		require.True(t, ok)
		assert.EqualValues(t, size, rec.Bytes, b.name)
		assert.Equal(t, want, rec.SHA256, b.name)
		q := srv.RequestsTo(authentatest.RouteUpload)
		last := q[len(q)-1]
		assert.EqualValues(t, size, last.ContentLength, b.name)
		assert.Empty(t, last.TransferEncoding, "%s: never chunked", b.name)
	}
}

func TestSDKUploadRetryResendsFromTheStart(t *testing.T) {
	t.Parallel()
	const size = 1 << 20
	srv := authentatest.NewServer(t)
	c := srv.Client()
	ctx := ctxFor(t)
	created, err := c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.FaceSwapDetection,
		Inputs: []authenta.Input{{Slot: "original", FileName: "clip.mp4", ContentType: "video/mp4", Size: size}}})
	require.NoError(t, err)
	// The connection drops after 100 KiB, then a 503: the third attempt
	// must carry the whole body again.
	srv.Inject(authentatest.RouteUpload, authentatest.Fault{Conn: authentatest.Drop, DropAfter: 100 << 10}, authentatest.Status(503))
	f := writeFile(t, "clip.mp4", bytes.Repeat([]byte{7}, size))
	fh, err := os.Open(f)
	require.NoError(t, err)
	defer fh.Close()
	require.NoError(t, c.Jobs.Upload(ctx, created.Uploads[0], fh, size, "video/mp4"))
	rec, _ := srv.Upload(created.Job.ID, "original")
	assert.EqualValues(t, size, rec.Bytes)
	sum := sha256.Sum256(bytes.Repeat([]byte{7}, size))
	assert.Equal(t, hex.EncodeToString(sum[:]), rec.SHA256)
	assert.GreaterOrEqual(t, srv.Count(authentatest.RouteUpload), 3)
}

func TestDetectContextEndsDuringWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		hold        authenta.Status
		wantRemoved bool
		wantStatus  authenta.Status
	}{
		{"queued job is cancelled and deleted", authenta.StatusQueued, true, authenta.StatusCancelled},
		{"processing job cannot be removed", authenta.StatusProcessing, false, authenta.StatusProcessing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(authentatest.Forever, authentatest.Forever)))
			ctx, cancel := context.WithCancel(ctxFor(t))
			defer cancel()
			wait := *fastWait
			wait.OnPoll = func(j *authenta.Job) {
				// The caller gives up after the first poll, with the job
				// held where the case wants it.
				if tt.hold == authenta.StatusProcessing {
					_ = srv.SetJobStatus(j.ID, authenta.StatusProcessing, "")
				}
				cancel()
			}
			cleaned := make(chan error, 1)
			_, err := srv.Client().DetectReader(ctx, authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3,
				&authenta.DetectOptions{Wait: &wait, OnCleanup: func(_ string, err error) { cleaned <- err }})
			require.ErrorIs(t, err, context.Canceled)
			se := stepError(t, err)
			assert.Equal(t, authenta.StepWait, se.Step)
			// The caller has gone: Detect returned at once and removes the
			// job in the background.
			assert.False(t, se.Removed)
			assert.ErrorIs(t, se.Cleanup, authenta.ErrCleanupPending)
			cerr := <-cleaned
			assert.Equal(t, tt.wantRemoved, cerr == nil)
			info, _ := srv.Job(se.JobID)
			assert.Equal(t, tt.wantRemoved, info.Deleted)
			assert.Equal(t, tt.wantStatus, info.Status)
			assert.Equal(t, 1, srv.CountJob(authentatest.RouteCancel, se.JobID), "a finalized job is cancelled first")
			if !tt.wantRemoved {
				assert.ErrorIs(t, cerr, authenta.ErrConflict)
			}
		})
	}
}

// readerAtOnly hides every method of its reader but ReadAt and Read, so
// the SDK cannot tell the body's size before reading it.
type readerAtOnly struct{ r *bytes.Reader }

func (r readerAtOnly) Read(p []byte) (int, error)              { return r.r.Read(p) }
func (r readerAtOnly) ReadAt(p []byte, off int64) (int, error) { return r.r.ReadAt(p, off) }

// TestSDKShortUploadBodyIsNotRetried: an upload body shorter than the
// declared size is the caller's mistake, which no retry can fix. A body
// that tells its size is refused before anything is sent; one that does
// not is sent once and not retried.
func TestSDKShortUploadBodyIsNotRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  func() io.Reader
		sends int // attempts the client makes
	}{
		{"bytes.Reader: refused before sending", func() io.Reader { return bytes.NewReader([]byte("abc")) }, 0},
		{"ReaderAt of unknown size: sent once", func() io.Reader { return readerAtOnly{bytes.NewReader([]byte("abc"))} }, 1},
		{"plain reader: sent once", func() io.Reader { return io.MultiReader(strings.NewReader("abc")) }, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t)
			// Count attempts on the client side: a body that fails before
			// the headers are flushed never reaches the server.
			puts := &countingTransport{base: srv.HTTPClient().Transport, method: http.MethodPut}
			c := srv.Client(authenta.WithHTTPClient(&http.Client{Transport: puts}))
			ctx := ctxFor(t)
			created, err := c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection,
				Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 10}}})
			require.NoError(t, err)
			err = c.Jobs.Upload(ctx, created.Uploads[0], tc.body(), 10, "image/png")
			require.ErrorIs(t, err, authenta.ErrInvalidArgument)
			assert.Equal(t, tc.sends, int(puts.n.Load()), "a body shorter than its declared size is not worth a retry")
		})
	}
}

// countingTransport counts the requests of one method that pass through it.
type countingTransport struct {
	base   http.RoundTripper
	method string
	n      atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == c.method {
		c.n.Add(1)
	}
	return c.base.RoundTrip(r)
}

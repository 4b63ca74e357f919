package authenta_test

// Hangs and bad input (issue 7): a blocked reader does not hold a call past
// its context; a pipe is streamed once; bad input is found before the job
// is created; Wait honours Retry-After; waits adapt their defaults.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// blockedReader gives half its bytes, then blocks until released.
type blockedReader struct {
	data    []byte
	off     int
	reached chan struct{} // closed when the reader blocks
	release chan struct{}
	blocked atomic.Bool
}

func newBlockedReader(size int) *blockedReader {
	return &blockedReader{data: make([]byte, size), reached: make(chan struct{}), release: make(chan struct{})}
}

func (b *blockedReader) Read(p []byte) (int, error) {
	if b.off >= len(b.data)/2 {
		if b.blocked.CompareAndSwap(false, true) {
			close(b.reached)
		}
		<-b.release
		return 0, errors.New("released")
	}
	n := copy(p, b.data[b.off:len(b.data)/2])
	b.off += n
	return n, nil
}

// A reader that blocks does not hold DetectReader or Upload past their
// context: they return at once when it is cancelled, while the reader is
// still blocked. (Releasing it at the end lets the goroutine reading it
// end, which goleak checks.)
func TestBlockedReaderReturnsOnCancel(t *testing.T) {
	t.Parallel()
	const size = 256 << 10
	calls := []struct {
		name string
		call func(ctx context.Context, c *authenta.Client, srv *authentatest.Server, r io.Reader) error
	}{
		{"DetectReader", func(ctx context.Context, c *authenta.Client, _ *authentatest.Server, r io.Reader) error {
			_, err := c.DetectReader(ctx, authenta.AIImageDetection, "photo.jpg", r, size, &authenta.DetectOptions{Wait: fastWait})
			return err
		}},
		{"Upload", func(ctx context.Context, c *authenta.Client, _ *authentatest.Server, r io.Reader) error {
			cj, err := c.Jobs.Create(context.Background(), &authenta.JobRequest{
				TaskType: authenta.AIImageDetection,
				Inputs:   []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.jpg", ContentType: "image/jpeg", Size: size}},
			})
			if err != nil {
				return err
			}
			return c.Jobs.Upload(ctx, cj.Uploads[0], r, size, "image/jpeg")
		}},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t)
			c := srv.Client()
			br := newBlockedReader(size)
			t.Cleanup(func() { close(br.release) })

			latency, err := cancelLatency(t, br.reached, 20*time.Millisecond, func(ctx context.Context) error {
				return tc.call(ctx, c, srv, br)
			})
			t.Logf("returned %v after the cancel", latency)
			require.ErrorIs(t, err, context.Canceled)
			assert.Less(t, latency, cancelTolerance)
			assert.True(t, br.blocked.Load())
			select {
			case <-br.release:
				t.Fatal("released too early")
			default:
			}
		})
	}
}

// An *os.File that is a pipe (os.Stdin) cannot be re-read: it is streamed
// once, not refused with "illegal seek".
func TestPipeIsStreamedOnce(t *testing.T) {
	t.Parallel()
	const size = 300 << 10
	data := make([]byte, size)
	_, _ = rand.Read(data)
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { _ = pr.Close() })
	go func() {
		_, _ = pw.Write(data)
		_ = pw.Close()
	}()
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(0, 0)))
	c := srv.Client()

	d, err := c.DetectReader(t.Context(), authenta.AIImageDetection, "stdin.jpg", pr, size, &authenta.DetectOptions{Wait: fastWait})
	require.NoError(t, err)
	rec, ok := srv.Upload(d.Job.ID, authenta.SlotOriginal)
	require.True(t, ok)
	assert.Equal(t, int64(size), rec.Bytes)
	assert.Equal(t, 1, srv.Count(authentatest.RouteUpload))
}

// Bad input found before the job is created: nothing is sent.
func TestDetectReaderBadInputBeforeCreate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    io.Reader
		size int64
		opts *authenta.DetectOptions
	}{
		{"bytes.Reader shorter than the size", bytes.NewReader(make([]byte, 10)), 11, nil},
		{"read part way already", func() io.Reader { r := bytes.NewReader(make([]byte, 10)); _, _ = r.Seek(5, io.SeekStart); return r }(), 10, nil},
		{"strings.Reader short", strings.NewReader("abc"), 4, nil},
		{"CRLF content type", bytes.NewReader(make([]byte, 10)), 10, &authenta.DetectOptions{ContentType: "image/jpeg\r\nX-Injected: 1"}},
		{"LF content type", bytes.NewReader(make([]byte, 10)), 10, &authenta.DetectOptions{ContentType: "image/jpeg\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t)
			c := srv.Client()
			_, err := c.DetectReader(t.Context(), authenta.AIImageDetection, "photo.jpg", tt.r, tt.size, tt.opts)
			require.ErrorIs(t, err, authenta.ErrInvalidArgument)
			var se *authenta.StepError
			assert.False(t, errors.As(err, &se), "refused before any step: %v", err)
			assert.Zero(t, srv.Count(authentatest.RouteAll), "nothing sent")
		})
	}
	t.Run("Detect with a CRLF content type", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		path, _ := faultImage(t, 100)
		_, err := srv.Client().Detect(t.Context(), authenta.AIImageDetection, path, &authenta.DetectOptions{ContentType: "image/jpeg\r\nX: y"})
		require.ErrorIs(t, err, authenta.ErrInvalidArgument)
		assert.Zero(t, srv.Count(authentatest.RouteAll))
	})
}

func TestUploadCRLFContentTypeIsInvalidArgument(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1) }))
	t.Cleanup(ts.Close)
	c := testClient(t, ts.URL)
	for _, ct := range []string{"image/jpeg\r\nX-Injected: 1", "image/jpeg\n", "image/\x00jpeg"} {
		err := c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: ts.URL + "/u?X-Amz-Signature=ab"}, bytes.NewReader(make([]byte, 4)), 4, ct)
		require.ErrorIs(t, err, authenta.ErrInvalidArgument, "%q", ct)
	}
	assert.Zero(t, requests.Load())
}

// The step's name appears once in a StepError's text.
func TestStepNameNotDoubled(t *testing.T) {
	t.Parallel()
	se := &authenta.StepError{Step: "upload original", JobID: "7", Err: errors.New("authenta: upload original: connection reset"), Removed: true}
	assert.Equal(t, "authenta: upload original: connection reset (job 7 removed)", se.Error())
}

// Wait sleeps at least as long as a 429 or 503 poll's Retry-After asks.
func TestWaitHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		var polls atomic.Int32
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if polls.Add(1) <= 2 {
				w.Header().Set("Retry-After", "60")
				w.WriteHeader(status)
				_, _ = io.WriteString(w, `{"code":"RATE_LIMITED","message":"slow down"}`)
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"id": "7", "status": "completed"})
		}))
		t.Cleanup(ts.Close)
		c := testClient(t, ts.URL, authenta.WithMaxRetries(0))
		clk := newFakeClock()
		authenta.SetClock(c, clk)

		job, err := c.Jobs.Wait(t.Context(), "7", &authenta.WaitOptions{MinInterval: 10 * time.Millisecond, MaxInterval: 20 * time.Millisecond})
		require.NoError(t, err)
		assert.Equal(t, authenta.StatusCompleted, job.Status)
		d := clk.delays()
		require.Len(t, d, 3, "%v", d)
		assert.Less(t, d[0], time.Second, "the first poll on schedule")
		assert.GreaterOrEqual(t, d[1], 60*time.Second, "the server asked for 60s")
		assert.GreaterOrEqual(t, d[2], 60*time.Second, "and again")
	}
}

// A Retry-After past the context's deadline ends the wait at the deadline,
// without another poll.
func TestWaitRetryAfterBoundedByContext(t *testing.T) {
	t.Parallel()
	var polls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		polls.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(ts.Close)
	c := testClient(t, ts.URL, authenta.WithMaxRetries(0))
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Jobs.Wait(ctx, "7", &authenta.WaitOptions{MinInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.EqualValues(t, 1, polls.Load(), "no poll before the server's delay")
	assert.Less(t, time.Since(start), 5*time.Second)
}

// Defaults adapt to what the caller set: a MaxInterval below the default
// MinInterval is accepted.
func TestWaitDefaultsAdapt(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"7","status":"completed"}`)
	}))
	t.Cleanup(ts.Close)
	c := testClient(t, ts.URL)
	clk := newFakeClock()
	authenta.SetClock(c, clk)
	_, err := c.Jobs.Wait(t.Context(), "7", &authenta.WaitOptions{MaxInterval: 100 * time.Millisecond})
	require.NoError(t, err)
	d := clk.delays()
	require.Len(t, d, 1)
	assert.LessOrEqual(t, d[0], 100*time.Millisecond)
}

// A re-readable body that may block (a SectionReader over any ReaderAt) is
// pumped on each attempt: a reset mid-body is still retried with the whole
// body, and no pump outlives the call.
func TestPumpedReaderAtIsRetried(t *testing.T) {
	t.Parallel()
	const size = 1 << 20
	data := make([]byte, size)
	_, _ = rand.Read(data)
	st := &resetStorage{half: size / 2}
	ts := httptest.NewServer(st)
	t.Cleanup(ts.Close)
	c := testClient(t, "https://api.authenta.test")
	u := authenta.Upload{Slot: authenta.SlotOriginal, URL: ts.URL + "/bucket/in/1?X-Amz-Signature=0123abcd"}
	require.NoError(t, c.Jobs.Upload(t.Context(), u, io.NewSectionReader(bytes.NewReader(data), 0, size), size, "image/jpeg"))
	puts := st.records()
	require.Len(t, puts, 2)
	assert.Equal(t, int64(size), puts[1].n)
}

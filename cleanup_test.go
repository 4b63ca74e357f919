package authenta_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// slowDeleteAPI fronts the fake's API host with a proxy whose DELETE takes
// 5 seconds, unless release is closed first.
func slowDeleteAPI(t *testing.T, srv *authentatest.Server) (api *httptest.Server, release chan struct{}, deletes *atomic.Int32) {
	t.Helper()
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = srv.HTTPClient().Transport
	release = make(chan struct{})
	deletes = new(atomic.Int32)
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			deletes.Add(1)
			select {
			case <-release:
			case <-time.After(5 * time.Second):
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(api.Close)
	return api, release, deletes
}

// TestDetectCancelledReturnsPromptly: a Detect whose context is cancelled
// returns at once although the removal of its job (a 5 s DELETE) is not
// done; the removal finishes in the background, is reported to
// OnCleanup, and Close waits for it. goleak (TestMain) checks that nothing
// is left running.
func TestDetectCancelledReturnsPromptly(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(authentatest.Forever, 0)))
	api, release, deletes := slowDeleteAPI(t, srv)
	c := srv.Client(authenta.WithBaseURL(api.URL))

	ctx, cancel := context.WithCancel(t.Context())
	var cancelledAt time.Time
	cleaned := make(chan error, 1)
	var onCleanupJob string
	opts := &authenta.DetectOptions{
		Wait: &authenta.WaitOptions{MinInterval: time.Millisecond, MaxInterval: time.Millisecond, OnPoll: func(*authenta.Job) {
			if cancelledAt.IsZero() {
				cancelledAt = time.Now()
				cancel()
			}
		}},
		OnCleanup: func(id string, err error) { onCleanupJob = id; cleaned <- err },
	}
	_, err := c.DetectReader(ctx, authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, opts)
	returned := time.Since(cancelledAt)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, returned, 100*time.Millisecond, "Detect returned %v after the cancellation", returned)

	var se *authenta.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, authenta.StepWait, se.Step)
	assert.ErrorIs(t, se.Cleanup, authenta.ErrCleanupPending)
	assert.False(t, se.Removed)
	assert.Contains(t, err.Error(), "being removed in the background")

	// Close cannot finish while the DELETE hangs...
	short, cancelShort := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancelShort()
	cerr := c.Close(short)
	require.ErrorIs(t, cerr, context.DeadlineExceeded)
	assert.Contains(t, cerr.Error(), "1 job removal(s) still running")

	// ...and finishes once it is answered.
	close(release)
	require.NoError(t, c.Close(t.Context()))
	select {
	case err := <-cleaned:
		require.NoError(t, err)
	default:
		t.Fatal("OnCleanup was not called before Close returned")
	}
	assert.Equal(t, se.JobID, onCleanupJob)
	assert.Equal(t, int32(1), deletes.Load())
	info, ok := srv.Job(se.JobID)
	require.True(t, ok)
	assert.True(t, info.Deleted, "the job is still removed")
	assert.Equal(t, authenta.StatusCancelled, info.Status, "queued: cancelled, then deleted")
}

// TestDetectAfterCloseCleansUpBeforeReturning: once the client is closed,
// a cancelled Detect leaves nothing behind: it removes its job before it
// returns.
func TestDetectAfterCloseCleansUpBeforeReturning(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(authentatest.Forever, 0)))
	c := srv.Client()
	require.NoError(t, c.Close(t.Context()))
	ctx, cancel := context.WithCancel(t.Context())
	var onCleanup int
	_, err := c.DetectReader(ctx, authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, &authenta.DetectOptions{
		Wait:      &authenta.WaitOptions{MinInterval: time.Millisecond, OnPoll: func(*authenta.Job) { cancel() }},
		OnCleanup: func(string, error) { onCleanup++ },
	})
	require.ErrorIs(t, err, context.Canceled)
	var se *authenta.StepError
	require.ErrorAs(t, err, &se)
	assert.True(t, se.Removed)
	assert.NoError(t, se.Cleanup)
	assert.Equal(t, 1, onCleanup)
	assert.Equal(t, 1, srv.Count(authentatest.RouteDelete))
}

// TestDetectCleanupWithLiveContext: with the caller's context alive, the
// removal is waited for, as before, and reported to OnCleanup too.
func TestDetectCleanupWithLiveContext(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	srv.Fail(authentatest.RouteFinalize, 402)
	var got []error
	_, err := srv.Client().DetectReader(t.Context(), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3,
		&authenta.DetectOptions{OnCleanup: func(_ string, err error) { got = append(got, err) }})
	var se *authenta.StepError
	require.ErrorAs(t, err, &se)
	assert.True(t, se.Removed)
	assert.Equal(t, []error{nil}, got)
}

func TestCloseNilContext(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	require.ErrorIs(t, srv.Client().Close(callCtx(t, true)), authenta.ErrInvalidArgument)
}

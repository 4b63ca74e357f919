package authentatest_test

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// clock is a settable clock for the server, starting at the real time so
// that the SDK's own expiry checks agree with the server's at first.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var smallImage = &authenta.JobRequest{TaskType: authenta.AIImageDetection,
	Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 3}}}

func TestSDKRefusesAnExpiredUploadURL(t *testing.T) {
	t.Parallel()
	clk := newClock()
	clk.Advance(-2 * time.Hour) // the server signs URLs that expired an hour ago
	srv := authentatest.NewServer(t, authentatest.WithClock(clk.Now))
	c := srv.Client()
	ctx := ctxFor(t)
	created, err := c.Jobs.Create(ctx, smallImage)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(-time.Hour), created.Uploads[0].ExpiresAt, 2*time.Second)
	err = c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("png")), 3, "image/png")
	assert.ErrorIs(t, err, authenta.ErrUploadURLExpired)
	assert.Zero(t, srv.Count(authentatest.RouteUpload), "checked before sending")
}

func TestSDKUploadURLExpiredAtTheServer(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := authentatest.NewServer(t, authentatest.WithClock(clk.Now), authentatest.WithUploadURLTTL(time.Minute))
	c := srv.Client()
	ctx := ctxFor(t)
	created, err := c.Jobs.Create(ctx, smallImage)
	require.NoError(t, err)
	clk.Advance(2 * time.Minute) // the storage host's clock runs ahead of the client's
	err = c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("png")), 3, "image/png")
	var ae *authenta.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 403, ae.StatusCode)
	assert.Equal(t, "AccessDenied", ae.Code)
	assert.Contains(t, ae.Message, "Request has expired")
	assert.NotErrorIs(t, err, authenta.ErrForbidden, "not the API key's fault")
	assert.Equal(t, 1, srv.Count(authentatest.RouteUpload), "a 403 is not retried")
}

func TestSDKResultRefreshesAnExpiredDownloadURL(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := authentatest.NewServer(t, authentatest.WithClock(clk.Now), authentatest.WithSchedule(authentatest.Steps(0, 0)),
		authentatest.WithDownloadURLTTL(5*time.Minute))
	c := srv.Client()
	ctx := ctxFor(t)
	created, err := c.Jobs.Create(ctx, smallImage)
	require.NoError(t, err)
	require.NoError(t, c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("png")), 3, "image/png"))
	_, err = c.Jobs.Finalize(ctx, created.Job.ID)
	require.NoError(t, err)
	job, err := c.Jobs.Get(ctx, created.Job.ID)
	require.NoError(t, err)
	require.Equal(t, authenta.StatusCompleted, job.Status)

	clk.Advance(10 * time.Minute) // the job's download URLs have expired
	res, err := c.Jobs.Result(ctx, job)
	require.NoError(t, err)
	ptrBool(t, res.IsDeepFake, false, "isDeepFake")
	downloads := srv.RequestsTo(authentatest.RouteDownload)
	require.Len(t, downloads, 2)
	assert.Equal(t, 403, downloads[0].Status)
	assert.Equal(t, 200, downloads[1].Status)
	assert.Equal(t, 2, srv.CountJob(authentatest.RouteGet, job.ID), "the job was fetched again for fresh URLs")
}

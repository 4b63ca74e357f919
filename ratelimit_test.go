package authenta_test

import (
	"bytes"
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

func TestWithRateLimitInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rate  float64
		burst int
	}{{0, 1}, {-1, 1}, {math.NaN(), 1}, {math.Inf(1), 1}, {1, 0}, {1, -3}}
	for _, tt := range tests {
		_, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey), authenta.WithRateLimit(tt.rate, tt.burst))
		require.ErrorIs(t, err, authenta.ErrInvalidArgument, "%v/%d", tt.rate, tt.burst)
	}
}

// slowRate is one token a day: after the burst, nothing more is allowed
// within a test.
const slowRate = 1.0 / (24 * 3600)

// TestRateLimitCountsAttempts: the limit counts HTTP attempts, retries
// included; a request that cannot get its turn before its context ends
// fails at once with the context's error and is not sent.
func TestRateLimitCountsAttempts(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client(authenta.WithRateLimit(slowRate, 2))
	srv.Fail(authentatest.RouteList, 503)
	_, err := c.Jobs.List(t.Context(), nil) // attempt + retry: both tokens
	require.NoError(t, err)
	require.Equal(t, 2, srv.Count(authentatest.RouteAll))

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	start := time.Now()
	_, err = c.Jobs.List(ctx, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the turn would come after the deadline")
	assert.Less(t, time.Since(start), 30*time.Second, "failed without waiting for the deadline")
	assert.Equal(t, 2, srv.Count(authentatest.RouteAll), "not sent")

	cancelled, cancel2 := context.WithCancel(t.Context())
	cancel2()
	_, err = c.Jobs.List(cancelled, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 2, srv.Count(authentatest.RouteAll))
}

// TestRateLimitWaitsForItsTurn: without a deadline, a request waits for
// its token, and cancelling the context ends the wait.
func TestRateLimitWaitsForItsTurn(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client(authenta.WithRateLimit(slowRate, 1))
	_, err := c.Jobs.List(t.Context(), nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := c.Jobs.List(ctx, nil)
		done <- err
	}()
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	assert.Equal(t, 1, srv.Count(authentatest.RouteAll))
}

// TestRateLimitSparesStorage: presigned uploads and downloads are not
// API requests and take no token.
func TestRateLimitSparesStorage(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client(authenta.WithRateLimit(slowRate, 1))
	created, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{TaskType: authenta.AIImageDetection,
		Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 3}}})
	require.NoError(t, err)
	for range 3 {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		require.NoError(t, c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("png")), 3, "image/png"))
		cancel()
	}
	assert.Equal(t, 3, srv.Count(authentatest.RouteUpload))
}

package authentatest_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestClientPollsAtMillisecondScale: srv.Client() waits with the fake's
// pace by default, so a Detect without WaitOptions does not pay the SDK's
// 500 ms first poll. The bound below is far under that first poll.
func TestClientPollsAtMillisecondScale(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(2, 2)))
	c := srv.Client()
	d, err := c.DetectReader(ctxFor(t), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, nil)
	require.NoError(t, err)
	require.Equal(t, authenta.StatusCompleted, d.Job.Status)

	fin := srv.RequestsTo(authentatest.RouteFinalize)
	polls := srv.RequestsTo(authentatest.RouteGet)
	require.Len(t, fin, 1)
	require.GreaterOrEqual(t, len(polls), 5)
	prev := fin[0].Time
	for _, p := range polls {
		assert.Less(t, p.Time.Sub(prev), 400*time.Millisecond, "poll %d: the SDK default would wait 450-500 ms", p.Seq)
		prev = p.Time
	}

	// A client option overrides the server's default.
	var polled int
	slow := srv.Client(authenta.WithWaitOptions(authenta.WaitOptions{MinInterval: time.Millisecond, OnPoll: func(*authenta.Job) { polled++ }}))
	_, err = slow.DetectReader(ctxFor(t), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, polled, 5, "the client's OnPoll is the default of every wait")
}

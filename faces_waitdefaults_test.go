package authenta_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestWaitEnrolledTakesTheClientsWait: WithWaitOptions is the default of
// WaitEnrolled too (the contract: "the default for Wait, Detect and
// WaitEnrolled"), and a call's own fields win one by one.
func TestWaitEnrolledTakesTheClientsWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		call     *authenta.WaitOptions
		min, max time.Duration // the schedule the sleeps must follow
	}{
		{"no call options", nil, 7 * time.Millisecond, 9 * time.Millisecond},
		{"call sets MinInterval only", &authenta.WaitOptions{MinInterval: 8 * time.Millisecond}, 8 * time.Millisecond, 9 * time.Millisecond},
		{"call sets MaxInterval only", &authenta.WaitOptions{MaxInterval: 30 * time.Second}, 7 * time.Millisecond, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t, authentatest.WithFaceSteps(2, 2))
			c := srv.Client(authenta.WithWaitOptions(authenta.WaitOptions{MinInterval: 7 * time.Millisecond, MaxInterval: 9 * time.Millisecond}))
			clk := newFakeClock()
			authenta.SetClock(c, clk)
			ctx := testCtx(t)
			sub, err := c.Faces.Enroll(ctx, []string{writeFile(t, "a.jpg", authentatest.Portrait(1, 8, 8))})
			require.NoError(t, err)
			done, err := c.Faces.WaitEnrolled(ctx, sub.ID, tt.call)
			require.NoError(t, err)
			require.Equal(t, authenta.FaceProcessed, done.Faces[0].Status)
			d := clk.delays()
			require.GreaterOrEqual(t, len(d), 3, "the face took several listings: %v", d)
			assert.LessOrEqual(t, d[0], tt.min, "first poll after at most MinInterval: %v", d)
			assert.Greater(t, d[0], tt.min*8/10, "first poll after about MinInterval: %v", d)
			for _, s := range d {
				assert.LessOrEqual(t, s, tt.max, "no sleep over MaxInterval: %v", d)
			}
		})
	}
}

package authenta_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

func TestWithWaitOptionsInvalid(t *testing.T) {
	t.Parallel()
	for _, o := range []authenta.WaitOptions{
		{MinInterval: -1},
		{MaxInterval: -time.Second},
		{MinInterval: time.Second, MaxInterval: time.Millisecond},
	} {
		_, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey), authenta.WithWaitOptions(o))
		require.ErrorIs(t, err, authenta.ErrInvalidArgument, "%+v", o)
	}
}

// TestWithWaitOptionsIsTheDefault: the client's wait applies when a call
// gives none, and a call's fields win one by one.
func TestWithWaitOptionsIsTheDefault(t *testing.T) {
	t.Parallel()
	var clientPolls, callPolls atomic.Int32
	tests := []struct {
		name       string
		call       *authenta.WaitOptions
		clientWant int32
		callWant   int32
		first      time.Duration
	}{
		{"no call options", nil, 3, 0, 7 * time.Millisecond},
		{"call sets OnPoll only", &authenta.WaitOptions{OnPoll: func(*authenta.Job) { callPolls.Add(1) }}, 0, 3, 7 * time.Millisecond},
		{"call sets MinInterval only", &authenta.WaitOptions{MinInterval: 11 * time.Millisecond}, 3, 0, 11 * time.Millisecond},
		{"call's slower schedule than the client's cap", &authenta.WaitOptions{MinInterval: time.Second}, 3, 0, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clientPolls.Store(0)
			callPolls.Store(0)
			mock := newMock(t)
			mock.RegisterResponder("GET", jobURL("7", ""), script(nil, jobJSON("queued"), jobJSON("processing"), jobJSON("completed")))
			c, clk := fakeClient(t, mock, authenta.WithWaitOptions(authenta.WaitOptions{
				MinInterval: 7 * time.Millisecond, MaxInterval: 9 * time.Millisecond,
				OnPoll: func(*authenta.Job) { clientPolls.Add(1) },
			}))
			j, err := c.Jobs.Wait(t.Context(), "7", tt.call)
			require.NoError(t, err)
			assert.Equal(t, authenta.StatusCompleted, j.Status)
			assert.Equal(t, tt.clientWant, clientPolls.Load())
			assert.Equal(t, tt.callWant, callPolls.Load())
			sl := clk.delays()
			require.NotEmpty(t, sl)
			assert.LessOrEqual(t, sl[0], tt.first)
			assert.Greater(t, sl[0], tt.first*8/10, "first poll after about %v, got %v", tt.first, sl[0])
		})
	}
}

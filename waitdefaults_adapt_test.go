package authenta_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestCallWaitCapBelowTheClientsFloor: a call's MaxInterval below the
// client's default MinInterval is the call's faster schedule, and wins, as
// a call's MinInterval above the client's MaxInterval does (and as the
// package's defaults adapt to a call's, issue 7): the floor comes down to
// the cap instead of the call being refused.
func TestCallWaitCapBelowTheClientsFloor(t *testing.T) {
	t.Parallel()
	for _, client := range []authenta.WaitOptions{
		{MinInterval: 2 * time.Second},
		{MinInterval: 2 * time.Second, MaxInterval: 3 * time.Second},
	} {
		mock := newMock(t)
		mock.RegisterResponder("GET", jobURL("7", ""), script(nil, jobJSON("queued"), jobJSON("processing"), jobJSON("completed")))
		c, clk := fakeClient(t, mock, authenta.WithWaitOptions(client))
		j, err := c.Jobs.Wait(t.Context(), "7", &authenta.WaitOptions{MaxInterval: 100 * time.Millisecond})
		require.NoError(t, err, "client %+v", client)
		assert.Equal(t, authenta.StatusCompleted, j.Status)
		d := clk.delays()
		require.NotEmpty(t, d)
		for _, s := range d {
			assert.LessOrEqual(t, s, 100*time.Millisecond, "client %+v: the call's cap holds: %v", client, d)
		}
	}
}

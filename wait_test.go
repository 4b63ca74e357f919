package authenta_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// fakeClock is a Clock whose Sleep advances virtual time at once and
// records the delay.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

const maxFakeSleeps = 10000

var errTooManySleeps = errors.New("fake clock: too many sleeps, the wait does not end")

// newFakeClock starts at the real time, so that a real context deadline
// stays ahead of it.
func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sleeps) >= maxFakeSleeps {
		return errTooManySleeps // a wait that never ends fails instead of hanging
	}
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(max(d, 0))
	return nil
}

func (c *fakeClock) delays() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// fakeClient is a client on mock whose waits run on a fake clock.
func fakeClient(t *testing.T, mock *httpmock.MockTransport, opts ...authenta.Option) (*authenta.Client, *fakeClock) {
	t.Helper()
	c := newClient(t, mock, opts...)
	clk := newFakeClock()
	authenta.SetClock(c, clk)
	return c, clk
}

func jobJSON(status string) httpmock.Responder {
	return jsonResponder(200, fmt.Sprintf(`{"id":"7","status":%q,"errorMessage":"","updatedAt":"2026-01-01T00:00:00Z"}`, status))
}

func TestWaitSchedule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     *authenta.WaitOptions
		min, max time.Duration
	}{
		{"defaults", nil, 500 * time.Millisecond, 5 * time.Second},
		{"zero options", &authenta.WaitOptions{}, 500 * time.Millisecond, 5 * time.Second},
		{"100ms to 2s", &authenta.WaitOptions{MinInterval: 100 * time.Millisecond, MaxInterval: 2 * time.Second}, 100 * time.Millisecond, 2 * time.Second},
		{"min only above the default max", &authenta.WaitOptions{MinInterval: 10 * time.Second}, 10 * time.Second, 10 * time.Second},
		{"max only", &authenta.WaitOptions{MaxInterval: time.Minute}, 500 * time.Millisecond, time.Minute},
		{"min equals max", &authenta.WaitOptions{MinInterval: time.Second, MaxInterval: time.Second}, time.Second, time.Second},
	}
	const polls = 60
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			steps := make([]httpmock.Responder, 0, polls)
			for range polls - 1 {
				steps = append(steps, jobJSON("processing"))
			}
			mock.RegisterResponder(http.MethodGet, jobURL("7", ""), script(nil, append(steps, jobJSON("completed"))...))
			c, clk := fakeClient(t, mock)
			job, err := c.Jobs.Wait(t.Context(), "7", tt.opts)
			require.NoError(t, err)
			assert.Equal(t, authenta.StatusCompleted, job.Status)

			d := clk.delays()
			require.Len(t, d, polls, "one sleep before each poll")
			assert.Equal(t, polls, mock.GetTotalCallCount())
			assert.LessOrEqual(t, d[0], tt.min, "the first poll comes after MinInterval")
			assert.GreaterOrEqual(t, d[0], tt.min*9/10, "jitter shortens by at most 10%%")
			for i := 1; i < len(d); i++ {
				assert.GreaterOrEqual(t, d[i], tt.min*9/10, "poll %d", i)
				assert.LessOrEqual(t, d[i], tt.max, "poll %d: capped at MaxInterval", i)
				// The delay before jitter grows by at most 1.25x; jitter
				// takes up to 10% off either delay.
				assert.LessOrEqual(t, float64(d[i]), 1.25*float64(d[i-1])/0.9+1, "poll %d: %v after %v", i, d[i], d[i-1])
			}
			assert.GreaterOrEqual(t, d[len(d)-1], tt.max*9/10, "the delay grows to MaxInterval")
		})
	}
}

// TestWaitSeesTheEndSoon: polls grow with the time waited, so a job is
// seen soon after it ends: a 2s job well before 3.5s, a long one within
// MaxInterval.
func TestWaitSeesTheEndSoon(t *testing.T) {
	t.Parallel()
	tests := []struct {
		finish   time.Duration
		opts     *authenta.WaitOptions
		seenUpTo time.Duration
	}{
		{500 * time.Millisecond, nil, 1200 * time.Millisecond}, // polls at ~0.5s and ~0.5+0.625s
		{2 * time.Second, nil, 3500 * time.Millisecond},
		{10 * time.Second, nil, 15 * time.Second},
		{5 * time.Minute, nil, 5*time.Minute + 5*time.Second},
		{30 * time.Second, &authenta.WaitOptions{MinInterval: time.Second, MaxInterval: 2 * time.Second}, 32 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.finish.String(), func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var clk *fakeClock
			var start time.Time
			mock.RegisterResponder(http.MethodGet, jobURL("7", ""), func(r *http.Request) (*http.Response, error) {
				if clk.Now().Sub(start) < tt.finish {
					return jobJSON("processing")(r)
				}
				return jobJSON("completed")(r)
			})
			var c *authenta.Client
			c, clk = fakeClient(t, mock)
			start = clk.Now()
			_, err := c.Jobs.Wait(t.Context(), "7", tt.opts)
			require.NoError(t, err)
			seen := clk.Now().Sub(start)
			assert.GreaterOrEqual(t, seen, tt.finish)
			assert.Less(t, seen, tt.seenUpTo, "seen %v after a %v job", seen, tt.finish)
		})
	}
}

func TestWaitOutcomes(t *testing.T) {
	t.Parallel()
	errResp := func(status int) httpmock.Responder {
		return jsonResponder(status, fmt.Sprintf(`{"code":"E%d","message":"status %d"}`, status, status))
	}
	netErr := httpmock.NewErrorResponder(errors.New("connection reset by peer"))
	failed := jsonResponder(200, `{"jobId":7,"status":"failed","errorMessage":"no face found in the image"}`)
	tests := []struct {
		name      string
		steps     []httpmock.Responder
		status    authenta.Status // of the job returned; "" for none
		wantErr   error
		errText   string
		polls     int
		onPoll    int
		anyAPIErr int // the status of an *APIError that ends the wait
	}{
		{"completes", []httpmock.Responder{jobJSON("queued"), jobJSON("processing"), jobJSON("PROCESSED")}, authenta.StatusCompleted, nil, "", 3, 3, 0},
		{"fails", []httpmock.Responder{jobJSON("processing"), failed}, authenta.StatusFailed, authenta.ErrJobFailed, "no face found in the image", 2, 2, 0},
		{"fails as error", []httpmock.Responder{jobJSON("ERROR")}, authenta.StatusFailed, authenta.ErrJobFailed, "", 1, 1, 0},
		{"cancelled", []httpmock.Responder{jobJSON("queued"), jobJSON("cancelled")}, authenta.StatusCancelled, authenta.ErrJobCancelled, "", 2, 2, 0},
		{"canceled", []httpmock.Responder{jobJSON("canceled")}, authenta.StatusCancelled, authenta.ErrJobCancelled, "", 1, 1, 0},
		{"unknown statuses keep waiting", []httpmock.Responder{jobJSON("archiving"), jobJSON("weird"), jobJSON("completed")}, authenta.StatusCompleted, nil, "", 3, 3, 0},
		{"transient errors do not end it", []httpmock.Responder{errResp(500), errResp(503), netErr, errResp(429), errResp(502), errResp(504), errResp(408), jobJSON("processing"), jobJSON("completed")},
			authenta.StatusCompleted, nil, "", 9, 2, 0},
		{"404 ends it", []httpmock.Responder{jobJSON("processing"), errResp(404)}, authenta.StatusProcessing, authenta.ErrJobNotFound, "E404", 2, 1, 404},
		{"403 ends it", []httpmock.Responder{errResp(403)}, "", authenta.ErrForbidden, "E403", 1, 0, 403},
		{"401 ends it", []httpmock.Responder{errResp(401)}, "", authenta.ErrInvalidAPIKey, "E401", 1, 0, 401},
		{"400 ends it", []httpmock.Responder{jobJSON("queued"), errResp(400)}, authenta.StatusQueued, nil, "E400", 2, 1, 400},
		{"409 ends it", []httpmock.Responder{errResp(409)}, "", authenta.ErrConflict, "E409", 1, 0, 409},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			mock.RegisterResponder(http.MethodGet, jobURL("7", ""), script(nil, tt.steps...))
			// No retries inside a poll: each poll is one request.
			c, _ := fakeClient(t, mock, authenta.WithMaxRetries(0))
			var polled []*authenta.Job
			job, err := c.Jobs.Wait(t.Context(), "7", &authenta.WaitOptions{OnPoll: func(j *authenta.Job) { polled = append(polled, j) }})
			assert.Equal(t, tt.polls, mock.GetTotalCallCount(), "polls")
			assert.Len(t, polled, tt.onPoll, "OnPoll after every successful poll")
			if tt.status == "" {
				assert.Nil(t, job)
			} else {
				require.NotNil(t, job)
				assert.Equal(t, tt.status, job.Status)
				assert.Equal(t, "7", job.ID)
				assert.Same(t, polled[len(polled)-1], job, "the last job seen")
			}
			switch {
			case tt.wantErr == nil && tt.anyAPIErr == 0:
				require.NoError(t, err)
				return
			case tt.wantErr != nil:
				require.ErrorIs(t, err, tt.wantErr)
			default:
				require.Error(t, err)
			}
			assert.Contains(t, err.Error(), tt.errText)
			if tt.anyAPIErr != 0 {
				var ae *authenta.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.anyAPIErr, ae.StatusCode)
			}
			if errors.Is(err, authenta.ErrJobFailed) || errors.Is(err, authenta.ErrJobCancelled) {
				var je *authenta.JobError
				require.ErrorAs(t, err, &je)
				assert.Same(t, job, je.Job)
				assert.Contains(t, err.Error(), "7")
				assert.False(t, errors.Is(err, authenta.ErrJobFailed) && errors.Is(err, authenta.ErrJobCancelled))
			}
		})
	}
}

// TestWaitContextDeadline runs on the real clock: the wait ends at the
// context's deadline, not a poll interval later.
func TestWaitContextDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  *authenta.WaitOptions
		polls bool // at least one poll happens before the deadline
	}{
		{"1ms polls", &authenta.WaitOptions{MinInterval: time.Millisecond}, true},
		// One poll just before the deadline; under load it may be cut by
		// the deadline, so only the timing is checked.
		{"interval longer than the deadline", &authenta.WaitOptions{MinInterval: 2 * time.Second, MaxInterval: 10 * time.Second}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			mock.RegisterResponder(http.MethodGet, jobURL("7", ""), jobJSON("processing"))
			c := newClient(t, mock)
			start := time.Now()
			// A deadline long enough for a first 1 ms poll under -race on a
			// loaded machine, and well below the 2 s interval, which Wait
			// must not sleep through.
			ctx, cancel := context.WithTimeout(t.Context(), 250*time.Millisecond)
			defer cancel()
			job, err := c.Jobs.Wait(ctx, "7", tt.opts)
			elapsed := time.Since(start)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.GreaterOrEqual(t, elapsed, 240*time.Millisecond, "not before the deadline")
			assert.Less(t, elapsed, 1500*time.Millisecond, "ends at the deadline, not after the 2 s interval")
			if tt.polls {
				require.NotNil(t, job, "the last job seen")
				assert.Equal(t, authenta.StatusProcessing, job.Status)
				assert.Positive(t, mock.GetTotalCallCount())
			}
		})
	}
}

func TestWaitContextCancelled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		cancelAt int // poll number after which the context is cancelled
	}{
		{"before the first poll", 0},
		{"after the third poll", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			mock.RegisterResponder(http.MethodGet, jobURL("7", ""), jobJSON("processing"))
			c, _ := fakeClient(t, mock)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.cancelAt == 0 {
				cancel()
			}
			var n atomic.Int32
			job, err := c.Jobs.Wait(ctx, "7", &authenta.WaitOptions{OnPoll: func(*authenta.Job) {
				if int(n.Add(1)) == tt.cancelAt {
					cancel()
				}
			}})
			require.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, tt.cancelAt, mock.GetTotalCallCount())
			if tt.cancelAt > 0 {
				require.NotNil(t, job)
				assert.Equal(t, authenta.StatusProcessing, job.Status)
			} else {
				assert.Nil(t, job)
			}
		})
	}
}

func TestWaitInvalidSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		nilCtx bool // call with a nil context
		id     string
		opts   *authenta.WaitOptions
	}{
		{"min above max", false, "7", &authenta.WaitOptions{MinInterval: 2 * time.Second, MaxInterval: time.Second}},
		{"negative min", false, "7", &authenta.WaitOptions{MinInterval: -time.Second}},
		{"negative max", false, "7", &authenta.WaitOptions{MaxInterval: -time.Second}},
		{"empty id", false, "", nil},
		{"id with a slash", false, "7/cancel", nil},
		{"nil context", true, "7", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			c, clk := fakeClient(t, mock)
			ctx := callCtx(t, tt.nilCtx)
			job, err := c.Jobs.Wait(ctx, tt.id, tt.opts)
			require.ErrorIs(t, err, authenta.ErrInvalidArgument)
			assert.Nil(t, job)
			assert.Zero(t, mock.GetTotalCallCount())
			assert.Empty(t, clk.delays(), "no sleeping either")
		})
	}
}

// TestWaitContextEndsDuringAFailedPoll: a poll whose answer is an error
// (here a 400, which ends a wait, and a 503, which does not) while the
// context ends returns an error matching the context's.
func TestWaitContextEndsDuringAFailedPoll(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 503} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			mock.RegisterResponder(http.MethodGet, jobURL("7", ""), func(*http.Request) (*http.Response, error) {
				cancel() // the context ends while the poll's error answer is on its way
				return httpmock.NewStringResponse(status, `{"code":"X","message":"no"}`), nil
			})
			c, _ := fakeClient(t, mock)
			_, err := c.Jobs.Wait(ctx, "7", &authenta.WaitOptions{MinInterval: time.Millisecond}, authenta.WithCallRetries(0))
			require.ErrorIs(t, err, context.Canceled)
		})
	}
}

package authenta

// How late Wait notices that a job has finished, and how many polls it
// makes, for jobs that finish after 1 s, 5 s, 30 s and 5 min, on a fake
// clock (nothing sleeps). The figures are in BENCHMARKS.md.

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// pollFakeClock is a clock whose Sleep moves time forward at once.
type pollFakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *pollFakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *pollFakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

// pollJobServer is an HTTP transport that answers GET /api/v1/jobs/{id}
// with "processing" until its clock reaches finish, then "completed". It
// records the clock time of the poll that saw the job completed.
type pollJobServer struct {
	clock    *pollFakeClock
	finish   time.Time
	polls    atomic.Int64
	mu       sync.Mutex
	detected time.Time
}

func (s *pollJobServer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, jobsPath+"/") {
		return nil, fmt.Errorf("unexpected %s %s", r.Method, r.URL.Path)
	}
	s.polls.Add(1)
	now := s.clock.Now()
	status := "processing"
	if !now.Before(s.finish) {
		status = "completed"
		s.mu.Lock()
		if s.detected.IsZero() {
			s.detected = now
		}
		s.mu.Unlock()
	}
	body := `{"id":"job-1","taskTypeId":"1","status":"` + status + `"}`
	return &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       r,
	}, nil
}

// pollRun is one Wait on a job that finishes after d: how late Wait
// noticed, and how many polls it made.
type pollRun struct {
	late  time.Duration
	polls int
}

// runPollWait runs Wait with default options on a fresh client whose job
// finishes d after Wait starts.
func runPollWait(tb testing.TB, d time.Duration) (pollRun, error) {
	clk := &pollFakeClock{now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	srv := &pollJobServer{clock: clk, finish: clk.now.Add(d)}
	c, err := NewClient(
		WithAPIKey("api_poll"),
		WithBaseURL("http://127.0.0.1:1"),
		WithHTTPClient(&http.Client{Transport: srv}),
		WithoutEnvironment(),
	)
	if err != nil {
		return pollRun{}, err
	}
	c.clock = clk
	job, err := c.Jobs.Wait(context.Background(), "job-1", nil)
	if err != nil {
		return pollRun{}, err
	}
	if job.Status != StatusCompleted {
		return pollRun{}, fmt.Errorf("Wait returned status %q", job.Status)
	}
	return pollRun{late: srv.detected.Sub(srv.finish), polls: int(srv.polls.Load())}, nil
}

// pollSchedule is the bound, over every possible jitter, of Wait's default
// schedule for a job that finishes after d: the latest Wait can notice, and
// the fewest and most polls it can make.
//
// The k-th delay is n_k = min(MinInterval·growth^k, MaxInterval), shortened
// by jitter to anywhere in [0.9·n_k, n_k]; poll k happens at P_k, the sum
// of the first k delays, so P_k lies in [0.9·S_k, S_k] where S_k is the sum
// of the nominal delays. If poll k is the first at or after d, then
// P_{k-1} < d, so 0.9·S_{k-1} < d, and the lateness P_k − d is below both
// n_{k-1} and S_k − d.
func pollSchedule(d time.Duration) (worstLate time.Duration, minPolls, maxPolls int) {
	const jitterFloor = 0.9 // jitter shortens a delay by up to 10%
	n := float64(defaultMinInterval)
	s := 0.0 // S_{k-1}
	minPolls = -1
	for k := 1; jitterFloor*s < float64(d); k++ {
		sk := s + n // S_k
		if sk >= float64(d) {
			if minPolls < 0 {
				minPolls = k
			}
			maxPolls = k
			worstLate = max(worstLate, time.Duration(math.Min(n, sk-float64(d))))
		}
		s = sk
		n = math.Min(n*pollGrowth, float64(defaultMaxInterval))
	}
	return worstLate, minPolls, maxPolls
}

// pollTarget is the target: late by at most max(MinInterval, 25%
// of the elapsed time).
func pollTarget(d time.Duration) time.Duration { return max(defaultMinInterval, d/4) }

// fixedPoll is what the official SDKs do: poll at 0, 5 s, 10 s, ... until
// the job is done. It returns how late that notices a job finishing after
// d, and how many polls it makes.
func fixedPoll(d time.Duration) (late time.Duration, polls int) {
	const every = 5 * time.Second
	k := (d + every - 1) / every // first poll at or after d
	return time.Duration(k)*every - d, int(k) + 1
}

var pollFinishTimes = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second, 5 * time.Minute}

// TestWaitDetectionLatency checks, for each finish time, that Wait with
// default options notices the end within max(MinInterval, 25% of the
// elapsed time). The bound holds for every jitter (pollSchedule), and each
// run's lateness and poll count are checked against it, so the test does
// not depend on the random jitter. Nothing sleeps: the clock is fake.
func TestWaitDetectionLatency(t *testing.T) {
	t.Parallel()
	const trials = 100
	for _, d := range pollFinishTimes {
		t.Run("finish="+d.String(), func(t *testing.T) {
			t.Parallel()
			worst, minPolls, maxPolls := pollSchedule(d)
			require.LessOrEqual(t, worst, pollTarget(d), "the schedule's worst case misses the target")
			lateMin, lateMax := time.Duration(math.MaxInt64), time.Duration(0)
			pollsMin, pollsMax := math.MaxInt, 0
			for range trials {
				r, err := runPollWait(t, d)
				require.NoError(t, err)
				require.GreaterOrEqual(t, r.late, time.Duration(0))
				require.LessOrEqual(t, r.late, worst)
				require.GreaterOrEqual(t, r.polls, minPolls)
				require.LessOrEqual(t, r.polls, maxPolls)
				lateMin, lateMax = min(lateMin, r.late), max(lateMax, r.late)
				pollsMin, pollsMax = min(pollsMin, r.polls), max(pollsMax, r.polls)
			}
			fLate, fPolls := fixedPoll(d)
			t.Logf("finish %v: late %v..%v (bound %v, target %v), polls %d..%d (bound %d..%d); fixed 5s: late %v (up to 5s), polls %d",
				d, lateMin.Round(time.Millisecond), lateMax.Round(time.Millisecond), worst.Round(time.Millisecond), pollTarget(d),
				pollsMin, pollsMax, minPolls, maxPolls, fLate, fPolls)
		})
	}
}

// BenchmarkWaitPolling reports, per finish time, the mean lateness and
// number of polls of Wait with default options (metrics late-ms/op and
// polls/op), with the fixed-5s schedule of the official SDKs alongside.
func BenchmarkWaitPolling(b *testing.B) {
	for _, d := range pollFinishTimes {
		b.Run("finish="+d.String(), func(b *testing.B) {
			var late time.Duration
			polls, n := 0, 0
			for b.Loop() {
				r, err := runPollWait(b, d)
				if err != nil {
					b.Fatal(err)
				}
				late += r.late
				polls += r.polls
				n++
			}
			fLate, fPolls := fixedPoll(d)
			b.ReportMetric(float64(late.Milliseconds())/float64(n), "late-ms/op")
			b.ReportMetric(float64(polls)/float64(n), "polls/op")
			b.ReportMetric(float64(fLate.Milliseconds()), "fixed5s-late-ms")
			b.ReportMetric(float64(fPolls), "fixed5s-polls")
		})
	}
}

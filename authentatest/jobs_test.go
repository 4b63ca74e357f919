package authentatest

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// getStatus GETs a job and returns its status word.
func getStatus(t *testing.T, srv *Server, id string) string {
	t.Helper()
	r := call(t, srv, "GET", jobURL(srv, id, ""), DefaultAPIKey, nil)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	s, _ := r.JSON(t)["status"].(string)
	return s
}

func TestStateMachine(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithSchedule(Steps(1, 1)))
	id := readyJob(t, srv)
	key := DefaultAPIKey

	r := call(t, srv, "POST", jobURL(srv, id, "/finalize"), key, nil)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	fin := r.JSON(t)
	assert.Equal(t, "queued", fin["status"])
	assert.Equal(t, "Job successfully queued for processing", fin["message"])
	assert.Equal(t, id, fin["id"])
	assert.NotEmpty(t, fin["queuedAt"])

	steps := []struct {
		method, suffix string
		wantStatus     int
		wantBody       string // a status word, or an error code
	}{
		{"POST", "/finalize", 400, "BAD_REQUEST"}, // finalize twice
		{"GET", "", 200, "queued"},
		{"GET", "", 200, "processing"},
		{"POST", "/cancel", 409, "JOB_NOT_CANCELLABLE"},
		{"DELETE", "", 409, "JOB_PROCESSING"},
		{"GET", "", 200, "completed"},
		{"POST", "/cancel", 409, "JOB_NOT_CANCELLABLE"},
		{"POST", "/finalize", 400, "BAD_REQUEST"},
		{"DELETE", "", 204, ""},
		{"GET", "", 404, "JOB_NOT_FOUND"},
		{"DELETE", "", 404, "JOB_NOT_FOUND"},
		{"POST", "/finalize", 404, "JOB_NOT_FOUND"},
		{"POST", "/cancel", 404, "JOB_NOT_FOUND"},
	}
	for i, st := range steps {
		r := call(t, srv, st.method, jobURL(srv, id, st.suffix), key, nil)
		require.Equal(t, st.wantStatus, r.Status, "step %d %s %s: %s", i, st.method, st.suffix, r.Body)
		switch {
		case st.wantStatus == 204:
			assert.Empty(t, r.Body)
		case st.wantStatus == 200:
			assert.Equal(t, st.wantBody, r.JSON(t)["status"], "step %d", i)
		default:
			assert.Equal(t, st.wantBody, r.JSON(t)["code"], "step %d", i)
		}
	}
	r = call(t, srv, "POST", jobURL(srv, "x", "/finalize"), key, nil)
	assert.Equal(t, 404, r.Status)

	info, ok := srv.Job(id)
	require.True(t, ok)
	assert.True(t, info.Deleted)
	assert.True(t, info.Finalized)
	assert.Equal(t, 3, info.Polls)
}

func TestFinalizeMessages(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	id := readyJob(t, srv)
	require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)
	r := call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil)
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "Job not found or already finalized", r.JSON(t)["message"])
}

func TestFinalizeNeedsEveryUpload(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	id, urls := createRaw(t, srv, 8, map[string]any{"isSimilarityCheck": true},
		rawInput{"original", "image/jpeg", "selfie.jpg", 10}, rawInput{"reference", "image/png", "id.png", 20})

	r := call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil)
	require.Equal(t, 400, r.Status)
	assert.Contains(t, r.JSON(t)["message"], `"original"`)

	require.Equal(t, 200, put(t, srv, urls["original"], "image/jpeg", make([]byte, 10), nil).Status)
	r = call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil)
	require.Equal(t, 400, r.Status, "the reference is still missing")
	assert.Contains(t, r.JSON(t)["message"], `"reference"`)

	// A failed upload does not count.
	require.Equal(t, 403, put(t, srv, urls["reference"], "image/jpeg", make([]byte, 20), nil).Status)
	require.Equal(t, 400, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)

	require.Equal(t, 200, put(t, srv, urls["reference"], "image/png", make([]byte, 20), nil).Status)
	require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)
}

func TestCancel(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithSchedule(Steps(Forever, Forever)))

	t.Run("pending", func(t *testing.T) {
		t.Parallel()
		id, _ := createRaw(t, srv, "1", nil, imageInput(5))
		r := call(t, srv, "POST", jobURL(srv, id, "/cancel"), DefaultAPIKey, nil)
		require.Equal(t, 200, r.Status)
		body := r.JSON(t)
		assert.Equal(t, "cancelled", body["status"])
		assert.Equal(t, "Job successfully cancelled", body["message"])
		assert.Equal(t, "cancelled", getStatus(t, srv, id))

		r = call(t, srv, "POST", jobURL(srv, id, "/cancel"), DefaultAPIKey, nil)
		assert.Equal(t, 422, r.Status, "cancelling twice")
		r = call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil)
		assert.Equal(t, 400, r.Status, "finalizing a cancelled job")
		assert.Equal(t, 204, call(t, srv, "DELETE", jobURL(srv, id, ""), DefaultAPIKey, nil).Status)
	})
	t.Run("queued", func(t *testing.T) {
		t.Parallel()
		id := readyJob(t, srv)
		require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)
		assert.Equal(t, "queued", getStatus(t, srv, id))
		assert.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/cancel"), DefaultAPIKey, nil).Status)
		assert.Equal(t, "cancelled", getStatus(t, srv, id))
	})
	t.Run("processing", func(t *testing.T) {
		t.Parallel()
		id := readyJob(t, srv)
		require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)
		require.NoError(t, srv.SetJobStatus(id, authenta.StatusProcessing, ""))
		r := call(t, srv, "POST", jobURL(srv, id, "/cancel"), DefaultAPIKey, nil)
		assert.Equal(t, 409, r.Status)
		assert.Equal(t, 409, call(t, srv, "DELETE", jobURL(srv, id, ""), DefaultAPIKey, nil).Status)
		assert.Equal(t, "processing", getStatus(t, srv, id))
	})
}

func TestOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		outcome   Outcome
		want      string
		wantError string
	}{
		{"completed", Outcome{}, "completed", ""},
		{"failed", Failed("Face not found"), "failed", "Face not found"},
		{"failed default message", Outcome{Status: authenta.StatusFailed}, "failed", DefaultFailureMessage},
		{"cancelled", Outcome{Status: authenta.StatusCancelled}, "cancelled", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := NewServer(t, WithSchedule(Steps(0, 0)), WithOutcome(tt.outcome))
			id := readyJob(t, srv)
			require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)
			r := call(t, srv, "GET", jobURL(srv, id, ""), DefaultAPIKey, nil)
			job := r.JSON(t)
			assert.Equal(t, tt.want, job["status"])
			if tt.wantError != "" {
				assert.Equal(t, tt.wantError, job["errorMessage"])
			} else {
				assert.NotContains(t, job, "errorMessage")
			}
			kinds := artifactKinds(t, r.Body)
			if tt.want == "completed" {
				assert.Equal(t, []string{"input", "result", "heatmap"}, kinds)
			} else {
				assert.Equal(t, []string{"input"}, kinds)
			}
		})
	}
	t.Run("invalid", func(t *testing.T) {
		t.Parallel()
		_, err := Start(WithOutcome(Outcome{Status: authenta.StatusQueued}))
		assert.Error(t, err)
	})
}

func artifactKinds(t *testing.T, body []byte) []string {
	t.Helper()
	var job struct {
		Artifacts []struct{ Kind string } `json:"artifacts"`
	}
	require.NoError(t, json.Unmarshal(body, &job))
	kinds := []string{}
	for _, a := range job.Artifacts {
		kinds = append(kinds, a.Kind)
	}
	return kinds
}

func TestTimeSchedule(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	srv := NewServer(t, WithClock(clk.Now), WithSchedule(Schedule{QueuedFor: time.Second, ProcessingFor: 10 * time.Second}))
	id := readyJob(t, srv)
	require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)

	assert.Equal(t, "queued", getStatus(t, srv, id))
	clk.Advance(999 * time.Millisecond)
	assert.Equal(t, "queued", getStatus(t, srv, id))
	clk.Advance(time.Millisecond)
	assert.Equal(t, "processing", getStatus(t, srv, id))
	clk.Advance(9 * time.Second)
	assert.Equal(t, "processing", getStatus(t, srv, id))
	clk.Advance(time.Second)
	r := call(t, srv, "GET", jobURL(srv, id, ""), DefaultAPIKey, nil)
	job := r.JSON(t)
	assert.Equal(t, "completed", job["status"])
	assert.Equal(t, "2026-03-01T12:00:11.000Z", job["completedAt"], "the stages end on time, not at the poll")
}

func TestScheduleSkipsUnpolledStages(t *testing.T) {
	t.Parallel()
	// With the default schedule, a GET long after finalize sees the job done.
	clk := newFakeClock()
	srv := NewServer(t, WithClock(clk.Now))
	id := readyJob(t, srv)
	require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)
	clk.Advance(time.Hour)
	assert.Equal(t, "completed", getStatus(t, srv, id))
}

func TestJobHook(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	srv := NewServer(t, WithJobHook(func(jc *JobConfig) {
		mu.Lock()
		seen = append(seen, jc.ID+":"+jc.TaskType.Model+":"+jc.Inputs[0].FileName)
		mu.Unlock()
		jc.Schedule = Steps(0, 0)
		if jc.Inputs[0].FileName == "fail.jpg" {
			jc.Outcome = Failed("hooked failure")
		}
		jc.Result = json.RawMessage(`{"resultType":"image","isDeepFake":true,"RealConfidencePercent":1.5}`)
		jc.Cost = 7
	}))
	for _, name := range []string{"ok.jpg", "fail.jpg"} {
		id, urls := createRaw(t, srv, "1", nil, rawInput{"original", "image/jpeg", name, 3})
		require.Equal(t, 200, put(t, srv, urls["original"], "image/jpeg", []byte("abc"), nil).Status)
		require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)
		info, _ := srv.Job(id)
		assert.InDelta(t, 7, info.Charged, 1e-9)
		if name == "fail.jpg" {
			assert.Equal(t, authenta.StatusFailed, info.Status)
			assert.Equal(t, "hooked failure", info.ErrorMessage)
		} else {
			assert.Equal(t, authenta.StatusCompleted, info.Status)
			assert.JSONEq(t, `{"resultType":"image","isDeepFake":true,"RealConfidencePercent":1.5}`, string(info.Result))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"1:AC-1:ok.jpg", "2:AC-1:fail.jpg"}, seen)
}

func TestSetJobStatus(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithSchedule(Steps(Forever, Forever)))
	id := readyJob(t, srv)
	require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)
	for range 5 {
		assert.Equal(t, "queued", getStatus(t, srv, id), "held forever")
	}
	require.NoError(t, srv.SetJobStatus(id, authenta.StatusFailed, "boom"))
	r := call(t, srv, "GET", jobURL(srv, id, ""), DefaultAPIKey, nil)
	assert.Equal(t, "failed", r.JSON(t)["status"])
	assert.Equal(t, "boom", r.JSON(t)["errorMessage"])
	assert.Error(t, srv.SetJobStatus(id, "weird", ""))
	assert.Error(t, srv.SetJobStatus("nope", authenta.StatusFailed, ""))
}

func TestSetScheduleAndOutcome(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	require.NoError(t, srv.SetSchedule(Steps(0, 0)))
	require.NoError(t, srv.SetOutcome(Failed("later")))
	require.Error(t, srv.SetSchedule(Schedule{QueuedPolls: -2}))
	require.Error(t, srv.SetOutcome(Outcome{Status: "done"}))
	id := readyJob(t, srv)
	require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)
	assert.Equal(t, "failed", getStatus(t, srv, id))
}

func TestJobIDs(t *testing.T) {
	t.Parallel()
	const big = uint64(1)<<53 + 1 // 9007199254740993: not a float64
	srv := NewServer(t, WithFirstID(big), WithIDStyle(IDNumber))
	r := call(t, srv, "POST", srv.URL+"/api/v1/jobs", DefaultAPIKey,
		`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"a.jpg","sizeBytes":1}]}`)
	require.Equal(t, 200, r.Status)
	assert.Contains(t, string(r.Body), `{"job":{"id":9007199254740993,`)
	r = call(t, srv, "POST", srv.URL+"/api/v1/jobs", DefaultAPIKey,
		`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"a.jpg","sizeBytes":1}]}`)
	assert.Contains(t, string(r.Body), `{"job":{"id":9007199254740994,`)
	r = call(t, srv, "GET", jobURL(srv, "9007199254740993", ""), DefaultAPIKey, nil)
	require.Equal(t, 200, r.Status)
	assert.Contains(t, string(r.Body), `"id":9007199254740993,`)
}

package authenta_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestDetectFinalizeAnswerChecked: a finalize answer that is not a job
// document fails the finalize step (and the job is removed) whether or not
// OnFinalized asks for the finalized job; any job document, in any shape,
// goes on to the wait.
func TestDetectFinalizeAnswerChecked(t *testing.T) {
	t.Parallel()
	f := newDetectFiles(t)
	tests := []struct {
		name   string
		answer string
		fails  bool
	}{
		{"documented", `{"id":"7","status":"queued","message":"Job successfully queued for processing"}`, false},
		{"numbers and wrappers", `{"data":{"jobId":7,"status":"queued"}}`, false},
		{"odd field types", `{"id":[7],"status":{"s":1},"artifacts":"none"}`, false},
		{"null", `null`, false},
		{"empty", ``, false},
		{"not JSON", `<html>queued</html>`, true},
		{"cut", `{"id":"7","status":"que`, true},
		{"an array", `[{"id":"7"}]`, true},
		{"a string", `"queued"`, true},
		{"wrapped past the unwrapping bound", strings.Repeat(`{"job":`, 5) + `{"id":"7"}` + strings.Repeat(`}`, 5), false},
		{"a byte order mark", "\ufeff{\"id\":\"7\"}", true},
		{"two documents", `{"id":"7"}{"id":"8"}`, true},
		{"nested past encoding/json's depth", `{"a":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`, true},
		{"over the decoder's budget", `{"id":"7","artifacts":[` + strings.Repeat(`{},`, 100000) + `{}]}`, true},
	}
	for _, tt := range tests {
		for _, hook := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/OnFinalized=%v", tt.name, hook), func(t *testing.T) {
				t.Parallel()
				mock := newMock(t)
				var log reqLog
				platform{finalize: jsonResponder(200, tt.answer)}.register(mock, &log)
				c, _ := fakeClient(t, mock, authenta.WithMaxRetries(1))
				opts := &authenta.DetectOptions{Wait: fastWait}
				var finalized *authenta.Job
				if hook {
					opts.OnFinalized = func(j *authenta.Job) { finalized = j }
				}
				d, err := c.Detect(t.Context(), authenta.AIImageDetection, f.photo, opts)
				if !tt.fails {
					require.NoError(t, err, "OnFinalized %v", hook)
					assert.Equal(t, "7", d.Job.ID)
					if hook {
						require.NotNil(t, finalized)
						assert.Equal(t, "7", finalized.ID)
					}
					return
				}
				require.Error(t, err, "OnFinalized %v", hook)
				var se *authenta.StepError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, authenta.StepFinalize, se.Step, "OnFinalized %v", hook)
				assert.True(t, se.Removed, "OnFinalized %v", hook)
				assert.Nil(t, finalized)
				assert.Equal(t, 0, countCalls(&log, "GET /api/v1/jobs/7"), "no wait")
			})
		}
	}
}

// TestDetectFinalizeWithoutAnAnswer: a finalize whose request was sent and
// whose connection then closed without any answer is ambiguous. When the
// server did finalize the job (it was charged), Detect goes on to wait and
// returns the result: it neither resends the finalize nor removes the
// job. When the server never handled it, the job is still pending and is
// removed, as for any failed finalize. With and without OnFinalized.
func TestDetectFinalizeWithoutAnAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fault   authentatest.Fault
		handled bool
	}{
		{"handled, then the connection closed", authentatest.Fault{Conn: authentatest.DropResponse}, true},
		{"reset before it was handled", authentatest.Fault{Conn: authentatest.Reset}, false},
	}
	for _, tt := range tests {
		for _, hook := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/OnFinalized=%v", tt.name, hook), func(t *testing.T) {
				t.Parallel()
				srv := authentatest.NewServer(t)
				srv.Inject(authentatest.RouteFinalize, tt.fault)
				c := srv.Client()
				path, _ := faultImage(t, 4<<10)
				opts := &authenta.DetectOptions{Wait: fastWait}
				var finalized *authenta.Job
				if hook {
					opts.OnFinalized = func(j *authenta.Job) { finalized = j }
				}
				d, err := c.Detect(t.Context(), authenta.AIImageDetection, path, opts)
				assert.Equal(t, 1, srv.Count(authentatest.RouteFinalize), "never resent")
				if tt.handled {
					require.NoError(t, err)
					assert.Equal(t, authenta.StatusCompleted, d.Job.Status)
					assert.Zero(t, srv.Count(authentatest.RouteDelete), "the finalized job is kept")
					if hook {
						require.NotNil(t, finalized)
						assert.Equal(t, d.Job.ID, finalized.ID)
					}
					return
				}
				var se *authenta.StepError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, authenta.StepFinalize, se.Step)
				assert.True(t, se.Removed, "the pending job is removed")
				info, ok := srv.Job(se.JobID)
				require.True(t, ok)
				assert.False(t, info.Finalized)
				assert.Nil(t, finalized)
			})
		}
	}
}

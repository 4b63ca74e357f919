package authenta_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// createOnly creates a two-input job (face intelligence, similarity) and
// uploads the given slots, as a process that then stopped would have.
func createOnly(t *testing.T, c *authenta.Client, upload ...string) *authenta.CreatedJob {
	t.Helper()
	created, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{
		TaskType:   authenta.FaceIntelligence,
		Parameters: map[string]any{"version": "v1", "isSimilarityCheck": true},
		Inputs: []authenta.Input{
			{Slot: "original", FileName: "s.jpg", ContentType: "image/jpeg", Size: 3},
			{Slot: "reference", FileName: "r.jpg", ContentType: "image/jpeg", Size: 3},
		}})
	require.NoError(t, err)
	for _, slot := range upload {
		u, ok := created.Upload(slot)
		require.True(t, ok)
		require.NoError(t, c.Jobs.Upload(t.Context(), u, bytes.NewReader([]byte("jpg")), 3, "image/jpeg"))
	}
	return created
}

func TestResume(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		setup     func(t *testing.T, srv *authentatest.Server, c *authenta.Client) string
		err       error
		finalizes int // finalize requests Resume sends
		status    authenta.Status
	}{
		{"uploaded, never finalized", func(t *testing.T, _ *authentatest.Server, c *authenta.Client) string {
			return createOnly(t, c, "original", "reference").Job.ID
		}, nil, 1, authenta.StatusCompleted},
		{"finalized, still running", func(t *testing.T, _ *authentatest.Server, c *authenta.Client) string {
			id := createOnly(t, c, "original", "reference").Job.ID
			_, err := c.Jobs.Finalize(t.Context(), id)
			require.NoError(t, err)
			return id
		}, nil, 0, authenta.StatusCompleted},
		{"already completed", func(t *testing.T, _ *authentatest.Server, c *authenta.Client) string {
			d, err := c.DetectReader(t.Context(), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, nil)
			require.NoError(t, err)
			return d.Job.ID
		}, nil, 0, authenta.StatusCompleted},
		{"one input missing: refused before finalize", func(t *testing.T, _ *authentatest.Server, c *authenta.Client) string {
			return createOnly(t, c, "original").Job.ID
		}, authenta.ErrInputsNotUploaded, 0, authenta.StatusPending},
		{"nothing uploaded: the server refuses", func(t *testing.T, _ *authentatest.Server, c *authenta.Client) string {
			return createOnly(t, c).Job.ID
		}, authenta.ErrInputsNotUploaded, 1, authenta.StatusPending},
		{"failed job", func(t *testing.T, srv *authentatest.Server, c *authenta.Client) string {
			id := createOnly(t, c, "original", "reference").Job.ID
			require.NoError(t, srv.SetJobStatus(id, authenta.StatusFailed, "model crashed"))
			return id
		}, authenta.ErrJobFailed, 0, authenta.StatusFailed},
		{"unknown job", func(*testing.T, *authentatest.Server, *authenta.Client) string { return "424242" },
			authenta.ErrJobNotFound, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t)
			c := srv.Client()
			id := tt.setup(t, srv, c)
			creates := srv.Count(authentatest.RouteCreate)
			finalizes := srv.Count(authentatest.RouteFinalize)
			d, err := c.Resume(t.Context(), id, nil)
			assert.Equal(t, creates, srv.Count(authentatest.RouteCreate), "Resume never creates a job")
			assert.Equal(t, tt.finalizes, srv.Count(authentatest.RouteFinalize)-finalizes)
			assert.Zero(t, srv.Count(authentatest.RouteDelete), "Resume never removes a job")
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				assert.Nil(t, d)
			} else {
				require.NoError(t, err)
				require.NotNil(t, d.Result)
				assert.Equal(t, id, d.Job.ID)
			}
			if tt.status != "" {
				info, ok := srv.Job(id)
				require.True(t, ok)
				assert.Equal(t, tt.status, info.Status)
			}
		})
	}
}

// TestResumeFinalizedMeanwhile: another process finalizes the job between
// Resume's Get and its finalize: the refusal is not an error, the job is
// waited for.
func TestResumeFinalizedMeanwhile(t *testing.T) {
	t.Parallel()
	mock := newMock(t)
	var log reqLog
	pending := `{"id":"7","taskTypeId":1,"status":"waiting_for_finalize","inputs":[{"slotName":"original"}]}`
	mock.RegisterResponder(http.MethodGet, jobURL("7", ""), script(&log, jsonResponder(200, pending), jobJSON("queued"),
		jsonResponder(200, `{"id":"7","status":"completed","result":{"isDeepFake":false}}`)))
	mock.RegisterResponder(http.MethodPost, jobURL("7", "/finalize"), script(&log,
		jsonResponder(400, `{"code":"BAD_REQUEST","message":"Job not found or already finalized"}`)))
	c := newClient(t, mock)
	d, err := c.Resume(t.Context(), "7", fastWait)
	require.NoError(t, err)
	assert.Equal(t, authenta.StatusCompleted, d.Job.Status)
	assert.Equal(t, []string{"GET /api/v1/jobs/7", "POST /api/v1/jobs/7/finalize", "GET /api/v1/jobs/7", "GET /api/v1/jobs/7"}, calls(&log))
}

// TestResumeInputArtifactStatus: an input artifact still "pending" means
// its bytes have not arrived.
func TestResumeInputArtifactStatus(t *testing.T) {
	t.Parallel()
	mock := newMock(t)
	mock.RegisterResponder(http.MethodGet, jobURL("7", ""), jsonResponder(200,
		`{"id":"7","status":"pending","artifacts":[{"kind":"input","slotName":"original","status":"pending"}]}`))
	c := newClient(t, mock)
	_, err := c.Resume(t.Context(), "7", nil)
	require.ErrorIs(t, err, authenta.ErrInputsNotUploaded)
	assert.Contains(t, err.Error(), "original")
	var se *authenta.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, authenta.StepFinalize, se.Step)
	assert.Equal(t, 1, mock.GetTotalCallCount(), "no finalize")
}

func TestResumeInvalid(t *testing.T) {
	t.Parallel()
	mock := newMock(t)
	c := newClient(t, mock)
	for _, id := range []string{"", "a/b", "../x"} {
		_, err := c.Resume(context.Background(), id, nil)
		require.ErrorIs(t, err, authenta.ErrInvalidArgument, "%q", id)
	}
	_, err := c.Resume(callCtx(t, true), "7", nil)
	require.ErrorIs(t, err, authenta.ErrInvalidArgument)
	_, err = c.Resume(t.Context(), "7", &authenta.WaitOptions{MinInterval: -1})
	require.ErrorIs(t, err, authenta.ErrInvalidArgument)
	assert.Zero(t, mock.GetTotalCallCount())
}

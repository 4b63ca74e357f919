package authenta_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestDetectOnCreatedJobFinishesTheSameJob: OnCreatedJob hands over the
// uploads before any byte is sent, after OnCreated; with them, a job whose
// upload failed is finished later (Upload, then Resume) with no second job.
func TestDetectOnCreatedJobFinishesTheSameJob(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "a.jpg")
	require.NoError(t, os.WriteFile(path, []byte("jpeg bytes"), 0o600))

	srv.Fail(authentatest.RouteUpload, http.StatusForbidden)
	var order []string
	var cj *authenta.CreatedJob
	_, err := c.Detect(ctx, authenta.AIImageDetection, path, &authenta.DetectOptions{
		KeepJobOnError: true,
		OnCreated:      func(*authenta.Job) { order = append(order, "job") },
		OnCreatedJob: func(got *authenta.CreatedJob) {
			order = append(order, "created job")
			cj = got
			assert.Zero(t, srv.Count(authentatest.RouteUpload), "called before any upload")
		},
	})
	var se *authenta.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, authenta.StepUpload, se.Step)
	assert.Equal(t, []string{"job", "created job"}, order)
	require.NotNil(t, cj)
	assert.Equal(t, se.JobID, cj.Job.ID)
	u, ok := cj.Upload(authenta.SlotOriginal)
	require.True(t, ok)
	assert.False(t, u.ExpiresAt.IsZero())

	_, err = c.Resume(ctx, cj.Job.ID, nil)
	require.ErrorIs(t, err, authenta.ErrInputsNotUploaded)

	// The uploads survive a trip through JSON (a journal, another process).
	b, err := cj.MarshalJSON()
	require.NoError(t, err)
	var back struct{ Uploads []authenta.Upload }
	require.NoError(t, json.Unmarshal(b, &back))
	require.Len(t, back.Uploads, 1)
	assert.Equal(t, u.URL, back.Uploads[0].URL)
	assert.True(t, u.ExpiresAt.Equal(back.Uploads[0].ExpiresAt))

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, c.Jobs.Upload(ctx, back.Uploads[0], f, 10, "image/jpeg"))
	d, err := c.Resume(ctx, cj.Job.ID, &authenta.WaitOptions{MinInterval: 1e6, MaxInterval: 5e6})
	require.NoError(t, err)
	assert.Equal(t, cj.Job.ID, d.Job.ID)
	assert.Len(t, srv.Jobs(), 1, "no second job")
}

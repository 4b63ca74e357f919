package authentatest_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestDefaultResultVerdicts: the default document of every task type gives
// the verdict its model would: real for the detectors, unknown for the
// models that judge nothing (FE-1, AS-1, an FI-1 similarity check alone).
func TestDefaultResultVerdicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		task   authenta.TaskType
		params map[string]any
		want   authenta.Verdict
		faces  int
	}{
		{authenta.AIImageDetection, nil, authenta.VerdictReal, 0},
		{authenta.AIAudioDetection, nil, authenta.VerdictReal, 0},
		{authenta.AIVideoDetection, nil, authenta.VerdictReal, 1},
		{authenta.FaceSwapDetection, nil, authenta.VerdictReal, 2},
		{authenta.ImageForgeryDetection, nil, authenta.VerdictReal, 0},
		{authenta.DocumentIntelligence, nil, authenta.VerdictReal, 0},
		{authenta.FaceLivenessDetection, nil, authenta.VerdictReal, 0},
		{authenta.FaceIntelligence, map[string]any{"isLivenessCheck": true}, authenta.VerdictReal, 0},
		{authenta.FaceIntelligence, map[string]any{"isSimilarityCheck": true}, authenta.VerdictUnknown, 0},
		{authenta.FaceEmbedding, nil, authenta.VerdictUnknown, 0},
		{authenta.AudioSplitter, nil, authenta.VerdictUnknown, 0},
		{authenta.EKYCDeepfake, nil, authenta.VerdictReal, 1},
	}
	for _, tt := range tests {
		r, err := authenta.ParseResult(authentatest.DefaultResult(tt.task, tt.params))
		require.NoError(t, err, tt.task.Model)
		assert.Equal(t, tt.want, r.Verdict(), tt.task.Model)
		assert.Len(t, r.Identities, tt.faces, tt.task.Model)
		for _, id := range r.Identities {
			assert.NotEmpty(t, id.Boxes, "%s identity %s", tt.task.Model, id.ID)
			assert.NotNil(t, id.Confidence)
		}
	}
}

// TestFaceIntelligenceIdentityDetailsOnTheJob: an FI-1 job carries its
// face's box in identityDetails beside the result; Result merges it, its
// class flags the result's own.
func TestFaceIntelligenceIdentityDetailsOnTheJob(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	for _, video := range []bool{false, true} {
		name, checks, frames := "selfie.png", authenta.FaceChecks{Liveness: true}, 1
		if video {
			name, checks, frames = "clip.mp4", authenta.FaceChecks{Liveness: true, Faceswap: true}, 2
		}
		d, err := c.DetectReader(ctxFor(t), authenta.FaceIntelligence, name, strings.NewReader("face"), 4,
			&authenta.DetectOptions{Wait: fastWait, Checks: checks})
		require.NoError(t, err)
		assert.Contains(t, string(d.Job.Raw), `"identityDetails"`, "the job as sent is kept")
		require.Len(t, d.Result.Identities, 1)
		id := d.Result.Identities[0]
		assert.Equal(t, "0", id.ID)
		ptrBool(t, id.IsLive, true, "face isLiveness")
		assert.Equal(t, "real", id.Class)
		require.Len(t, id.Boxes, frames)
		assert.Equal(t, image.Rect(192, 80, 352, 300), id.Boxes[0].Box, "half-resolution box ×2")
		assert.Equal(t, authenta.VerdictReal, d.Result.Verdict())
	}
}

// TestErrorResultFailsTheResult: a job that completes with an error-shaped
// result document fails Detect's result step with an error matching
// ErrJobFailed that carries the completed job.
func TestErrorResultFailsTheResult(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithErrorResult(authenta.AIImageDetection, "OutOfMemoryError", "CUDA out of memory"))
	d, err := srv.Client().DetectReader(ctxFor(t), authenta.AIImageDetection, "a.jpg", strings.NewReader("jpeg"), 4, &authenta.DetectOptions{Wait: fastWait})
	require.Error(t, err)
	assert.Nil(t, d)
	assert.ErrorIs(t, err, authenta.ErrJobFailed)
	var re *authenta.ResultError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "OutOfMemoryError", re.Name)
	assert.Equal(t, "CUDA out of memory", re.Message)
	require.NotNil(t, re.Job)
	info, ok := srv.Job(re.Job.ID)
	require.True(t, ok)
	assert.Equal(t, authenta.StatusCompleted, info.Status)
	// A completed job is never removed, whatever its result says.
	assert.False(t, info.Deleted, "the completed job was removed")
	assert.Zero(t, srv.Count(authentatest.RouteCancel)+srv.Count(authentatest.RouteDelete), "no cancel or delete")
	var se *authenta.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, authenta.StepResult, se.Step)
	assert.Equal(t, re.Job.ID, se.JobID)
	assert.False(t, se.Removed)
	assert.Same(t, re.Job, se.Job, "the error carries the completed job")
	assert.JSONEq(t, `{"error":"OutOfMemoryError","message":"CUDA out of memory"}`, string(authentatest.ErrorResult("OutOfMemoryError", "CUDA out of memory")))
}

// TestSaveArtifactsFromTheFake: every artifact of a completed AC-1 job,
// saved with the SDK: the input as uploaded, the result document, and a
// heatmap that is a real PNG.
func TestSaveArtifactsFromTheFake(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithKeepUploads())
	c := srv.Client()
	photo := bytes.Repeat([]byte{0xFF, 0xD8}, 500)
	d, err := c.DetectReader(ctxFor(t), authenta.AIImageDetection, "photo.jpg", bytes.NewReader(photo), int64(len(photo)), &authenta.DetectOptions{Wait: fastWait})
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "evidence")
	paths, err := c.Jobs.SaveArtifacts(ctxFor(t), d.Job, dir)
	require.NoError(t, err)
	byExt := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		byExt[filepath.Ext(p)] = b
	}
	require.Len(t, byExt, 3, "%v", paths)
	assert.Equal(t, photo, byExt[".jpg"])
	assert.JSONEq(t, string(authentatest.DefaultResult(authenta.AIImageDetection, nil)), string(byExt[".json"]))
	img, err := png.Decode(bytes.NewReader(byExt[".png"]))
	require.NoError(t, err, "the heatmap is a PNG")
	assert.Equal(t, image.Rect(0, 0, 64, 64), img.Bounds())
	var doc map[string]any
	require.NoError(t, json.Unmarshal(byExt[".json"], &doc))
}

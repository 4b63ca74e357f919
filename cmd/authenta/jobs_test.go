package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// jobJSON is what jobs get -json prints (the SDK's Job JSON), in part.
type jobJSON struct {
	ID         string          `json:"id"`
	TaskTypeID int             `json:"taskTypeId"`
	Status     authenta.Status `json:"status"`
	Artifacts  []struct {
		Kind string `json:"kind"`
	} `json:"artifacts"`
}

func TestJobsCommands(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithJobHook(offlineVerdicts))
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}
	c := srv.Client()
	d, err := c.Detect(t.Context(), authenta.AIImageDetection, sample("deepfake.jpg"), &authenta.DetectOptions{Wait: &authenta.WaitOptions{MinInterval: 1e6, MaxInterval: 5e6}})
	require.NoError(t, err)
	done := d.Job.ID
	pending, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{TaskType: authenta.AIImageDetection, Inputs: []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "x.jpg", ContentType: "image/jpeg", Size: 3}}})
	require.NoError(t, err)
	pendingID := pending.Job.ID

	t.Run("list", func(t *testing.T) {
		t.Parallel()
		r := cli(t, env, "jobs", "list", "-json")
		require.Equal(t, exitOK, r.code, r.stderr)
		var ids []string
		for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			var v jobJSON
			require.NoError(t, json.Unmarshal([]byte(l), &v), l)
			ids = append(ids, v.ID)
		}
		assert.Contains(t, ids, done)
		assert.Contains(t, ids, pendingID)
		assert.NotContains(t, r.stdout, "X-Amz-Signature=", "no presigned URL is printed")

		tbl := cli(t, env, "jobs", "list", "-all", "-status", "completed")
		require.Equal(t, exitOK, tbl.code, tbl.stderr)
		assert.Contains(t, tbl.stdout, "STATUS")
		assert.Contains(t, tbl.stdout, done+" ")
		assert.NotContains(t, tbl.stdout, "pending", "filtered by status")
	})
	t.Run("list a failure quoting a presigned URL", func(t *testing.T) {
		t.Parallel()
		cj, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{TaskType: authenta.AIImageDetection, Inputs: []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "y.jpg", ContentType: "image/jpeg", Size: 3}}})
		require.NoError(t, err)
		require.Contains(t, cj.Uploads[0].URL, "X-Amz-Signature=")
		require.NoError(t, srv.SetJobStatus(cj.Job.ID, authenta.StatusFailed, "worker could not fetch "+cj.Uploads[0].URL+" with "+srv.APIKey()))
		for _, args := range [][]string{{"jobs", "list", "-status", "failed"}, {"jobs", "list", "-status", "failed", "-json"}, {"jobs", "get", cj.Job.ID}} {
			r := cli(t, env, args...)
			require.Equal(t, exitOK, r.code, r.stderr)
			if args[1] == "get" { // authentatest's list items carry no errorMessage
				require.Contains(t, r.stdout, "worker could not fetch", "%v", args)
			}
			for _, out := range []string{r.stdout, r.stderr} {
				assert.NotContains(t, out, "X-Amz-Signature", "%v: %s", args, out)
				assert.NotContains(t, out, srv.APIKey(), "%v", args)
			}
		}
	})
	t.Run("get", func(t *testing.T) {
		t.Parallel()
		r := cli(t, env, "jobs", "get", "-json", done)
		require.Equal(t, exitOK, r.code, r.stderr)
		var v jobJSON
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
		assert.Equal(t, authenta.StatusCompleted, v.Status)
		assert.Equal(t, authenta.AIImageDetection.ID, v.TaskTypeID)
		assert.NotEmpty(t, v.Artifacts)
		assert.NotContains(t, r.stdout, "X-Amz-Signature=", "artifacts without their presigned signatures")
	})
	t.Run("get unknown", func(t *testing.T) {
		t.Parallel()
		r := cli(t, env, "jobs", "get", "999999")
		assert.Equal(t, exitFailed, r.code)
		assert.Contains(t, r.stderr, "JOB_NOT_FOUND")
		assert.Empty(t, r.stdout)
	})
	t.Run("result", func(t *testing.T) {
		t.Parallel()
		r := cli(t, env, "jobs", "result", "-json", done)
		require.Equal(t, exitFake, r.code, r.stderr)
		recs := ndjson(t, r.stdout)
		require.Len(t, recs, 1)
		assert.Equal(t, authenta.VerdictFake, recs[0].Verdict)
		assert.Equal(t, "deepfake.jpg", recs[0].File)
		assert.Equal(t, done, recs[0].JobID)
		assert.Contains(t, r.stdout, `"result":{`, "the whole result")
		assert.NotContains(t, r.stdout, "X-Amz-Signature=")
	})
	t.Run("result of a pending job", func(t *testing.T) {
		t.Parallel()
		r := cli(t, env, "jobs", "result", pendingID)
		assert.Equal(t, exitFailed, r.code)
		assert.Contains(t, r.stderr, "not completed")
	})
	t.Run("wait", func(t *testing.T) {
		t.Parallel()
		r := cli(t, env, args(fast, []string{"jobs", "wait", "-json", done})...)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, `"status":"completed"`)
		to := cli(t, env, args(fast, []string{"jobs", "wait", "-timeout", "30ms", pendingID})...)
		assert.Equal(t, exitFailed, to.code)
		assert.Contains(t, to.stderr, "deadline")
	})
	t.Run("cancel and delete", func(t *testing.T) {
		t.Parallel()
		created, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{TaskType: authenta.AIImageDetection, Inputs: []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "y.jpg", ContentType: "image/jpeg", Size: 3}}})
		require.NoError(t, err)
		id := created.Job.ID
		r := cli(t, env, "jobs", "cancel", id)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, "cancelled")
		r = cli(t, env, "jobs", "delete", id)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Empty(t, r.stdout, "nothing but results on stdout")
		assert.Contains(t, r.stderr, "deleted job "+id)
		info, ok := srv.Job(id)
		require.True(t, ok)
		assert.True(t, info.Deleted)
		r = cli(t, env, "jobs", "cancel", done)
		assert.Equal(t, exitFailed, r.code, "a completed job cannot be cancelled")
	})
}

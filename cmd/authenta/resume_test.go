package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// journalLine is a line of a journal for a file on disk, as a run writes it.
func journalLine(t *testing.T, path string, r record) string {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	r.File, r.Size, r.ModTime = path, fi.Size(), formatModTime(fi.ModTime())
	b, err := json.Marshal(r)
	require.NoError(t, err)
	return string(b) + "\n"
}

// TestBatchResumesEveryKindOfUnfinishedJob starts from a journal that an
// interrupted run left, one file for each state its job can be in.
func TestBatchResumesEveryKindOfUnfinishedJob(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithJobHook(func(j *authentatest.JobConfig) {
		if strings.HasPrefix(j.Inputs[0].FileName, "e-") {
			j.Outcome = authentatest.Failed("no face found")
		}
	}))
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}
	c := srv.Client()
	ctx := t.Context()
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	for _, n := range []string{"a-not-uploaded.jpg", "b-uploaded.jpg", "c-done.jpg", "d-gone.jpg", "e-failed.jpg", "f-new.jpg", "g-resume-after-error.jpg", "h-cut-upload.jpg", "i-url-expired.jpg"} {
		writeFile(t, path(n), "bytes of "+n)
	}
	create := func(name string) *authenta.CreatedJob {
		fi, err := os.Stat(path(name))
		require.NoError(t, err)
		cj, err := c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection, Inputs: []authenta.Input{{Slot: authenta.SlotOriginal, FileName: name, ContentType: "image/jpeg", Size: fi.Size()}}})
		require.NoError(t, err)
		return cj
	}
	upload := func(cj *authenta.CreatedJob, name string) {
		f, err := os.Open(path(name))
		require.NoError(t, err)
		defer f.Close()
		fi, _ := f.Stat()
		u, ok := cj.Upload(authenta.SlotOriginal)
		require.True(t, ok)
		require.NoError(t, c.Jobs.Upload(ctx, u, f, fi.Size(), "image/jpeg"))
	}
	fastWait := &authenta.WaitOptions{MinInterval: 1e6, MaxInterval: 5e6}

	a := create("a-not-uploaded.jpg") // the kill came mid-upload
	b := create("b-uploaded.jpg")     // the kill came before finalize
	upload(b, "b-uploaded.jpg")
	cDone, err := c.Detect(ctx, authenta.AIImageDetection, path("c-done.jpg"), &authenta.DetectOptions{Wait: fastWait})
	require.NoError(t, err) // the kill came before the judged line
	e := create("e-failed.jpg")
	upload(e, "e-failed.jpg")
	_, err = c.Jobs.Finalize(ctx, e.Job.ID)
	require.NoError(t, err)
	g := create("g-resume-after-error.jpg")
	upload(g, "g-resume-after-error.jpg")

	h := create("h-cut-upload.jpg")  // the kill came mid-upload; the journal kept the URL
	i := create("i-url-expired.jpg") // the same, and the URL has expired since
	iu := i.Uploads[0]
	iu.ExpiresAt = time.Now().Add(-time.Second)

	cr := record{State: stateCreated, Task: "AC-1"}
	journal := filepath.Join(t.TempDir(), "j.ndjson")
	var body strings.Builder
	cr.JobID = a.Job.ID
	body.WriteString(journalLine(t, path("a-not-uploaded.jpg"), cr))
	cr.JobID = b.Job.ID
	body.WriteString(journalLine(t, path("b-uploaded.jpg"), cr))
	cr.JobID = cDone.Job.ID
	body.WriteString(journalLine(t, path("c-done.jpg"), cr))
	cr.JobID = "424242"
	body.WriteString(journalLine(t, path("d-gone.jpg"), cr))
	cr.JobID = e.Job.ID
	body.WriteString(journalLine(t, path("e-failed.jpg"), cr))
	body.WriteString(journalLine(t, path("g-resume-after-error.jpg"), record{State: stateFailed, JobID: g.Job.ID, Next: nextResume, Error: "wait: 503"}))
	body.WriteString(journalLine(t, path("h-cut-upload.jpg"), record{State: stateCreated, Task: "AC-1", JobID: h.Job.ID, Uploads: journalUploads(h.Uploads)}))
	body.WriteString(journalLine(t, path("i-url-expired.jpg"), record{State: stateCreated, Task: "AC-1", JobID: i.Job.ID, Uploads: journalUploads([]authenta.Upload{iu})}))
	require.NoError(t, os.WriteFile(journal, []byte(body.String()), 0o644))
	jobsBefore := len(srv.Jobs())

	r := cli(t, env, args(fast, []string{"batch", "-json", "-o", journal, dir})...)
	assert.Equal(t, exitFailed, r.code, r.stderr)
	assert.Contains(t, r.stderr, "upload never finished")
	got := map[string]record{}
	for _, rec := range ndjson(t, r.stdout) {
		got[filepath.Base(rec.File)] = rec
	}
	require.Len(t, got, 9, r.stdout)
	assert.NotContains(t, r.stdout, "X-Amz-Signature")
	assert.NotContains(t, r.stderr, "X-Amz-Signature")
	assert.Contains(t, r.stderr, "others could read it")
	fi, err := os.Stat(journal)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// Replaced: the old job removed, a new one judged.
	assert.Equal(t, stateJudged, got["a-not-uploaded.jpg"].State)
	assert.NotEqual(t, a.Job.ID, got["a-not-uploaded.jpg"].JobID)
	info, _ := srv.Job(a.Job.ID)
	assert.True(t, info.Deleted, "the never-finalized job is removed")
	// Cut mid-upload, the URL kept: the file sent again to the same job.
	assert.Equal(t, stateJudged, got["h-cut-upload.jpg"].State)
	assert.Equal(t, h.Job.ID, got["h-cut-upload.jpg"].JobID)
	assert.Equal(t, 1, srv.CountJob(authentatest.RouteUpload, h.Job.ID))
	// The URL expired: replaced, the old job removed.
	assert.Equal(t, stateJudged, got["i-url-expired.jpg"].State)
	assert.NotEqual(t, i.Job.ID, got["i-url-expired.jpg"].JobID)
	info, _ = srv.Job(i.Job.ID)
	assert.True(t, info.Deleted)
	assert.Contains(t, r.stderr, "upload URL expired")
	// Finalized and judged: the same job.
	assert.Equal(t, stateJudged, got["b-uploaded.jpg"].State)
	assert.Equal(t, b.Job.ID, got["b-uploaded.jpg"].JobID)
	assert.Equal(t, cDone.Job.ID, got["c-done.jpg"].JobID)
	assert.Equal(t, stateJudged, got["c-done.jpg"].State)
	assert.Equal(t, g.Job.ID, got["g-resume-after-error.jpg"].JobID)
	assert.Equal(t, stateJudged, got["g-resume-after-error.jpg"].State)
	// Gone from the server: failed, and not made again on its own.
	assert.Equal(t, stateFailed, got["d-gone.jpg"].State)
	assert.Contains(t, got["d-gone.jpg"].Error, "no longer exists")
	assert.Empty(t, got["d-gone.jpg"].Next)
	// Failed on the server: failed for good, with the server's reason.
	assert.Equal(t, stateFailed, got["e-failed.jpg"].State)
	assert.Equal(t, authenta.StatusFailed, got["e-failed.jpg"].Status)
	assert.Contains(t, got["e-failed.jpg"].Error, "no face found")
	assert.Empty(t, got["e-failed.jpg"].Next)
	// Not in the journal: a new job.
	assert.Equal(t, stateJudged, got["f-new.jpg"].State)

	assert.Equal(t, jobsBefore+3, len(srv.Jobs()), "new jobs only for the two replaced files and the new one")
	assert.Equal(t, 1, srv.CountJob(authentatest.RouteFinalize, b.Job.ID))

	// Again: nothing is retried, the failures still count.
	again := cli(t, env, args(fast, []string{"batch", "-json", "-o", journal, dir})...)
	assert.Equal(t, exitFailed, again.code, again.stderr)
	assert.Empty(t, again.stdout)
	assert.Equal(t, jobsBefore+3, len(srv.Jobs()))
}

// TestBatchUploadFailureIsJudgedAgain: an upload that fails for good
// leaves no job behind (it was never finalized), and the next run judges
// the file with a new one.
func TestBatchUploadFailureIsJudgedAgain(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.jpg"), "a")
	journal := filepath.Join(t.TempDir(), "j.ndjson")

	srv.Fail(authentatest.RouteUpload, http.StatusForbidden)
	r := cli(t, env, args(fast, []string{"batch", "-json", "-o", journal, dir})...)
	require.Equal(t, exitFailed, r.code, r.stderr)
	recs := ndjson(t, r.stdout)
	require.Len(t, recs, 1)
	assert.Equal(t, stateFailed, recs[0].State)
	assert.Equal(t, nextAgain, recs[0].Next)
	assert.Contains(t, recs[0].Error, "upload")
	first := recs[0].JobID
	info, ok := srv.Job(first)
	require.True(t, ok)
	assert.True(t, info.Deleted, "the half-made job is removed")
	assert.False(t, info.Finalized)

	again := cli(t, env, args(fast, []string{"batch", "-json", "-o", journal, dir})...)
	require.Equal(t, exitOK, again.code, again.stderr)
	recs = ndjson(t, again.stdout)
	require.Len(t, recs, 1)
	assert.Equal(t, stateJudged, recs[0].State)
	assert.NotEqual(t, first, recs[0].JobID)
}

// TestBatchNamesOrphansOfAKill: a job the server made for a file but the
// journal never named (the kill beat the create answer to it) is named on
// the rerun's stderr, and left alone; one made before the journal began,
// or for a file of another size, is not named.
func TestBatchNamesOrphansOfAKill(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}
	c := srv.Client()
	dir := t.TempDir()
	for _, n := range []string{"a-done.jpg", "b-orphaned.jpg", "c-other.jpg"} {
		writeFile(t, filepath.Join(dir, n), "bytes of "+n)
	}
	create := func(name string, size int64) string {
		cj, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{TaskType: authenta.AIImageDetection,
			Inputs: []authenta.Input{{Slot: authenta.SlotOriginal, FileName: name, ContentType: "image/jpeg", Size: size}}})
		require.NoError(t, err)
		return cj.Job.ID
	}
	fi, err := os.Stat(filepath.Join(dir, "b-orphaned.jpg"))
	require.NoError(t, err)
	orphan := create("b-orphaned.jpg", fi.Size())
	otherSize := create("c-other.jpg", 1)

	journal := filepath.Join(t.TempDir(), "j.ndjson")
	first := journalLine(t, filepath.Join(dir, "a-done.jpg"), record{State: stateJudged, JobID: "1", Verdict: authenta.VerdictReal, At: time.Now().UTC().Format(time.RFC3339Nano)})
	require.NoError(t, os.WriteFile(journal, []byte(first), 0o600))

	r := cli(t, env, args(fast, []string{"batch", "-json", "-o", journal, dir})...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "1 pending jobs look like orphans of an earlier kill")
	assert.Contains(t, r.stderr, "never charged")
	assert.Contains(t, r.stderr, " "+orphan)
	assert.NotRegexp(t, "orphans.* "+otherSize+"\\b", r.stderr)
	for _, id := range []string{orphan, otherSize} {
		info, ok := srv.Job(id)
		require.True(t, ok)
		assert.False(t, info.Deleted, "job %s: named, never removed", id)
	}

	// A journal begun well after those jobs were made names none of them.
	later := journalLine(t, filepath.Join(dir, "a-done.jpg"), record{State: stateJudged, JobID: "1", Verdict: authenta.VerdictReal, At: time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano)})
	journal2 := filepath.Join(t.TempDir(), "j2.ndjson")
	require.NoError(t, os.WriteFile(journal2, []byte(later), 0o600))
	r = cli(t, env, args(fast, []string{"batch", "-json", "-o", journal2, dir})...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "orphans")
}

// TestBatchCutUploadThatFailsAgainIsReplaced: when sending a cut upload
// again fails (the storage refuses the URL), the job, never finalized, is
// removed and the file judged with a new one; the note names no URL.
func TestBatchCutUploadThatFailsAgainIsReplaced(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}
	c := srv.Client()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.jpg")
	writeFile(t, path, "bytes of a")
	cj, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{TaskType: authenta.AIImageDetection,
		Inputs: []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.jpg", ContentType: "image/jpeg", Size: 10}}})
	require.NoError(t, err)
	journal := filepath.Join(t.TempDir(), "j.ndjson")
	line := journalLine(t, path, record{State: stateCreated, Task: "AC-1", JobID: cj.Job.ID, Uploads: journalUploads(cj.Uploads)})
	require.NoError(t, os.WriteFile(journal, []byte(line), 0o600))

	srv.Fail(authentatest.RouteUpload, http.StatusForbidden)
	r := cli(t, env, args(fast, []string{"batch", "-json", "-o", journal, dir})...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "sending it again failed")
	assert.NotContains(t, r.stderr, "X-Amz-Signature")
	recs := ndjson(t, r.stdout)
	require.Len(t, recs, 1)
	assert.Equal(t, stateJudged, recs[0].State)
	assert.NotEqual(t, cj.Job.ID, recs[0].JobID)
	info, _ := srv.Job(cj.Job.ID)
	assert.True(t, info.Deleted)
	assert.Equal(t, 1, srv.CountJob(authentatest.RouteUpload, cj.Job.ID), "sent again once, then replaced")
}

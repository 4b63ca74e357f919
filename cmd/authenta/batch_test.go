package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

func TestBatchOffline200Files(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := makeFiles(t, dir, 200, 10)
	journal := filepath.Join(t.TempDir(), "results.ndjson")

	r := cli(t, nil, "-offline", "batch", "-j", "8", "-json", "-o", journal, dir)
	require.Equal(t, exitFake, r.code, "some files are fake and none failed: %s", r.stderr)
	assert.Contains(t, r.stderr, "embedded fake platform")
	assert.Contains(t, r.stderr, "200 judged (20 fake), 0 failed")
	assert.Contains(t, r.stderr, "skipped 3 (2 of a type no task takes, 1 empty)")

	recs := ndjson(t, r.stdout)
	require.Len(t, recs, 200, "one line per file on stdout")
	seen := map[string]bool{}
	for _, rec := range recs {
		assert.False(t, seen[rec.File], "%s printed twice", rec.File)
		seen[rec.File] = true
		assert.Equal(t, stateJudged, rec.State)
		assert.NotEmpty(t, rec.JobID)
		want := authenta.VerdictReal
		if strings.Contains(rec.File, "fake") {
			want = authenta.VerdictFake
		}
		assert.Equal(t, want, rec.Verdict, rec.File)
		ext := filepath.Ext(rec.File)
		wantTask := map[string]string{".jpg": "AC-1", ".png": "AC-1", ".mp4": "DF-1", ".wav": "AF-1", ".mp3": "AF-1", ".pdf": "DI-1"}[ext]
		assert.Equal(t, wantTask, rec.Task, rec.File)
	}
	for _, f := range files {
		assert.True(t, seen[f], "%s not judged", f)
	}

	// The journal: a created line, then a judged line, for each file.
	body, err := os.ReadFile(journal)
	require.NoError(t, err)
	lines := ndjson(t, string(body))
	require.Len(t, lines, 400)
	created := map[string]string{}
	for _, l := range lines {
		switch l.State {
		case stateCreated:
			assert.Empty(t, l.Verdict, "a created line carries no verdict")
			assert.NotEmpty(t, l.JobID)
			created[l.File] = l.JobID
		case stateJudged:
			assert.Equal(t, created[l.File], l.JobID, "%s: judged before its created line, or by another job", l.File)
		}
		assert.NotZero(t, l.Size)
		assert.NotEmpty(t, l.ModTime)
	}

	// The same command again: nothing to do, the same exit status.
	again := cli(t, nil, "-offline", "batch", "-j", "8", "-json", "-o", journal, dir)
	require.Equal(t, exitFake, again.code, again.stderr)
	assert.Empty(t, again.stdout)
	assert.Contains(t, again.stderr, "200 already in the journal (20 fake, 0 failed)")
	body2, err := os.ReadFile(journal)
	require.NoError(t, err)
	assert.Equal(t, body, body2, "a rerun with nothing to do writes nothing")

	// A changed file is judged again.
	writeFile(t, files[1], "changed content, another size")
	third := cli(t, nil, "-offline", "batch", "-json", "-o", journal, dir)
	assert.Equal(t, exitFake, third.code, third.stderr)
	recs = ndjson(t, third.stdout)
	require.Len(t, recs, 1)
	assert.Equal(t, files[1], recs[0].File)
}

func TestBatchTableAndExitCodes(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithJobHook(func(j *authentatest.JobConfig) {
		if strings.Contains(j.Inputs[0].FileName, "broken") {
			j.Outcome = authentatest.Failed("Processing failed: corrupt media")
		}
		offlineVerdicts(j)
	}))
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}

	real := t.TempDir()
	writeFile(t, filepath.Join(real, "a.jpg"), "a")
	writeFile(t, filepath.Join(real, "b.png"), "b")
	fake := t.TempDir()
	writeFile(t, filepath.Join(fake, "a.jpg"), "a")
	writeFile(t, filepath.Join(fake, "fake.jpg"), "f")
	broken := t.TempDir()
	writeFile(t, filepath.Join(broken, "fake.jpg"), "f")
	writeFile(t, filepath.Join(broken, "broken.jpg"), "x")
	none := t.TempDir()
	writeFile(t, filepath.Join(none, "notes.txt"), "x")

	tests := []struct {
		name string
		dir  string
		code int
		want []string // on stdout
	}{
		{"all real", real, exitOK, []string{"VERDICT", "real", "a.jpg", "b.png"}},
		{"one fake", fake, exitFake, []string{"FAKE", "fake.jpg"}},
		{"one failed wins over fake", broken, exitFailed, []string{"FAILED", "corrupt media", "FAKE"}},
		{"nothing to judge", none, exitOK, nil},
	}
	t.Run("group", func(t *testing.T) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				journal := filepath.Join(t.TempDir(), "j.ndjson")
				r := cli(t, env, args(fast, []string{"batch", "-o", journal, tc.dir})...)
				require.Equal(t, tc.code, r.code, r.stderr)
				assert.NotContains(t, r.stderr, "embedded fake", "not -offline: the real client")
				for _, w := range tc.want {
					assert.Contains(t, r.stdout, w)
				}
				// Rerun: a failed job that ran is not run again, and still counts.
				again := cli(t, env, args(fast, []string{"batch", "-o", journal, tc.dir})...)
				assert.Equal(t, tc.code, again.code, again.stderr)
				assert.Empty(t, again.stdout)
			})
		}
	})
	// The failed job ran once: the rerun did not make another.
	n := 0
	for _, j := range srv.Jobs() {
		if j.Inputs[0].FileName == "broken.jpg" {
			n++
		}
	}
	assert.Equal(t, 1, n)
}

func TestBatchStopsOnARejectedKey(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	dir := t.TempDir()
	makeFiles(t, dir, 20, 0)
	journal := filepath.Join(t.TempDir(), "j.ndjson")
	r := cli(t, []string{"AUTHENTA_API_KEY=api_unknown_key_123", "AUTHENTA_BASE_URL=" + srv.URL}, args(fast, []string{"batch", "-o", journal, dir})...)
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "API key")
	assert.NotContains(t, r.stderr, "api_unknown_key_123", "the key is never printed")
	assert.Empty(t, srv.Jobs())
	assert.Less(t, srv.Count(authentatest.RouteCreate), 20, "the batch stops rather than try every file")
}

func TestShardsCoverTheFolderOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := makeFiles(t, dir, 60, 0)
	var got []string
	for i := range 3 {
		var r result
		if i == 2 {
			// Kubernetes' way: the index from the environment.
			r = cli(t, []string{envShardIndex + "=2"}, "-offline", "batch", "-json", "-shard", "/3", dir)
		} else {
			r = cli(t, nil, "-offline", "batch", "-json", "-shard", []string{"0/3", "1/3"}[i], dir)
		}
		require.Equal(t, exitOK, r.code, r.stderr)
		recs := ndjson(t, r.stdout)
		assert.NotEmpty(t, recs, "shard %d/3 of 60 files is not empty", i)
		assert.Contains(t, r.stderr, "left to other shards")
		for _, rec := range recs {
			got = append(got, rec.File)
		}
	}
	slices.Sort(got)
	slices.Sort(files)
	assert.Equal(t, files, got, "the shards together judge every file exactly once")

	// Another mount point of the same folder splits it the same way.
	link := filepath.Join(t.TempDir(), "mnt")
	require.NoError(t, os.Symlink(dir, link))
	a := cli(t, nil, "-offline", "batch", "-json", "-shard", "1/3", dir)
	b := cli(t, nil, "-offline", "batch", "-json", "-shard", "1/3", link+"/")
	var ra, rb []string
	for _, r := range ndjson(t, a.stdout) {
		rel, _ := filepath.Rel(dir, r.File)
		ra = append(ra, rel)
	}
	for _, r := range ndjson(t, b.stdout) {
		rel, _ := filepath.Rel(link, r.File)
		rb = append(rb, rel)
	}
	slices.Sort(ra)
	slices.Sort(rb)
	assert.Equal(t, ra, rb)
}

func TestBatchToleratesATornJournal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	makeFiles(t, dir, 5, 0)
	journal := filepath.Join(t.TempDir(), "j.ndjson")
	r := cli(t, nil, "-offline", "batch", "-o", journal, dir)
	require.Equal(t, exitOK, r.code, r.stderr)
	whole, err := os.ReadFile(journal)
	require.NoError(t, err)

	// A kill mid-write leaves half a line; rubbish in the middle is skipped.
	torn := append([]byte("not json\n"), whole...)
	torn = append(torn, `{"verdict":"real","file":"`...)
	require.NoError(t, os.WriteFile(journal, torn, 0o644))
	again := cli(t, nil, "-offline", "batch", "-o", journal, dir)
	require.Equal(t, exitOK, again.code, again.stderr)
	assert.Contains(t, again.stderr, "torn last line")
	assert.Contains(t, again.stderr, "ignored 1 line")
	assert.Contains(t, again.stderr, "5 already in the journal")
	after, err := os.ReadFile(journal)
	require.NoError(t, err)
	assert.Equal(t, append([]byte("not json\n"), whole...), after, "the torn tail is cut off, nothing else changes")
}

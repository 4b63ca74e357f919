package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelpExitsZeroWithFullUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"Commands:", "detect", "batch", "jobs", "faces", "tasks", "-offline", "AUTHENTA_API_KEY", "Exit status:"}},
		{[]string{"-h"}, []string{"Commands:"}},
		{[]string{"help"}, []string{"Commands:"}},
		{[]string{"help", "batch"}, []string{"-shard", "-rate", "journal"}},
		{[]string{"detect", "--help"}, []string{"-task", "-checks", "-reference", "-json", "Exit status"}},
		{[]string{"batch", "-help"}, []string{"-task", "-j", "-rate", "-o", "-shard", "-json", "JOB_COMPLETION_INDEX", "kill -9"}},
		{[]string{"jobs", "--help"}, []string{"jobs list", "jobs get", "jobs wait", "jobs result", "jobs cancel", "jobs delete"}},
		{[]string{"jobs", "list", "-help"}, []string{"-status", "-all", "-limit"}},
		{[]string{"jobs", "wait", "-help"}, []string{"-timeout"}},
		{[]string{"tasks", "-help"}, []string{"-json"}},
		{[]string{"faces", "--help"}, []string{"faces enroll", "faces subjects", "faces search"}},
		{[]string{"faces", "search", "-help"}, []string{"-limit"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			r := cli(t, nil, tc.args...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Equal(t, 1, strings.Count(r.stdout, "Usage:"), "the usage, once: %s", r.stdout)
			for _, w := range tc.want {
				assert.Contains(t, r.stdout, w)
			}
		})
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir+"/a.jpg", "x")
	writeFile(t, dir+"/empty.jpg", "")
	tests := []struct {
		name string
		env  []string
		args []string
		want string // on stderr
	}{
		{"no command", nil, nil, "name a command"},
		{"unknown command", nil, []string{"frobnicate"}, "unknown command"},
		{"unknown global flag", nil, []string{"-key", "k", "tasks"}, "flag provided but not defined"},
		{"unknown command flag", nil, []string{"-offline", "batch", "-frob", dir}, "flag provided but not defined: -frob"},
		{"no key", nil, []string{"detect", dir + "/a.jpg"}, "AUTHENTA_API_KEY"},
		{"bad key", []string{"AUTHENTA_API_KEY=has space"}, []string{"detect", dir + "/a.jpg"}, "authenta"},
		{"bad base URL", []string{"AUTHENTA_API_KEY=api_abcdefgh12", "AUTHENTA_BASE_URL=ftp://x"}, []string{"jobs", "get", "1"}, "http"},
		{"detect without file", nil, []string{"-offline", "detect"}, "exactly one file"},
		{"detect two files", nil, []string{"-offline", "detect", "a.jpg", "b.jpg"}, "exactly one file"},
		{"detect missing file", nil, []string{"-offline", "detect", dir + "/nope.jpg"}, "no such file"},
		{"detect unknown type", nil, []string{"-offline", "detect", sample("notes.txt")}, "no task takes"},
		{"detect bad task", nil, []string{"-offline", "detect", "-task", "XX-9", dir + "/a.jpg"}, "not a task type"},
		{"detect a folder", nil, []string{"-offline", "detect", "-task", "AC-1", dir}, "authenta batch runs folders"},
		{"detect an empty file", nil, []string{"-offline", "detect", dir + "/empty.jpg"}, "empty"},
		{"detect a type the task refuses", nil, []string{"-offline", "detect", "-task", "AF-1", dir + "/a.jpg"}, "accepts"},
		{"detect similarity without reference", nil, []string{"-offline", "detect", "-checks", "similarity", dir + "/a.jpg"}, "Reference"},
		{"detect bad check", nil, []string{"-offline", "detect", "-checks", "aura", dir + "/a.jpg"}, "aura"},
		{"batch without folder", nil, []string{"-offline", "batch"}, "at least one"},
		{"batch missing folder", nil, []string{"-offline", "batch", dir + "/nope"}, "no such file"},
		{"batch journal in a missing folder", nil, []string{"-offline", "batch", "-o", dir + "/no/such/j.ndjson", dir}, "-o"},
		{"batch -j 0", nil, []string{"-offline", "batch", "-j", "0", dir}, "-j 0"},
		{"batch negative rate", nil, []string{"-offline", "batch", "-rate", "-1", dir}, "-rate"},
		{"batch bad task", nil, []string{"-offline", "batch", "-task", "nope", dir}, "not a task type"},
		{"batch face intelligence", nil, []string{"-offline", "batch", "-task", "FI-1", dir}, "detect -checks"},
		{"shard out of range", nil, []string{"-offline", "batch", "-shard", "3/3", dir}, "0 to 2"},
		{"shard not I/N", nil, []string{"-offline", "batch", "-shard", "2", dir}, "I/N"},
		{"shard N zero", nil, []string{"-offline", "batch", "-shard", "0/0", dir}, "N must be"},
		{"shard from unset env", nil, []string{"-offline", "batch", "-shard", "/3", dir}, envShardIndex},
		{"shard from bad env", []string{envShardIndex + "=7"}, []string{"-offline", "batch", "-shard", "/3", dir}, "0 to 2"},
		{"jobs without command", nil, []string{"-offline", "jobs"}, "name a jobs command"},
		{"jobs unknown command", nil, []string{"-offline", "jobs", "frob"}, "unknown jobs command"},
		{"jobs get without ID", nil, []string{"-offline", "jobs", "get"}, "exactly one job ID"},
		{"jobs list bad status", nil, []string{"-offline", "jobs", "list", "-status", "bogus"}, "-status"},
		{"jobs list bad limit", nil, []string{"-offline", "jobs", "list", "-limit", "1000"}, "-limit"},
		{"tasks with argument", nil, []string{"tasks", "x"}, "no arguments"},
		{"negative poll", nil, []string{"-poll", "-1s", "tasks"}, "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tc.env, tc.args...)
			assert.Equal(t, exitUsage, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.Empty(t, r.stdout, "a usage error prints nothing on stdout")
		})
	}
}

func TestDetectEachTaskOffline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		flags      []string
		task       string
		verdict    string
		code       int
	}{
		{"image by content type", "photo.jpg", nil, "AC-1", "real", exitOK},
		{"fake image", "deepfake.jpg", nil, "AC-1", "fake", exitFake},
		{"audio", "voice.wav", nil, "AF-1", "real", exitOK},
		{"video by content type", "clip.mp4", nil, "DF-1", "real", exitOK},
		{"video model", "clip.mp4", []string{"-task", "VF-1"}, "VF-1", "real", exitOK},
		{"forgery", "photo.jpg", []string{"-task", "image-forgery-detection"}, "FD-1", "real", exitOK},
		{"document", "document.png", []string{"-task", "6"}, "DI-1", "real", exitOK},
		{"liveness", "selfie.jpg", []string{"-task", "FL-1"}, "FL-1", "real", exitOK},
		{"face intelligence liveness", "selfie.jpg", []string{"-checks", "liveness"}, "FI-1", "real", exitOK},
		{"face intelligence similarity", "selfie.jpg", []string{"-checks", "similarity", "-reference", sample("reference.jpg")}, "FI-1", "unknown", exitOK},
		{"face intelligence faceswap", "clip.mp4", []string{"-checks", "faceswap,liveness"}, "FI-1", "real", exitOK},
		{"face embedding", "selfie.jpg", []string{"-task", "FE-1"}, "FE-1", "unknown", exitOK},
		{"audio splitter", "voice.wav", []string{"-task", "AS-1"}, "AS-1", "unknown", exitOK},
		{"ekyc", "clip.mp4", []string{"-task", "ED-1"}, "ED-1", "real", exitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, nil, args([]string{"-offline", "detect", "-json"}, tc.flags, []string{sample(tc.file)})...)
			require.Equal(t, tc.code, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, "embedded fake platform", "-offline says so on stderr")
			recs := ndjson(t, r.stdout)
			require.Len(t, recs, 1, r.stdout)
			rec := recs[0]
			assert.Equal(t, tc.verdict, string(rec.Verdict))
			assert.Equal(t, tc.task, rec.Task)
			assert.Equal(t, sample(tc.file), rec.File)
			assert.NotEmpty(t, rec.JobID)
			assert.Equal(t, stateJudged, rec.State)
			assert.True(t, strings.HasPrefix(r.stdout, `{"verdict":`), "verdict comes first: %s", r.stdout)

			// The same without -json: text for a person.
			h := cli(t, nil, args([]string{"-offline", "detect"}, tc.flags, []string{sample(tc.file)})...)
			require.Equal(t, tc.code, h.code, h.stderr)
			assert.Contains(t, h.stdout, "verdict")
			assert.Contains(t, h.stdout, tc.task)
		})
	}
}

func TestTasksJSON(t *testing.T) {
	t.Parallel()
	r := cli(t, nil, "-offline", "tasks", "-json")
	require.Equal(t, exitOK, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 11)
	auto := 0
	for _, l := range lines {
		var v taskView
		require.NoError(t, json.Unmarshal([]byte(l), &v), l)
		assert.NotEmpty(t, v.Model)
		assert.NotEmpty(t, v.ContentTypes)
		if v.Auto {
			auto++
		}
	}
	assert.Equal(t, 4, auto, "AC-1, DF-1, AF-1 and DI-1 are picked by -task auto")
}

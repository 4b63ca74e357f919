package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func noEnv(string) string { return "" }

func TestDetectOnTheEmbeddedFake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string // lines after the first, in order
	}{
		{"image, default task", []string{"../testdata/photo.jpg"}, []string{"photo.jpg: AI Image Detector (AC-1)", "verdict: real", "probability of fake: 2.6%", "details: REAL", "job "}},
		{"a fake", []string{"../testdata/deepfake.jpg"}, []string{"deepfake.jpg: AI Image Detector (AC-1)", "verdict: fake", "probability of fake: 97.3%", "details: FAKE", "job "}},
		{"task by model code", []string{"-task", "FD-1", "../testdata/photo.jpg"}, []string{"photo.jpg: Image Forgery Detection (FD-1)", "verdict: real", "probability of fake: ", "details: ", "job "}},
		{"task by slug, video", []string{"-task", "ai-video-detection", "../testdata/clip.mp4"}, []string{"clip.mp4: AI Video Detector (VF-1)", "verdict: real", "probability of fake: ", "details: REAL (no manipulation found); probability of fake 8.2%; 1 face(s), 0 fake", "job "}},
		{"audio default", []string{"../testdata/voice.wav"}, []string{"voice.wav: AI Audio Detector (AF-1)", "verdict: real", "probability of fake: ", "details: ", "job "}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			require.NoError(t, run(t.Context(), tc.args, noEnv, &out, &errOut), errOut.String())
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			require.Len(t, lines, len(tc.want), out.String())
			assert.Contains(t, errOut.String(), "embedded Authenta fake", "stderr says the fake is in use")
			for i, w := range tc.want {
				assert.True(t, strings.HasPrefix(lines[i], w), "line %d: %q, want prefix %q", i, lines[i], w)
			}
			assert.Contains(t, out.String(), " completed in ")
		})
	}
}

func TestDetectSavesEvidence(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "evidence")
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-evidence", dir, "../testdata/photo.jpg"}, noEnv, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "evidence: 3 files in "+dir+"\n")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		assert.Contains(t, out.String(), "  "+filepath.Join(dir, e.Name())+"\n", "every saved path is printed")
	}
	require.Len(t, names, 3)
	var exts []string
	for _, n := range names {
		exts = append(exts, filepath.Ext(n))
	}
	assert.ElementsMatch(t, []string{".jpg", ".json", ".png"}, exts, "the input, the result and the heatmap")
}

func TestDetectJSON(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-json", "../testdata/photo.jpg"}, noEnv, &out, &errOut))
	assert.Contains(t, errOut.String(), "embedded Authenta fake", "the banner goes to stderr")
	// stdout is the JSON document alone, as a pipe into jq needs.
	var r report
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&r))
	require.False(t, dec.More(), "nothing after the document")
	assert.Equal(t, "photo.jpg", r.File)
	assert.Equal(t, "AC-1", r.Task)
	assert.Equal(t, "completed", r.Status)
	assert.NotEmpty(t, r.JobID)
	assert.NotNil(t, r.Fake)
	assert.Equal(t, authenta.VerdictReal, r.Verdict)
	if assert.NotNil(t, r.Probability) {
		assert.InDelta(t, 0.026, *r.Probability, 1e-9)
	}
	assert.True(t, json.Valid(r.Result))
}

func TestDetectRefusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		is   error
	}{
		{"unknown type", []string{"../testdata/notes.txt"}, authenta.ErrUnsupportedMediaType},
		{"unknown task", []string{"-task", "XX-9", "../testdata/photo.jpg"}, authenta.ErrInvalidTaskType},
		{"wrong type for the task", []string{"-task", "AC-1", "../testdata/clip.mp4"}, authenta.ErrUnsupportedMediaType},
		{"missing file", []string{"../testdata/nope.jpg"}, authenta.ErrInvalidArgument},
		{"no file", nil, demo.ErrUsage},
		{"two files", []string{"a.jpg", "b.jpg"}, demo.ErrUsage},
		{"unknown flag", []string{"-bogus", "a.jpg"}, demo.ErrUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			err := run(t.Context(), tc.args, noEnv, &out, &errOut)
			require.ErrorIs(t, err, tc.is)
			want := 1
			if errors.Is(err, demo.ErrUsage) {
				want = 2
				assert.Contains(t, errOut.String(), "usage: detect", "the usage goes to stderr")
			}
			assert.Equal(t, want, demo.Exit("detect", err, io.Discard), "exit status")
			assert.NotContains(t, out.String(), "embedded", "stdout has no banner")
		})
	}
}

func TestDetectHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help", "--help"} {
		var out, errOut bytes.Buffer
		err := run(t.Context(), []string{arg}, noEnv, &out, &errOut)
		require.ErrorIs(t, err, flag.ErrHelp)
		assert.Equal(t, 0, demo.Exit("detect", err, &errOut), "exit status")
		for _, want := range []string{"usage: detect", "-task", "-json", "-timeout", "Exit status"} {
			assert.Contains(t, out.String(), want, "full usage on stdout")
		}
		assert.Empty(t, errOut.String())
		assert.NotContains(t, out.String(), "No AUTHENTA_API_KEY set", "help starts nothing")
	}
}

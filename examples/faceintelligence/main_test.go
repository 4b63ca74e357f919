package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func noEnv(string) string { return "" }

func TestFaceIntelligence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		want     []string
		dontWant []string
	}{
		{"samples: liveness and similarity", nil, []string{"liveness:   a live person", "similarity: same person as the reference (score "}, []string{"face swap:"}},
		{"liveness only", []string{"../testdata/selfie.jpg"}, []string{"liveness:   "}, []string{"similarity:", "face swap:"}},
		{"video: liveness and face swap", []string{"../testdata/clip.mp4"}, []string{"liveness:   ", "face swap:  none found"}, []string{"similarity:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			require.NoError(t, run(t.Context(), tc.args, noEnv, &out, &errOut), errOut.String())
			s := out.String()
			assert.True(t, strings.HasPrefix(errOut.String(), "No AUTHENTA_API_KEY set"), "the banner goes to stderr: %s", errOut.String())
			assert.True(t, strings.HasPrefix(s, "job "), s)
			assert.Contains(t, s, ": completed\n")
			for _, w := range tc.want {
				assert.Contains(t, s, w)
			}
			for _, w := range tc.dontWant {
				assert.NotContains(t, s, w)
			}
		})
	}
}

func TestFaceIntelligenceRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		is   error
	}{
		{"similarity on a video", []string{"-reference", "../testdata/reference.jpg", "../testdata/clip.mp4"}, authenta.ErrUnsupportedMediaType},
		{"missing reference", []string{"-reference", "../testdata/nope.jpg", "../testdata/selfie.jpg"}, authenta.ErrInvalidArgument},
		{"reference not an image", []string{"-reference", "../testdata/voice.wav", "../testdata/selfie.jpg"}, authenta.ErrUnsupportedMediaType},
		{"two selfies", []string{"../testdata/selfie.jpg", "../testdata/selfie.jpg"}, demo.ErrUsage},
		{"unknown flag", []string{"-x"}, demo.ErrUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			err := run(t.Context(), tc.args, noEnv, &out, &errOut)
			require.ErrorIs(t, err, tc.is)
			want := 1
			if tc.is == demo.ErrUsage {
				want = 2
			}
			assert.Equal(t, want, demo.Exit("faceintelligence", err, io.Discard))
		})
	}
}

func TestFaceIntelligenceJSON(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-json"}, noEnv, &out, &errOut), errOut.String())
	var r report
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&r))
	require.False(t, dec.More())
	assert.Equal(t, "selfie.jpg", r.File)
	assert.Equal(t, "reference.jpg", r.Reference)
	assert.Equal(t, "completed", r.Status)
	require.NotNil(t, r.IsLive)
	require.NotNil(t, r.IsSimilar)
}

func TestFaceIntelligenceHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help"} {
		var out, errOut bytes.Buffer
		err := run(t.Context(), []string{arg}, noEnv, &out, &errOut)
		require.ErrorIs(t, err, flag.ErrHelp)
		assert.Equal(t, 0, demo.Exit("faceintelligence", err, &errOut))
		for _, want := range []string{"usage: faceintelligence", "-reference", "-json", "Exit status"} {
			assert.Contains(t, out.String(), want)
		}
		assert.Empty(t, errOut.String())
	}
}

package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
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
			assert.True(t, strings.HasPrefix(s, "No AUTHENTA_API_KEY set"), s)
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
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			err := run(t.Context(), tc.args, noEnv, &out, &errOut)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.is)
		})
	}
}

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
	"github.com/phospheneai/authenta-go/authentatest"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func noEnv(string) string { return "" }

func TestFacesDemoOnTheEmbeddedFake(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), nil, noEnv, &out, &errOut), errOut.String())
	assert.Contains(t, errOut.String(), "embedded Authenta fake", "the banner goes to stderr")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.GreaterOrEqual(t, len(lines), 4, out.String())
	assert.Regexp(t, `^enrolled alice: subject \S+, 2 face\(s\) processed$`, lines[0])
	assert.Regexp(t, `^enrolled bob: subject \S+, 1 face\(s\) processed$`, lines[1])
	assert.Equal(t, "search who-is-this.jpg: 3 match(es)", lines[2])
	assert.Regexp(t, `^  1\. alice +similarity (0\.9\d\d|1\.000)`, lines[3], "the new photo of alice is alice")
}

func TestFacesOwnPhotosJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o600))
		return p
	}
	a, b := write("ann.jpg", authentatest.Portrait(5, 100, 120)), write("ben.jpg", authentatest.Portrait(6, 100, 120))
	probe := write("probe.jpg", authentatest.Sideways(6, 90, 100, 8))
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-json", "-limit", "1", "-person", "ann=" + a, "-person", "ben=" + b, "-search", probe}, noEnv, &out, &errOut), errOut.String())
	var r struct {
		Enrolled map[string]struct {
			ID    string `json:"id"`
			Faces []struct {
				Status   string `json:"status"`
				ImageURL string `json:"imageUrl"`
			} `json:"faces"`
		} `json:"enrolled"`
		Matches []struct {
			SubjectID string `json:"subjectId"`
		} `json:"matches"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	require.Len(t, r.Matches, 1)
	assert.Equal(t, r.Enrolled["ben"].ID, r.Matches[0].SubjectID)
	assert.Equal(t, "processed", r.Enrolled["ann"].Faces[0].Status)
	assert.Contains(t, r.Enrolled["ann"].Faces[0].ImageURL, "?[REDACTED]")
	assert.NotContains(t, out.String(), "X-Amz-Signature")
}

func TestFacesUsageAndErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gif := filepath.Join(dir, "x.gif")
	require.NoError(t, os.WriteFile(gif, []byte("GIF89a"), 0o600))
	tests := []struct {
		name string
		args []string
		env  func(string) string
		code int
		is   error
	}{
		{"help", []string{"-help"}, noEnv, 0, flag.ErrHelp},
		{"--help", []string{"--help"}, noEnv, 0, flag.ErrHelp},
		{"unknown flag", []string{"-nope"}, noEnv, 2, demo.ErrUsage},
		{"person without search", []string{"-person", "a=" + gif}, noEnv, 2, demo.ErrUsage},
		{"bad person", []string{"-person", "nobody", "-search", gif}, noEnv, 2, demo.ErrUsage},
		{"extra argument", []string{"photo.jpg"}, noEnv, 2, demo.ErrUsage},
		{"real key needs photos", nil, func(k string) string {
			if k == authenta.EnvAPIKey {
				return "api_test_key_not_used"
			}
			return ""
		}, 2, demo.ErrUsage},
		{"unsupported photo", []string{"-person", "a=" + gif, "-search", gif}, noEnv, 1, authenta.ErrInvalidImage},
		{"missing photo", []string{"-person", "a=" + filepath.Join(dir, "none.jpg"), "-search", gif}, noEnv, 1, authenta.ErrInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			err := run(t.Context(), tc.args, tc.env, &out, &errOut)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.is), "%v", err)
			assert.Equal(t, tc.code, demo.Exit("faces", err, io.Discard))
			if tc.code == 0 {
				assert.Contains(t, out.String(), "usage: faces", "-help prints the usage on stdout")
				assert.Empty(t, errOut.String())
			} else {
				assert.Empty(t, out.String(), "nothing on stdout")
			}
		})
	}
}

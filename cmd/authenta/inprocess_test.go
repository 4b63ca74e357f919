package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunInProcess runs the commands through run(), as main does, for the
// paths the binary tests cover from outside (and for coverage).
func TestRunInProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	makeFiles(t, dir, 12, 4)
	journal := filepath.Join(t.TempDir(), "j.ndjson")
	tests := []struct {
		name string
		args []string
		tty  bool
		code int
		out  string // on stdout
	}{
		{"help", []string{"-help"}, false, exitOK, "Commands:"},
		{"tasks", []string{"tasks"}, false, exitOK, "AC-1"},
		{"detect json", []string{"-offline", "detect", "-json", sample("deepfake.jpg")}, false, exitFake, `"verdict":"fake"`},
		{"detect text with bars", []string{"-offline", "detect", sample("photo.jpg")}, true, exitOK, "verdict     real"},
		{"batch with bars", []string{"-offline", "batch", "-j", "3", "-rate", "1000", "-o", journal, dir}, true, exitFake, "VERDICT"},
		{"batch again", []string{"-offline", "batch", "-o", journal, dir}, false, exitFake, ""},
		{"jobs list", []string{"-offline", "jobs", "list"}, false, exitOK, ""},
		{"usage", []string{"-offline", "batch", "-j", "0", dir}, false, exitUsage, ""},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		e := env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errOut, stderrTTY: tc.tty}
		code := run(t.Context(), tc.args, e)
		require.Equal(t, tc.code, code, "%s: %s", tc.name, errOut.String())
		if tc.out != "" {
			assert.Contains(t, out.String(), tc.out, tc.name)
		} else if tc.code != exitUsage {
			assert.NotContains(t, out.String(), "authenta:", "%s: notes stay off stdout", tc.name)
		}
	}
}

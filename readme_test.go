package authenta_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestREADMESnippetsCompile type-checks and vets every Go code block of
// README.md as a program of its own, against this module, so that the
// README never shows code that does not build.
func TestREADMESnippetsCompile(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	require.NotEmpty(t, blocks, "README has no Go code blocks")

	dir := t.TempDir()
	for i, b := range blocks {
		src := b[1]
		require.Truef(t, bytes.HasPrefix(src, []byte("package main")), "README Go block %d is not a complete program", i+1)
		file := filepath.Join(dir, "snippet"+string(rune('a'+i))+".go")
		require.NoError(t, os.WriteFile(file, src, 0o644))
		// Files named on the command line form an ad-hoc package that
		// resolves imports through this module.
		cmd := exec.Command(goTool, "vet", file)
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		require.NoErrorf(t, err, "README Go block %d:\n%s\n%s", i+1, src, out)
	}
}

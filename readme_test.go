package authenta_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestREADMESnippetsCompile type-checks and vets every Go code block of
// README.md as a file of its own, against this module, so that the README
// never shows code that does not build; blocks that are tests also run.
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
		require.Truef(t, bytes.HasPrefix(src, []byte("package ")), "README Go block %d is not a complete file", i+1)
		name := "snippet" + string(rune('a'+i))
		if bytes.Contains(src, []byte("*testing.T")) {
			name += "_test" // a test file: vet type-checks it as one
		}
		file := filepath.Join(dir, name+".go")
		require.NoError(t, os.WriteFile(file, src, 0o644))
		// Files named on the command line form an ad-hoc package that
		// resolves imports through this module.
		// A test file is also run: it must pass against authentatest.
		verb := "vet"
		if strings.HasSuffix(name, "_test") {
			verb = "test"
		}
		args := []string{verb, file}
		if verb == "test" {
			args = []string{verb, "-count=1", file}
		}
		cmd := exec.Command(goTool, args...)
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		require.NoErrorf(t, err, "README Go block %d:\n%s\n%s", i+1, src, out)
	}
}

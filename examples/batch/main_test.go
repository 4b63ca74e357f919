package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noEnv(string) string { return "" }

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o644))
}

func TestBatchOneLinePerFileAndASummary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"photo.jpg", "deepfake.jpg", "voice.wav", "clip.mp4", "notes.txt"} {
		copyFile(t, filepath.Join("..", "testdata", f), filepath.Join(dir, f))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty.png"), nil, 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "subdir"), 0o755)) // skipped

	var out, errOut bytes.Buffer
	code, err := run(t.Context(), []string{"-workers", "3", dir}, noEnv, &out, &errOut)
	require.NoError(t, err)
	assert.Equal(t, 1, code, "some files failed")

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 1+6+1, out.String())
	assert.Contains(t, lines[0], "embedded Authenta fake")
	want := []struct{ file, has string }{
		{"clip.mp4", "DF-1"},
		{"deepfake.jpg", "FAKE"},
		{"empty.png", "error: "},
		{"notes.txt", "error: "},
		{"photo.jpg", "REAL"},
		{"voice.wav", "AF-1"},
	}
	for i, w := range want {
		assert.True(t, strings.HasPrefix(lines[1+i], w.file), "line %d %q: files in folder order", i+1, lines[1+i])
		assert.Contains(t, lines[1+i], w.has)
	}
	assert.Equal(t, "6 files: 4 analysed (1 fake, 3 real), 2 failed", lines[len(lines)-1])
}

func TestBatchAllGood(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyFile(t, filepath.Join("..", "testdata", "photo.jpg"), filepath.Join(dir, "a.jpg"))
	copyFile(t, filepath.Join("..", "testdata", "photo.jpg"), filepath.Join(dir, "b.jpg"))
	var out bytes.Buffer
	code, err := run(t.Context(), []string{"-workers", "1", "-task", "FD-1", dir}, noEnv, &out, &out)
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	assert.Contains(t, out.String(), "2 files: 2 analysed (0 fake, 2 real), 0 failed")
	assert.Contains(t, out.String(), "FD-1")
}

func TestBatchUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"-workers", "0", "."}, {"/does/not/exist"}, {t.TempDir()}} {
		var out bytes.Buffer
		code, err := run(t.Context(), args, noEnv, &out, &out)
		assert.Error(t, err, "%v", args)
		assert.Equal(t, 2, code, "%v", args)
	}
}

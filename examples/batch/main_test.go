package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go/examples/internal/demo"
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
	err := run(t.Context(), []string{"-workers", "3", dir}, noEnv, &out, &errOut)
	require.ErrorIs(t, err, errFailed)
	assert.Equal(t, 1, demo.Exit("batch", err, io.Discard), "some files failed")
	assert.Contains(t, errOut.String(), "embedded Authenta fake", "banner on stderr")

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 5+1, out.String())
	want := []struct{ file, has string }{
		{"clip.mp4", "DF-1"},
		{"deepfake.jpg", "FAKE"},
		{"empty.png", "error: "},
		{"photo.jpg", "REAL"},
		{"voice.wav", "AF-1"},
	}
	for i, w := range want {
		assert.True(t, strings.HasPrefix(lines[i], w.file), "line %d %q: files in folder order", i, lines[i])
		assert.Contains(t, lines[i], w.has)
	}
	assert.Equal(t, "5 files: 4 analysed (1 fake, 3 real), 1 failed, 1 skipped (not media)", lines[len(lines)-1])
}

// TestBatchSkipsNonMedia: a folder of media files and a note exits 0, the
// note skipped and counted.
func TestBatchSkipsNonMedia(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyFile(t, filepath.Join("..", "testdata", "photo.jpg"), filepath.Join(dir, "a.jpg"))
	copyFile(t, filepath.Join("..", "testdata", "notes.txt"), filepath.Join(dir, "notes.txt"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README"), []byte("x"), 0o644))
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{dir}, noEnv, &out, &errOut)
	require.NoError(t, err, errOut.String())
	assert.Equal(t, 0, demo.Exit("batch", err, io.Discard))
	assert.Contains(t, out.String(), "1 files: 1 analysed (0 fake, 1 real), 0 failed, 2 skipped (not media)")
	assert.NotContains(t, out.String(), "notes.txt")
}

func TestBatchAllGood(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyFile(t, filepath.Join("..", "testdata", "photo.jpg"), filepath.Join(dir, "a.jpg"))
	copyFile(t, filepath.Join("..", "testdata", "photo.jpg"), filepath.Join(dir, "b.jpg"))
	copyFile(t, filepath.Join("..", "testdata", "voice.wav"), filepath.Join(dir, "c.wav")) // FD-1 takes no audio: skipped
	var out bytes.Buffer
	err := run(t.Context(), []string{"-workers", "1", "-task", "FD-1", dir}, noEnv, &out, &out)
	require.NoError(t, err)
	assert.Contains(t, out.String(), "2 files: 2 analysed (0 fake, 2 real), 0 failed, 1 skipped")
	assert.Contains(t, out.String(), "FD-1")
}

func TestBatchJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"photo.jpg", "deepfake.jpg", "notes.txt"} {
		copyFile(t, filepath.Join("..", "testdata", f), filepath.Join(dir, f))
	}
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-json", dir}, noEnv, &out, &errOut), errOut.String())
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	var got []line
	for dec.More() {
		var l line
		require.NoError(t, dec.Decode(&l))
		got = append(got, l)
	}
	require.Len(t, got, 2, "stdout is the NDJSON lines alone")
	assert.Equal(t, "deepfake.jpg", got[0].File)
	assert.True(t, got[0].Fake)
	assert.Equal(t, "photo.jpg", got[1].File)
	for _, l := range got {
		assert.NotEmpty(t, l.JobID)
		assert.Equal(t, "AC-1", l.Task)
		assert.Empty(t, l.Error)
	}
	assert.Contains(t, errOut.String(), "2 files: 2 analysed (1 fake, 1 real), 0 failed, 1 skipped", "the summary goes to stderr")
}

func TestBatchUsage(t *testing.T) {
	t.Parallel()
	noMedia := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(noMedia, "notes.txt"), []byte("x"), 0o644))
	for _, args := range [][]string{nil, {"-workers", "0", "."}, {"/does/not/exist"}, {t.TempDir()}, {noMedia}, {"-task", "XX-9", "."}, {"-bogus", "."}, {"a", "b"}} {
		var out, errOut bytes.Buffer
		err := run(t.Context(), args, noEnv, &out, &errOut)
		require.ErrorIs(t, err, demo.ErrUsage, "%v", args)
		assert.Equal(t, 2, demo.Exit("batch", err, io.Discard), "%v", args)
		assert.NotContains(t, errOut.String(), "No AUTHENTA_API_KEY set", "nothing started: %v", args)
	}
}

func TestBatchHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help"} {
		var out, errOut bytes.Buffer
		err := run(t.Context(), []string{arg}, noEnv, &out, &errOut)
		require.ErrorIs(t, err, flag.ErrHelp)
		assert.Equal(t, 0, demo.Exit("batch", err, &errOut))
		for _, w := range []string{"usage: batch", "-workers", "-task", "-json", "Exit status", "skipped"} {
			assert.Contains(t, out.String(), w)
		}
		assert.Empty(t, errOut.String())
	}
}

package main

import (
	"image"
	_ "image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDetectEvidenceForAFakeOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := cli(t, nil, "-offline", "detect", "-json", "-evidence", dir, sample("deepfake.jpg"))
	require.Equal(t, exitFake, r.code, r.stderr)
	recs := ndjson(t, r.stdout)
	require.Len(t, recs, 1)
	require.NotEmpty(t, recs[0].Evidence)
	assert.True(t, strings.HasPrefix(recs[0].Evidence, dir))
	assert.Contains(t, filepath.Base(recs[0].Evidence), "deepfake.jpg-job"+recs[0].JobID)

	f, err := os.Open(filepath.Join(recs[0].Evidence, "annotated.png"))
	require.NoError(t, err)
	defer f.Close()
	annotated, err := png.Decode(f)
	require.NoError(t, err)
	in, err := os.Open(sample("deepfake.jpg"))
	require.NoError(t, err)
	defer in.Close()
	cfg, _, err := image.DecodeConfig(in)
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, cfg.Width, cfg.Height), annotated.Bounds(), "the annotated image is the input's size")

	// The job's artifacts beside it: the result document and the heatmap.
	entries, err := os.ReadDir(recs[0].Evidence)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Contains(t, strings.Join(names, " "), "heatmap", "%v %s", names, r.stderr)
	assert.Contains(t, strings.Join(names, " "), "result", names)
	assert.NotContains(t, r.stderr, "evidence:", "saved without an error")

	real := t.TempDir()
	r = cli(t, nil, "-offline", "detect", "-evidence", real, sample("photo.jpg"))
	require.Equal(t, exitOK, r.code, r.stderr)
	entries, err = os.ReadDir(real)
	require.NoError(t, err)
	assert.Empty(t, entries, "no evidence for a real file")
}

func TestBatchEvidence(t *testing.T) {
	t.Parallel()
	in := t.TempDir()
	for _, n := range []string{"a.jpg", "b-fake.jpg", "c/d-fake.jpg", "e.png"} {
		body, err := os.ReadFile(sample("photo.jpg"))
		require.NoError(t, err)
		writeFile(t, filepath.Join(in, n), string(body))
	}
	writeFile(t, filepath.Join(in, "clip-fake.mp4"), "not really a video")
	out := t.TempDir()
	r := cli(t, nil, "-offline", "batch", "-json", "-evidence", out, in)
	require.Equal(t, exitFake, r.code, r.stderr)
	withEvidence := 0
	for _, rec := range ndjson(t, r.stdout) {
		if !strings.Contains(rec.File, "fake") {
			assert.Empty(t, rec.Evidence, rec.File)
			continue
		}
		require.NotEmpty(t, rec.Evidence, rec.File)
		withEvidence++
		if strings.HasSuffix(rec.File, ".jpg") {
			assert.FileExists(t, filepath.Join(rec.Evidence, "annotated.png"))
		}
	}
	assert.Equal(t, 3, withEvidence)
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "one folder per fake file")
	// The video is not one ffmpeg can read: at most a note, the verdict stands.
}

func TestEvidenceName(t *testing.T) {
	t.Parallel()
	tests := map[[2]string]string{
		{"a/b/photo.jpg", "12"}:        "photo.jpg-job12",
		{"../../etc/passwd", "1"}:      "passwd-job1",
		{"x/.hidden.jpg", "3"}:         "hidden.jpg-job3",
		{"we ird;name$.jpg", "7/../8"}: "we_ird_name_.jpg-job7_.._8",
		{"/", "9"}:                     "_-job9",
	}
	for in, want := range tests {
		assert.Equal(t, want, evidenceName(in[0], in[1]), in)
	}
}

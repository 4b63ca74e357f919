package evidence_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/evidence"
	"github.com/stretchr/testify/require"
)

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
}

func readPNG(t *testing.T, path string) *image.RGBA {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(img.Bounds())
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				rgba.Set(x, y, img.At(x, y))
			}
		}
	}
	return rgba
}

func TestAnnotateFilePNG(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "photo.png"), filepath.Join(dir, "photo.evidence.png")
	writePNG(t, in, canvas(image.Rect(0, 0, 200, 150)))
	box := image.Rect(40, 50, 120, 110)
	require.NoError(t, evidence.AnnotateFile(context.Background(), in, out, []authenta.Identity{fake("0", 0.97, box)}, nil))
	got := readPNG(t, out)
	require.Equal(t, image.Rect(0, 0, 200, 150), got.Bounds())
	requireEdges(t, got, box, 2, red, "lrtb")
	// Written atomically: nothing else is left in the directory.
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	fi, err := os.Stat(out)
	require.NoError(t, err)
	if runtime.GOOS != "windows" {
		require.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "readable like any file, not a private temporary file")
	}
}

func TestAnnotateFileJPEG(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "photo.jpg"), filepath.Join(dir, "photo.evidence.JPEG")
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, canvas(image.Rect(0, 0, 200, 150)), nil))
	require.NoError(t, os.WriteFile(in, buf.Bytes(), 0o644))
	box := image.Rect(40, 50, 120, 110)
	require.NoError(t, evidence.AnnotateFile(context.Background(), in, out, []authenta.Identity{fake("0", 0.97, box)}, &evidence.Options{LineWidth: 8}))
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	img, format, err := image.Decode(f)
	require.NoError(t, err)
	require.Equal(t, "jpeg", format)
	// JPEG is lossy: the middle of the 8-pixel stroke is red-ish, the
	// middle of the box white-ish.
	r, g, _, _ := img.At(44, 80).RGBA()
	require.Greater(t, r>>8, uint32(180))
	require.Less(t, g>>8, uint32(90))
	r, g, _, _ = img.At(80, 80).RGBA()
	require.Greater(t, r>>8, uint32(230))
	require.Greater(t, g>>8, uint32(230))
}

// pngHeader is the start of a PNG claiming w×h pixels: enough for its
// header to be read, far too little to be decoded.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestAnnotateFileRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.png")
	writePNG(t, good, canvas(image.Rect(0, 0, 20, 20)))
	bomb := filepath.Join(dir, "bomb.png")
	require.NoError(t, os.WriteFile(bomb, pngHeader(1<<30, 1<<30), 0o644))
	wide := filepath.Join(dir, "wide.png")
	require.NoError(t, os.WriteFile(wide, pngHeader(200_000, 1000), 0o644))
	text := filepath.Join(dir, "notes.png")
	require.NoError(t, os.WriteFile(text, []byte("not an image at all"), 0o644))
	cut := filepath.Join(dir, "cut.png")
	full, err := os.ReadFile(good)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cut, full[:len(full)-20], 0o644))

	tests := []struct {
		name    string
		in, out string
		opts    *evidence.Options
		invalid bool
	}{
		{"unknown output format", good, "out.gif", nil, true},
		{"no output extension", good, "out", nil, true},
		{"no output", good, "", nil, true},
		{"no input", "", "out.png", nil, true},
		{"missing input", filepath.Join(dir, "missing.png"), "out.png", nil, false},
		{"decompression bomb", bomb, "out.png", nil, true},
		{"over the pixel cap", wide, "out.png", nil, true},
		{"over a small pixel cap", good, "out.png", &evidence.Options{MaxPixels: 399}, true},
		{"not an image", text, "out.png", nil, true},
		{"cut image", cut, "out.png", nil, true},
		{"no output directory", good, "missing-dir/out.png", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := tt.out
			if out != "" {
				out = filepath.Join(t.TempDir(), out)
			}
			err := evidence.AnnotateFile(context.Background(), tt.in, out, nil, tt.opts)
			require.Error(t, err)
			require.Equal(t, tt.invalid, errors.Is(err, authenta.ErrInvalidArgument), "%v", err)
			if out != "" {
				_, statErr := os.Stat(out)
				require.ErrorIs(t, statErr, os.ErrNotExist, "nothing is written on error")
			}
		})
	}
	// Exactly at the cap is fine.
	require.NoError(t, evidence.AnnotateFile(context.Background(), good, filepath.Join(dir, "ok.png"), nil, &evidence.Options{MaxPixels: 400}))
}

func TestAnnotateFileKeepsOutputOnError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "evidence.png")
	require.NoError(t, os.WriteFile(out, []byte("previous evidence"), 0o644))
	err := evidence.AnnotateFile(context.Background(), filepath.Join(dir, "missing.jpg"), out, nil, nil)
	require.ErrorIs(t, err, os.ErrNotExist)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, "previous evidence", string(got))

	// The rename fails (a directory is in the way): the temporary file goes.
	in := filepath.Join(dir, "in.png")
	writePNG(t, in, canvas(image.Rect(0, 0, 20, 20)))
	blocked := filepath.Join(dir, "blocked.png")
	require.NoError(t, os.MkdirAll(filepath.Join(blocked, "child"), 0o755))
	require.Error(t, evidence.AnnotateFile(context.Background(), in, blocked, nil, nil))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 3, "evidence.png, in.png and blocked.png only")
}

func TestAnnotateFileCancelled(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.png")
	writePNG(t, in, canvas(image.Rect(0, 0, 20, 20)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(dir, "out.png")
	require.ErrorIs(t, evidence.AnnotateFile(ctx, in, out, nil, nil), context.Canceled)
	_, err := os.Stat(out)
	require.ErrorIs(t, err, os.ErrNotExist)
}

package evidence_test

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/evidence"
	"github.com/stretchr/testify/require"
)

// near tells a lossy-coded pixel from its colour.
func near(got, want [3]uint8) bool {
	for i := range got {
		d := int(got[i]) - int(want[i])
		if d < -40 || d > 40 {
			return false
		}
	}
	return true
}

func rgbAt(img *image.RGBA, x, y int) [3]uint8 {
	c := img.RGBAAt(x, y)
	return [3]uint8{c.R, c.G, c.B}
}

func TestAnnotateVideoFile(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	dir := t.TempDir()
	video := filepath.Join(dir, "gray.mp4")
	ffmpeg(t, "-f", "lavfi", "-i", "color=c=0x808080:size=192x128:rate=10:duration=2", "-c:v", "mpeg4", "-q:v", "2", "-pix_fmt", "yuv420p", video)
	ids := []authenta.Identity{boxesAt("0", image.Rect(20, 30, 120, 120), 5, 12)}
	for _, ext := range []string{".mp4", ".mkv"} {
		out := filepath.Join(dir, "evidence"+ext)
		require.NoError(t, evidence.AnnotateVideoFile(context.Background(), video, out, ids, &evidence.Options{LineWidth: 6}))

		frames := t.TempDir()
		ffmpeg(t, "-i", out, "-vsync", "0", filepath.Join(frames, "%06d.png"))
		entries, err := os.ReadDir(frames)
		require.NoError(t, err)
		require.Len(t, entries, 20, "%s: every frame of the video is kept", ext)
		for n := range 20 {
			img := readPNG(t, filepath.Join(frames, pad(n+1)+".png"))
			require.Equal(t, image.Rect(0, 0, 192, 128), img.Bounds())
			edge := rgbAt(img, 23, 85) // inside the 6-pixel left stroke
			if n == 5 || n == 12 {
				require.True(t, near(edge, [3]uint8{220, 38, 38}), "%s frame %d: the box is drawn: %v", ext, n, edge)
			} else {
				require.True(t, near(edge, [3]uint8{128, 128, 128}), "%s frame %d: no box: %v", ext, n, edge)
			}
			require.True(t, near(rgbAt(img, 70, 85), [3]uint8{128, 128, 128}), "%s frame %d: inside the box", ext, n)
		}
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 3, "no temporary file is left")
}

func TestAnnotateVideoFileOddSize(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	dir := t.TempDir()
	video := filepath.Join(dir, "odd.mkv")
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc=size=95x63:rate=5:duration=1", "-c:v", "ffv1", video)
	out := filepath.Join(dir, "out.mp4")
	require.NoError(t, evidence.AnnotateVideoFile(context.Background(), video, out,
		[]authenta.Identity{boxesAt("0", image.Rect(0, 0, 40, 40), 2)}, nil))
	frames := t.TempDir()
	ffmpeg(t, "-i", out, "-vsync", "0", filepath.Join(frames, "%06d.png"))
	require.Equal(t, image.Rect(0, 0, 96, 64), readPNG(t, filepath.Join(frames, "000001.png")).Bounds(), "padded to even sides for yuv420p")
}

func TestAnnotateVideoFileRefuses(t *testing.T) {
	t.Parallel()
	dir, video, ids := placeholder(t)
	failing := fakeFFmpeg(t, "exit 3")
	for _, out := range []string{"", "out.gif", "out.png", "out"} {
		err := evidence.AnnotateVideoFile(context.Background(), video, out, ids, failing)
		require.ErrorIs(t, err, authenta.ErrInvalidArgument, out)
	}
	require.ErrorIs(t, evidence.AnnotateVideoFile(context.Background(), "", "out.mp4", ids, failing), authenta.ErrInvalidArgument)
	require.ErrorIs(t, evidence.AnnotateVideoFile(context.Background(), filepath.Join(dir, "missing.mp4"), filepath.Join(dir, "o.mp4"), ids, failing), os.ErrNotExist)
	_, err := os.Stat(filepath.Join(dir, "o.mp4"))
	require.ErrorIs(t, err, os.ErrNotExist)
	require.ErrorIs(t, evidence.AnnotateVideoFile(context.Background(), video, filepath.Join(dir, "o.mp4"), ids,
		&evidence.Options{FFmpeg: filepath.Join(dir, "no-ffmpeg")}), evidence.ErrNoFFmpeg)
}

func TestAnnotateVideoFileFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		script string
		want   string
	}{
		{"decoder fails", `echo "clip.mp4: Invalid data found when processing input" >&2; exit 1`, "Invalid data found"},
		{"no frames", "exit 0", "no frames"},
		{"not PPM", `printf 'P5\n2 2\n255\n'; exit 0`, "magic"},
		{"frame cut", `printf 'P6\n2 2\n255\nabc'; exit 0`, "frame 0: unexpected EOF"},
		{"too large", `printf 'P6\n100000 100000\n255\n'; ` + "HANG", "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir, video, ids := placeholder(t)
			out := filepath.Join(dir, "out.mp4")
			script := tt.script
			if strings.Contains(script, "HANG") {
				script = strings.ReplaceAll(script, "HANG", hang(t))
			}
			err := evidence.AnnotateVideoFile(context.Background(), video, out, ids, fakeFFmpeg(t, script))
			require.ErrorContains(t, err, tt.want)
			entries, rerr := os.ReadDir(dir)
			require.NoError(t, rerr)
			require.Len(t, entries, 1, "only the input is left")
		})
	}
}

func TestAnnotateVideoFileCancelKillsFFmpeg(t *testing.T) {
	t.Parallel()
	dir, video, ids := placeholder(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := evidence.AnnotateVideoFile(ctx, video, filepath.Join(dir, "out.mp4"), ids, fakeFFmpeg(t, hang(t)))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	entries, rerr := os.ReadDir(dir)
	require.NoError(t, rerr)
	require.Len(t, entries, 1, "only the input is left")
}

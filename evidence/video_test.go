package evidence_test

import (
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/evidence"
	"github.com/stretchr/testify/require"
)

func boxesAt(ids string, box image.Rectangle, frames ...int) authenta.Identity {
	ident := authenta.Identity{ID: ids, IsDeepFake: ptr(true), Confidence: ptr(0.9)}
	for _, f := range frames {
		ident.Boxes = append(ident.Boxes, authenta.FrameBox{Frame: f, Box: box})
	}
	return ident
}

// placeholder is a directory holding a file named like a video, which
// only a stand-in ffmpeg reads, and identities with a box in frame 3.
func placeholder(t *testing.T) (dir, video string, ids []authenta.Identity) {
	t.Helper()
	dir = t.TempDir()
	video = filepath.Join(dir, "clip.mp4")
	require.NoError(t, os.WriteFile(video, []byte("not a video"), 0o644))
	return dir, video, []authenta.Identity{boxesAt("0", image.Rect(1, 1, 9, 9), 3)}
}

// Not parallel: it empties PATH for the whole process.
func TestAnnotateVideoWithoutFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	dir, video, ids := placeholder(t)
	paths, err := evidence.AnnotateVideo(context.Background(), video, dir, ids, nil)
	require.ErrorIs(t, err, evidence.ErrNoFFmpeg)
	require.Contains(t, err.Error(), "ffmpeg is needed")
	require.Contains(t, err.Error(), "PATH")
	require.Nil(t, paths)
}

func TestAnnotateVideoFFmpegNamedButMissing(t *testing.T) {
	t.Parallel()
	_, err := evidence.AnnotateVideo(context.Background(), "clip.mp4", t.TempDir(), nil,
		&evidence.Options{FFmpeg: filepath.Join(t.TempDir(), "no-ffmpeg-here")})
	require.ErrorIs(t, err, evidence.ErrNoFFmpeg)
}

// fakeFFmpeg writes a shell script standing in for ffmpeg.
func fakeFFmpeg(t *testing.T, body string) *evidence.Options {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in ffmpeg is a shell script")
	}
	path := filepath.Join(t.TempDir(), "ffmpeg")
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	return &evidence.Options{FFmpeg: path}
}

// hang is a script line that sleeps until killed; sleep is named by its
// path, as tests may run with an emptied PATH.
func hang(t *testing.T) string {
	t.Helper()
	for _, sleep := range []string{"sleep", "/bin/sleep", "/usr/bin/sleep"} {
		if p, err := exec.LookPath(sleep); err == nil {
			return "exec '" + p + "' 60"
		}
	}
	t.Skip("no sleep program for the stand-in ffmpeg")
	return ""
}

func TestAnnotateVideoArguments(t *testing.T) {
	t.Parallel()
	dir, video, ids := placeholder(t)
	failing := fakeFFmpeg(t, "exit 3")

	_, err := evidence.AnnotateVideo(context.Background(), "", dir, ids, failing)
	require.ErrorIs(t, err, authenta.ErrInvalidArgument)
	_, err = evidence.AnnotateVideo(context.Background(), video, "", ids, failing)
	require.ErrorIs(t, err, authenta.ErrInvalidArgument)
	_, err = evidence.AnnotateVideo(context.Background(), filepath.Join(dir, "missing.mp4"), dir, ids, failing)
	require.ErrorIs(t, err, os.ErrNotExist)

	// No identity has a box: nothing to extract, ffmpeg is not run.
	paths, err := evidence.AnnotateVideo(context.Background(), video, dir, []authenta.Identity{{ID: "0", IsDeepFake: ptr(true)}}, failing)
	require.NoError(t, err)
	require.Empty(t, paths)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = evidence.AnnotateVideo(ctx, video, dir, ids, failing)
	require.ErrorIs(t, err, context.Canceled)
}

func TestAnnotateVideoFFmpegFails(t *testing.T) {
	t.Parallel()
	dir, video, ids := placeholder(t)

	// Its error output comes with the error, bounded.
	noisy := fakeFFmpeg(t, `echo "clip.mp4: Invalid data found when processing input" >&2
i=0; while [ $i -lt 2000 ]; do echo "more noise on stderr, line $i" >&2; i=$((i+1)); done
exit 1`)
	out := filepath.Join(dir, "out")
	_, err := evidence.AnnotateVideo(context.Background(), video, out, ids, noisy)
	require.ErrorContains(t, err, "Invalid data found when processing input")
	require.ErrorContains(t, err, "exit status 1")
	require.Less(t, len(err.Error()), 4096)
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	require.Empty(t, entries, "the frames' scratch directory is removed")

	// ffmpeg succeeds but finds none of the frames.
	silent := fakeFFmpeg(t, "exit 0")
	_, err = evidence.AnnotateVideo(context.Background(), video, filepath.Join(dir, "out2"), ids, silent)
	require.ErrorContains(t, err, "none of the 1 frames")
}

func TestAnnotateVideoCancelKillsFFmpeg(t *testing.T) {
	t.Parallel()
	dir, video, ids := placeholder(t)
	hanging := fakeFFmpeg(t, hang(t))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := evidence.AnnotateVideo(ctx, video, dir, ids, hanging)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

// requireFFmpeg skips a test where ffmpeg is not on PATH.
func requireFFmpeg(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg is not on PATH (apt-get install ffmpeg); the video path is tested only where it is")
	}
	return p
}

// ffmpeg runs the real ffmpeg for a test's fixtures.
func ffmpeg(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command(requireFFmpeg(t), append([]string{"-nostdin", "-v", "error", "-y"}, args...)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// testVideo makes a 20-frame 96x64 test pattern, each frame different.
func testVideo(t *testing.T) string {
	t.Helper()
	video := filepath.Join(t.TempDir(), "clip.mp4")
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc=size=96x64:rate=10:duration=2", "-c:v", "mpeg4", "-q:v", "2", "-pix_fmt", "yuv420p", video)
	return video
}

func TestAnnotateVideoExactFrames(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	video := testVideo(t)
	// Every frame of the video, as ffmpeg decodes it: the reference.
	all := t.TempDir()
	ffmpeg(t, "-i", video, "-vsync", "0", filepath.Join(all, "%06d.png"))
	reference := func(frame int) *image.RGBA {
		return readPNG(t, filepath.Join(all, pad(frame+1)+".png"))
	}
	require.NotEqual(t, reference(12).Pix, reference(13).Pix, "frames must differ for the test to tell them apart")

	box := image.Rect(10, 20, 60, 60)
	ids := []authenta.Identity{
		boxesAt("0", box, 12, 0, 19, 500), // 500: past the end
		{ID: "1", IsDeepFake: ptr(false), Confidence: ptr(0.8), Boxes: []authenta.FrameBox{
			{Frame: 5, Box: image.Rect(50, 5, 90, 50)},
			{Frame: 12, Box: image.Rect(50, 5, 90, 50)},
		}},
	}
	out := filepath.Join(t.TempDir(), "evidence")
	paths, err := evidence.AnnotateVideo(context.Background(), video, out, ids, nil)
	require.NoError(t, err)
	want := []int{0, 5, 12, 19}
	require.Len(t, paths, len(want))
	for i, frame := range want {
		require.Equal(t, filepath.Join(out, "frame-"+pad(frame)+".png"), paths[i])
		got := readPNG(t, paths[i])
		require.Equal(t, image.Rect(0, 0, 96, 64), got.Bounds())
		require.Equal(t, evidence.AnnotateFrame(reference(frame), ids, frame, nil).Pix, got.Pix, "frame %d", frame)
	}
	// Frame 12 has both identities, frame 5 only the real one.
	f12 := readPNG(t, paths[2])
	require.Equal(t, red, f12.RGBAAt(10, 40))
	require.Equal(t, green, f12.RGBAAt(89, 30))
	f5 := readPNG(t, paths[1])
	require.NotEqual(t, red, f5.RGBAAt(10, 40))
	require.Equal(t, green, f5.RGBAAt(89, 30))

	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	require.Len(t, entries, len(want), "only the frames are left in the directory")
}

func TestAnnotateVideoMaxFrames(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	video := testVideo(t)
	frames := make([]int, 20)
	for i := range frames {
		frames[i] = i
	}
	paths, err := evidence.AnnotateVideo(context.Background(), video, t.TempDir(),
		[]authenta.Identity{boxesAt("0", image.Rect(10, 20, 60, 60), frames...)}, &evidence.Options{MaxFrames: 3})
	require.NoError(t, err)
	require.Len(t, paths, 3)
	for i, frame := range []int{0, 9, 19} {
		require.Equal(t, "frame-"+pad(frame)+".png", filepath.Base(paths[i]))
	}
}

func TestAnnotateVideoNotAVideo(t *testing.T) {
	t.Parallel()
	requireFFmpeg(t)
	video := filepath.Join(t.TempDir(), "clip.mp4")
	require.NoError(t, os.WriteFile(video, []byte("this is not a video"), 0o644))
	_, err := evidence.AnnotateVideo(context.Background(), video, t.TempDir(),
		[]authenta.Identity{boxesAt("0", image.Rect(1, 1, 9, 9), 3)}, nil)
	require.ErrorContains(t, err, "evidence: ffmpeg: exit status")
	require.ErrorContains(t, err, "Invalid data")
}

func pad(n int) string { return fmt.Sprintf("%06d", n) }

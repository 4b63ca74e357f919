package evidence

import (
	"image"
	"testing"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/stretchr/testify/require"
)

func boxesAt(frames ...int) []authenta.FrameBox {
	out := make([]authenta.FrameBox, len(frames))
	for i, f := range frames {
		out[i] = authenta.FrameBox{Frame: f, Box: image.Rect(1, 1, 5, 5)}
	}
	return out
}

func TestBoxFrames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ids  []authenta.Identity
		want []int
	}{
		{"none", nil, nil},
		{"identity without boxes", []authenta.Identity{{ID: "0"}}, nil},
		{"one identity, unsorted, repeated", []authenta.Identity{{Boxes: boxesAt(40, 12, 40, 0)}}, []int{0, 12, 40}},
		{"every identity counts", []authenta.Identity{{Boxes: boxesAt(3, 9)}, {Boxes: boxesAt(9, 5)}, {Boxes: boxesAt(1)}}, []int{1, 3, 5, 9}},
		{"negative frames are no frame", []authenta.Identity{{Boxes: boxesAt(-1, 2, -100)}}, []int{2}},
		{"empty boxes are no box", []authenta.Identity{{Boxes: []authenta.FrameBox{
			{Frame: 7, Box: image.Rect(5, 5, 5, 9)},
			{Frame: 8, Box: image.Rectangle{}},
			{Frame: 9, Box: image.Rectangle{Min: image.Pt(9, 9), Max: image.Pt(1, 1)}}, // inverted: a box all the same
		}}}, []int{9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, boxFrames(tt.ids))
		})
	}
}

func TestSpread(t *testing.T) {
	t.Parallel()
	seq := func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i * 10
		}
		return out
	}
	tests := []struct {
		name   string
		frames []int
		n      int
		want   []int
	}{
		{"fewer than the cap", []int{3, 8}, 32, []int{3, 8}},
		{"exactly the cap", []int{3, 8, 9}, 3, []int{3, 8, 9}},
		{"cap 0 picks none", []int{3, 8}, 0, nil},
		{"negative cap picks none", []int{3, 8}, -5, nil},
		{"cap 1 picks the middle", []int{1, 2, 3, 4, 5}, 1, []int{3}},
		{"cap 2 picks first and last", seq(10), 2, []int{0, 90}},
		{"evenly", seq(10), 4, []int{0, 30, 60, 90}},
		{"uneven steps floor", seq(7), 4, []int{0, 20, 40, 60}},
		{"one short of all", seq(5), 4, []int{0, 10, 20, 40}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, spread(tt.frames, tt.n))
		})
	}
}

// TestSpreadNeverRepeats checks the promise every caller of spread relies
// on: n distinct frames, in order, the first and the last among them.
func TestSpreadNeverRepeats(t *testing.T) {
	t.Parallel()
	for total := 1; total <= 60; total++ {
		frames := make([]int, total)
		for i := range frames {
			frames[i] = i
		}
		for n := 2; n <= 64; n++ {
			got := spread(frames, n)
			require.Len(t, got, min(n, total))
			require.Equal(t, 0, got[0])
			require.Equal(t, total-1, got[len(got)-1])
			for i := 1; i < len(got); i++ {
				require.Less(t, got[i-1], got[i], "total %d n %d: %v", total, n, got)
			}
		}
	}
}

func TestSelectFramesDefaultCap(t *testing.T) {
	t.Parallel()
	frames := make([]int, 1000)
	for i := range frames {
		frames[i] = i
	}
	ids := []authenta.Identity{{Boxes: boxesAt(frames...)}}
	var opts *Options
	got := selectFrames(ids, opts.maxFrames())
	require.Len(t, got, defaultMaxFrames)
	require.Equal(t, 0, got[0])
	require.Equal(t, 999, got[len(got)-1])
	require.Len(t, selectFrames(ids, (&Options{MaxFrames: 5}).maxFrames()), 5)
}

func TestExtractArgs(t *testing.T) {
	t.Parallel()
	args := extractArgs("/v/in put.mp4", "/out/.frames-1", []int{0, 12, 40})
	require.Equal(t, []string{
		"-nostdin", "-hide_banner", "-loglevel", "error",
		"-i", "/v/in put.mp4",
		"-map", "0:v:0",
		"-vf", `select='eq(n\,0)+eq(n\,12)+eq(n\,40)'`,
		"-vsync", "0",
		"-frames:v", "3",
		"-f", "image2",
		"/out/.frames-1/%06d.png",
	}, args)
}

func TestHeadBufferIsBounded(t *testing.T) {
	t.Parallel()
	var h headBuffer
	line := []byte("error line that ffmpeg repeats\n")
	for range 10_000 {
		n, err := h.Write(line)
		require.NoError(t, err)
		require.Equal(t, len(line), n)
	}
	require.Equal(t, stderrLimit, h.buf.Len())
	require.Equal(t, int64(10_000*len(line)-stderrLimit), h.dropped)
	require.Contains(t, h.String(), "more bytes)")
	require.Less(t, len(h.String()), stderrLimit+64)

	var small headBuffer
	_, _ = small.Write([]byte("Invalid data found"))
	require.Equal(t, "Invalid data found", small.String())
}

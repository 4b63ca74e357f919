package evidence

import (
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/stretchr/testify/require"
)

func ptr[T any](v T) *T { return &v }

func TestMarkFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		id   authenta.Identity
		box  authenta.FrameBox
		want mark
	}{
		{"fake with confidence", authenta.Identity{ID: "0", IsDeepFake: ptr(true), Confidence: ptr(0.97)}, authenta.FrameBox{},
			mark{"#0 fake 97%", authenta.VerdictFake}},
		{"real, rounded", authenta.Identity{ID: "1", IsDeepFake: ptr(false), Confidence: ptr(0.884)}, authenta.FrameBox{},
			mark{"#1 real 88%", authenta.VerdictReal}},
		{"nothing said", authenta.Identity{ID: "2"}, authenta.FrameBox{},
			mark{"#2 unknown", authenta.VerdictUnknown}},
		{"the model's class as sent", authenta.Identity{ID: "0", Class: "Fake", Confidence: ptr(1.0)}, authenta.FrameBox{},
			mark{"#0 Fake 100%", authenta.VerdictFake}},
		{"class real, no IsDeepFake", authenta.Identity{ID: "face_3", Class: "real"}, authenta.FrameBox{},
			mark{"#face_3 real", authenta.VerdictReal}},
		{"the frame's class and confidence win", authenta.Identity{ID: "0", Class: "real", Confidence: ptr(0.6)},
			authenta.FrameBox{Class: "fake", Confidence: ptr(0.91)}, mark{"#0 fake 91%", authenta.VerdictFake}},
		{"colour follows the words shown", authenta.Identity{ID: "0", IsDeepFake: ptr(true), Class: "real"}, authenta.FrameBox{},
			mark{"#0 real", authenta.VerdictReal}},
		{"unknown class: IsDeepFake colours it", authenta.Identity{ID: "0", IsDeepFake: ptr(true), Class: "lipsync"}, authenta.FrameBox{},
			mark{"#0 lipsync", authenta.VerdictFake}},
		{"spoof is fake", authenta.Identity{ID: "0", Class: "spoof"}, authenta.FrameBox{}, mark{"#0 spoof", authenta.VerdictFake}},
		{"live is real", authenta.Identity{ID: "0", Class: " LIVE "}, authenta.FrameBox{}, mark{"#0 LIVE", authenta.VerdictReal}},
		{"confidence out of 0..1 is not drawn", authenta.Identity{ID: "0", IsDeepFake: ptr(true), Confidence: ptr(97.0)}, authenta.FrameBox{},
			mark{"#0 fake", authenta.VerdictFake}},
		{"negative confidence is not drawn", authenta.Identity{ID: "0", Confidence: ptr(-0.5)}, authenta.FrameBox{},
			mark{"#0 unknown", authenta.VerdictUnknown}},
		{"NaN confidence is not drawn", authenta.Identity{ID: "0", Confidence: ptr(math.NaN())}, authenta.FrameBox{},
			mark{"#0 unknown", authenta.VerdictUnknown}},
		{"control characters are replaced", authenta.Identity{ID: "0\n1", Class: "fa\x00ke"}, authenta.FrameBox{},
			mark{"#0?1 fa?ke", authenta.VerdictUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, markFor(&tt.id, &tt.box))
		})
	}
}

func TestMarkForBoundsHostileStrings(t *testing.T) {
	t.Parallel()
	id := authenta.Identity{ID: strings.Repeat("9", 1<<20), Class: strings.Repeat("fake", 1<<18)}
	m := markFor(&id, &authenta.FrameBox{})
	require.LessOrEqual(t, len([]rune(m.text)), 1+maxIDRunes+1+1+maxClassRunes+1)
}

func TestVerdictColors(t *testing.T) {
	t.Parallel()
	for v, want := range map[authenta.Verdict]color.RGBA{
		authenta.VerdictFake:    colorFake,
		authenta.VerdictReal:    colorReal,
		authenta.VerdictUnknown: colorUnknown,
		"":                      colorUnknown,
		"weird":                 colorUnknown,
	} {
		got, text := verdictColor(v)
		require.Equal(t, want, got, v)
		require.NotEqual(t, got, text, "text must stand out on its tab")
	}
}

func TestLineWidth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		w, h, asked, want int
	}{
		{100, 100, 0, 2},
		{1920, 1080, 0, 3},
		{3840, 2160, 0, 6},
		{1080, 7680, 0, 3}, // the shorter side decides
		{100, 100, 7, 7},
		{100, 100, -3, 2},
	}
	for _, tt := range tests {
		got := lineWidth(image.Rect(0, 0, tt.w, tt.h), &Options{LineWidth: tt.asked})
		require.Equal(t, tt.want, got, "%dx%d asked %d", tt.w, tt.h, tt.asked)
	}
	require.Equal(t, 2, lineWidth(image.Rect(0, 0, 10, 10), nil))
}

// TestStrokeEdges checks the stroke alone, pixel by pixel, all around: its
// outer edge is the rectangle and it is lw wide inside it.
func TestStrokeEdges(t *testing.T) {
	t.Parallel()
	for _, lw := range []int{1, 2, 3, 5} {
		dst := image.NewRGBA(image.Rect(0, 0, 60, 50))
		r := image.Rect(10, 8, 40, 30)
		stroke(dst, r, lw, colorFake)
		for y := dst.Bounds().Min.Y; y < dst.Bounds().Max.Y; y++ {
			for x := dst.Bounds().Min.X; x < dst.Bounds().Max.X; x++ {
				p := image.Pt(x, y)
				inner := image.Rect(r.Min.X+lw, r.Min.Y+lw, r.Max.X-lw, r.Max.Y-lw)
				onStroke := p.In(r) && !p.In(inner)
				got := dst.RGBAAt(x, y)
				if onStroke {
					require.Equal(t, colorFake, got, "lw %d: (%d,%d) is on the edge", lw, x, y)
				} else {
					require.Equal(t, color.RGBA{}, got, "lw %d: (%d,%d) is off the edge", lw, x, y)
				}
			}
		}
	}
}

func TestSatAdd(t *testing.T) {
	t.Parallel()
	require.Equal(t, 5, satAdd(2, 3))
	require.Equal(t, math.MaxInt, satAdd(math.MaxInt-1, 5))
	require.Equal(t, math.MinInt, satAdd(math.MinInt+1, -5))
	require.Equal(t, -1, satAdd(math.MaxInt, math.MinInt))
}

func TestShiftInside(t *testing.T) {
	t.Parallel()
	b := image.Rect(0, 0, 100, 50)
	require.Equal(t, image.Rect(80, 10, 100, 20), shiftInside(image.Rect(95, 10, 115, 20), b))
	require.Equal(t, image.Rect(0, 0, 20, 10), shiftInside(image.Rect(-5, -3, 15, 7), b))
	// Too wide to fit: its top-left corner stays in the image.
	require.Equal(t, image.Rect(0, 40, 300, 50), shiftInside(image.Rect(30, 40, 330, 50), b))
}

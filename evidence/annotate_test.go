package evidence_test

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/evidence"
	"github.com/stretchr/testify/require"
)

var (
	white = color.RGBA{R: 255, G: 255, B: 255, A: 255}
	// The verdict colours, as the package documents them.
	red   = color.RGBA{R: 220, G: 38, B: 38, A: 255}
	green = color.RGBA{R: 22, G: 163, B: 74, A: 255}
	amber = color.RGBA{R: 245, G: 158, B: 11, A: 255}
)

func ptr[T any](v T) *T { return &v }

// canvas is a white image of the given bounds.
func canvas(r image.Rectangle) *image.RGBA {
	img := image.NewRGBA(r)
	draw.Draw(img, r, image.NewUniform(white), image.Point{}, draw.Src)
	return img
}

func fake(id string, conf float64, boxes ...image.Rectangle) authenta.Identity {
	ident := authenta.Identity{ID: id, IsDeepFake: ptr(true), Confidence: ptr(conf)}
	for _, b := range boxes {
		ident.Boxes = append(ident.Boxes, authenta.FrameBox{Box: b})
	}
	return ident
}

// count is how many pixels of r (within img) have colour c.
func count(img *image.RGBA, r image.Rectangle, c color.RGBA) int {
	n := 0
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y) == c {
				n++
			}
		}
	}
	return n
}

// requireEdges checks the box's stroke pixel-wise on the sides named: the
// lw pixels inside the edge are c, the pixel outside it and the one inside
// the stroke are background. Rows and columns near the label are left out.
func requireEdges(t *testing.T, img *image.RGBA, r image.Rectangle, lw int, c color.RGBA, sides string) {
	t.Helper()
	v := r.Intersect(img.Bounds())
	midY := (v.Min.Y + v.Max.Y) / 2
	midX := (v.Min.X + v.Max.X) / 2
	for _, s := range sides {
		for i := range lw {
			var p image.Point
			switch s {
			case 'l':
				p = image.Pt(r.Min.X+i, midY)
			case 'r':
				p = image.Pt(r.Max.X-1-i, midY)
			case 't':
				p = image.Pt(v.Max.X-2*lw, r.Min.Y+i)
			case 'b':
				p = image.Pt(midX, r.Max.Y-1-i)
			}
			require.Equal(t, c, img.RGBAAt(p.X, p.Y), "side %c: %v is on the stroke", s, p)
		}
		var outside, inside image.Point
		switch s {
		case 'l':
			outside, inside = image.Pt(r.Min.X-1, midY), image.Pt(r.Min.X+lw, midY)
		case 'r':
			outside, inside = image.Pt(r.Max.X, midY), image.Pt(r.Max.X-1-lw, midY)
		case 't':
			outside, inside = image.Pt(v.Max.X-2*lw, r.Min.Y-1), image.Pt(v.Max.X-2*lw, r.Min.Y+lw)
		case 'b':
			outside, inside = image.Pt(midX, r.Max.Y), image.Pt(midX, r.Max.Y-1-lw)
		}
		if outside.In(img.Bounds()) && s != 't' { // above the top edge is the label
			require.Equal(t, white, img.RGBAAt(outside.X, outside.Y), "side %c: %v is outside the box", s, outside)
		}
		require.Equal(t, white, img.RGBAAt(inside.X, inside.Y), "side %c: %v is inside the stroke", s, inside)
	}
}

func TestAnnotateEdgesWhereCoordinatesSay(t *testing.T) {
	t.Parallel()
	// The wire's half-resolution [20,25,60,55] is this full-resolution box.
	box := image.Rect(40, 50, 120, 110)
	tests := []struct {
		name     string
		bounds   image.Rectangle
		lw       int // asked; 0: scaled
		wantLW   int
		drawnAt  image.Rectangle // where the box lands in the image's coordinates
		describe string
	}{
		{"default width", image.Rect(0, 0, 200, 150), 0, 2, box, ""},
		{"wide stroke", image.Rect(0, 0, 200, 150), 4, 4, box, ""},
		{"width scales with the image", image.Rect(0, 0, 1080, 1080), 0, 3, box, ""},
		{"image not at the origin", image.Rect(100, 100, 300, 250), 0, 2, box.Add(image.Pt(100, 100)), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := canvas(tt.bounds)
			out := evidence.Annotate(in, []authenta.Identity{fake("0", 0.97, box)}, &evidence.Options{LineWidth: tt.lw})
			require.Equal(t, tt.bounds, out.Bounds())
			requireEdges(t, out, tt.drawnAt, tt.wantLW, red, "lrtb")
			// The full stroke is there and nothing below the label row
			// outside the box was touched.
			inner := image.Rectangle{Min: tt.drawnAt.Min.Add(image.Pt(tt.wantLW, tt.wantLW)), Max: tt.drawnAt.Max.Sub(image.Pt(tt.wantLW, tt.wantLW))}
			strokePixels := tt.drawnAt.Dx()*tt.drawnAt.Dy() - inner.Dx()*inner.Dy()
			require.Equal(t, strokePixels, count(out, tt.drawnAt, red))
			below := image.Rect(tt.bounds.Min.X, tt.drawnAt.Min.Y, tt.bounds.Max.X, tt.bounds.Max.Y)
			require.Equal(t, below.Dx()*below.Dy()-strokePixels, count(out, below, white), "pixels off the box changed")
			// The input is untouched.
			require.Equal(t, tt.bounds.Dx()*tt.bounds.Dy(), count(in, tt.bounds, white))
		})
	}
}

func TestAnnotateEveryIdentityInItsColour(t *testing.T) {
	t.Parallel()
	boxes := []image.Rectangle{image.Rect(20, 60, 100, 150), image.Rect(140, 60, 220, 150), image.Rect(260, 60, 340, 150)}
	ids := []authenta.Identity{
		fake("0", 0.97, boxes[0]),
		{ID: "1", IsDeepFake: ptr(false), Confidence: ptr(0.88), Boxes: []authenta.FrameBox{{Box: boxes[1]}}},
		{ID: "2", Boxes: []authenta.FrameBox{{Box: boxes[2]}}},
	}
	out := evidence.Annotate(canvas(image.Rect(0, 0, 400, 200)), ids, nil)
	for i, c := range []color.RGBA{red, green, amber} {
		requireEdges(t, out, boxes[i], 2, c, "lrtb")
		// Its label: a tab of its colour above the box, with text on it.
		tab := image.Rect(boxes[i].Min.X, 0, boxes[i].Max.X, boxes[i].Min.Y)
		require.Greater(t, count(out, tab, c), 100, "identity %d has no label tab", i)
		text := 0
		for y := tab.Min.Y; y < tab.Max.Y; y++ {
			for x := tab.Min.X; x < tab.Max.X; x++ {
				if p := out.RGBAAt(x, y); p != c && p != white {
					text++
				}
			}
		}
		require.Greater(t, text, 20, "identity %d's label has no text", i)
	}
}

func TestAnnotateLabelsDiffer(t *testing.T) {
	t.Parallel()
	box := image.Rect(20, 60, 180, 150)
	draw1 := evidence.Annotate(canvas(image.Rect(0, 0, 200, 160)), []authenta.Identity{fake("0", 0.97, box)}, nil)
	draw2 := evidence.Annotate(canvas(image.Rect(0, 0, 200, 160)), []authenta.Identity{fake("0", 0.12, box)}, nil)
	require.NotEqual(t, draw1.Pix, draw2.Pix, "the confidence is written on the label")
}

func TestAnnotateClipsBoxesToTheImage(t *testing.T) {
	t.Parallel()
	bounds := image.Rect(0, 0, 200, 150)
	tests := []struct {
		name  string
		box   image.Rectangle
		drawn string // the sides inside the image
		gone  []image.Point
	}{
		{"past the left", image.Rect(-20, 60, 60, 120), "rtb", []image.Point{{0, 90}}},
		{"past the right and bottom", image.Rect(150, 60, 260, 200), "lt", []image.Point{{199, 100}, {175, 149}}},
		{"past the top: the label goes inside", image.Rect(40, -30, 120, 100), "lrb", []image.Point{{110, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := evidence.Annotate(canvas(bounds), []authenta.Identity{fake("0", 0.5, tt.box)}, nil)
			require.Equal(t, bounds, out.Bounds())
			requireEdges(t, out, tt.box, 2, red, tt.drawn)
			for _, p := range tt.gone {
				require.Equal(t, white, out.RGBAAt(p.X, p.Y), "%v: no edge where the box leaves the image", p)
			}
		})
	}
	// A box at the very top has its label inside it.
	out := evidence.Annotate(canvas(bounds), []authenta.Identity{fake("0", 0.5, image.Rect(40, 0, 180, 100))}, nil)
	require.Greater(t, count(out, image.Rect(42, 2, 178, 30), red), 100)
}

func TestAnnotateHostileRects(t *testing.T) {
	t.Parallel()
	bounds := image.Rect(0, 0, 64, 48)
	huge := image.Rectangle{Min: image.Pt(math.MinInt, math.MinInt), Max: image.Pt(math.MaxInt, math.MaxInt)}
	tests := []struct {
		name      string
		box       image.Rectangle
		lw        int
		unchanged bool
	}{
		{"wholly outside, negative", image.Rect(-100, -100, -50, -50), 0, true},
		{"wholly outside, huge", image.Rect(math.MaxInt-10, math.MaxInt-10, math.MaxInt, math.MaxInt), 0, true},
		{"empty", image.Rect(10, 10, 10, 40), 0, true},
		{"zero", image.Rectangle{}, 0, true},
		{"touching the edge from outside", image.Rect(64, 0, 100, 48), 0, true},
		{"inverted", image.Rectangle{Min: image.Pt(50, 40), Max: image.Pt(10, 10)}, 0, false},
		{"the whole int range", huge, 0, false},
		{"from MinInt", image.Rectangle{Min: image.Pt(math.MinInt, math.MinInt), Max: image.Pt(20, 20)}, 0, false},
		{"to MaxInt", image.Rectangle{Min: image.Pt(20, 20), Max: image.Pt(math.MaxInt, math.MaxInt)}, 0, false},
		{"huge line width", image.Rect(10, 10, 50, 40), math.MaxInt, false},
		{"one pixel", image.Rect(5, 5, 6, 6), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := canvas(bounds)
			ids := []authenta.Identity{fake("0", 0.5, tt.box)}
			out := evidence.Annotate(in, ids, &evidence.Options{LineWidth: tt.lw})
			require.Equal(t, bounds, out.Bounds())
			if tt.unchanged {
				require.Equal(t, in.Pix, out.Pix)
			} else {
				require.NotEqual(t, in.Pix, out.Pix)
			}
			frame := evidence.AnnotateFrame(in, ids, 0, &evidence.Options{LineWidth: tt.lw})
			require.Equal(t, out.Pix, frame.Pix)
		})
	}
}

func TestAnnotateFrameDrawsOnlyThatFrame(t *testing.T) {
	t.Parallel()
	ids := []authenta.Identity{{
		ID: "0", IsDeepFake: ptr(true),
		Boxes: []authenta.FrameBox{
			{Frame: 12, Box: image.Rect(10, 40, 60, 90)},
			{Frame: 40, Box: image.Rect(120, 40, 170, 90)},
		},
	}}
	bounds := image.Rect(0, 0, 200, 100)
	f12 := evidence.AnnotateFrame(canvas(bounds), ids, 12, nil)
	requireEdges(t, f12, image.Rect(10, 40, 60, 90), 2, red, "lrtb")
	require.Zero(t, count(f12, image.Rect(100, 0, 200, 100), red))
	f40 := evidence.AnnotateFrame(canvas(bounds), ids, 40, nil)
	requireEdges(t, f40, image.Rect(120, 40, 170, 90), 2, red, "lrtb")
	require.Zero(t, count(f40, image.Rect(0, 0, 100, 100), red))
	none := evidence.AnnotateFrame(canvas(bounds), ids, 13, nil)
	require.Equal(t, canvas(bounds).Pix, none.Pix)
	// Annotate draws every frame's boxes: a still has one frame.
	all := evidence.Annotate(canvas(bounds), ids, nil)
	requireEdges(t, all, image.Rect(10, 40, 60, 90), 2, red, "lrb")
	requireEdges(t, all, image.Rect(120, 40, 170, 90), 2, red, "lrb")
}

func TestAnnotateTitle(t *testing.T) {
	t.Parallel()
	bounds := image.Rect(0, 0, 200, 100)
	out := evidence.Annotate(canvas(bounds), nil, &evidence.Options{Title: "DF-1: fake 97%", Verdict: authenta.VerdictFake})
	banner := image.Rect(0, 0, 100, 20)
	require.Greater(t, count(out, banner, red), 200)
	require.Less(t, count(out, banner, red), banner.Dx()*banner.Dy(), "the banner has text")
	require.Equal(t, 200*50, count(out, image.Rect(0, 50, 200, 100), white))

	realOut := evidence.Annotate(canvas(bounds), nil, &evidence.Options{Verdict: authenta.VerdictReal})
	require.Greater(t, count(realOut, banner, green), 100, "the verdict alone is a title")
	plain := evidence.Annotate(canvas(bounds), nil, &evidence.Options{})
	require.Equal(t, canvas(bounds).Pix, plain.Pix)
}

func TestAnnotateOddImages(t *testing.T) {
	t.Parallel()
	ids := []authenta.Identity{fake("0", 0.9, image.Rect(0, 0, 5, 5))}
	require.True(t, evidence.Annotate(nil, ids, nil).Bounds().Empty())
	empty := image.NewRGBA(image.Rect(10, 10, 10, 30))
	require.Equal(t, empty.Bounds(), evidence.Annotate(empty, ids, nil).Bounds())
	// Any image type: a paletted or gray image comes back as RGBA.
	gray := image.NewGray(image.Rect(0, 0, 100, 80))
	out := evidence.Annotate(gray, []authenta.Identity{fake("0", 0.9, image.Rect(10, 40, 90, 75))}, nil)
	require.Equal(t, red, out.RGBAAt(10, 60))
	require.Equal(t, color.RGBA{A: 255}, out.RGBAAt(50, 60))
}

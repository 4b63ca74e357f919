package evidence_test

import (
	"bytes"
	"image"
	"math"
	"testing"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/evidence"
)

// FuzzAnnotate draws one box of any coordinates, class, confidence and
// line width on a small image anywhere in the plane: it never panics, the
// result has the input's bounds, the input is never written to, and a box
// that misses the image leaves it as it was.
func FuzzAnnotate(f *testing.F) {
	f.Add(40, 50, 120, 110, uint8(200), uint8(150), int16(0), int16(0), 0, 0, "fake", 0.97, "")
	f.Add(-20, -30, 60, 90, uint8(64), uint8(48), int16(-7), int16(3), 3, 0, "real", 0.5, "DF-1: real")
	f.Add(math.MinInt, math.MinInt, math.MaxInt, math.MaxInt, uint8(10), uint8(10), int16(0), int16(0), math.MaxInt, 0, "", math.NaN(), "")
	f.Add(50, 40, 10, 10, uint8(64), uint8(48), int16(100), int16(100), -1, 1, "spoof", -1.0, "t")
	f.Add(math.MaxInt-1, 0, math.MaxInt, 5, uint8(1), uint8(1), int16(0), int16(0), 1, 0, "\x00\xff", math.Inf(1), "")
	f.Add(0, 0, 1, 1, uint8(0), uint8(5), int16(0), int16(0), 0, 0, "fake", 1.0, "")
	f.Fuzz(func(t *testing.T, x0, y0, x1, y1 int, w, h uint8, ox, oy int16, lw, frame int, class string, conf float64, title string) {
		bounds := image.Rect(int(ox), int(oy), int(ox)+int(w%97), int(oy)+int(h%97))
		in := image.NewRGBA(bounds)
		for i := range in.Pix {
			in.Pix[i] = byte(i * 7)
		}
		before := bytes.Clone(in.Pix)
		box := image.Rectangle{Min: image.Pt(x0, y0), Max: image.Pt(x1, y1)}
		ids := []authenta.Identity{
			{ID: "0", Class: class, Confidence: &conf, Boxes: []authenta.FrameBox{{Frame: frame, Box: box}}},
			{ID: "1", IsDeepFake: new(bool), Boxes: []authenta.FrameBox{{Frame: frame, Box: box.Canon().Inset(lw % 50)}}},
		}
		opts := &evidence.Options{LineWidth: lw, Title: title, Verdict: authenta.Verdict(class)}

		out := evidence.Annotate(in, ids, opts)
		if out.Bounds() != bounds {
			t.Fatalf("bounds %v, want %v", out.Bounds(), bounds)
		}
		if !bytes.Equal(in.Pix, before) {
			t.Fatal("the input was drawn on")
		}
		frameOut := evidence.AnnotateFrame(in, ids, frame, opts)
		if !bytes.Equal(frameOut.Pix, out.Pix) {
			t.Fatal("AnnotateFrame of the boxes' own frame differs from Annotate")
		}
		other := evidence.AnnotateFrame(in, ids, frame^1, &evidence.Options{LineWidth: lw})
		if !bytes.Equal(other.Pix, before) {
			t.Fatal("another frame's boxes were drawn")
		}
		if title == "" && class == "" {
			// Box coordinates count from the image's top-left corner.
			misses := func(r image.Rectangle) bool {
				r = r.Canon()
				return r.Empty() || r.Max.X <= 0 || r.Max.Y <= 0 || r.Min.X >= bounds.Dx() || r.Min.Y >= bounds.Dy()
			}
			if misses(box) && misses(ids[1].Boxes[0].Box) && !bytes.Equal(out.Pix, before) {
				t.Fatalf("a box that misses the image %v changed it", bounds)
			}
		}
	})
}

package evidence

import (
	"image"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// textWriter draws labels in a face sized for one image.
type textWriter struct {
	face           font.Face
	ascent, height int // pixels
	pad            int
	bounds         image.Rectangle
}

// Label text is about 1/45 of the image's shorter side, 11 to 160 pixels.
const (
	minTextPx = 11
	maxTextPx = 160
)

func newTextWriter(bounds image.Rectangle, lw int) *textWriter {
	px := min(max(minTextPx, min(bounds.Dx(), bounds.Dy())/45), maxTextPx)
	var face font.Face = basicfont.Face7x13
	if f, err := opentype.Parse(gobold.TTF); err == nil {
		if ff, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull}); err == nil {
			face = ff
		}
	}
	m := face.Metrics()
	return &textWriter{
		face:   face,
		ascent: m.Ascent.Ceil(),
		height: m.Ascent.Ceil() + m.Descent.Ceil(),
		pad:    max(2, lw),
		bounds: bounds,
	}
}

func (w *textWriter) close() { _ = w.face.Close() }

// size is the rectangle a text needs, padding included, at the origin.
func (w *textWriter) size(text string) image.Point {
	return image.Point{
		X: font.MeasureString(w.face, text).Ceil() + 2*w.pad,
		Y: w.height + 2*w.pad,
	}
}

// label draws l's text on a tab of its colour above the top-left corner of
// its box, or just inside the box when there is no room above, kept within
// the image.
func (w *textWriter) label(dst *image.RGBA, l label) {
	sz := w.size(l.text)
	visible := l.box.Intersect(w.bounds)
	at := image.Point{X: visible.Min.X, Y: visible.Min.Y - sz.Y}
	if l.box.Min.Y < w.bounds.Min.Y || at.Y < w.bounds.Min.Y {
		at.Y = visible.Min.Y
	}
	w.tab(dst, image.Rectangle{Min: at, Max: at.Add(sz)}, l.mark)
}

// banner draws the title in the image's top-left corner.
func (w *textWriter) banner(dst *image.RGBA, m mark) {
	w.tab(dst, image.Rectangle{Min: w.bounds.Min, Max: w.bounds.Min.Add(w.size(m.text))}, m)
}

// tab fills r (moved inside the image where it fits) with the mark's colour
// and writes its text there.
func (w *textWriter) tab(dst *image.RGBA, r image.Rectangle, m mark) {
	r = shiftInside(r, w.bounds)
	bg, fg := verdictColor(m.verdict)
	fill(dst, r, bg)
	clip, ok := dst.SubImage(r.Intersect(w.bounds)).(*image.RGBA)
	if !ok || clip.Bounds().Empty() {
		return
	}
	d := font.Drawer{
		Dst:  clip,
		Src:  image.NewUniform(fg),
		Face: w.face,
		Dot:  fixed.P(r.Min.X+w.pad, r.Min.Y+w.pad+w.ascent),
	}
	d.DrawString(m.text)
}

// shiftInside moves r so that it lies within b where it fits, its top-left
// corner kept inside b where it does not.
func shiftInside(r, b image.Rectangle) image.Rectangle {
	d := image.Point{}
	if r.Max.X > b.Max.X {
		d.X = b.Max.X - r.Max.X
	}
	if r.Max.Y > b.Max.Y {
		d.Y = b.Max.Y - r.Max.Y
	}
	r = r.Add(d)
	d = image.Point{}
	if r.Min.X < b.Min.X {
		d.X = b.Min.X - r.Min.X
	}
	if r.Min.Y < b.Min.Y {
		d.Y = b.Min.Y - r.Min.Y
	}
	return r.Add(d)
}

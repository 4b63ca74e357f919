package evidence

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	authenta "github.com/phospheneai/authenta-go"
)

// Annotate returns a copy of img, with the same bounds, on which every box
// of every identity is drawn with its label ("#0 fake 97%"), whatever its
// frame: use it for a still image, whose boxes are all in frame 0. Box
// coordinates are full-resolution pixels from img's top-left corner. The
// stroke lies inside the box: its outer edge is exactly the box's
// rectangle. A nil img gives an empty image.
func Annotate(img image.Image, ids []authenta.Identity, opts *Options) *image.RGBA {
	return annotate(img, ids, func(authenta.FrameBox) bool { return true }, opts)
}

// AnnotateFrame is Annotate for one frame of a video: it draws only the
// boxes whose Frame is frame.
func AnnotateFrame(img image.Image, ids []authenta.Identity, frame int, opts *Options) *image.RGBA {
	return annotate(img, ids, func(b authenta.FrameBox) bool { return b.Frame == frame }, opts)
}

// label is one label waiting to be drawn, once every box is.
type label struct {
	mark
	box image.Rectangle // the box it names, unclipped, in img's coordinates
}

func annotate(img image.Image, ids []authenta.Identity, keep func(authenta.FrameBox) bool, opts *Options) *image.RGBA {
	if img == nil {
		return image.NewRGBA(image.Rectangle{})
	}
	bounds := img.Bounds()
	dst := image.NewRGBA(bounds)
	draw.Draw(dst, bounds, img, bounds.Min, draw.Src)
	if bounds.Empty() {
		return dst
	}
	lw := lineWidth(bounds, opts)
	var labels []label
	for i := range ids {
		id := &ids[i]
		for j := range id.Boxes {
			fb := &id.Boxes[j]
			if !keep(*fb) {
				continue
			}
			r, ok := place(fb.Box, bounds)
			if !ok {
				continue
			}
			m := markFor(id, fb)
			c, _ := verdictColor(m.verdict)
			stroke(dst, r, lw, c)
			labels = append(labels, label{mark: m, box: r})
		}
	}
	title := titleMark(opts)
	if len(labels) == 0 && title.text == "" {
		return dst
	}
	tw := newTextWriter(bounds, lw)
	defer tw.close()
	for _, l := range labels {
		tw.label(dst, l)
	}
	if title.text != "" {
		tw.banner(dst, title)
	}
	return dst
}

// titleMark is the banner Options ask for, if any.
func titleMark(opts *Options) mark {
	if opts == nil {
		return mark{}
	}
	text := clean(opts.Title, maxTitleRunes)
	if text == "" && opts.Verdict != "" {
		text = clean(string(opts.Verdict), maxClassRunes)
	}
	return mark{text: text, verdict: opts.Verdict}
}

// lineWidth is the stroke: the one asked for, else 1/360 of the image's
// shorter side and at least 2 pixels.
func lineWidth(bounds image.Rectangle, opts *Options) int {
	if opts != nil && opts.LineWidth > 0 {
		return opts.LineWidth
	}
	return max(2, min(bounds.Dx(), bounds.Dy())/360)
}

// place moves a box given from the image's top-left corner into the
// image's coordinates. It reports false for a box that is empty or wholly
// outside the image. The returned rectangle is not clipped: an edge
// outside the image is not drawn, so clipping cannot invent one.
func place(box image.Rectangle, bounds image.Rectangle) (image.Rectangle, bool) {
	r := box.Canon()
	r = image.Rectangle{
		Min: image.Point{X: satAdd(r.Min.X, bounds.Min.X), Y: satAdd(r.Min.Y, bounds.Min.Y)},
		Max: image.Point{X: satAdd(r.Max.X, bounds.Min.X), Y: satAdd(r.Max.Y, bounds.Min.Y)},
	}
	if r.Empty() || !r.Overlaps(bounds) {
		return image.Rectangle{}, false
	}
	return r, true
}

// stroke draws the four edges of r, lw pixels wide, inside r, each clipped
// to dst.
func stroke(dst *image.RGBA, r image.Rectangle, lw int, c color.RGBA) {
	edges := [4]image.Rectangle{
		{Min: r.Min, Max: image.Point{X: r.Max.X, Y: min(satAdd(r.Min.Y, lw), r.Max.Y)}},  // top
		{Min: image.Point{X: r.Min.X, Y: max(satAdd(r.Max.Y, -lw), r.Min.Y)}, Max: r.Max}, // bottom
		{Min: r.Min, Max: image.Point{X: min(satAdd(r.Min.X, lw), r.Max.X), Y: r.Max.Y}},  // left
		{Min: image.Point{X: max(satAdd(r.Max.X, -lw), r.Min.X), Y: r.Min.Y}, Max: r.Max}, // right
	}
	for _, e := range edges {
		fill(dst, e, c)
	}
}

// fill paints r ∩ dst's bounds with c.
func fill(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(dst.Bounds())
	if r.Empty() {
		return
	}
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// satAdd is a + b, held at the int range instead of wrapping, so that a
// hostile coordinate cannot turn a box inside out.
func satAdd(a, b int) int {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt
	case b < 0 && s > a:
		return math.MinInt
	}
	return s
}

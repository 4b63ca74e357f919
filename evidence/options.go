package evidence

import authenta "github.com/phospheneai/authenta-go"

// Options tune the drawing. A nil *Options means the defaults.
type Options struct {
	// Title, when set, is written in a banner in the top-left corner, e.g.
	// "DF-1: fake 97%". When empty and Verdict is set, the banner reads
	// the verdict.
	Title string
	// Verdict colours the banner: fake red, real green, anything else amber.
	Verdict authenta.Verdict

	// LineWidth is the box stroke in pixels, drawn inside the box's edge.
	// 0 scales it with the image: its shorter side / 360, at least 2.
	LineWidth int

	// MaxFrames caps how many frames AnnotateVideo extracts and annotates;
	// when more frames have boxes, that many are chosen evenly from first
	// to last. 0 means 32.
	MaxFrames int

	// MaxPixels caps the width × height of an image AnnotateFile decodes,
	// checked from its header before decoding. 0 means 100 million.
	MaxPixels int

	// FFmpeg is the ffmpeg program AnnotateVideo runs; "" looks up
	// "ffmpeg" on PATH.
	FFmpeg string
}

const (
	defaultMaxFrames = 32
	defaultMaxPixels = 100_000_000
	jpegQuality      = 90
)

func (o *Options) maxFrames() int {
	if o == nil || o.MaxFrames <= 0 {
		return defaultMaxFrames
	}
	return o.MaxFrames
}

func (o *Options) maxPixels() int {
	if o == nil || o.MaxPixels <= 0 {
		return defaultMaxPixels
	}
	return o.MaxPixels
}

package authentatest

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"

	"github.com/phospheneai/authenta-go/internal/exif"
)

// Portrait returns a w×h JPEG picture of person n (n ≥ 0) for enrolling
// and searching: the fake tells persons apart by their pictures, so a
// search with person n's picture, at any size, ranks person n's faces
// first with a similarity near 1.
func Portrait(n, w, h int) []byte {
	var b bytes.Buffer
	_ = jpeg.Encode(&b, portrait(n, w, h), &jpeg.Options{Quality: 92})
	return b.Bytes()
}

// PortraitPNG is Portrait as a PNG.
func PortraitPNG(n, w, h int) []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, portrait(n, w, h))
	return b.Bytes()
}

// Sideways returns Portrait(n, w, h) as a phone stores it: the pixels
// turned, and an EXIF orientation tag (2..8) saying how to turn them back.
// The fake finds no face in it unless the client turns it upright first.
func Sideways(n, w, h, orientation int) []byte {
	inverse := orientation
	switch orientation {
	case exif.RightTop:
		inverse = exif.LeftBottom
	case exif.LeftBottom:
		inverse = exif.RightTop
	}
	stored := exif.Upright(portrait(n, w, h), inverse)
	var b bytes.Buffer
	_ = jpeg.Encode(&b, stored, &jpeg.Options{Quality: 92})
	return exif.WithOrientation(b.Bytes(), orientation, n%2 == 0)
}

// portrait draws person n: waves whose frequencies and phase depend on n,
// and a dark block in the top-left corner, so that no turn of the picture
// looks like the upright one.
func portrait(n, w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	fx := float64(1 + n%3)
	fy := float64(1 + (n/3)%3)
	phase := float64(n) * 0.9
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			u, v := float64(x)/float64(w), float64(y)/float64(h)
			g := 128 + 90*math.Sin(2*math.Pi*fx*u+phase)*math.Cos(2*math.Pi*fy*v+phase/2)
			if u < 0.3 && v < 0.25 {
				g = 10
			}
			c := uint8(max(0, min(255, g)))
			img.SetNRGBA(x, y, color.NRGBA{R: c, G: c / 2, B: 255 - c, A: 255})
		}
	}
	return img
}

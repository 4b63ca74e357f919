package exif

import (
	"image"
	"image/draw"
)

// Swaps reports whether an orientation exchanges width and height.
func Swaps(o int) bool { return o >= LeftTop && o <= LeftBottom }

// Upright returns img turned so that it displays as a viewer that honours
// orientation o would show it. TopLeft and unknown orientations return img
// itself; any other gives a new *image.NRGBA.
func Upright(img image.Image, o int) image.Image {
	if o <= TopLeft || o > LeftBottom {
		return img
	}
	src := toNRGBA(img)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	ow, oh := w, h
	if Swaps(o) {
		ow, oh = h, w
	}
	dst := image.NewNRGBA(image.Rect(0, 0, ow, oh))
	for y := 0; y < oh; y++ {
		row := dst.Pix[y*dst.Stride : y*dst.Stride+4*ow]
		for x := 0; x < ow; x++ {
			sx, sy := source(o, x, y, w, h)
			si := sy*src.Stride + 4*sx
			copy(row[4*x:4*x+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// source maps a pixel of the upright image to the stored image's pixel, for
// a stored image of w×h.
func source(o, x, y, w, h int) (int, int) {
	switch o {
	case TopRight:
		return w - 1 - x, y
	case BottomRight:
		return w - 1 - x, h - 1 - y
	case BottomLeft:
		return x, h - 1 - y
	case LeftTop:
		return y, x
	case RightTop:
		return y, h - 1 - x
	case RightBottom:
		return w - 1 - y, h - 1 - x
	case LeftBottom:
		return w - 1 - y, x
	}
	return x, y
}

// toNRGBA returns img as an *image.NRGBA whose bounds start at (0, 0).
func toNRGBA(img image.Image) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok && n.Rect.Min == (image.Point{}) {
		return n
	}
	b := img.Bounds()
	n := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(n, n.Rect, img, b.Min, draw.Src)
	return n
}

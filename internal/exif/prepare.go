package exif

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // image.Decode and DecodeConfig read PNG
	"io"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // and WebP
)

// MaxPixels bounds the images Normalize decodes: a small file can declare a
// huge image (a decompression bomb), and decoding costs 4 bytes a pixel.
const MaxPixels = 100_000_000

// Quality is the JPEG quality of re-encoded images.
const Quality = 95

// ErrTooLarge is Normalize's error for an image over MaxPixels.
var ErrTooLarge = errors.New("image too large to decode")

// Info describes an image from the first bytes of its file.
type Info struct {
	Format        string // "jpeg", "png", "webp"; "" when not recognised
	Width, Height int    // as stored; 0 when the header is not in the prefix
	Orientation   int    // 1..8 (TopLeft when there is no tag)
}

// Inspect reads an image's format, stored size and orientation from a
// prefix of its file. It reads nothing beyond prefix and never panics.
func Inspect(prefix []byte) Info {
	i := Info{Orientation: TopLeft}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(prefix))
	if err == nil && cfg.Width > 0 && cfg.Height > 0 {
		i.Format, i.Width, i.Height = format, cfg.Width, cfg.Height
	}
	if len(prefix) >= 2 && prefix[0] == 0xFF && prefix[1] == 0xD8 {
		i.Format = "jpeg"
		i.Orientation = Orientation(prefix)
	}
	return i
}

// NeedsWork reports whether the image must be decoded and encoded again to
// be sent upright and within maxSide pixels a side (0: any size). An image
// whose size is unknown is sent as it is.
func (i Info) NeedsWork(maxSide int) bool {
	if i.Width <= 0 || i.Height <= 0 {
		return false
	}
	return i.Orientation != TopLeft || (maxSide > 0 && max(i.Width, i.Height) > maxSide)
}

// Normalize decodes the image in r that Inspect described as i, scales it
// to fit maxSide pixels a side (0: no bound), turns it upright and encodes
// it as a JPEG of Quality. An image over MaxPixels is refused unread.
func Normalize(r io.Reader, i Info, maxSide int) ([]byte, error) {
	if i.Width <= 0 || i.Height <= 0 || int64(i.Width)*int64(i.Height) > MaxPixels {
		return nil, fmt.Errorf("%w: %dx%d pixels (at most %d)", ErrTooLarge, i.Width, i.Height, MaxPixels)
	}
	img, _, err := image.Decode(r)
	if err != nil {
		return nil, err
	}
	img = Fit(img, maxSide)
	img = Upright(img, i.Orientation)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: Quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Fit scales img down, keeping its aspect ratio, so that neither side is
// over maxSide pixels; a smaller image (or maxSide 0) is returned as it is.
func Fit(img image.Image, maxSide int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if maxSide <= 0 || max(w, h) <= maxSide {
		return img
	}
	nw, nh := maxSide, maxSide
	if w >= h {
		nh = max(1, int((int64(h)*int64(maxSide)+int64(w)/2)/int64(w)))
	} else {
		nw = max(1, int((int64(w)*int64(maxSide)+int64(h)/2)/int64(h)))
	}
	dst := image.NewNRGBA(image.Rect(0, 0, nw, nh))
	xdraw.CatmullRom.Scale(dst, dst.Rect, img, b, xdraw.Src, nil)
	return dst
}

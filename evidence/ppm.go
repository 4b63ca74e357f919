package evidence

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
)

// readPPMHeader reads the header of one binary PPM (P6) image, as ffmpeg's
// ppm encoder writes them one after the other into a pipe: "P6", width,
// height and 255, separated by whitespace (and # comments), then one
// whitespace byte before the pixels. It returns io.EOF at a clean end of
// the stream, and refuses images of more than maxPixels pixels.
func readPPMHeader(r *bufio.Reader, maxPixels int) (image.Point, error) {
	magic := make([]byte, 2)
	if _, err := io.ReadFull(r, magic); err != nil {
		if errors.Is(err, io.EOF) {
			return image.Point{}, io.EOF
		}
		return image.Point{}, fmt.Errorf("ppm header: %w", err)
	}
	if string(magic) != "P6" {
		return image.Point{}, fmt.Errorf("ppm header: magic %q, want P6", magic)
	}
	var v [3]int
	for i := range v {
		n, err := ppmNumber(r)
		if err != nil {
			return image.Point{}, fmt.Errorf("ppm header: %w", err)
		}
		v[i] = n
	}
	if _, err := r.ReadByte(); err != nil { // the one whitespace before the pixels
		return image.Point{}, fmt.Errorf("ppm header: %w", err)
	}
	w, h, maxval := v[0], v[1], v[2]
	if maxval != 255 {
		return image.Point{}, fmt.Errorf("ppm header: maxval %d, want 255", maxval)
	}
	if w <= 0 || h <= 0 {
		return image.Point{}, fmt.Errorf("ppm header: empty %dx%d image", w, h)
	}
	if w > maxPixels/h {
		return image.Point{}, fmt.Errorf("ppm header: %dx%d: %w (at most %d pixels)", w, h, errTooLarge, maxPixels)
	}
	return image.Point{X: w, Y: h}, nil
}

// ppmNumber skips whitespace and comments and reads one decimal number of
// at most 9 digits.
func ppmNumber(r *bufio.Reader) (int, error) {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return 0, noEOF(err)
		}
		switch {
		case c == '#':
			if err := skipLine(r); err != nil {
				return 0, noEOF(err)
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
		case c >= '0' && c <= '9':
			n, digits := int(c-'0'), 1
			for {
				c, err := r.ReadByte()
				if err != nil {
					return 0, noEOF(err)
				}
				if c < '0' || c > '9' {
					return n, r.UnreadByte()
				}
				if digits++; digits > 9 {
					return 0, errors.New("number too long")
				}
				n = n*10 + int(c-'0')
			}
		default:
			return 0, fmt.Errorf("unexpected byte %q", c)
		}
	}
}

// skipLine reads past the next newline, holding no more than r's buffer
// however long the line is.
func skipLine(r *bufio.Reader) error {
	for {
		_, err := r.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// noEOF turns an end of stream inside a header into the error it is.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// rgbToRGBA and rgbaToRGB convert between packed RGB (PPM, rawvideo rgb24)
// and an RGBA image of the same size, opaque.
func rgbToRGBA(dst *image.RGBA, rgb []byte) {
	p := dst.Pix
	for i, j := 0, 0; j+2 < len(rgb) && i+3 < len(p); i, j = i+4, j+3 {
		p[i], p[i+1], p[i+2], p[i+3] = rgb[j], rgb[j+1], rgb[j+2], 255
	}
}

func rgbaToRGB(rgb []byte, src *image.RGBA) {
	p := src.Pix
	for i, j := 0, 0; j+2 < len(rgb) && i+3 < len(p); i, j = i+4, j+3 {
		rgb[j], rgb[j+1], rgb[j+2] = p[i], p[i+1], p[i+2]
	}
}

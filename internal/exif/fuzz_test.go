package exif_test

import (
	"bytes"
	"image"
	"testing"

	"github.com/phospheneai/authenta-go/internal/exif"
)

func seeds(f *testing.F) {
	base := encodeJPEG(f, halves(8, 8))
	f.Add(base)
	for o := 0; o <= 9; o++ {
		f.Add(exif.WithOrientation(base, o, o%2 == 0))
	}
	f.Add(soi(segment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(0xFFFF, [4]uint32{0x0112, 3, 1, 6})...))))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E', 'x', 'i', 'f', 0, 0})
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
}

// FuzzOrientation: never panics, always 1..8, and agrees with itself on a
// longer buffer that has the same start when the answer is not 1 (the
// reader looks at nothing past the Exif segment).
func FuzzOrientation(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		o := exif.Orientation(b)
		if o < 1 || o > 8 {
			t.Fatalf("Orientation = %d", o)
		}
		if o != 1 {
			if o2 := exif.Orientation(append(bytes.Clone(b), 0xFF, 0xD9)); o2 != o {
				t.Fatalf("Orientation changed from %d to %d with a longer buffer", o, o2)
			}
		}
	})
}

// FuzzInspect: Inspect never panics, and what it reports is consistent: an
// orientation in 1..8, sizes both known or both zero, and NeedsWork only
// for known sizes. Normalize of a small image either fails or gives an
// upright JPEG of the turned size.
func FuzzInspect(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		i := exif.Inspect(b)
		if i.Orientation < 1 || i.Orientation > 8 || (i.Width == 0) != (i.Height == 0) {
			t.Fatalf("Inspect = %+v", i)
		}
		if i.NeedsWork(4096) && i.Width == 0 {
			t.Fatal("work on an image of unknown size")
		}
		if i.Width == 0 || int64(i.Width)*int64(i.Height) > 1<<16 {
			return
		}
		out, err := exif.Normalize(bytes.NewReader(b), i, 64)
		if err != nil {
			return
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
		if err != nil || format != "jpeg" || max(cfg.Width, cfg.Height) > 64 {
			t.Fatalf("Normalize gave %v %s %v", cfg, format, err)
		}
	})
}

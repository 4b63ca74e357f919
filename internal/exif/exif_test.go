package exif_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/phospheneai/authenta-go/internal/exif"
)

// halves is a w×h image whose left half is red and right half blue, so that
// a turn is visible after a lossy encoding.
func halves(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{R: 255, A: 255}
			if x >= w/2 {
				c = color.NRGBA{B: 255, A: 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// segment builds a JPEG marker segment.
func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// exifTIFF is a TIFF header with an IFD0 of the given entries (tag, type,
// count, value), in little-endian order, and a declared entry count.
func exifTIFF(count uint16, entries ...[4]uint32) []byte {
	t := []byte("II*\x00\x08\x00\x00\x00")
	t = binary.LittleEndian.AppendUint16(t, count)
	for _, e := range entries {
		t = binary.LittleEndian.AppendUint16(t, uint16(e[0]))
		t = binary.LittleEndian.AppendUint16(t, uint16(e[1]))
		t = binary.LittleEndian.AppendUint32(t, e[2])
		t = binary.LittleEndian.AppendUint32(t, e[3])
	}
	return t
}

func soi(segs ...[]byte) []byte {
	b := []byte{0xFF, 0xD8}
	for _, s := range segs {
		b = append(b, s...)
	}
	return append(b, 0xFF, 0xD9)
}

func TestOrientation(t *testing.T) {
	t.Parallel()
	base := encodeJPEG(t, halves(8, 4))
	app0 := segment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	exifSeg := func(tiff []byte) []byte { return segment(0xE1, append([]byte("Exif\x00\x00"), tiff...)) }
	tests := []struct {
		name string
		in   []byte
		want int
	}{
		{"empty", nil, 1},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n"), 1},
		{"JPEG without Exif", base, 1},
		{"big-endian 6", exif.WithOrientation(base, 6, false), 6},
		{"little-endian 8", exif.WithOrientation(base, 8, true), 8},
		{"every value 3", exif.WithOrientation(base, 3, false), 3},
		{"out of range 0", exif.WithOrientation(base, 0, false), 1},
		{"out of range 9", exif.WithOrientation(base, 9, true), 1},
		{"after APP0 and fill bytes", soi(app0, []byte{0xFF}, exifSeg(exifTIFF(1, [4]uint32{0x0112, 3, 1, 5}))), 5},
		{"LONG type", soi(exifSeg(exifTIFF(1, [4]uint32{0x0112, 4, 1, 7}))), 7},
		{"other tags first", soi(exifSeg(exifTIFF(3, [4]uint32{0x010F, 2, 4, 0}, [4]uint32{0x0110, 2, 4, 0}, [4]uint32{0x0112, 3, 1, 2}))), 2},
		{"wrong type", soi(exifSeg(exifTIFF(1, [4]uint32{0x0112, 2, 1, 6}))), 1},
		{"huge count, short data", soi(exifSeg(exifTIFF(0xFFFF, [4]uint32{0x0112, 3, 1, 6}))), 6},
		{"huge count, no entries", soi(exifSeg(exifTIFF(0xFFFF))), 1},
		{"IFD offset past the end", soi(exifSeg([]byte("MM\x00\x2a\xff\xff\xff\xf0"))), 1},
		{"bad magic", soi(exifSeg([]byte("II\x2b\x00\x08\x00\x00\x00\x00\x00"))), 1},
		{"bad byte order", soi(exifSeg([]byte("XX\x00\x2a\x00\x00\x00\x08\x00\x00"))), 1},
		{"Exif after the scan", soi(segment(0xDA, []byte{0, 0}), exifSeg(exifTIFF(1, [4]uint32{0x0112, 3, 1, 6}))), 1},
		{"segment longer than the data", append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}, []byte("Exif\x00\x00II")...), 1},
		{"segment length under 2", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0xFF, 0xD9}, 1},
		{"restart markers skipped", soi([]byte{0xFF, 0xD0}, exifSeg(exifTIFF(1, [4]uint32{0x0112, 3, 1, 4}))), 4},
		{"cut prefix", exif.WithOrientation(base, 6, false)[:20], 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := exif.Orientation(tt.in); got != tt.want {
				t.Errorf("Orientation = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestOrientationManySegments: the walk stops after a bounded number of
// segments, so a file of ten thousand empty segments costs nothing.
func TestOrientationManySegments(t *testing.T) {
	t.Parallel()
	var segs [][]byte
	for range 10000 {
		segs = append(segs, segment(0xE2, nil))
	}
	segs = append(segs, segment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(1, [4]uint32{0x0112, 3, 1, 6})...)))
	if got := exif.Orientation(soi(segs...)); got != 1 {
		t.Errorf("Orientation after 10000 segments = %d, want 1 (not looked at)", got)
	}
}

func TestOrientationAllocatesNothing(t *testing.T) {
	hostile := soi(segment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(0xFFFF, [4]uint32{0x0112, 3, 1, 6})...)))
	if n := testing.AllocsPerRun(100, func() { exif.Orientation(hostile) }); n != 0 {
		t.Errorf("Orientation allocates %v times per call, want 0", n)
	}
}

// grid is a w×h image whose every pixel has its own colour.
func grid(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: uint8(x*16 + y), A: 255})
		}
	}
	return img
}

func samePixels(a, b image.Image) bool {
	if a.Bounds().Size() != b.Bounds().Size() {
		return false
	}
	ab, bb := a.Bounds(), b.Bounds()
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			if a.At(ab.Min.X+x, ab.Min.Y+y) != b.At(bb.Min.X+x, bb.Min.Y+y) {
				return false
			}
		}
	}
	return true
}

func TestUpright(t *testing.T) {
	t.Parallel()
	img := grid(3, 2) // stored: 3 wide, 2 high
	at := func(m image.Image, x, y int) color.Color { return m.At(m.Bounds().Min.X+x, m.Bounds().Min.Y+y) }
	// Where the stored top-left pixel lands in the upright image.
	corner := map[int][2]int{1: {0, 0}, 2: {2, 0}, 3: {2, 1}, 4: {0, 1}, 5: {0, 0}, 6: {1, 0}, 7: {1, 2}, 8: {0, 2}}
	for o := 1; o <= 8; o++ {
		up := exif.Upright(img, o)
		size := up.Bounds().Size()
		if exif.Swaps(o) != (size == image.Pt(2, 3)) || !exif.Swaps(o) && size != image.Pt(3, 2) {
			t.Errorf("orientation %d: upright size %v", o, size)
			continue
		}
		c := corner[o]
		if got := at(up, c[0], c[1]); got != at(img, 0, 0) {
			t.Errorf("orientation %d: pixel (%d,%d) = %v, want the stored top-left %v", o, c[0], c[1], got, at(img, 0, 0))
		}
	}
	// Inverses: mirrors and 180° undo themselves, 6 and 8 undo each other.
	for _, p := range [][2]int{{2, 2}, {3, 3}, {4, 4}, {5, 5}, {7, 7}, {6, 8}, {8, 6}} {
		if back := exif.Upright(exif.Upright(img, p[0]), p[1]); !samePixels(back, img) {
			t.Errorf("Upright(Upright(img, %d), %d) is not img", p[0], p[1])
		}
	}
	if exif.Upright(img, 1) != image.Image(img) || exif.Upright(img, 0) != image.Image(img) || exif.Upright(img, 42) != image.Image(img) {
		t.Error("upright or unknown orientation should return the image itself")
	}
	// A sub-image (bounds not at the origin) turns the same way.
	sub := grid(5, 4).SubImage(image.Rect(1, 1, 4, 3))
	if !samePixels(exif.Upright(exif.Upright(sub, 6), 8), sub) {
		t.Error("sub-image does not round-trip")
	}
}

func TestInspectAndNormalize(t *testing.T) {
	t.Parallel()
	stored := encodeJPEG(t, halves(40, 20)) // red left, blue right
	sideways := exif.WithOrientation(stored, exif.RightTop, false)
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, halves(50, 10)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		in        []byte
		maxSide   int
		info      exif.Info
		work      bool
		w, h      int
		topIsRed  bool // else the left is red
		checkTurn bool
	}{
		{name: "upright JPEG", in: stored, maxSide: 4096, info: exif.Info{Format: "jpeg", Width: 40, Height: 20, Orientation: 1}},
		{name: "sideways JPEG", in: sideways, maxSide: 4096, info: exif.Info{Format: "jpeg", Width: 40, Height: 20, Orientation: 6}, work: true, w: 20, h: 40, topIsRed: true, checkTurn: true},
		{name: "too wide JPEG", in: stored, maxSide: 10, info: exif.Info{Format: "jpeg", Width: 40, Height: 20, Orientation: 1}, work: true, w: 10, h: 5, checkTurn: true},
		{name: "too wide PNG", in: pngBuf.Bytes(), maxSide: 25, info: exif.Info{Format: "png", Width: 50, Height: 10, Orientation: 1}, work: true, w: 25, h: 5, checkTurn: true},
		{name: "no bound", in: pngBuf.Bytes(), maxSide: 0, info: exif.Info{Format: "png", Width: 50, Height: 10, Orientation: 1}},
		{name: "header cut off", in: sideways[:30], maxSide: 4096, info: exif.Info{Format: "jpeg", Orientation: 1}},
		{name: "garbage", in: []byte("not an image"), maxSide: 4096, info: exif.Info{Orientation: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			info := exif.Inspect(tt.in)
			if info != tt.info {
				t.Fatalf("Inspect = %+v, want %+v", info, tt.info)
			}
			if got := info.NeedsWork(tt.maxSide); got != tt.work {
				t.Fatalf("NeedsWork(%d) = %v, want %v", tt.maxSide, got, tt.work)
			}
			if !tt.work {
				return
			}
			out, err := exif.Normalize(bytes.NewReader(tt.in), info, tt.maxSide)
			if err != nil {
				t.Fatal(err)
			}
			img, err := jpeg.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if got := img.Bounds().Size(); got != image.Pt(tt.w, tt.h) {
				t.Fatalf("size %v, want %dx%d", got, tt.w, tt.h)
			}
			if exif.Orientation(out) != 1 {
				t.Error("the re-encoded image still carries an orientation")
			}
			red := func(x, y int) bool { r, _, b, _ := img.At(x, y).RGBA(); return r > 0xC000 && b < 0x4000 }
			blue := func(x, y int) bool { r, _, b, _ := img.At(x, y).RGBA(); return b > 0xC000 && r < 0x4000 }
			w, h := tt.w, tt.h
			if tt.topIsRed {
				if !red(w/2, 1) || !blue(w/2, h-2) {
					t.Error("want red on top and blue below")
				}
			} else if !red(1, h/2) || !blue(w-2, h/2) {
				t.Error("want red on the left and blue on the right")
			}
		})
	}
}

func TestNormalizeRefusesBombs(t *testing.T) {
	t.Parallel()
	_, err := exif.Normalize(bytes.NewReader(nil), exif.Info{Format: "jpeg", Width: 60000, Height: 60000, Orientation: 6}, 4096)
	if !errors.Is(err, exif.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	_, err = exif.Normalize(bytes.NewReader([]byte("junk")), exif.Info{Format: "jpeg", Width: 10, Height: 10, Orientation: 6}, 4096)
	if err == nil {
		t.Fatal("junk decoded")
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ w, h, max, ww, wh int }{
		{5000, 100, 4096, 4096, 82},
		{100, 5000, 4096, 82, 4096},
		{4096, 4096, 4096, 4096, 4096},
		{9000, 1, 4096, 4096, 1},
	} {
		got := exif.Fit(image.NewGray(image.Rect(0, 0, tt.w, tt.h)), tt.max).Bounds().Size()
		if got != image.Pt(tt.ww, tt.wh) {
			t.Errorf("Fit(%dx%d, %d) = %v, want %dx%d", tt.w, tt.h, tt.max, got, tt.ww, tt.wh)
		}
	}
}

package evidence

import (
	"bufio"
	"image"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadPPMHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    image.Point
		rest    string // what follows the header
		wantErr error  // matched with errors.Is; nil: any error when errText set
		errText string
	}{
		{"as ffmpeg writes it", "P6\n96 64\n255\nRGB", image.Pt(96, 64), "RGB", nil, ""},
		{"comments and odd whitespace", "P6 # made by hand\n\t96\r\n64 #c\n 255 RGB", image.Pt(96, 64), "RGB", nil, ""},
		{"clean end", "", image.Point{}, "", io.EOF, ""},
		{"cut in the magic", "P", image.Point{}, "", io.ErrUnexpectedEOF, ""},
		{"cut in the numbers", "P6\n96 6", image.Point{}, "", io.ErrUnexpectedEOF, ""},
		{"cut in a comment", "P6\n# no newline", image.Point{}, "", io.ErrUnexpectedEOF, ""},
		{"cut before the pixels", "P6\n96 64\n255", image.Point{}, "", io.ErrUnexpectedEOF, ""},
		{"grayscale", "P5\n96 64\n255\n", image.Point{}, "", nil, "magic"},
		{"16-bit", "P6\n96 64\n65535\n", image.Point{}, "", nil, "maxval"},
		{"zero width", "P6\n0 64\n255\n", image.Point{}, "", nil, "empty 0x64"},
		{"too many pixels", "P6\n100000 100000\n255\n", image.Point{}, "", errTooLarge, ""},
		{"number too long", "P6\n9999999999 1\n255\n", image.Point{}, "", nil, "too long"},
		{"not a number", "P6\n96 x\n255\n", image.Point{}, "", nil, "unexpected byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := bufio.NewReader(strings.NewReader(tt.in))
			got, err := readPPMHeader(r, defaultMaxPixels)
			switch {
			case tt.wantErr != nil:
				require.ErrorIs(t, err, tt.wantErr)
				if tt.wantErr == io.EOF {
					require.Equal(t, io.EOF, err, "a clean end is io.EOF itself")
				}
			case tt.errText != "":
				require.ErrorContains(t, err, tt.errText)
			default:
				require.NoError(t, err)
				require.Equal(t, tt.want, got)
				rest, err := io.ReadAll(r)
				require.NoError(t, err)
				require.Equal(t, tt.rest, string(rest))
			}
		})
	}
}

func TestRGBConversions(t *testing.T) {
	t.Parallel()
	rgb := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	rgbToRGBA(img, rgb)
	require.Equal(t, []byte{1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255, 10, 11, 12, 255}, img.Pix)
	img.Pix[4] = 99
	out := make([]byte, 12)
	rgbaToRGB(out, img)
	require.Equal(t, []byte{1, 2, 3, 99, 5, 6, 7, 8, 9, 10, 11, 12}, out)
	// Mismatched sizes never index out of range.
	rgbToRGBA(img, rgb[:5])
	rgbaToRGB(make([]byte, 100), img)
}

// FuzzReadPPMHeader: any bytes give a size within the cap or an error, and
// never a panic; a header written as ffmpeg writes it reads back.
func FuzzReadPPMHeader(f *testing.F) {
	f.Add([]byte("P6\n96 64\n255\n"), 96, 64)
	f.Add([]byte("P6 # c\n1 1 255 x"), 3, 3)
	f.Add([]byte("P6\n100000 100000\n255\n"), 1, 1)
	f.Add([]byte("P6\n999999999 999999999\n255\n"), 0, 0)
	f.Fuzz(func(t *testing.T, data []byte, w, h int) {
		got, err := readPPMHeader(bufio.NewReader(strings.NewReader(string(data))), 1<<20)
		if err == nil && (got.X <= 0 || got.Y <= 0 || got.X*got.Y > 1<<20) {
			t.Fatalf("size %v outside the cap", got)
		}
		if w > 0 && h > 0 && w <= 1<<10 && h <= 1<<10 {
			hdr := "P6\n" + strconv.Itoa(w) + " " + strconv.Itoa(h) + "\n255\n"
			got, err := readPPMHeader(bufio.NewReader(strings.NewReader(hdr)), 1<<20)
			if err != nil || got != image.Pt(w, h) {
				t.Fatalf("%q: %v, %v", hdr, got, err)
			}
		}
	})
}

// filler reads as an endless run of one byte.
type filler byte

func (f filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f)
	}
	return len(p), nil
}

// TestReadPPMHeaderLongCommentMemory: a comment in a header costs the
// reader's buffer, not its length. (Not parallel: it reads process-wide
// MemStats.)
func TestReadPPMHeaderLongCommentMemory(t *testing.T) {
	const comment = 64 << 20
	in := io.MultiReader(strings.NewReader("P6\n#"), io.LimitReader(filler('x'), comment), strings.NewReader("\n2 2\n255\nRGB"))
	r := bufio.NewReaderSize(in, 64<<10)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := readPPMHeader(r, defaultMaxPixels)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Equal(t, image.Pt(2, 2), got)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "a %d-byte comment was held in memory", comment)
}

package authentatest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pngHeader is a PNG that declares w×h RGBA pixels and holds none: a few
// bytes that a decoder without a size check answers with a w×h×4 buffer
// before it finds the pixel data cut.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8 bits, RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c}) // a zlib stream's start, cut
	chunk("IEND", nil)
	return b.Bytes()
}

// TestFakeRefusesDecompressionBombs: an image that declares more than
// maxDecodePixels is refused from its header, before any pixel buffer is
// made. (Not parallel: it reads process-wide MemStats.)
func TestFakeRefusesDecompressionBombs(t *testing.T) {
	bomb := pngHeader(10_000, 10_000) // 400 MB decoded
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	a := analyze(bomb, "bomb.png")
	runtime.ReadMemStats(&after)
	assert.Equal(t, "image too large", a.decodeErr)
	assert.Equal(t, "invalid_image", a.verdict().code)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20))
}

package exif

import "encoding/binary"

// WithOrientation returns a copy of the JPEG j with an APP1 Exif segment
// holding orientation o inserted after the SOI marker, in big-endian
// ("MM") or little-endian ("II") byte order. It is how tests and examples
// make the sideways photos a phone takes; j is returned unchanged when it
// is not a JPEG.
func WithOrientation(j []byte, o int, littleEndian bool) []byte {
	if len(j) < 2 || j[0] != 0xFF || j[1] != 0xD8 {
		return j
	}
	var bo binary.ByteOrder = binary.BigEndian
	order := "MM"
	if littleEndian {
		bo, order = binary.LittleEndian, "II"
	}
	// TIFF header, IFD0 with one entry (orientation, SHORT, 1), no next IFD.
	tiff := make([]byte, 8+2+12+4)
	copy(tiff, order)
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)
	bo.PutUint16(tiff[10:], tagOrientation)
	bo.PutUint16(tiff[12:], typeShort)
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], uint16(o))
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := make([]byte, 0, len(j)+len(seg))
	out = append(out, j[:2]...)
	out = append(out, seg...)
	return append(out, j[2:]...)
}

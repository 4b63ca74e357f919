// Package exif reads the EXIF orientation of a JPEG and turns images
// upright, for the face-indexing calls: the service finds no face in a
// sideways photo, and a phone stores most photos sideways with an
// orientation tag that says how to turn them.
//
// The reader is bounded: it looks only at a byte prefix the caller gives,
// walks at most maxSegments JPEG segments and never allocates, whatever the
// counts and offsets in the data say.
package exif

import "encoding/binary"

// Orientation values (EXIF tag 0x0112). TopLeft is upright.
const (
	TopLeft     = 1 // upright
	TopRight    = 2 // mirrored horizontally
	BottomRight = 3 // rotated 180°
	BottomLeft  = 4 // mirrored vertically
	LeftTop     = 5 // mirrored horizontally, then rotated 270° clockwise
	RightTop    = 6 // rotated 90° clockwise to display
	RightBottom = 7 // mirrored horizontally, then rotated 90° clockwise
	LeftBottom  = 8 // rotated 270° clockwise to display
)

const (
	tagOrientation = 0x0112
	typeShort      = 3
	typeLong       = 4
	// maxSegments bounds the JPEG segments walked before the Exif segment.
	maxSegments = 64
)

// Orientation returns the EXIF orientation (1..8) of the JPEG that b starts
// with, or TopLeft when b is not a JPEG, has no Exif segment in it, or the
// tag is missing or out of range. b may be a prefix of the file: an Exif
// segment cut by the end of b counts as missing.
func Orientation(b []byte) int {
	if o, ok := find(b); ok {
		return o
	}
	return TopLeft
}

// find walks the JPEG segments up to the start of the scan and parses the
// first APP1 segment that holds Exif data.
func find(b []byte) (int, bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 0, false
	}
	i := 2
	for seg := 0; seg < maxSegments; seg++ {
		// A marker: 0xFF, any number of 0xFF fill bytes, the marker code.
		if i >= len(b) || b[i] != 0xFF {
			return 0, false
		}
		for i < len(b) && b[i] == 0xFF {
			i++
		}
		if i >= len(b) {
			return 0, false
		}
		m := b[i]
		i++
		switch {
		case m == 0xD9 || m == 0xDA: // end of image, start of scan: no more metadata
			return 0, false
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7): // no length
			continue
		}
		if i+2 > len(b) {
			return 0, false
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return 0, false
		}
		payload := b[i+2 : i+n]
		i += n
		if m == 0xE1 && len(payload) >= 6 && string(payload[:6]) == "Exif\x00\x00" {
			return tiffOrientation(payload[6:])
		}
	}
	return 0, false
}

// tiffOrientation reads the orientation tag of IFD0 of a TIFF header.
func tiffOrientation(t []byte) (int, bool) {
	if len(t) < 8 {
		return 0, false
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0, false
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0, false
	}
	off := uint64(bo.Uint32(t[4:]))
	if off+2 > uint64(len(t)) {
		return 0, false
	}
	count := int(bo.Uint16(t[off:]))
	e := int(off) + 2
	// The count is the file's word; the loop stops where the data does.
	for k := 0; k < count && e+12 <= len(t); k, e = k+1, e+12 {
		if bo.Uint16(t[e:]) != tagOrientation {
			continue
		}
		var v uint32
		switch typ, n := bo.Uint16(t[e+2:]), bo.Uint32(t[e+4:]); {
		case typ == typeShort && n >= 1:
			v = uint32(bo.Uint16(t[e+8:]))
		case typ == typeLong && n >= 1:
			v = bo.Uint32(t[e+8:])
		default:
			return 0, false
		}
		if v < 1 || v > 8 {
			return 0, false
		}
		return int(v), true
	}
	return 0, false
}

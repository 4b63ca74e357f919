package authenta

import (
	"bytes"
	"cmp"
	"encoding/json"
	"image"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The faces a model reports come in several shapes (wire reference §1.15):
//
//	identityPredictions: [{"identityId": 0, "isDeepFake": true}]
//	boundingBoxes:       {"0": {"boundingBox": {"<frame>": [x1,y1,x2,y2]}, "class": "fake", "confidence": 0.93}}
//	identityDetails:     the same shape as boundingBoxes (on the result, or on the job for FI-1)
//	participants:        [{"id": 0, "fake": true, "confidence": 0.9}] (the legacy media record)
//
// FI-1 sends "class" as an object, {"isDeepFake": ..., "isLiveness": ...}.
// Boxes are at half resolution; identities are merged by their key.

// maxCoord bounds a box coordinate (half resolution): larger values are no
// picture's, and would overflow once scaled.
const maxCoord = 1 << 24

// Bounds on what one document may describe, so that a document shaped to
// amplify memory (a million empty faces) costs no more than a real one.
// Faces past the first maxIdentities still count for the verdict.
const (
	maxIdentities = 1 << 12 // faces tracked in one image or video
	maxBoxes      = 1 << 20 // boxes over every face and frame
)

// identitySet merges what the several fields say about each face.
type identitySet struct {
	byID  map[string]*Identity
	boxes int // boxes kept so far
	// beyond is the verdict of the faces past maxIdentities: not kept,
	// but never lost to the result's verdict.
	beyond Verdict
}

// get returns the identity with this key, adding it unless the set is
// full (then nil).
func (s *identitySet) get(id string) *Identity {
	if s.byID == nil {
		s.byID = make(map[string]*Identity)
	}
	if p, ok := s.byID[id]; ok {
		return p
	}
	if len(s.byID) >= maxIdentities {
		return nil
	}
	p := &Identity{ID: id}
	s.byID[id] = p
	return p
}

// list returns the identities ordered by key, numerically where both keys
// are numbers ("2" before "10").
func (s *identitySet) list() []Identity {
	if len(s.byID) == 0 {
		return nil
	}
	out := make([]Identity, 0, len(s.byID))
	for _, p := range s.byID {
		slices.SortStableFunc(p.Boxes, func(a, b FrameBox) int { return cmp.Compare(a.Frame, b.Frame) })
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Identity) int { return compareKeys(a.ID, b.ID) })
	return out
}

func compareKeys(a, b string) int {
	x, errA := strconv.ParseUint(a, 10, 63)
	y, errB := strconv.ParseUint(b, 10, 63)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(x, y)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// wirePrediction is one element of identityPredictions or participants.
type wirePrediction struct {
	IdentityID, ID, Identity text
	IsDeepFake, Fake, IsFake flag
	IsLiveness, IsLive       flag
	IsSpoof                  flag
	Confidence               number
	Class                    wireClass
}

// addPredictions reads identityPredictions or the legacy participants: an
// array of objects (or one object). A prediction that names no identity is
// keyed by its position.
func (s *identitySet) addPredictions(raw json.RawMessage) {
	var w wirePrediction // one for all: Decode makes it escape
	var scratch Identity
	forEach(raw, true, func(_ string, i int, dec *json.Decoder) {
		w = wirePrediction{}
		if dec.Decode(&w) != nil {
			return
		}
		id := cmp.Or(w.IdentityID.s, w.ID.s, w.Identity.s)
		if id == "" {
			id = strconv.Itoa(i)
		}
		p := s.get(id)
		if p == nil { // past the cap: read for its verdict only
			scratch = Identity{}
			p = &scratch
		}
		setBool(&p.IsDeepFake, cmp.Or(w.IsDeepFake.p, w.Fake.p, w.IsFake.p))
		setLive(&p.IsLive, cmp.Or(w.IsLiveness.p, w.IsLive.p), w.IsSpoof.p)
		p.applyClass(&w.Class)
		setFloat(&p.Confidence, unitScore(w.Confidence.p))
		if p == &scratch {
			s.beyond = fold(s.beyond, p.verdict())
		}
	})
}

// wireFace is one identity of boundingBoxes or identityDetails.
type wireFace struct {
	BoundingBox, BoundingBoxes, Boxes, Box wireBoxes
	Class, Label                           wireClass
	Confidence                             number
	IsDeepFake, IsLiveness, IsSpoof        flag
}

// addFaces reads boundingBoxes or identityDetails: an object keyed by
// identity (an array is keyed by position).
func (s *identitySet) addFaces(raw json.RawMessage) {
	var w wireFace // one for all: Decode makes it escape
	var scratch Identity
	forEach(raw, false, func(key string, i int, dec *json.Decoder) {
		if i >= 0 {
			key = strconv.Itoa(i)
		}
		_, existed := s.byID[key]
		p := s.get(key)
		bs := s
		if p == nil { // past the cap: read for its verdict only, boxes skipped
			scratch = Identity{}
			p, bs = &scratch, nil
		}
		// The boxes go straight into the identity: no copy of a long list.
		w = wireFace{BoundingBox: wireBoxes{bs, p}, BoundingBoxes: wireBoxes{bs, p}, Boxes: wireBoxes{bs, p}, Box: wireBoxes{bs, p}}
		if dec.Decode(&w) != nil {
			if !existed && bs != nil && len(p.Boxes) == 0 {
				delete(s.byID, key) // not a face
			}
			return
		}
		class := &w.Class
		if !class.present() {
			class = &w.Label
		}
		p.applyClass(class)
		setBool(&p.IsDeepFake, w.IsDeepFake.p)
		setLive(&p.IsLive, w.IsLiveness.p, w.IsSpoof.p)
		setFloat(&p.Confidence, unitScore(w.Confidence.p))
		if p == &scratch {
			s.beyond = fold(s.beyond, p.verdict())
		}
	})
}

// applyClass reads a face's class: a label ("real", "fake") or FI-1's
// object of flags.
func (p *Identity) applyClass(c *wireClass) {
	if f := c.flags; f != nil {
		setBool(&p.IsDeepFake, cmp.Or(f.IsDeepFake.p, f.Fake.p))
		setLive(&p.IsLive, cmp.Or(f.IsLiveness.p, f.IsLive.p), f.IsSpoof.p)
		if p.Class == "" {
			switch {
			case p.IsDeepFake != nil && *p.IsDeepFake:
				p.Class = "fake"
			case p.IsLive != nil && !*p.IsLive:
				p.Class = "spoof"
			case p.IsDeepFake != nil || p.IsLive != nil:
				p.Class = "real"
			}
		}
		return
	}
	if c.label == "" || p.Class != "" {
		return
	}
	p.Class = c.label
	if p.IsDeepFake == nil {
		switch classVerdict(c.label) {
		case VerdictFake:
			if !isSpoofWord(c.label) {
				setBool(&p.IsDeepFake, ptr(true))
			}
		case VerdictReal:
			setBool(&p.IsDeepFake, ptr(false))
		}
	}
}

// appendBoxes reads a face's boxes: {"<frame>": [x1,y1,x2,y2], ...}, an
// array of boxes indexed by frame, or one box (frame 0). A frame's value
// may also be an object {"box": [...], "class", "confidence"}. Boxes that
// cannot be read are skipped, and so are those past maxBoxes in the set.
// The frames are streamed: a face with many frames costs one FrameBox per
// frame, and no map or copy of its text.
func (s *identitySet) appendBoxes(dst []FrameBox, raw []byte) []FrameBox {
	raw = bytes.TrimSpace(raw)
	if fb, ok := frameBox(0, raw); ok { // one box
		if s.boxes < maxBoxes {
			s.boxes++
			dst = append(dst, fb)
		}
		return dst
	}
	// Room for every frame at once: append's growth by 1.25 would
	// otherwise allocate five times the final list.
	dst = slices.Grow(dst, min(countMembers(raw), maxBoxes-s.boxes))
	var b wireBox // one for all: Decode makes it escape
	forEach(raw, false, func(key string, i int, dec *json.Decoder) {
		if s.boxes >= maxBoxes {
			_ = dec.Decode(&skip{})
			return
		}
		b = wireBox{}
		if dec.Decode(&b) != nil || !b.ok {
			return
		}
		f, ok := i, i >= 0
		if !ok {
			f, ok = frameIndex(key)
		}
		if ok {
			b.fb.Frame = f
			s.boxes++
			dst = append(dst, b.fb)
		}
	})
	return dst
}

// countMembers counts the members of a JSON object or the elements of an
// array (valid JSON), without decoding them.
func countMembers(raw []byte) int {
	if len(raw) < 2 || (raw[0] != '{' && raw[0] != '[') {
		return 0
	}
	n, depth, inString, empty := 1, 0, false, true
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString:
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
		case c == '"':
			inString, empty = true, false
		case c == '{' || c == '[':
			if depth > 0 {
				empty = false
			}
			depth++
		case c == '}' || c == ']':
			depth--
		case c == ',' && depth == 1:
			n++
		case c > ' ' && depth == 1:
			empty = false
		}
	}
	if empty {
		return 0
	}
	return n
}

// wireBox is one frame's box, read by frameBox (frame 0; the caller sets
// the frame). A value that is no box is kept as not ok, never an error.
type wireBox struct {
	fb FrameBox
	ok bool
}

func (w *wireBox) UnmarshalJSON(b []byte) error {
	w.fb, w.ok = frameBox(0, b)
	return nil
}

// wireBoxes appends a face's boxes to its identity as encoding/json meets
// them.
type wireBoxes struct {
	set *identitySet
	id  *Identity
}

func (w *wireBoxes) UnmarshalJSON(b []byte) error {
	if w.set != nil {
		w.id.Boxes = w.set.appendBoxes(w.id.Boxes, b)
	}
	return nil
}

// frameBox reads one frame's box: [x1,y1,x2,y2] (numbers or numeric
// strings), {"x1", "y1", "x2", "y2"}, or {"box"|"boundingBox"|"bbox": [...],
// "class", "confidence"}.
func frameBox(frame int, raw json.RawMessage) (FrameBox, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return FrameBox{}, false
	}
	switch raw[0] {
	case '[':
		v, ok := fourNumbers(raw)
		if !ok {
			return FrameBox{}, false
		}
		b, ok := scaleBox(v[:])
		return FrameBox{Frame: frame, Box: b}, ok
	case '{':
		var w struct {
			Box, BoundingBox, BBox boxArray
			X1, Y1, X2, Y2         number
			Class, Label           text
			Confidence             number
		}
		if json.Unmarshal(raw, &w) != nil {
			return FrameBox{}, false
		}
		var v [4]float64
		switch {
		case w.Box.ok:
			v = w.Box.v
		case w.BoundingBox.ok:
			v = w.BoundingBox.v
		case w.BBox.ok:
			v = w.BBox.v
		default:
			for i, c := range [4]*float64{w.X1.p, w.Y1.p, w.X2.p, w.Y2.p} {
				if c == nil {
					return FrameBox{}, false
				}
				v[i] = *c
			}
		}
		b, ok := scaleBox(v[:])
		if !ok {
			return FrameBox{}, false
		}
		return FrameBox{Frame: frame, Box: b, Class: cmp.Or(w.Class.s, w.Label.s), Confidence: unitScore(w.Confidence.p)}, true
	}
	return FrameBox{}, false
}

// boxArray is [x1,y1,x2,y2] inside a frame object.
type boxArray struct {
	v  [4]float64
	ok bool
}

func (a *boxArray) UnmarshalJSON(b []byte) error {
	a.v, a.ok = fourNumbers(bytes.TrimSpace(b))
	return nil
}

// fourNumbers reads a JSON array of exactly four numbers or numeric
// strings without allocating: the common shape of a box.
func fourNumbers(raw []byte) (v [4]float64, ok bool) {
	if len(raw) < 2 || raw[0] != '[' || raw[len(raw)-1] != ']' {
		return v, false
	}
	rest := raw[1 : len(raw)-1]
	for i := range 4 {
		var item []byte
		if j := bytes.IndexByte(rest, ','); j >= 0 {
			item, rest = rest[:j], rest[j+1:]
		} else {
			item, rest = rest, nil
		}
		if i == 3 && rest != nil {
			return v, false // more than four items
		}
		if i < 3 && rest == nil {
			return v, false // fewer than four
		}
		item = bytes.TrimSpace(item)
		if n := len(item); n >= 2 && item[0] == '"' && item[n-1] == '"' {
			item = bytes.TrimSpace(item[1 : n-1])
		}
		f, err := parseNumber(item)
		if err != nil {
			return v, false
		}
		v[i] = f
	}
	return v, true
}

// parseNumber parses a decimal number the way JSON writes it (strconv
// would also take "Inf", "0x1p3" and "1_000"), without allocating.
func parseNumber(b []byte) (float64, error) {
	if len(b) == 0 {
		return 0, strconv.ErrSyntax
	}
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.ParseFloat(string(b), 64) // the conversion does not escape: no allocation
}

// scaleBox turns a half-resolution [x1,y1,x2,y2] into a full-resolution
// rectangle.
func scaleBox(v []float64) (image.Rectangle, bool) {
	if len(v) != 4 {
		return image.Rectangle{}, false
	}
	var p [4]int
	for i, x := range v {
		if math.IsNaN(x) || math.Abs(x) > maxCoord {
			return image.Rectangle{}, false
		}
		p[i] = int(math.Round(x * 2))
	}
	return image.Rect(p[0], p[1], p[2], p[3]), true
}

// frameIndex reads a frame key: "12", or a name ending in its number
// ("frame_12").
func frameIndex(k string) (int, bool) {
	k = strings.TrimSpace(k)
	if n, err := strconv.ParseUint(k, 10, 31); err == nil {
		return int(n), true
	}
	if strings.HasPrefix(k, "-") { // a negative frame
		return 0, false
	}
	i := len(k)
	for i > 0 && k[i-1] >= '0' && k[i-1] <= '9' {
		i--
	}
	if i == len(k) {
		return 0, false
	}
	n, err := strconv.ParseUint(k[i:], 10, 31)
	return int(n), err == nil
}

// unitScore puts a confidence on the 0..1 scale: values above 1 are read
// as percentages. Anything outside 0..100 is dropped.
func unitScore(f *float64) *float64 {
	if f == nil || *f < 0 || *f > 100 {
		return nil
	}
	if *f > 1 {
		v := *f / 100
		return &v
	}
	return f
}

// The class words models use, folded to lower case.
var (
	fakeWords = []string{"fake", "deepfake", "deep-fake", "deep_fake", "faceswap", "face-swap", "swapped", "spoof", "spoofed", "synthetic", "ai-generated", "ai_generated", "aigenerated", "generated", "manipulated", "forged", "tampered", "attack"}
	realWords = []string{"real", "live", "genuine", "authentic", "bonafide", "bona-fide", "bona_fide", "original", "human", "pristine"}
)

// classVerdict reads a class word.
func classVerdict(c string) Verdict {
	c = strings.ToLower(strings.TrimSpace(c))
	switch {
	case slices.Contains(fakeWords, c):
		return VerdictFake
	case slices.Contains(realWords, c):
		return VerdictReal
	}
	return VerdictUnknown
}

func isSpoofWord(c string) bool {
	c = strings.ToLower(strings.TrimSpace(c))
	return c == "spoof" || c == "spoofed" || c == "attack"
}

// setBool sets *dst from v unless it is set already.
func setBool(dst **bool, v *bool) {
	if *dst == nil && v != nil {
		*dst = v
	}
}

func setFloat(dst **float64, v *float64) {
	if *dst == nil && v != nil {
		*dst = v
	}
}

// setLive sets *dst from the liveness flag, or the negation of isSpoof.
func setLive(dst **bool, live, spoof *bool) {
	if live != nil {
		setBool(dst, live)
		return
	}
	if spoof != nil {
		setBool(dst, ptr(!*spoof))
	}
}

func ptr[T any](v T) *T { return &v }

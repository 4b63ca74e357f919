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

	"github.com/phospheneai/authenta-go/internal/lenient"
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

// identitySet merges what the several fields say about each face.
type identitySet struct {
	byID map[string]*Identity
}

func (s *identitySet) get(id string) *Identity {
	if s.byID == nil {
		s.byID = make(map[string]*Identity)
	}
	if p, ok := s.byID[id]; ok {
		return p
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
	IdentityID, ID, Identity json.RawMessage
	IsDeepFake, Fake, IsFake json.RawMessage
	IsLiveness, IsLive       json.RawMessage
	IsSpoof                  json.RawMessage
	Confidence, Class        json.RawMessage
}

// addPredictions reads identityPredictions or the legacy participants.
func (s *identitySet) addPredictions(raw json.RawMessage) {
	for i, o := range lenient.Objects(raw) {
		var w wirePrediction
		if json.Unmarshal(o, &w) != nil {
			continue
		}
		id := firstString(w.IdentityID, w.ID, w.Identity)
		if id == "" {
			id = strconv.Itoa(i)
		}
		p := s.get(id)
		setBool(&p.IsDeepFake, firstBool(w.IsDeepFake, w.Fake, w.IsFake))
		setLive(&p.IsLive, firstBool(w.IsLiveness, w.IsLive), w.IsSpoof)
		p.applyClass(w.Class)
		setFloat(&p.Confidence, unitScore(lenient.Float(w.Confidence)))
	}
}

// wireFace is one identity of boundingBoxes or identityDetails.
type wireFace struct {
	BoundingBox, BoundingBoxes, Boxes, Box json.RawMessage
	Class, Label                           json.RawMessage
	Confidence                             json.RawMessage
	IsDeepFake, IsLiveness, IsSpoof        json.RawMessage
}

// addFaces reads boundingBoxes or identityDetails: an object keyed by
// identity (an array is keyed by position).
func (s *identitySet) addFaces(raw json.RawMessage) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return
	}
	var faces map[string]json.RawMessage
	switch raw[0] {
	case '{':
		if json.Unmarshal(raw, &faces) != nil {
			return
		}
	case '[':
		objs := lenient.Objects(raw)
		faces = make(map[string]json.RawMessage, len(objs))
		for i, o := range objs {
			faces[strconv.Itoa(i)] = o
		}
	default:
		return
	}
	for id, f := range faces {
		if !lenient.IsObject(f) {
			continue
		}
		var w wireFace
		if json.Unmarshal(f, &w) != nil {
			continue
		}
		p := s.get(id)
		p.applyClass(firstRaw(w.Class, w.Label))
		setBool(&p.IsDeepFake, lenient.Bool(w.IsDeepFake))
		setLive(&p.IsLive, lenient.Bool(w.IsLiveness), w.IsSpoof)
		setFloat(&p.Confidence, unitScore(lenient.Float(w.Confidence)))
		p.Boxes = appendBoxes(p.Boxes, firstRaw(w.BoundingBox, w.BoundingBoxes, w.Boxes, w.Box))
	}
}

// applyClass reads a face's class: a label ("real", "fake") or FI-1's
// object of flags.
func (p *Identity) applyClass(raw json.RawMessage) {
	if lenient.IsObject(raw) {
		var c struct{ IsDeepFake, Fake, IsLiveness, IsLive, IsSpoof json.RawMessage }
		if json.Unmarshal(raw, &c) != nil {
			return
		}
		setBool(&p.IsDeepFake, firstBool(c.IsDeepFake, c.Fake))
		setLive(&p.IsLive, firstBool(c.IsLiveness, c.IsLive), c.IsSpoof)
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
	c := lenient.String(raw)
	if c == "" || p.Class != "" {
		return
	}
	p.Class = c
	if p.IsDeepFake == nil {
		switch classVerdict(c) {
		case VerdictFake:
			if !isSpoofWord(c) {
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
// cannot be read are skipped.
func appendBoxes(dst []FrameBox, raw json.RawMessage) []FrameBox {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return dst
	}
	switch raw[0] {
	case '{':
		// The common shape first: frame keys and arrays of numbers.
		var fast map[string][]float64
		if json.Unmarshal(raw, &fast) == nil {
			for k, v := range fast {
				if f, ok := frameIndex(k); ok {
					if b, ok := scaleBox(v); ok {
						dst = append(dst, FrameBox{Frame: f, Box: b})
					}
				}
			}
			return dst
		}
		var frames map[string]json.RawMessage
		if json.Unmarshal(raw, &frames) != nil {
			return dst
		}
		if fb, ok := frameBox(0, raw); ok {
			return append(dst, fb) // one box: {"x1": ...} or {"box": [...]}
		}
		for k, v := range frames {
			if f, ok := frameIndex(k); ok {
				if fb, ok := frameBox(f, v); ok {
					dst = append(dst, fb)
				}
			}
		}
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return dst
		}
		if fb, ok := frameBox(0, raw); ok { // one box
			return append(dst, fb)
		}
		for i, v := range items {
			if fb, ok := frameBox(i, v); ok {
				dst = append(dst, fb)
			}
		}
	}
	return dst
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
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil || len(items) != 4 {
			return FrameBox{}, false
		}
		var v [4]float64
		for i, it := range items {
			f := lenient.Float(it)
			if f == nil {
				return FrameBox{}, false
			}
			v[i] = *f
		}
		b, ok := scaleBox(v[:])
		return FrameBox{Frame: frame, Box: b}, ok
	case '{':
		var w struct {
			Box, BoundingBox, BBox json.RawMessage
			X1, Y1, X2, Y2         json.RawMessage
			Class, Label           json.RawMessage
			Confidence             json.RawMessage
		}
		if json.Unmarshal(raw, &w) != nil {
			return FrameBox{}, false
		}
		var fb FrameBox
		var ok bool
		if inner := firstRaw(w.Box, w.BoundingBox, w.BBox); inner != nil {
			if bytes.TrimSpace(inner)[0] == '{' {
				return FrameBox{}, false // no deeper nesting
			}
			fb, ok = frameBox(frame, inner)
		} else {
			var v [4]float64
			ok = true
			for i, c := range [4]json.RawMessage{w.X1, w.Y1, w.X2, w.Y2} {
				f := lenient.Float(c)
				if f == nil {
					ok = false
					break
				}
				v[i] = *f
			}
			if ok {
				fb.Frame = frame
				fb.Box, ok = scaleBox(v[:])
			}
		}
		if !ok {
			return FrameBox{}, false
		}
		fb.Class = lenient.String(firstRaw(w.Class, w.Label))
		if lenient.IsObject(firstRaw(w.Class, w.Label)) {
			fb.Class = ""
		}
		fb.Confidence = unitScore(lenient.Float(w.Confidence))
		return fb, true
	}
	return FrameBox{}, false
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
func setLive(dst **bool, live *bool, isSpoof json.RawMessage) {
	if v := live; v != nil {
		setBool(dst, v)
		return
	}
	if v := lenient.Bool(isSpoof); v != nil {
		setBool(dst, ptr(!*v))
	}
}

func ptr[T any](v T) *T { return &v }

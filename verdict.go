package authenta

import "image"

// Verdict is the one answer a caller acts on, folded over every shape the
// models report (see Result.Verdict).
type Verdict string

// The verdicts.
const (
	VerdictReal    Verdict = "real"
	VerdictFake    Verdict = "fake"    // synthetic, manipulated, swapped, spoofed or forged
	VerdictUnknown Verdict = "unknown" // the result does not say
)

// Identity is one face a model tracked through an image or a video, as the
// server keys it ("0", "1", ...), with its own verdict and boxes.
type Identity struct {
	ID         string // "0", "1", ... as the server keys them
	IsDeepFake *bool  // nil: the model did not say for this face
	// IsLive is the face's liveness where the model checked it (FI-1's
	// per-face class {"isDeepFake", "isLiveness"}); false is a spoof.
	IsLive     *bool
	Confidence *float64 // 0..1, the model's confidence in Class; nil when it gave none
	// Class is the label the model gave the face ("real", "fake", ...), as
	// it sent it; for FI-1's class object, "fake", "spoof" or "real" as its
	// flags say. Empty when it gave none.
	Class string
	Boxes []FrameBox
}

// FrameBox is where a face is in one frame.
type FrameBox struct {
	Frame int             // 0 for a still image
	Box   image.Rectangle // full-resolution pixels (the wire's half-resolution boxes scaled ×2)
	// Class and Confidence are the model's label for the face in this frame,
	// when it gave one per frame.
	Class      string
	Confidence *float64
}

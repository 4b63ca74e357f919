package authenta

import (
	"errors"
	"strconv"
	"strings"
)

// Face-indexing errors.
var (
	ErrNoFaceDetected = errors.New("authenta: no face detected")      // no_face_detected (422)
	ErrInvalidImage   = errors.New("authenta: invalid image")         // invalid_image (422), a 413 from search, or a local check before upload
	ErrEnrollFailed   = errors.New("authenta: face enrolment failed") // WaitEnrolled: a face ended failed (the subject is returned too)
)

// EnrollError is WaitEnrolled's error when a face of the subject ended
// failed. It matches ErrEnrollFailed, and also ErrNoFaceDetected or
// ErrInvalidImage when the server's reason names that code.
type EnrollError struct {
	Subject *Subject // as last seen, every face terminal
	FaceID  string   // the first face that failed
	Name    string
	Reason  string // the server's error text, with URL queries and the API key redacted
	Failed  int    // how many faces failed
}

func (e *EnrollError) Error() string {
	var b strings.Builder
	b.WriteString("authenta: enrolment of subject ")
	if e.Subject != nil {
		b.WriteString(scrubLine(e.Subject.ID, 64))
	}
	b.WriteString(": face ")
	b.WriteString(scrubLine(e.FaceID, 64))
	if e.Name != "" {
		b.WriteString(" (" + scrubLine(e.Name, 100) + ")")
	}
	b.WriteString(" failed")
	if e.Reason != "" {
		b.WriteString(": " + scrubLine(e.Reason, 300))
	}
	if e.Failed > 1 {
		b.WriteString(" (and " + strconv.Itoa(e.Failed-1) + " more)")
	}
	return b.String()
}

// Is matches ErrEnrollFailed, and the sentinel of a code the reason names.
func (e *EnrollError) Is(target error) bool {
	switch target {
	case ErrEnrollFailed:
		return true
	case ErrNoFaceDetected:
		return containsFold(e.Reason, "no_face_detected") || containsFold(e.Reason, "no face detected")
	case ErrInvalidImage:
		return containsFold(e.Reason, "invalid_image")
	}
	return false
}

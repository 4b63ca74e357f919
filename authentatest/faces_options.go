package authentatest

import (
	"errors"
	"fmt"
	"strings"
)

// WithFacesPath serves face indexing under another path prefix than
// DefaultFacesPath, such as "/api/v1/facesim" (the Postman collection's).
func WithFacesPath(prefix string) Option {
	return func(c *config) error {
		p := strings.TrimRight(strings.TrimSpace(prefix), "/")
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?#") {
			return fmt.Errorf("authentatest: faces path %q must start with / and hold no query", prefix)
		}
		c.faces.path = p
		return nil
	}
}

// WithFaceSteps sets how many subjects listings see an uploaded face as
// "uploaded" and then as "processing" before it is processed (or failed):
// 1 and 1 by default; 0 and 0 make the first listing after the upload show
// it done.
func WithFaceSteps(uploaded, processing int) Option {
	return func(c *config) error {
		if uploaded < 0 || processing < 0 {
			return errors.New("authentatest: negative face steps")
		}
		c.faces.uploadedPolls, c.faces.processingPolls = uploaded, processing
		c.faces.stepsSet = true
		return nil
	}
}

// WithSplitSubjects lists every face of a subject in an entry of its own,
// so that a subject ID appears once per face, as the service may answer
// (a client merges them).
func WithSplitSubjects() Option {
	return func(c *config) error { c.faces.split = true; return nil }
}

// WithFlatFaceErrors writes face-indexing errors in the platform's flat
// envelope {"code", "statusCode", "message"}, as the gateway may rewrite
// them, instead of the service's {"error": {"code", "message"}}.
func WithFlatFaceErrors() Option {
	return func(c *config) error { c.faces.flatErrors = true; return nil }
}

// WithEnrollStatus sets the HTTP status of a successful enrol: 200 (the
// default) or 201.
func WithEnrollStatus(code int) Option {
	return func(c *config) error {
		if code < 200 || code > 299 {
			return fmt.Errorf("authentatest: enroll status %d is not 2xx", code)
		}
		c.faces.enrollStatus = code
		return nil
	}
}

// WithFaceLimits sets the largest enrolled image the storage host takes
// (DefaultMaxFaceUpload; larger is 400 EntityTooLarge) and the largest
// multipart search body (DefaultMaxSearchBody; larger is 413).
func WithFaceLimits(maxUpload, maxSearchBody int64) Option {
	return func(c *config) error {
		if maxUpload <= 0 || maxSearchBody <= 0 {
			return errors.New("authentatest: face limits must be positive")
		}
		c.faces.maxUpload, c.faces.maxSearch = maxUpload, maxSearchBody
		return nil
	}
}

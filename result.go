package authenta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/phospheneai/authenta-go/internal/lenient"
)

// Result is a job's result document. The model decides which fields are
// set; a nil field means the server did not say.
type Result struct {
	Raw json.RawMessage // the whole result document, always set

	// Decoded leniently (bool or "true"/"True" strings, numbers or numeric
	// strings, null). nil means the server did not say.
	IsDeepFake            *bool
	RealConfidencePercent *float64
	IsLive                *bool // from isLiveness, or the negation of isSpoof
	IsSimilar             *bool
	SimilarityScore       *float64
	FaceVector            []float64 // from faceVector or embedding

	ResultType    string   // "image", "video", "face-intelligence", "face-embed", ...
	IsSpoof       *bool    // FI-1 as TypeScript reads it: the negation of IsLive
	IsFake        *bool    // DI-1
	IsTampered    *bool    // DI-1
	IsAIGenerated *bool    // the reference page's example shape
	Confidence    *float64 // the reference page's example shape, 0..1

	hint Verdict // from faces past the cap, the legacy deepFakes count or a top-level class

	// Identities are the faces a model reports (DF-1, VF-1, ED-1, FI-1 image
	// or video), from identityPredictions, boundingBoxes and identityDetails
	// (on the result or on the job), ordered by ID. At most 4096 faces and
	// 2^20 boxes are kept; faces past them still count for Verdict.
	Identities []Identity
}

// maxResultBody bounds a downloaded result document (DF-1 documents carry a
// bounding box per frame and can be large).
const maxResultBody = 64 << 20

// wireResult is a result document's fields, each read leniently.
type wireResult struct {
	IsDeepFake, Fake                  json.RawMessage
	RealConfidencePercent             json.RawMessage
	IsLiveness, IsLive, IsSpoof       json.RawMessage
	IsSimilar, SimilarityScore        json.RawMessage
	FaceVector, Embedding             json.RawMessage
	ResultType                        json.RawMessage
	IsFake, IsTampered, IsAIGenerated json.RawMessage
	Confidence                        json.RawMessage

	IdentityPredictions, BoundingBoxes json.RawMessage
	IdentityDetails, Participants      json.RawMessage
	DeepFakes, Class                   json.RawMessage

	Error, Message, ErrorMessage json.RawMessage
}

// ParseResult decodes a result document leniently. It fails when raw is
// not a JSON object, and with a *ResultError (matching ErrJobFailed) when
// the document reports an error ({"error": ..., "message": ...}) and
// carries no verdict, score, vector or face.
func ParseResult(raw []byte) (*Result, error) { return parseResult(raw, true) }

// parseResult is ParseResult; Result.Raw is a copy of raw when clone is
// set, else raw itself (a buffer of the SDK's own, read for this result).
func parseResult(raw []byte, clone bool) (*Result, error) {
	var w wireResult
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("authenta: result is not a JSON object")
	}
	if err := json.Unmarshal(t, &w); err != nil {
		return nil, fmt.Errorf("authenta: decode result: %w", err)
	}
	if clone {
		t = bytes.Clone(t)
	}
	r := &Result{
		Raw:                   json.RawMessage(t),
		IsDeepFake:            firstBool(w.IsDeepFake, w.Fake),
		RealConfidencePercent: lenient.Float(w.RealConfidencePercent),
		IsSpoof:               lenient.Bool(w.IsSpoof),
		IsLive:                firstBool(w.IsLiveness, w.IsLive),
		IsSimilar:             lenient.Bool(w.IsSimilar),
		SimilarityScore:       lenient.Float(w.SimilarityScore),
		FaceVector:            lenient.Floats(firstRaw(w.FaceVector, w.Embedding)),
		ResultType:            lenient.String(w.ResultType),
		IsFake:                lenient.Bool(w.IsFake),
		IsTampered:            lenient.Bool(w.IsTampered),
		IsAIGenerated:         lenient.Bool(w.IsAIGenerated),
		Confidence:            lenient.Float(w.Confidence),
	}
	if r.IsLive == nil && r.IsSpoof != nil {
		live := !*r.IsSpoof
		r.IsLive = &live
	}
	if r.IsLive != nil {
		// IsSpoof is always the negation of IsLive; when the document has
		// both fields and they contradict, isLiveness wins (Raw keeps both).
		spoof := !*r.IsLive
		r.IsSpoof = &spoof
	}
	if len(w.IdentityPredictions) > 0 || len(w.Participants) > 0 || len(w.BoundingBoxes) > 0 || len(w.IdentityDetails) > 0 {
		// In a branch: the set escapes, so a result without faces would
		// allocate it for nothing.
		var ids identitySet
		ids.addPredictions(w.IdentityPredictions)
		ids.addPredictions(w.Participants)
		ids.addFaces(w.BoundingBoxes)
		ids.addFaces(w.IdentityDetails)
		r.Identities = ids.list()
		r.hint = ids.beyond
	}
	if n := lenient.Float(w.DeepFakes); n != nil && *n >= 0 { // legacy: how many faces are fake
		r.hint = fold(r.hint, boolVerdict(*n > 0))
	}
	if v := classVerdict(lenient.String(w.Class)); v != VerdictUnknown {
		r.hint = fold(r.hint, v)
	}
	if fe, failed := resultFailure(w.Error, w.Message, w.ErrorMessage); failed && !r.hasContent() {
		return nil, fe
	}
	return r, nil
}

// firstBool reads the first of raws that holds a readable flag.
func firstBool(raws ...json.RawMessage) *bool {
	for _, r := range raws {
		if b := lenient.Bool(r); b != nil {
			return b
		}
	}
	return nil
}

// hasContent reports whether the document says anything a caller can use.
func (r *Result) hasContent() bool {
	return r.Verdict() != VerdictUnknown || r.IsSimilar != nil || r.SimilarityScore != nil ||
		r.FaceVector != nil || len(r.Identities) > 0 || r.Confidence != nil
}

// addJobIdentities merges the identityDetails a job carries beside its
// result (FI-1) into the result's identities, unless the result has boxes
// of its own (the same faces, described twice).
func (r *Result) addJobIdentities(job *Job) {
	details := job.identityDetails()
	if details == nil {
		return
	}
	for i := range r.Identities {
		if len(r.Identities[i].Boxes) > 0 {
			return
		}
	}
	var ids identitySet
	for i := range r.Identities {
		p := r.Identities[i]
		ids.get(p.ID)
		*ids.byID[p.ID] = p
	}
	ids.addFaces(details)
	r.Identities = ids.list()
	r.hint = fold(r.hint, ids.beyond)
}

// Result fetches a job's result: the artifact of kind "result" from its
// presigned URL (without the Authorization header), or else the result the
// job carries inline. A download URL that has expired (403 or 404) is
// refreshed once by getting the job again. A job with neither gives an
// error matching ErrNoResult. A result document that reports an error
// instead of a verdict ({"error": "OutOfMemoryError", "message": ...})
// gives a *ResultError matching ErrJobFailed. Faces the job describes
// beside its result (FI-1's identityDetails) are merged into
// Result.Identities.
func (s *JobsService) Result(ctx context.Context, job *Job, opts ...CallOption) (*Result, error) {
	if job == nil {
		return nil, fmt.Errorf("%w: nil *Job", ErrInvalidArgument)
	}
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer end()
	return s.result(ctx, job, cs)
}

func (s *JobsService) result(ctx context.Context, job *Job, cs *callSettings) (*Result, error) {
	if a, ok := resultArtifact(job); ok {
		// The document is read inside the attempt (a cut download is
		// retried), at most maxResultBody bytes.
		resp, err := s.openArtifact(ctx, a, nil, job, cs, maxResultBody) // a refresher of its own if needed
		if err != nil {
			return nil, err
		}
		return s.parseResult(job, ownedBytes(resp.Body), false) // this call's own buffer: kept as Raw
	}
	if len(job.InlineResult) > 0 {
		return s.parseResult(job, job.InlineResult, true)
	}
	return nil, fmt.Errorf("%w: job %s is %s and carries no result", ErrNoResult, oneLine(job.ID, maxRequestIDLen), oneLine(string(job.Status), maxCodeLen))
}

// parseResult parses a job's result document, adds the faces the job
// describes beside it, and turns a document that reports an error into a
// *ResultError carrying the job. Result.Raw is a copy of raw when clone is
// set, else raw itself.
func (s *JobsService) parseResult(job *Job, raw []byte, clone bool) (*Result, error) {
	r, err := parseResult(raw, clone)
	if err == nil {
		r.addJobIdentities(job)
		return r, nil
	}
	var re *ResultError
	if errors.As(err, &re) {
		re.Job, re.Name, re.Message = job, s.c.scrubKey(re.Name), s.c.scrubKey(re.Message)
		return nil, re
	}
	return nil, err
}

func resultArtifact(job *Job) (Artifact, bool) {
	for _, a := range job.Artifacts {
		if strings.EqualFold(a.Kind, "result") && a.DownloadURL != "" {
			return a, true
		}
	}
	return Artifact{}, false
}

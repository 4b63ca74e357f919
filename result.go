package authenta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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

	// Identities are the faces a model reports (DF-1, VF-1, ED-1, FI-1 image
	// or video), from identityPredictions, boundingBoxes and identityDetails
	// (on the result or on the job).
	Identities []Identity
}

// maxResultBody bounds a downloaded result document (DF-1 documents carry a
// bounding box per frame and can be large).
const maxResultBody = 64 << 20

// ParseResult decodes a result document leniently. It fails only when raw
// is not a JSON object.
func ParseResult(raw []byte) (*Result, error) {
	var w struct {
		IsDeepFake, Fake                  json.RawMessage
		RealConfidencePercent             json.RawMessage
		IsLiveness, IsLive, IsSpoof       json.RawMessage
		IsSimilar, SimilarityScore        json.RawMessage
		FaceVector, Embedding             json.RawMessage
		ResultType                        json.RawMessage
		IsFake, IsTampered, IsAIGenerated json.RawMessage
		Confidence                        json.RawMessage
	}
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("authenta: result is not a JSON object")
	}
	if err := json.Unmarshal(t, &w); err != nil {
		return nil, fmt.Errorf("authenta: decode result: %w", err)
	}
	r := &Result{
		Raw:                   json.RawMessage(bytes.Clone(t)),
		IsDeepFake:            lenient.Bool(firstRaw(w.IsDeepFake, w.Fake)),
		RealConfidencePercent: lenient.Float(w.RealConfidencePercent),
		IsSpoof:               lenient.Bool(w.IsSpoof),
		IsLive:                lenient.Bool(firstRaw(w.IsLiveness, w.IsLive)),
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
	return r, nil
}

// Result fetches a job's result: the artifact of kind "result" from its
// presigned URL (without the Authorization header), or else the result the
// job carries inline. A download URL that has expired (403 or 404) is
// refreshed once by getting the job again. A job with neither gives an
// error matching ErrNoResult.
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
		raw, err := s.download(ctx, a.DownloadURL, cs)
		var ae *APIError
		if errors.As(err, &ae) && (ae.StatusCode == 403 || ae.StatusCode == 404) && job.ID != "" {
			fresh, gerr := s.job(ctx, http.MethodGet, job.ID, "", cs)
			if gerr != nil {
				return nil, gerr
			}
			if a, ok = resultArtifact(fresh); ok {
				raw, err = s.download(ctx, a.DownloadURL, cs)
			}
		}
		if err != nil {
			return nil, err
		}
		return ParseResult(raw)
	}
	if len(job.InlineResult) > 0 {
		return ParseResult(job.InlineResult)
	}
	return nil, fmt.Errorf("%w: job %s is %s and carries no result", ErrNoResult, job.ID, job.Status)
}

func resultArtifact(job *Job) (Artifact, bool) {
	for _, a := range job.Artifacts {
		if strings.EqualFold(a.Kind, "result") && a.DownloadURL != "" {
			return a, true
		}
	}
	return Artifact{}, false
}

// download GETs a presigned URL through the storage client (retries, no
// auth) and returns its bounded body.
func (s *JobsService) download(ctx context.Context, rawURL string, cs *callSettings) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: download URL: %s", ErrInvalidArgument, redactURLs(err.Error()))
	}
	resp, err := s.c.send(s.c.storage, req, scopeStorage, cs)
	if err != nil {
		return nil, err
	}
	defer drainClose(resp.Body)
	b, err := readBody(resp.Body, resp.ContentLength, maxResultBody)
	if err != nil {
		return nil, fmt.Errorf("authenta: download result: %w", sanitizeError(err))
	}
	return b, nil
}

package authenta

// How the SDK's values print (fmt), log (slog) and marshal (encoding/json).
// Each shows the redacted copy that redact.go makes: presigned query
// strings never leave the process this way. The one exception is on
// purpose: CreatedJob marshals to JSON with its upload URLs, which another
// process needs to upload (an Upload on its own marshals redacted).
//
// The JSON forms are stable, camelCase, and read back by Job's decoder.
// To add a field, add it to the view struct next to the type.

import (
	"encoding/json"
	"fmt"
	"image"
	"io"
	"log/slog"
	"strconv"
	"time"
)

// ---- Job

type jobJSON struct {
	ID           string          `json:"id"`
	TaskTypeID   int             `json:"taskTypeId,omitempty"`
	TaskTypeSlug string          `json:"taskTypeSlug,omitempty"`
	Status       Status          `json:"status"`
	RawStatus    string          `json:"rawStatus,omitempty"`
	CreatedAt    time.Time       `json:"createdAt,omitzero"`
	UpdatedAt    time.Time       `json:"updatedAt,omitzero"`
	CompletedAt  time.Time       `json:"completedAt,omitzero"`
	ErrorMessage string          `json:"errorMessage,omitempty"`
	Message      string          `json:"message,omitempty"`
	Cost         *float64        `json:"cost,omitempty"`
	Inputs       []inputJSON     `json:"inputs,omitempty"`
	Artifacts    []artifactJSON  `json:"artifacts,omitempty"`
	InlineResult json.RawMessage `json:"result,omitempty"`
}

type inputJSON struct {
	Slot        string `json:"slot"`
	FileName    string `json:"fileName,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Size        int64  `json:"size,omitempty"`
}

func (j *Job) view() jobJSON {
	r := j.redacted()
	v := jobJSON{
		ID: r.ID, TaskTypeID: r.TaskTypeID, TaskTypeSlug: r.TaskTypeSlug,
		Status: r.Status, RawStatus: r.RawStatus,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, CompletedAt: r.CompletedAt,
		ErrorMessage: r.ErrorMessage, Message: r.Message, Cost: r.Cost,
		InlineResult: r.InlineResult,
	}
	for _, in := range r.Inputs {
		v.Inputs = append(v.Inputs, inputJSON(in))
	}
	for _, a := range r.Artifacts {
		v.Artifacts = append(v.Artifacts, a.view())
	}
	return v
}

// MarshalJSON writes the job as camelCase JSON, its artifacts' download
// URLs and any URL in its text or inline result with the query redacted.
func (j Job) MarshalJSON() ([]byte, error) { return json.Marshal(j.view()) }

// Format prints the job as %+v does, whatever the verb, with its artifacts'
// download URLs redacted. Without it, a verb such as %s on a struct that
// holds a *Job (Detection, CreatedJob, JobList) makes fmt dump the job's
// fields raw, presigned query strings included.
func (j Job) Format(f fmt.State, _ rune) {
	type fields Job // the same fields without the methods
	// Raw, the whole document again, is left out by redacted.
	r := j.redacted()
	fmt.Fprintf(f, "%+v", fields(r))
}

// LogValue logs the job's identity, state and artifacts, URLs redacted.
func (j Job) LogValue() slog.Value {
	r := j.redacted()
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("id", oneLine(r.ID, maxRequestIDLen)), slog.String("status", string(r.Status)))
	if r.RawStatus != "" && r.RawStatus != string(r.Status) {
		attrs = append(attrs, slog.String("rawStatus", oneLine(r.RawStatus, maxCodeLen)))
	}
	if r.TaskTypeID != 0 {
		attrs = append(attrs, slog.Int("taskTypeId", r.TaskTypeID))
	}
	if !r.CreatedAt.IsZero() {
		attrs = append(attrs, slog.Time("createdAt", r.CreatedAt))
	}
	if r.ErrorMessage != "" {
		attrs = append(attrs, slog.String("errorMessage", scrubLine(r.ErrorMessage, maxMessageLen)))
	}
	if r.Message != "" {
		attrs = append(attrs, slog.String("message", scrubLine(r.Message, maxMessageLen)))
	}
	if len(r.Artifacts) > 0 {
		attrs = append(attrs, indexed("artifacts", r.Artifacts))
	}
	return slog.GroupValue(attrs...)
}

// indexed logs a list as a group keyed "0", "1", ...
func indexed[T any](key string, items []T) slog.Attr {
	attrs := make([]slog.Attr, len(items))
	for i, it := range items {
		attrs[i] = slog.Any(strconv.Itoa(i), it)
	}
	return slog.Attr{Key: key, Value: slog.GroupValue(attrs...)}
}

// ---- Artifact

type artifactJSON struct {
	ID          string          `json:"id,omitempty"`
	Kind        string          `json:"kind,omitempty"`
	Slot        string          `json:"slot,omitempty"`
	Status      string          `json:"status,omitempty"`
	ContentType string          `json:"contentType,omitempty"`
	DownloadURL string          `json:"downloadUrl,omitempty"`
	CreatedAt   time.Time       `json:"createdAt,omitzero"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
}

func (a Artifact) view() artifactJSON {
	r := a.redacted()
	return artifactJSON(r)
}

// MarshalJSON writes the artifact as camelCase JSON, its download URL's
// query (and any URL's in its metadata) redacted.
func (a Artifact) MarshalJSON() ([]byte, error) { return json.Marshal(a.view()) }

// Format prints the artifact with its download URL's query redacted.
func (a Artifact) Format(f fmt.State, _ rune) {
	r := a.redacted()
	fmt.Fprintf(f, "{ID:%s Kind:%s Slot:%s Status:%s ContentType:%s DownloadURL:%s}",
		r.ID, r.Kind, r.Slot, r.Status, r.ContentType, r.DownloadURL)
}

// LogValue logs the artifact with its download URL's query redacted.
func (a Artifact) LogValue() slog.Value {
	r := a.redacted()
	attrs := make([]slog.Attr, 0, 5)
	for _, f := range [...]struct{ k, v string }{
		{"id", oneLine(r.ID, maxRequestIDLen)}, {"kind", oneLine(r.Kind, maxCodeLen)}, {"slot", oneLine(r.Slot, maxCodeLen)},
		{"contentType", oneLine(r.ContentType, maxCodeLen)}, {"downloadUrl", r.DownloadURL},
	} {
		if f.v != "" {
			attrs = append(attrs, slog.String(f.k, f.v))
		}
	}
	return slog.GroupValue(attrs...)
}

// ---- Upload and CreatedJob

type uploadJSON struct {
	Slot      string    `json:"slot"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// MarshalJSON writes the upload as camelCase JSON with its URL's query
// redacted, as slog and fmt print it: an upload marshalled on its own, in
// a slice or in a struct of the caller's (which is how slog's JSON handler
// writes anything but a top-level value) must not carry the credential.
// CreatedJob's JSON is the one that keeps the URLs, for handing a job's
// uploads to another process.
func (u Upload) MarshalJSON() ([]byte, error) { return json.Marshal(uploadJSON(u.redacted())) }

// Format prints the upload with its URL's query redacted.
func (u Upload) Format(f fmt.State, _ rune) {
	r := u.redacted()
	fmt.Fprintf(f, "{Slot:%s URL:%s ExpiresAt:%s}", r.Slot, r.URL, r.ExpiresAt.Format(time.RFC3339))
}

// LogValue logs the upload with its URL's query redacted.
func (u Upload) LogValue() slog.Value {
	r := u.redacted()
	attrs := []slog.Attr{slog.String("slot", oneLine(r.Slot, maxCodeLen)), slog.String("url", r.URL)}
	if !r.ExpiresAt.IsZero() {
		attrs = append(attrs, slog.Time("expiresAt", r.ExpiresAt))
	}
	return slog.GroupValue(attrs...)
}

type createdJSON struct {
	Job     *Job         `json:"job"`
	Uploads []uploadJSON `json:"uploads"`
}

// MarshalJSON writes {"job": ..., "uploads": [...]}: the job redacted as
// Job's JSON is, and the uploads WITH their presigned URLs, query included,
// so that another process can upload the inputs (the only JSON of the SDK
// that keeps a credential; an Upload marshalled on its own is redacted).
// Treat it as a secret: do not log it.
func (cj CreatedJob) MarshalJSON() ([]byte, error) {
	w := createdJSON{Job: cj.Job, Uploads: make([]uploadJSON, len(cj.Uploads))}
	for i, u := range cj.Uploads {
		w.Uploads[i] = uploadJSON(u)
	}
	return json.Marshal(w)
}

// LogValue logs the job and its uploads, URLs redacted.
func (cj CreatedJob) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 2)
	if cj.Job != nil {
		attrs = append(attrs, slog.Any("job", *cj.Job))
	}
	return slog.GroupValue(append(attrs, indexed("uploads", cj.Uploads))...)
}

// ---- Result and Detection

type resultJSON struct {
	Raw                   json.RawMessage `json:"raw,omitempty"`
	ResultType            string          `json:"resultType,omitempty"`
	IsDeepFake            *bool           `json:"isDeepFake,omitempty"`
	RealConfidencePercent *float64        `json:"realConfidencePercent,omitempty"`
	IsLive                *bool           `json:"isLive,omitempty"`
	IsSpoof               *bool           `json:"isSpoof,omitempty"`
	IsSimilar             *bool           `json:"isSimilar,omitempty"`
	SimilarityScore       *float64        `json:"similarityScore,omitempty"`
	FaceVector            []float64       `json:"faceVector,omitempty"`
	IsFake                *bool           `json:"isFake,omitempty"`
	IsTampered            *bool           `json:"isTampered,omitempty"`
	IsAIGenerated         *bool           `json:"isAIGenerated,omitempty"`
	Confidence            *float64        `json:"confidence,omitempty"`
	Identities            []identityJSON  `json:"identities,omitempty"`
}

type identityJSON struct {
	ID         string         `json:"id"`
	IsDeepFake *bool          `json:"isDeepFake,omitempty"`
	Confidence *float64       `json:"confidence,omitempty"`
	Class      string         `json:"class,omitempty"`
	Boxes      []frameBoxJSON `json:"boxes,omitempty"`
}

type frameBoxJSON struct {
	Frame      int      `json:"frame"`
	Box        boxJSON  `json:"box"`
	Class      string   `json:"class,omitempty"`
	Confidence *float64 `json:"confidence,omitempty"`
}

type boxJSON struct {
	MinX int `json:"minX"`
	MinY int `json:"minY"`
	MaxX int `json:"maxX"`
	MaxY int `json:"maxY"`
}

func newBoxJSON(r image.Rectangle) boxJSON {
	return boxJSON{MinX: r.Min.X, MinY: r.Min.Y, MaxX: r.Max.X, MaxY: r.Max.Y}
}

func (r *Result) view() resultJSON {
	c := r.redacted()
	v := resultJSON{
		Raw: c.Raw, ResultType: c.ResultType, IsDeepFake: c.IsDeepFake, RealConfidencePercent: c.RealConfidencePercent,
		IsLive: c.IsLive, IsSpoof: c.IsSpoof, IsSimilar: c.IsSimilar, SimilarityScore: c.SimilarityScore,
		FaceVector: c.FaceVector, IsFake: c.IsFake, IsTampered: c.IsTampered, IsAIGenerated: c.IsAIGenerated,
		Confidence: c.Confidence,
	}
	for _, id := range c.Identities {
		iv := identityJSON{ID: id.ID, IsDeepFake: id.IsDeepFake, Confidence: id.Confidence, Class: id.Class}
		for _, b := range id.Boxes {
			iv.Boxes = append(iv.Boxes, frameBoxJSON{Frame: b.Frame, Box: newBoxJSON(b.Box), Class: b.Class, Confidence: b.Confidence})
		}
		v.Identities = append(v.Identities, iv)
	}
	return v
}

// MarshalJSON writes the result as camelCase JSON: the decoded fields and
// the raw document ("raw") with every URL's query string in it redacted.
func (r Result) MarshalJSON() ([]byte, error) { return json.Marshal(r.view()) }

// Format prints the result as its JSON (URLs in Raw redacted), whatever
// the verb: the raw document is readable text, not a dump of bytes.
func (r Result) Format(f fmt.State, _ rune) {
	b, err := r.MarshalJSON()
	if err != nil {
		_, _ = io.WriteString(f, "authenta.Result{"+redacted+"}")
		return
	}
	_, _ = io.WriteString(f, "authenta.Result"+string(b))
}

// LogValue logs the result's decoded fields (not the raw document).
func (r Result) LogValue() slog.Value {
	var attrs []slog.Attr
	if r.ResultType != "" {
		attrs = append(attrs, slog.String("resultType", oneLine(r.ResultType, maxCodeLen)))
	}
	for _, b := range []struct {
		k string
		v *bool
	}{{"isDeepFake", r.IsDeepFake}, {"isLive", r.IsLive}, {"isSimilar", r.IsSimilar}, {"isFake", r.IsFake}, {"isTampered", r.IsTampered}, {"isAIGenerated", r.IsAIGenerated}} {
		if b.v != nil {
			attrs = append(attrs, slog.Bool(b.k, *b.v))
		}
	}
	for _, n := range []struct {
		k string
		v *float64
	}{{"realConfidencePercent", r.RealConfidencePercent}, {"similarityScore", r.SimilarityScore}, {"confidence", r.Confidence}} {
		if n.v != nil {
			attrs = append(attrs, slog.Float64(n.k, *n.v))
		}
	}
	if len(r.Identities) > 0 {
		attrs = append(attrs, slog.Int("identities", len(r.Identities)))
	}
	return slog.GroupValue(attrs...)
}

type detectionJSON struct {
	Job    *Job    `json:"job"`
	Result *Result `json:"result"`
}

// MarshalJSON writes {"job": ..., "result": ...}, both redacted.
func (d Detection) MarshalJSON() ([]byte, error) { return json.Marshal(detectionJSON(d)) }

// LogValue logs the job and the result, redacted.
func (d Detection) LogValue() slog.Value {
	var attrs []slog.Attr
	if d.Job != nil {
		attrs = append(attrs, slog.Any("job", *d.Job))
	}
	if d.Result != nil {
		attrs = append(attrs, slog.Any("result", *d.Result))
	}
	return slog.GroupValue(attrs...)
}

// ---- JobList

type jobListJSON struct {
	Jobs  []*Job `json:"jobs"`
	Page  int    `json:"page"`
	Limit int    `json:"limit,omitempty"`
	Total int    `json:"total,omitempty"`
	Pages int    `json:"pages,omitempty"`
}

// MarshalJSON writes the page as camelCase JSON, every job redacted.
func (l JobList) MarshalJSON() ([]byte, error) { return json.Marshal(jobListJSON(l)) }

// LogValue logs the page and its jobs, redacted.
func (l JobList) LogValue() slog.Value {
	jobs := make([]Job, 0, len(l.Jobs))
	for _, j := range l.Jobs {
		if j != nil {
			jobs = append(jobs, *j)
		}
	}
	return slog.GroupValue(slog.Int("page", l.Page), slog.Int("limit", l.Limit), slog.Int("total", l.Total), slog.Int("pages", l.Pages), indexed("jobs", jobs))
}

// ---- Errors

// Format prints the error's Error() for every verb, and for %#v its fields
// without the body (which may echo a presigned signature).
func (e APIError) Format(f fmt.State, verb rune) {
	formatError(f, verb, &e, func() string {
		return fmt.Sprintf("&authenta.APIError{StatusCode:%d, Code:%q, Message:%q, RequestID:%q, RetryAfter:%d, Body:[%d bytes %s]}",
			e.StatusCode, scrubLine(e.Code, maxCodeLen), scrubLine(e.Message, maxMessageLen), scrubLine(e.RequestID, maxRequestIDLen), e.RetryAfter, len(e.Body), redacted)
	})
}

// formatError is the Format of the SDK's errors: Error() for every verb
// (quoted for %q), and for %#v the redacted fields goString gives.
func formatError(f fmt.State, verb rune, err error, goString func() string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, goString())
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(err.Error()))
	default:
		_, _ = io.WriteString(f, err.Error())
	}
}

// LogValue logs the error's fields, never its body.
func (e APIError) LogValue() slog.Value {
	attrs := []slog.Attr{slog.Int("status", e.StatusCode)}
	if e.Code != "" {
		attrs = append(attrs, slog.String("code", scrubLine(e.Code, maxCodeLen)))
	}
	attrs = append(attrs, slog.String("message", scrubLine(e.Message, maxMessageLen)))
	if e.RequestID != "" {
		attrs = append(attrs, slog.String("requestId", scrubLine(e.RequestID, maxRequestIDLen)))
	}
	if e.RetryAfter > 0 {
		attrs = append(attrs, slog.Duration("retryAfter", e.RetryAfter))
	}
	return slog.GroupValue(attrs...)
}

// LogValue logs the step, the job and the error's text, redacted.
func (e StepError) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("step", oneLine(e.Step, maxCodeLen)),
		slog.String("error", errorText(e.Err)),
	}
	if e.JobID != "" {
		attrs = append(attrs, slog.String("jobId", oneLine(e.JobID, maxRequestIDLen)), slog.Bool("removed", e.Removed))
	}
	if e.Cleanup != nil {
		attrs = append(attrs, slog.String("cleanup", errorText(e.Cleanup)))
	}
	if e.Job != nil {
		attrs = append(attrs, slog.Any("job", *e.Job))
	}
	return slog.GroupValue(attrs...)
}

// LogValue logs the job's id and status and the server's message, redacted.
func (e JobError) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 3)
	if e.Job != nil {
		attrs = append(attrs, slog.String("jobId", oneLine(e.Job.ID, maxRequestIDLen)), slog.String("status", string(e.Job.Status)))
	}
	if e.Message != "" {
		attrs = append(attrs, slog.String("message", scrubLine(e.Message, maxMessageLen)))
	}
	return slog.GroupValue(attrs...)
}

// Format prints Error() for every verb; %#v shows the fields, redacted.
func (e JobError) Format(f fmt.State, verb rune) {
	formatError(f, verb, &e, func() string {
		var id string
		var st Status
		if e.Job != nil {
			id, st = e.Job.ID, e.Job.Status
		}
		return fmt.Sprintf("&authenta.JobError{Job:{ID:%q Status:%q}, Message:%q}", oneLine(id, maxRequestIDLen), st, scrubLine(e.Message, maxMessageLen))
	})
}

// Format prints Error() for every verb; %#v shows the fields, redacted.
func (e StepError) Format(f fmt.State, verb rune) {
	formatError(f, verb, &e, func() string {
		job := "nil"
		if e.Job != nil {
			job = fmt.Sprintf("&{ID:%q Status:%q}", oneLine(e.Job.ID, maxRequestIDLen), e.Job.Status)
		}
		return fmt.Sprintf("&authenta.StepError{Step:%q, JobID:%q, Err:%q, Cleanup:%q, Removed:%t, Job:%s}",
			oneLine(e.Step, maxCodeLen), oneLine(e.JobID, maxRequestIDLen), errorText(e.Err), errorText(e.Cleanup), e.Removed, job)
	})
}

// Format prints Error() for every verb; %#v shows the fields, redacted.
func (e ResultError) Format(f fmt.State, verb rune) {
	formatError(f, verb, &e, func() string {
		return fmt.Sprintf("&authenta.ResultError{Job:{ID:%q}, Name:%q, Message:%q}", e.jobID(), scrubLine(e.Name, maxCodeLen), scrubLine(e.Message, maxMessageLen))
	})
}

// LogValue logs the job's id, the model's error name and message, redacted.
func (e ResultError) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 3)
	if id := e.jobID(); id != "" {
		attrs = append(attrs, slog.String("jobId", id))
	}
	if e.Name != "" {
		attrs = append(attrs, slog.String("name", scrubLine(e.Name, maxCodeLen)))
	}
	if e.Message != "" {
		attrs = append(attrs, slog.String("message", scrubLine(e.Message, maxMessageLen)))
	}
	return slog.GroupValue(attrs...)
}

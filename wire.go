package authenta

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/phospheneai/authenta-go/internal/lenient"
)

// The service and its docs disagree on almost every response shape (wire
// reference §1.18). The decoders here accept every variant: fields are read
// as raw JSON and interpreted leniently, and a surprising field is skipped,
// never fatal.

// wireJobFields are a job's fields that are read the same way whatever
// the shape around them.
type wireJobFields struct {
	ID           json.RawMessage `json:"id"`
	JobID        json.RawMessage `json:"jobId"`
	TaskID       json.RawMessage `json:"taskId"` // a transient docs revision's name
	MID          json.RawMessage `json:"mid"`    // legacy media id
	Job          json.RawMessage `json:"job"`
	Data         json.RawMessage `json:"data"`
	TaskTypeID   json.RawMessage `json:"taskTypeId"`
	TaskTypeSlug json.RawMessage `json:"taskTypeSlug"`
	Status       json.RawMessage `json:"status"`
	CreatedAt    json.RawMessage `json:"createdAt"`
	UpdatedAt    json.RawMessage `json:"updatedAt"`
	CompletedAt  json.RawMessage `json:"completedAt"`
	ErrorMessage json.RawMessage `json:"errorMessage"`
	Error        json.RawMessage `json:"error"`
	Message      json.RawMessage `json:"message"`
	Cost         json.RawMessage `json:"cost"`
	Result       json.RawMessage `json:"result"`
	ResultURL    json.RawMessage `json:"resultURL"`
}

// wireJobTyped is the common shape, decoded in one pass: inputs and
// artifacts are arrays of objects and taskType an object. Any other shape
// fails to decode into it and takes wireJob's lenient path.
type wireJobTyped struct {
	wireJobFields
	TaskType  *wireTaskType   `json:"taskType"`
	Inputs    []*wireInput    `json:"inputs"`
	Artifacts []*wireArtifact `json:"artifacts"`
}

// wireJob reads the parts that vary in shape as raw JSON.
type wireJob struct {
	wireJobFields
	TaskType  json.RawMessage `json:"taskType"`
	Inputs    json.RawMessage `json:"inputs"`
	Artifacts json.RawMessage `json:"artifacts"`
}

type wireTaskType struct{ ID, Slug json.RawMessage }

type wireArtifact struct {
	ID, Kind, SlotName, Slot, Status, ContentType, DownloadURL, URL, CreatedAt, Metadata json.RawMessage
}

func (a *wireArtifact) artifact() Artifact {
	return Artifact{
		ID:          lenient.String(a.ID),
		Kind:        lenient.String(a.Kind),
		Slot:        firstString(a.SlotName, a.Slot),
		Status:      lenient.String(a.Status),
		ContentType: lenient.String(a.ContentType),
		DownloadURL: firstString(a.DownloadURL, a.URL),
		CreatedAt:   lenient.Time(a.CreatedAt),
		Metadata:    nonNull(a.Metadata),
	}
}

// UnmarshalJSON decodes a job from any of the shapes the service sends:
// flat with "jobId" or "id" (number or string), or nested as {"job": {...}}
// or {"data": {...}}.
// Raw is set to a copy of b. A document over the decoder's budget (see
// budget.go) is an error.
func (j *Job) UnmarshalJSON(b []byte) error {
	if err := checkJobBudget(b); err != nil {
		return err
	}
	return j.decodeKept(bytes.Clone(b))
}

// decodeOwned is UnmarshalJSON for a buffer the job may keep as its Raw:
// the SDK's own response bodies, read for this job alone, are not copied
// again. The budget is checked first.
func (j *Job) decodeOwned(b []byte) error {
	if err := checkJobBudget(b); err != nil {
		return err
	}
	return j.decodeKept(b)
}

// decodeKept decodes b, which the job keeps as its Raw, without checking
// the budget (a list checks its own, for all its jobs at once).
func (j *Job) decodeKept(b []byte) error {
	if err := j.decode(b, 0); err != nil {
		return err
	}
	if t := bytes.TrimSpace(b); lenient.Present(t) {
		j.Raw = json.RawMessage(t)
	}
	return nil
}

// ownedDecoder is a response type that may keep the body it decodes.
type ownedDecoder interface{ decodeOwned(b []byte) error }

// identityDetails returns the identityDetails object the job carries at its
// top level or in its {"job": ...} or {"data": ...} wrapper (FI-1), or nil.
func (j *Job) identityDetails() json.RawMessage {
	if !bytes.Contains(j.Raw, []byte("dentityDetails")) { // a cheap test before decoding the job again
		return nil
	}
	var w struct{ IdentityDetails, Job, Data json.RawMessage }
	if json.Unmarshal(j.Raw, &w) != nil {
		return nil
	}
	if lenient.Present(w.IdentityDetails) {
		return w.IdentityDetails
	}
	for _, inner := range []json.RawMessage{w.Job, w.Data} {
		var in struct{ IdentityDetails json.RawMessage }
		if lenient.IsObject(inner) && json.Unmarshal(inner, &in) == nil && lenient.Present(in.IdentityDetails) {
			return in.IdentityDetails
		}
	}
	return nil
}

// maxWrappers bounds how many {"job": ...} / {"data": ...} wrappers are
// unwrapped (one is documented). Each level decodes its part of the
// document again, so an unbounded depth would cost time quadratic in the
// size of a deeply nested answer.
const maxWrappers = 3

func (j *Job) decode(b []byte, wrappers int) error {
	unwrap := wrappers < maxWrappers
	// The fast path: one pass of encoding/json over the common shape.
	var t wireJobTyped
	if json.Unmarshal(b, &t) == nil && !(unwrap && t.isWrapper()) {
		j.fill(&t.wireJobFields, t.TaskType)
		j.addInputs(t.Inputs)
		for _, a := range t.Artifacts {
			if a != nil {
				j.Artifacts = append(j.Artifacts, a.artifact())
			}
		}
		j.addLegacyResultURL(&t.wireJobFields)
		return nil
	}

	// The lenient path: every field on its own, whatever its shape.
	var w wireJob
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if unwrap && w.isWrapper() { // {"job": {...}} or {"data": {...}}
		for _, inner := range []json.RawMessage{w.Job, w.Data} {
			if lenient.IsObject(inner) {
				if err := j.decode(inner, wrappers+1); err != nil {
					return err
				}
				j.mergeInputs(w.Inputs)
				return nil
			}
		}
	}
	var tt *wireTaskType
	if lenient.IsObject(w.TaskType) {
		tt = new(wireTaskType)
		if json.Unmarshal(w.TaskType, tt) != nil {
			tt = nil
		}
	}
	j.fill(&w.wireJobFields, tt)
	j.mergeInputs(w.Inputs)
	for _, raw := range lenient.Objects(w.Artifacts) {
		var a wireArtifact
		if json.Unmarshal(raw, &a) == nil {
			j.Artifacts = append(j.Artifacts, a.artifact())
		}
	}
	j.addLegacyResultURL(&w.wireJobFields)
	return nil
}

// isWrapper reports a job nested in {"job": ...} or {"data": ...} rather
// than described at the top level.
func (w *wireJobFields) isWrapper() bool {
	return !lenient.Present(w.ID) && !lenient.Present(w.JobID) && !lenient.Present(w.TaskID) && (lenient.IsObject(w.Job) || lenient.IsObject(w.Data))
}

// fill sets the job from the fields every shape shares.
func (j *Job) fill(w *wireJobFields, tt *wireTaskType) {
	*j = Job{}
	j.ID = firstString(w.ID, w.JobID, w.TaskID, w.MID)
	j.TaskTypeID, _ = lenient.Int(w.TaskTypeID)
	j.TaskTypeSlug = lenient.String(w.TaskTypeSlug)
	if tt != nil { // {"taskType": {"id": "1", "slug": "..."}}
		if j.TaskTypeID == 0 {
			j.TaskTypeID, _ = lenient.Int(tt.ID)
		}
		if j.TaskTypeSlug == "" {
			j.TaskTypeSlug = lenient.String(tt.Slug)
		}
	}
	j.RawStatus = lenient.String(w.Status)
	j.Status = NormalizeStatus(j.RawStatus)
	j.CreatedAt = lenient.Time(w.CreatedAt)
	j.UpdatedAt = lenient.Time(w.UpdatedAt)
	j.CompletedAt = lenient.Time(w.CompletedAt)
	j.ErrorMessage = firstString(w.ErrorMessage, w.Error)
	if j.ErrorMessage == "" && lenient.IsObject(w.Error) {
		var e struct{ Message json.RawMessage }
		if json.Unmarshal(w.Error, &e) == nil {
			j.ErrorMessage = lenient.String(e.Message)
		}
	}
	j.Message = lenient.String(w.Message)
	j.Cost = lenient.Float(w.Cost)
	j.InlineResult = nonNull(w.Result)
}

// addLegacyResultURL turns a legacy media record's resultURL into a result
// artifact.
func (j *Job) addLegacyResultURL(w *wireJobFields) {
	if u := lenient.String(w.ResultURL); u != "" {
		j.Artifacts = append(j.Artifacts, Artifact{Kind: "result", ContentType: "application/json", DownloadURL: u})
	}
}

// mergeInputs adds the inputs described in raw (an array of objects, or
// one object) to those the job already has.
func (j *Job) mergeInputs(raw json.RawMessage) {
	objs := lenient.Objects(raw)
	ins := make([]*wireInput, 0, len(objs))
	for _, o := range objs {
		w := new(wireInput)
		if json.Unmarshal(o, w) == nil {
			ins = append(ins, w)
		}
	}
	j.addInputs(ins)
}

// addInputs adds inputs to those the job already has, replacing any in the
// same slot. Upload descriptors that say nothing about the file are skipped.
func (j *Job) addInputs(ins []*wireInput) {
	for _, w := range ins {
		if w == nil {
			continue
		}
		i := w.input()
		if i.FileName == "" && i.ContentType == "" && i.Size == 0 {
			continue // an upload descriptor only: nothing to say about the file
		}
		if k := j.inputIndex(i.Slot); k >= 0 {
			j.Inputs[k] = i
		} else {
			j.Inputs = append(j.Inputs, i)
		}
	}
}

func (j *Job) inputIndex(slot string) int {
	for k, in := range j.Inputs {
		if in.Slot == slot {
			return k
		}
	}
	return -1
}

type wireInput struct {
	SlotName, Slot, Name  json.RawMessage
	ContentType, FileName json.RawMessage
	SizeBytes, Size       json.RawMessage
	UploadURL, URL        json.RawMessage
	UploadURLExpiresAt    json.RawMessage
	ExpiresAt             json.RawMessage
}

func (w *wireInput) input() Input {
	size, _ := lenient.Int(firstRaw(w.SizeBytes, w.Size))
	return Input{
		Slot:        firstString(w.SlotName, w.Slot, w.Name),
		FileName:    lenient.String(w.FileName),
		ContentType: lenient.String(w.ContentType),
		Size:        int64(size),
	}
}

// wireCreated is the answer to create: {"job": {...}, "inputs": [...]} or
// the flat {"jobId": ..., "inputs": [...]}.
type wireCreated struct {
	job    Job
	inputs []wireInput
}

func (w *wireCreated) UnmarshalJSON(b []byte) error { return w.decodeOwned(bytes.Clone(b)) }

func (w *wireCreated) decodeOwned(b []byte) error {
	if err := w.job.decodeOwned(b); err != nil {
		return err
	}
	var top struct{ Inputs json.RawMessage }
	if err := json.Unmarshal(b, &top); err != nil {
		return err
	}
	for _, raw := range lenient.Objects(top.Inputs) {
		var in wireInput
		if json.Unmarshal(raw, &in) == nil {
			w.inputs = append(w.inputs, in)
		}
	}
	return nil
}

// created builds the CreatedJob: uploads matched to the request's inputs by
// slot name, or by position only when the server named no slots at all.
func (w *wireCreated) created(req *JobRequest) *CreatedJob {
	job := w.job
	cj := &CreatedJob{Job: &job}
	named := false
	for _, in := range w.inputs {
		if firstString(in.SlotName, in.Slot, in.Name) != "" {
			named = true
		}
	}
	for k, in := range w.inputs {
		u := firstString(in.UploadURL, in.URL)
		if u == "" {
			continue
		}
		slot := firstString(in.SlotName, in.Slot, in.Name)
		if !named && k < len(req.Inputs) {
			slot = req.Inputs[k].Slot
		}
		cj.Uploads = append(cj.Uploads, Upload{Slot: slot, URL: u, ExpiresAt: lenient.Time(firstRaw(in.UploadURLExpiresAt, in.ExpiresAt))})
	}
	// The job describes its inputs as requested when the server did not.
	for _, in := range req.Inputs {
		if job.inputIndex(in.Slot) < 0 {
			job.Inputs = append(job.Inputs, in)
		}
	}
	if job.TaskTypeID == 0 {
		job.TaskTypeID = req.TaskType.ID
	}
	return cj
}

// wireList decodes a JobList from every list envelope: {"data": [...],
// "pagination": {...}}, {"items": [...], "total", "page", "pageSize"},
// the legacy {"limit", "offset", "total", "data"}, {"jobs": [...]}, or a
// bare array.
type wireList JobList

func (l *wireList) UnmarshalJSON(b []byte) error {
	if err := checkListBudget(b); err != nil {
		return err
	}
	var items json.RawMessage
	trimmed := strings.TrimSpace(string(b))
	if strings.HasPrefix(trimmed, "[") {
		if !json.Valid(b) {
			return errors.New("authenta: list response is not valid JSON")
		}
		items = b
	} else {
		var env struct {
			Data, Items, Jobs, Results          json.RawMessage
			Pagination, Meta                    json.RawMessage
			Page, Limit, PageSize, Total, Pages json.RawMessage
			TotalPages, Offset                  json.RawMessage
		}
		if err := json.Unmarshal(b, &env); err != nil {
			return err
		}
		items = firstRaw(env.Data, env.Items, env.Jobs, env.Results)
		l.readPaging(env.Page, env.Limit, env.PageSize, env.Total, env.Pages, env.TotalPages, env.Offset)
		for _, p := range []json.RawMessage{env.Pagination, env.Meta} {
			if lenient.IsObject(p) {
				var pg struct{ Page, Limit, PageSize, Total, Pages, TotalPages, Offset json.RawMessage }
				if json.Unmarshal(p, &pg) == nil {
					l.readPaging(pg.Page, pg.Limit, pg.PageSize, pg.Total, pg.Pages, pg.TotalPages, pg.Offset)
				}
			}
		}
	}
	for _, raw := range lenient.Objects(items) {
		j := new(Job)
		if j.decodeKept(raw) == nil { // raw is already a copy, within the list's budget checked above
			l.Jobs = append(l.Jobs, j)
		}
	}
	return nil
}

func (l *wireList) readPaging(page, limit, pageSize, total, pages, totalPages, offset json.RawMessage) {
	set := func(dst *int, raws ...json.RawMessage) {
		for _, r := range raws {
			if v, ok := lenient.Int(r); ok && v >= 0 && *dst == 0 {
				*dst = v
			}
		}
	}
	set(&l.Limit, limit, pageSize)
	set(&l.Total, total)
	set(&l.Pages, pages, totalPages)
	set(&l.Page, page)
	if l.Page == 0 && l.Limit > 0 {
		if off, ok := lenient.Int(offset); ok && off >= 0 {
			l.Page = off/l.Limit + 1
		}
	}
}

func firstRaw(raws ...json.RawMessage) json.RawMessage {
	for _, r := range raws {
		if lenient.Present(r) {
			return r
		}
	}
	return nil
}

func firstString(raws ...json.RawMessage) string {
	for _, r := range raws {
		if s := lenient.String(r); s != "" {
			return s
		}
	}
	return ""
}

func nonNull(raw json.RawMessage) json.RawMessage {
	if !lenient.Present(raw) {
		return nil
	}
	return raw
}

package authenta

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go/internal/lenient"
)

// The service and its docs disagree on almost every response shape (wire
// reference §1.18). The decoders here accept every variant: fields are read
// as raw JSON and interpreted leniently, and a surprising field is skipped,
// never fatal.

// rawRef is a JSON value inside the document being decoded: unlike
// json.RawMessage it is not copied, so it is valid only while the
// UnmarshalJSON that decodes the document runs. Every use turns it into a
// string or number before that returns, or clones it (fill's InlineResult).
type rawRef []byte

func (r *rawRef) UnmarshalJSON(b []byte) error {
	*r = b
	return nil
}

// wireJobFields are a job's fields that are read the same way whatever
// the shape around them.
type wireJobFields struct {
	ID           rawRef `json:"id"`
	JobID        rawRef `json:"jobId"`
	TaskID       rawRef `json:"taskId"` // a transient docs revision's name
	MID          rawRef `json:"mid"`    // legacy media id
	Job          rawRef `json:"job"`
	Data         rawRef `json:"data"`
	TaskTypeID   rawRef `json:"taskTypeId"`
	TaskTypeSlug rawRef `json:"taskTypeSlug"`
	Status       rawRef `json:"status"`
	CreatedAt    rawRef `json:"createdAt"`
	UpdatedAt    rawRef `json:"updatedAt"`
	CompletedAt  rawRef `json:"completedAt"`
	ErrorMessage rawRef `json:"errorMessage"`
	Error        rawRef `json:"error"`
	Message      rawRef `json:"message"`
	Cost         rawRef `json:"cost"`
	Result       rawRef `json:"result"`
	ResultURL    rawRef `json:"resultURL"`
}

// wireJobTyped is the common shape, decoded in one pass: inputs and
// artifacts are arrays of objects, every artifact field but metadata a
// string or null, and taskType an object. Any other shape fails to decode
// into it and takes wireJob's lenient path.
type wireJobTyped struct {
	wireJobFields
	TaskType  *wireTaskType       `json:"taskType"`
	Inputs    []*wireInput        `json:"inputs"`
	Artifacts []*wireArtifactText `json:"artifacts"`
}

// wireJob reads the parts that vary in shape as raw JSON.
type wireJob struct {
	wireJobFields
	TaskType  json.RawMessage `json:"taskType"`
	Inputs    json.RawMessage `json:"inputs"`
	Artifacts json.RawMessage `json:"artifacts"`
}

type wireTaskType struct {
	ID   rawRef `json:"id"`
	Slug rawRef `json:"slug"`
}

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

// wireArtifactText is wireArtifact when every field but Metadata is a
// string or null: encoding/json decodes the strings directly, without a
// copy of each field's raw bytes. It gives the same Artifact as
// wireArtifact would.
//
// Its tags name the keys as the service spells them, so that encoding/json
// finds each field by its exact name; any other casing still matches
// case-insensitively, as it does for wireArtifact's untagged fields.
type wireArtifactText struct {
	ID          string          `json:"id"`
	Kind        string          `json:"kind"`
	SlotName    string          `json:"slotName"`
	Slot        string          `json:"slot"`
	Status      string          `json:"status"`
	ContentType string          `json:"contentType"`
	DownloadURL string          `json:"downloadUrl"`
	URL         string          `json:"url"`
	CreatedAt   string          `json:"createdAt"`
	Metadata    json.RawMessage `json:"metadata"`
}

func (a *wireArtifactText) artifact() Artifact {
	return Artifact{
		ID:          a.ID,
		Kind:        a.Kind,
		Slot:        cmp.Or(a.SlotName, a.Slot),
		Status:      a.Status,
		ContentType: a.ContentType,
		DownloadURL: cmp.Or(a.DownloadURL, a.URL),
		CreatedAt:   lenient.TimeText(a.CreatedAt),
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
	j.setRaw(b)
	return nil
}

// setRaw keeps b, trimmed, as the job's Raw.
func (j *Job) setRaw(b []byte) {
	if t := bytes.TrimSpace(b); lenient.Present(t) {
		j.Raw = json.RawMessage(t)
	}
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
	// The fast path: one pass of encoding/json over the common shape.
	var t wireJobTyped
	if json.Unmarshal(b, &t) == nil {
		return j.decodeTyped(&t, wrappers)
	}
	return j.decodeLenient(b, wrappers)
}

// decodeTyped sets the job from the common shape, decoded in one pass. A
// wrapper's inner job is decoded on its own, and the inputs beside it
// (the create answer's) are merged in.
func (j *Job) decodeTyped(t *wireJobTyped, wrappers int) error {
	if ok, err := j.unwrap(&t.wireJobFields, wrappers); ok {
		if err != nil {
			return err
		}
		j.addInputs(t.Inputs)
		return nil
	}
	j.fill(&t.wireJobFields, t.TaskType)
	j.addInputs(t.Inputs)
	if n := len(t.Artifacts) - count(t.Artifacts, nil); n > 0 {
		j.Artifacts = make([]Artifact, 0, n) // one allocation, not one per doubling
	}
	for _, a := range t.Artifacts {
		if a != nil {
			j.Artifacts = append(j.Artifacts, a.artifact())
		}
	}
	j.addLegacyResultURL(&t.wireJobFields)
	return nil
}

// count returns how many of s are v.
func count[T comparable](s []T, v T) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

// decodeLenient reads every field on its own, whatever its shape.
func (j *Job) decodeLenient(b []byte, wrappers int) error {
	var w wireJob
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if ok, err := j.unwrap(&w.wireJobFields, wrappers); ok {
		if err != nil {
			return err
		}
		j.mergeInputs(w.Inputs)
		return nil
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

// unwrap decodes the job inside {"job": {...}} or {"data": {...}} when w
// is such a wrapper (up to maxWrappers deep); ok reports whether it was.
func (j *Job) unwrap(w *wireJobFields, wrappers int) (ok bool, err error) {
	if wrappers >= maxWrappers || !w.isWrapper() {
		return false, nil
	}
	for _, inner := range [...]rawRef{w.Job, w.Data} {
		if lenient.IsObject(inner) {
			return true, j.decode(inner, wrappers+1)
		}
	}
	return false, nil
}

// isWrapper reports a job nested in {"job": ...} or {"data": ...} rather
// than described at the top level.
func (w *wireJobFields) isWrapper() bool {
	return !lenient.Present(w.ID) && !lenient.Present(w.JobID) && !lenient.Present(w.TaskID) && (lenient.IsObject(w.Job) || lenient.IsObject(w.Data))
}

// statusText is lenient.String of a job's status. A status the service
// documents, sent as a plain JSON string, is returned as a constant equal
// to it, so that the string costs no allocation.
func statusText(raw rawRef) string {
	if len(raw) > 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		switch s := string(raw[1 : len(raw)-1]); s { // no allocation: a conversion in a switch
		case "pending":
			return "pending"
		case "initiated":
			return "initiated"
		case "waiting_for_finalize":
			return "waiting_for_finalize"
		case "waiting_for_upload":
			return "waiting_for_upload"
		case "queued":
			return "queued"
		case "processing":
			return "processing"
		case "completed":
			return "completed"
		case "failed":
			return "failed"
		case "cancelled":
			return "cancelled"
		}
	}
	return lenient.String(raw)
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
	j.RawStatus = statusText(w.Status)
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
	j.InlineResult = json.RawMessage(bytes.Clone(nonNull(w.Result))) // w.Result is a rawRef
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

// wireInput is read in place (rawRef): input and upload turn it into
// values before the document's UnmarshalJSON returns.
type wireInput struct {
	SlotName           rawRef `json:"slotName"`
	Slot               rawRef `json:"slot"`
	Name               rawRef `json:"name"`
	ContentType        rawRef `json:"contentType"`
	FileName           rawRef `json:"fileName"`
	SizeBytes          rawRef `json:"sizeBytes"`
	Size               rawRef `json:"size"`
	UploadURL          rawRef `json:"uploadUrl"`
	URL                rawRef `json:"url"`
	UploadURLExpiresAt rawRef `json:"uploadUrlExpiresAt"`
	ExpiresAt          rawRef `json:"expiresAt"`
}

// createdInput is one input of the create answer: where to upload it.
type createdInput struct {
	slot, url string
	expiresAt time.Time
}

func (w *wireInput) upload() createdInput {
	return createdInput{
		slot:      firstString(w.SlotName, w.Slot, w.Name),
		url:       firstString(w.UploadURL, w.URL),
		expiresAt: lenient.Time(firstRaw(w.UploadURLExpiresAt, w.ExpiresAt)),
	}
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
	inputs []createdInput
}

func (w *wireCreated) UnmarshalJSON(b []byte) error { return w.decodeOwned(bytes.Clone(b)) }

func (w *wireCreated) decodeOwned(b []byte) error {
	if err := checkJobBudget(b); err != nil {
		return err
	}
	if err := w.decode(b); err != nil {
		return err
	}
	w.job.setRaw(b)
	return nil
}

func (w *wireCreated) decode(b []byte) error {
	// The documented shape, {"job": {...}, "inputs": [...]}: one pass
	// decodes the wrapper's job too, where unwrap would decode it again.
	// Only for a document with one "job" key: encoding/json decodes a
	// repeated one into the same struct, merging the two objects, where
	// the job decoder keeps the last one alone.
	var c wireCreatedTyped
	if oneJobKey(b) && json.Unmarshal(b, &c) == nil && c.Job != nil && c.wrapsJob() {
		if err := w.job.decodeTyped(c.Job, 1); err != nil { // what unwrap does
			return err
		}
		w.job.addInputs(c.Inputs)
		w.addUploads(c.Inputs)
		return nil
	}
	return w.decodeOther(b)
}

// decodeOther is decode of every shape, the wrapper's job decoded on its own.
func (w *wireCreated) decodeOther(b []byte) error {
	// The common shapes: one pass gives both the job and the inputs.
	var t wireJobTyped
	if json.Unmarshal(b, &t) == nil {
		if err := w.job.decodeTyped(&t, 0); err != nil {
			return err
		}
		w.addUploads(t.Inputs)
		return nil
	}
	if err := w.job.decodeLenient(b, 0); err != nil {
		return err
	}
	var top struct{ Inputs json.RawMessage }
	if err := json.Unmarshal(b, &top); err != nil {
		return err
	}
	for _, raw := range lenient.Objects(top.Inputs) {
		var in wireInput
		if json.Unmarshal(raw, &in) == nil {
			w.inputs = append(w.inputs, in.upload())
		}
	}
	return nil
}

// addUploads keeps the upload descriptors of the create answer's inputs.
func (w *wireCreated) addUploads(ins []*wireInput) {
	for _, in := range ins {
		if in != nil {
			w.inputs = append(w.inputs, in.upload())
		}
	}
}

// oneJobKey reports whether b holds at most one key that encoding/json
// matches to "job": such a key, unescaped, is j, o and b in any case, so it
// is either the bytes "job" (any case) or holds a \u escape of one of
// those letters (\u004X or \u006X). It may count a string value "job"
// too: then the caller takes the slower path, which is always right.
func oneJobKey(b []byte) bool {
	if bytes.Contains(b, []byte(`\u004`)) || bytes.Contains(b, []byte(`\u006`)) {
		return false
	}
	n := 0
	for i := 0; n <= 1; {
		k := bytes.IndexByte(b[i:], '"')
		if k < 0 {
			break
		}
		i += k + 1
		if len(b)-i >= 4 && b[i]|0x20 == 'j' && b[i+1]|0x20 == 'o' && b[i+2]|0x20 == 'b' && b[i+3] == '"' {
			n++
		}
	}
	return n <= 1
}

// wireCreatedTyped is the documented create answer decoded in one pass:
// its "job" (which shadows wireJobFields.Job) in the typed shape beside
// the top level's fields and inputs. A job that is not an object, or not
// in the typed shape, fails the pass.
type wireCreatedTyped struct {
	wireJobTyped
	Job *wireJobTyped `json:"job"`
}

// wrapsJob reports what isWrapper would of the top level, given that its
// "job" is an object: it has no id of its own.
func (c *wireCreatedTyped) wrapsJob() bool {
	return !lenient.Present(c.ID) && !lenient.Present(c.JobID) && !lenient.Present(c.TaskID)
}

// created builds the CreatedJob: uploads matched to the request's inputs by
// slot name, or by position only when the server named no slots at all.
func (w *wireCreated) created(req *JobRequest) *CreatedJob {
	job := &w.job // w is decoded once and not used after
	// The CreatedJob, with room for one upload and one input: a job of one
	// input (Detect without a reference) takes one allocation, not three.
	store := &struct {
		cj     CreatedJob
		upload [1]Upload
		input  [1]Input
	}{cj: CreatedJob{Job: job}}
	cj := &store.cj
	named, urls := false, 0
	for _, in := range w.inputs {
		if in.slot != "" {
			named = true
		}
		if in.url != "" {
			urls++
		}
	}
	if urls == 1 {
		cj.Uploads = store.upload[:0:1]
	}
	for k, in := range w.inputs {
		if in.url == "" {
			continue
		}
		slot := in.slot
		if !named && k < len(req.Inputs) {
			slot = req.Inputs[k].Slot
		}
		cj.Uploads = append(cj.Uploads, Upload{Slot: slot, URL: in.url, ExpiresAt: in.expiresAt})
	}
	// The job describes its inputs as requested when the server did not.
	for _, in := range req.Inputs {
		if job.inputIndex(in.Slot) < 0 {
			if job.Inputs == nil && len(req.Inputs) == 1 {
				job.Inputs = store.input[:0:1]
			}
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

func firstRaw(raws ...[]byte) []byte {
	for _, r := range raws {
		if lenient.Present(r) {
			return r
		}
	}
	return nil
}

func firstString(raws ...[]byte) string {
	for _, r := range raws {
		if s := lenient.String(r); s != "" {
			return s
		}
	}
	return ""
}

func nonNull(raw []byte) []byte {
	if !lenient.Present(raw) {
		return nil
	}
	return raw
}

package authenta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// errNoJobID is a create answered with success but without a job id.
var errNoJobID = errors.New("authenta: create: the server answered with success but no job id")

// JobsService is the v1 jobs API: Create, Upload, Finalize, Get, List, All,
// Cancel, Delete, Wait and Result. Get it from Client.Jobs.
type JobsService struct{ c *Client }

// Job is a detection job as the server describes it. Fields the server did
// not send are zero.
type Job struct {
	ID           string // decoded from a JSON number or string, from "id", "jobId" or "job.id"
	TaskTypeID   int
	TaskTypeSlug string
	Status       Status // normalised (see NormalizeStatus)
	RawStatus    string // exactly as the server sent it
	CreatedAt    time.Time
	UpdatedAt    time.Time
	CompletedAt  time.Time
	ErrorMessage string // the server's, with the API key and URL query strings redacted should it echo them
	Message      string // the server's note on finalize or cancel, e.g. "Job successfully queued"
	Cost         *float64
	Inputs       []Input
	Artifacts    []Artifact
	// InlineResult is the result document embedded in the job, when the
	// server embeds one. Result prefers the result artifact.
	InlineResult json.RawMessage
	// Raw is the job's JSON exactly as the server sent it, so that nothing
	// it says is lost. It holds the artifacts' presigned URLs: a secret, not
	// to be logged (fmt verbs print the job without it).
	Raw json.RawMessage
}

// Input is one uploaded file of a job, in a named slot.
type Input struct {
	Slot        string // "original", "reference"
	FileName    string
	ContentType string
	Size        int64
}

// Slot names used by the task types.
const (
	SlotOriginal  = "original"
	SlotReference = "reference"
)

// Artifact is a file the job produced or holds: its inputs, its result
// document, heatmaps. DownloadURL is presigned: a secret, printed redacted
// by every fmt verb, and it expires (Get the job again for a fresh one).
type Artifact struct {
	ID          string
	Kind        string // "input", "result", "heatmap", ...
	Slot        string
	Status      string
	ContentType string
	DownloadURL string
	CreatedAt   time.Time
	Metadata    json.RawMessage
}

// JobRequest describes a job to create.
type JobRequest struct {
	TaskType   TaskType
	Inputs     []Input
	Parameters map[string]any // task parameters, e.g. the face-intelligence checks
}

// Upload is where to PUT the bytes of one input.
type Upload struct {
	Slot      string
	URL       string    // presigned; a secret: never logged or printed
	ExpiresAt time.Time // zero when the server gave none
}

// CreatedJob is the answer to Create: the job, and one upload per input.
// Its JSON (MarshalJSON) keeps the uploads' presigned URLs, so that another
// process can upload with them: treat that JSON as a secret. fmt and slog
// print the URLs redacted.
type CreatedJob struct {
	Job     *Job
	Uploads []Upload // matched to inputs by Slot, never by position
}

// Upload returns the upload for a slot.
func (cj *CreatedJob) Upload(slot string) (Upload, bool) {
	for _, u := range cj.Uploads {
		if u.Slot == slot {
			return u, true
		}
	}
	return Upload{}, false
}

// ListOptions selects a page of jobs.
type ListOptions struct {
	Page   int    // 1-based; 0 means 1
	Limit  int    // 0 means the server default; at most 100
	Status Status // optional filter
}

// JobList is one page of jobs.
type JobList struct {
	Jobs  []*Job
	Page  int
	Limit int
	Total int
	Pages int
}

// MaxListLimit is the largest page the service serves.
const MaxListLimit = 100

const jobsPath = "/api/v1/jobs"

// jobPath returns the escaped path of a job, refusing ids that are empty or
// would change the path.
func jobPath(id string, suffix string) (string, error) {
	if err := checkJobID(id); err != nil {
		return "", err
	}
	return jobsPath + "/" + url.PathEscape(id) + suffix, nil
}

func checkJobID(id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return fmt.Errorf("%w: empty job id", ErrInvalidArgument)
	case id == "." || id == ".." || strings.ContainsAny(id, "/\\?#%"):
		return fmt.Errorf("%w: job id %q would change the request path", ErrInvalidArgument, truncate(id, 64))
	case strings.IndexFunc(id, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
		return fmt.Errorf("%w: job id %q contains whitespace or control characters", ErrInvalidArgument, truncate(id, 64))
	}
	return nil
}

// Create creates a job and returns it with a presigned upload URL per
// input. Nothing runs until every input is uploaded and the job is
// finalized. The request is checked before it is sent: a known task type,
// at least one input, unique non-empty slots, a file name, a positive size,
// and a content type the task type accepts (ErrUnsupportedMediaType).
func (s *JobsService) Create(ctx context.Context, req *JobRequest, opts ...CallOption) (*CreatedJob, error) {
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer end()
	return s.create(ctx, req, cs)
}

func (s *JobsService) create(ctx context.Context, req *JobRequest, cs *callSettings) (*CreatedJob, error) {
	body, err := newCreateBody(req)
	if err != nil {
		return nil, err
	}
	var w wireCreated
	if err := s.c.do(ctx, &call{method: http.MethodPost, path: jobsPath, body: body, scope: scopeJobs, mark: retry.NonIdempotent, cs: cs}, &w); err != nil {
		var lost *answerLostError
		if errors.As(err, &lost) {
			return nil, fmt.Errorf("authenta: create: the job was created but the answer was cut, so its id is unknown (List shows it): %w", err)
		}
		return nil, err
	}
	if w.job.ID == "" {
		// A success without an id (an empty body, 204, {}, null): no job
		// the caller can use, and nothing to clean up.
		return nil, errNoJobID
	}
	cj := w.created(req)
	s.c.scrubJob(cj.Job)
	return cj, nil
}

type wireInputReq struct {
	SlotName    string `json:"slotName"`
	ContentType string `json:"contentType"`
	FileName    string `json:"fileName"`
	SizeBytes   int64  `json:"sizeBytes"`
}

type wireCreateReq struct {
	TaskTypeID string         `json:"taskTypeId"`
	Inputs     []wireInputReq `json:"inputs"`
	Parameters map[string]any `json:"parameters,omitempty"`
}

func newCreateBody(req *JobRequest) (*wireCreateReq, error) {
	if req == nil {
		return nil, fmt.Errorf("%w: nil *JobRequest", ErrInvalidArgument)
	}
	t := req.TaskType
	if !t.known() {
		return nil, fmt.Errorf("%w: %v is not one of TaskTypes()", ErrInvalidTaskType, t)
	}
	if len(req.Inputs) == 0 {
		return nil, fmt.Errorf("%w: a job needs at least one input", ErrInvalidArgument)
	}
	// The body, with room for one input: one allocation for a job of one input.
	store := &struct {
		wireCreateReq
		one [1]wireInputReq
	}{wireCreateReq: wireCreateReq{TaskTypeID: strconv.Itoa(t.ID), Parameters: req.Parameters}}
	body := &store.wireCreateReq
	if len(req.Inputs) == 1 {
		body.Inputs = store.one[:0:1]
	} else {
		body.Inputs = make([]wireInputReq, 0, len(req.Inputs))
	}
	for k, in := range req.Inputs {
		switch {
		case in.Slot == "":
			return nil, fmt.Errorf("%w: input without a slot name", ErrInvalidArgument)
		case slices.ContainsFunc(req.Inputs[:k], func(o Input) bool { return o.Slot == in.Slot }):
			return nil, fmt.Errorf("%w: two inputs in slot %q", ErrInvalidArgument, in.Slot)
		case in.FileName == "" || filepath.Base(in.FileName) != in.FileName || in.FileName == "." || in.FileName == "..":
			return nil, fmt.Errorf("%w: input %q: file name %q must be a base name with its extension", ErrInvalidArgument, in.Slot, truncate(in.FileName, 64))
		case in.Size <= 0:
			return nil, fmt.Errorf("%w: input %q: size must be positive, got %d", ErrInvalidArgument, in.Slot, in.Size)
		case !t.Accepts(in.ContentType):
			return nil, fmt.Errorf("%w: input %q: %s does not accept %q (accepts %s)", ErrUnsupportedMediaType, in.Slot, t, in.ContentType, strings.Join(t.mimeTypes(), ", "))
		}
		body.Inputs = append(body.Inputs, wireInputReq{SlotName: in.Slot, ContentType: in.ContentType, FileName: in.FileName, SizeBytes: in.Size})
	}
	if len(body.Parameters) == 0 {
		body.Parameters = nil
	}
	return body, nil
}

// Finalize tells the server that every input is uploaded, and queues the
// job. Finalizing twice is an error (HTTP 400).
func (s *JobsService) Finalize(ctx context.Context, id string, opts ...CallOption) (*Job, error) {
	return s.jobCall(ctx, http.MethodPost, id, "/finalize", opts)
}

// Get returns the job's current state.
func (s *JobsService) Get(ctx context.Context, id string, opts ...CallOption) (*Job, error) {
	return s.jobCall(ctx, http.MethodGet, id, "", opts)
}

// Cancel cancels a job that has not started processing; a job that has
// started gives an error matching ErrConflict.
func (s *JobsService) Cancel(ctx context.Context, id string, opts ...CallOption) (*Job, error) {
	return s.jobCall(ctx, http.MethodPost, id, "/cancel", opts)
}

// Delete deletes a job and its media. A job that is processing cannot be
// deleted. A 404 on a retry means an earlier attempt deleted the job (its
// answer was lost): Delete then returns nil, as it does for the first
// attempt's 204.
func (s *JobsService) Delete(ctx context.Context, id string, opts ...CallOption) error {
	if _, err := jobPath(id, ""); err != nil {
		return err
	}
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return err
	}
	defer end()
	return s.delete(ctx, id, cs)
}

func (s *JobsService) delete(ctx context.Context, id string, cs *callSettings) error {
	p, err := jobPath(id, "")
	if err != nil {
		return err
	}
	cl := &call{method: http.MethodDelete, path: p, scope: scopeJobs, cs: cs}
	err = s.c.do(ctx, cl, nil)
	if errors.Is(err, ErrJobNotFound) && cl.attempts > 1 {
		return nil
	}
	return err
}

// jobCall is Finalize, Get and Cancel: a bodiless request on one job that
// answers with the job.
func (s *JobsService) jobCall(ctx context.Context, method, id, suffix string, opts []CallOption) (*Job, error) {
	if err := checkJobID(id); err != nil { // job builds the path
		return nil, err
	}
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer end()
	return s.job(ctx, method, id, suffix, cs)
}

// job sends a bodiless request on one job that answers with the job. An
// answer without an id keeps the one asked for.
func (s *JobsService) job(ctx context.Context, method, id, suffix string, cs *callSettings) (*Job, error) {
	job := new(Job)
	if err := s.jobInto(ctx, method, id, suffix, cs, job); err != nil {
		return nil, err
	}
	if job.ID == "" {
		job.ID = id
	}
	s.c.scrubJob(job)
	return job, nil
}

// jobInto sends job's request and decodes the answer into out.
func (s *JobsService) jobInto(ctx context.Context, method, id, suffix string, cs *callSettings, out ownedDecoder) error {
	if err := checkJobID(id); err != nil {
		return err
	}
	// The whole URL in one string; the path is its tail (one allocation).
	u := s.c.baseStr + jobsPath + "/" + url.PathEscape(id) + suffix
	mark := retry.Idempotent
	if method == http.MethodPost {
		mark = retry.NonIdempotent
	}
	cl := &call{method: method, url: u, path: u[len(s.c.baseStr):], scope: scopeJobs, mark: mark, cs: cs}
	return s.c.do(ctx, cl, out)
}

// List returns one page of jobs, newest first as the server orders them.
func (s *JobsService) List(ctx context.Context, opts *ListOptions, copts ...CallOption) (*JobList, error) {
	q, err := listQuery(opts)
	if err != nil {
		return nil, err
	}
	ctx, cs, end, err := s.c.startCall(ctx, copts)
	if err != nil {
		return nil, err
	}
	defer end()
	var l JobList
	if err := s.c.do(ctx, &call{method: http.MethodGet, path: jobsPath, query: q, scope: scopeJobs, cs: cs}, (*wireList)(&l)); err != nil {
		return nil, err
	}
	if l.Page == 0 {
		l.Page = max(opts.page(), 1)
	}
	for _, j := range l.Jobs {
		s.c.scrubJob(j)
	}
	return &l, nil
}

func (o *ListOptions) page() int {
	if o == nil {
		return 0
	}
	return o.Page
}

func listQuery(opts *ListOptions) (url.Values, error) {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if o.Page < 0 || o.Limit < 0 || o.Limit > MaxListLimit {
		return nil, fmt.Errorf("%w: list page %d, limit %d: need page >= 0 and 0 <= limit <= %d", ErrInvalidArgument, o.Page, o.Limit, MaxListLimit)
	}
	q := url.Values{"page": {strconv.Itoa(max(o.Page, 1))}}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Status != "" {
		q.Set("status", string(o.Status))
	}
	return q, nil
}

// All iterates over every job from opts.Page on, fetching pages lazily as
// the loop advances (MaxListLimit jobs a page unless opts.Limit says
// otherwise). Breaking out of the loop stops the fetching. An error is
// yielded once, and ends the iteration. It stops at the last page, at an
// empty or short page, and when the server repeats a page, so it never
// loops forever. opts is not modified. The call options apply to each
// page's request.
func (s *JobsService) All(ctx context.Context, opts *ListOptions, copts ...CallOption) iter.Seq2[*Job, error] {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if _, err := listQuery(&o); err != nil {
		return func(yield func(*Job, error) bool) { yield(nil, err) }
	}
	if o.Limit == 0 {
		o.Limit = MaxListLimit
	}
	o.Page = max(o.Page, 1)
	return func(yield func(*Job, error) bool) {
		var prevFirst, prevLast string
		for {
			page, err := s.List(ctx, &o, copts...)
			if err != nil {
				yield(nil, err)
				return
			}
			n := len(page.Jobs)
			if n == 0 {
				return
			}
			first, last := page.Jobs[0].ID, page.Jobs[n-1].ID
			if first != "" && first == prevFirst && last == prevLast {
				return // the server ignores the page parameter: nothing new
			}
			prevFirst, prevLast = first, last
			for _, j := range page.Jobs {
				if !yield(j, nil) {
					return
				}
			}
			limit := o.Limit
			if page.Limit > 0 {
				limit = min(limit, page.Limit)
			}
			switch {
			case n < limit,
				page.Pages > 0 && page.Page >= page.Pages,
				page.Total > 0 && (o.Page-1)*limit+n >= page.Total:
				return
			}
			o.Page++
		}
	}
}

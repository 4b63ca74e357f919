package authentatest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	authenta "github.com/phospheneai/authenta-go"
)

// Option configures a Server. Options are applied in order by NewServer
// and Start; an invalid option makes Start return an error (and NewServer
// fail the test).
type Option func(*config) error

// config is what the options build. It is read-only once the server runs,
// except for the parts the Server's Set methods change under its lock.
type config struct {
	keys           []Key
	schedule       Schedule
	outcome        Outcome
	results        map[int]json.RawMessage
	costs          map[int]float64
	hook           func(*JobConfig)
	createShape    CreateShape
	jobShape       JobShape
	ids            IDStyle
	firstID        uint64
	vocabulary     Vocabulary
	listEnvelope   ListEnvelope
	createStatus   int
	delivery       ResultDelivery
	keepUploads    bool
	uploadTTL      time.Duration
	downloadTTL    time.Duration
	now            func() time.Time
	latency        map[Route]time.Duration
	embeddingStyle EmbeddingStyle
	reverseInputs  bool
	recordLimit    int // WithRecordLimit; 0: DefaultRecordLimit
	faces          faceConfig
}

func defaultConfig() config {
	return config{
		keys:         []Key{{Token: DefaultAPIKey, Permissions: PermAll, Balance: DefaultBalance}},
		schedule:     DefaultSchedule(),
		results:      map[int]json.RawMessage{},
		costs:        map[int]float64{},
		firstID:      1,
		createStatus: 200,
		uploadTTL:    time.Hour,
		downloadTTL:  15 * time.Minute,
		now:          time.Now,
		latency:      map[Route]time.Duration{},
	}
}

// DefaultAPIKey is the key every Server knows, with every permission and
// DefaultBalance credits. Server.Client uses it unless told otherwise.
const DefaultAPIKey = "api_authentatest_0123456789abcdef"

// DefaultBalance is the credit balance of DefaultAPIKey: enough for any
// test.
const DefaultBalance = 1_000_000

// Permission is a set of API key permissions.
type Permission uint8

// The permissions an API key can carry (see the authentication page):
// GET endpoints need PermRead; creating, finalizing and cancelling a job
// need PermWrite; deleting one needs PermDelete.
const (
	PermRead Permission = 1 << iota
	PermWrite
	PermDelete

	PermAll = PermRead | PermWrite | PermDelete
)

func (p Permission) String() string {
	if p == 0 {
		return "none"
	}
	var parts []string
	for _, x := range []struct {
		p    Permission
		name string
	}{{PermRead, "read"}, {PermWrite, "write"}, {PermDelete, "delete"}} {
		if p&x.p != 0 {
			parts = append(parts, x.name)
		}
	}
	return strings.Join(parts, "|")
}

// Key is an API key the server accepts.
type Key struct {
	// Token is the key itself. It must look like a real key: "api_"
	// followed by at least 8 letters, digits, '_' or '-'.
	Token       string
	Permissions Permission
	// Balance is the key's credit balance. Creating and finalizing a job
	// need a positive balance; finalizing charges the task's cost.
	Balance float64
}

// Schedule says how long a finalized job stays queued and then processing
// before it ends with its Outcome. A stage ends at the first GET of the job
// at which both of its conditions hold: at least Polls earlier GETs saw the
// job in that stage, and at least For has passed since the stage began.
// Forever as a Polls value holds the job in that stage until
// Server.SetJobStatus moves it.
type Schedule struct {
	QueuedPolls     int
	QueuedFor       time.Duration
	ProcessingPolls int
	ProcessingFor   time.Duration
}

// Forever, as Schedule.QueuedPolls or ProcessingPolls, holds a job in that
// stage.
const Forever = -1

// DefaultSchedule keeps a job queued for 2ms and processing for 3ms, so
// that the first poll after finalize, however early, sees a job in
// progress, and any poll 5ms later sees it done. It is a function, not a
// variable, so that no test can change it for every other.
func DefaultSchedule() Schedule {
	return Schedule{QueuedFor: 2 * time.Millisecond, ProcessingFor: 3 * time.Millisecond}
}

// Steps is a schedule measured in GETs only: the job is seen queued by
// queued polls and processing by processing polls, then it ends.
func Steps(queued, processing int) Schedule {
	return Schedule{QueuedPolls: queued, ProcessingPolls: processing}
}

func (s Schedule) validate() error {
	if s.QueuedPolls < Forever || s.ProcessingPolls < Forever || s.QueuedFor < 0 || s.ProcessingFor < 0 {
		return fmt.Errorf("authentatest: invalid schedule %+v", s)
	}
	return nil
}

// Outcome is how a job ends once its schedule has run.
type Outcome struct {
	// Status is authenta.StatusCompleted (also the zero value),
	// StatusFailed or StatusCancelled. A cancelled outcome ends the job when
	// it leaves the queue, as if an operator had cancelled it.
	Status authenta.Status
	// ErrorMessage is the job's errorMessage when it fails (a default
	// message when empty).
	ErrorMessage string
}

// Failed is the Outcome of a job that fails with msg.
func Failed(msg string) Outcome {
	return Outcome{Status: authenta.StatusFailed, ErrorMessage: msg}
}

// DefaultFailureMessage is the errorMessage of a failed job whose Outcome
// gave none.
const DefaultFailureMessage = "Processing failed: no face detected in the input"

func (o Outcome) normalized() (Outcome, error) {
	switch o.Status {
	case "", authenta.StatusCompleted:
		o.Status = authenta.StatusCompleted
	case authenta.StatusFailed:
		if o.ErrorMessage == "" {
			o.ErrorMessage = DefaultFailureMessage
		}
	case authenta.StatusCancelled:
	default:
		return o, fmt.Errorf("authentatest: outcome status %q is not completed, failed or cancelled", o.Status)
	}
	return o, nil
}

// JobConfig is what a job hook (WithJobHook) sees when a job is created,
// and may change: the job's schedule, outcome, result document and cost.
type JobConfig struct {
	ID         string
	TaskType   authenta.TaskType
	Inputs     []authenta.Input
	Parameters map[string]any

	Schedule Schedule
	Outcome  Outcome
	// Result is the result document of the job if it completes (JSON).
	Result json.RawMessage
	// Cost is the credits finalize charges.
	Cost float64
}

// CreateShape is the shape of the answer to POST /api/v1/jobs.
type CreateShape int

const (
	// CreateNested is {"job": {"id": ...}, "inputs": [{"slotName",
	// "uploadUrl", "uploadUrlExpiresAt"}]}, what the working SDKs parse
	// (the default).
	CreateNested CreateShape = iota
	// CreateFlat is the reference page's {"jobId": ..., "taskTypeId",
	// "status", "inputs": [{"slotName", "uploadUrl", "contentType",
	// "fileName", "sizeBytes"}]}, without upload expiry times.
	CreateFlat
)

// JobShape is the shape of a job in the answers to get, list, finalize
// and cancel.
type JobShape int

const (
	// JobByID is the TypeScript SDK's ProcessedMedia: "id", string
	// "taskTypeId", "cost", "artifacts", a "taskType" object (the default).
	JobByID JobShape = iota
	// JobByJobID is the reference page's: "jobId", numeric "taskTypeId",
	// "taskTypeSlug".
	JobByJobID
)

// IDStyle is how job ids are written in JSON.
type IDStyle int

const (
	IDString IDStyle = iota // "3140" (the default)
	IDNumber                // 3140
)

// Vocabulary is the set of status words the server uses.
type Vocabulary int

const (
	// VocabREF is the reference page's: waiting_for_finalize, queued,
	// processing, completed, failed, cancelled (the default).
	VocabREF Vocabulary = iota
	// VocabTS is the TypeScript SDK's: initiated, queued, processing,
	// processed, error, canceled.
	VocabTS
	// VocabUpper is the legacy media API's: INITED, UPLOADED, PROCESSING,
	// PROCESSED, FAILED, CANCELLED.
	VocabUpper
)

// Word returns the word the vocabulary uses for a status.
func (v Vocabulary) Word(s authenta.Status) string {
	var words [6]string
	switch v {
	case VocabTS:
		words = [6]string{"initiated", "queued", "processing", "processed", "error", "canceled"}
	case VocabUpper:
		words = [6]string{"INITED", "UPLOADED", "PROCESSING", "PROCESSED", "FAILED", "CANCELLED"}
	default:
		words = [6]string{"waiting_for_finalize", "queued", "processing", "completed", "failed", "cancelled"}
	}
	switch s {
	case authenta.StatusPending:
		return words[0]
	case authenta.StatusQueued:
		return words[1]
	case authenta.StatusProcessing:
		return words[2]
	case authenta.StatusCompleted:
		return words[3]
	case authenta.StatusFailed:
		return words[4]
	case authenta.StatusCancelled:
		return words[5]
	}
	return string(s)
}

// ListEnvelope is the envelope of the answer to GET /api/v1/jobs.
type ListEnvelope int

const (
	// ListREF is {"data": [...], "pagination": {"page", "limit", "total",
	// "pages"}} (the default).
	ListREF ListEnvelope = iota
	// ListItems is the TypeScript SDK's {"items": [...], "total", "page",
	// "pageSize"}.
	ListItems
	// ListLegacy is the legacy media API's {"limit", "offset", "total",
	// "data": [...]}.
	ListLegacy
	// ListArray is a bare array of the page's jobs.
	ListArray
)

// ResultDelivery is where a completed job's result document is.
type ResultDelivery int

const (
	// ResultArtifact: an artifact of kind "result" with a presigned
	// downloadUrl on the storage host; the job's inline "result" is null
	// (the default).
	ResultArtifact ResultDelivery = iota
	// ResultInline: no result artifact; the document is inline in the
	// job's "result".
	ResultInline
	// ResultArtifactAndInline: both.
	ResultArtifactAndInline
	// ResultLegacyURL: no artifact; the legacy media record's top-level
	// "resultURL", presigned.
	ResultLegacyURL
	// ResultNone: the job completes without any result.
	ResultNone
)

// EmbeddingStyle is how the default face-embedding (FE-1) result names
// its vector.
type EmbeddingStyle int

const (
	// FaceVector is {"resultType": "face-embed", "faceVector": [512
	// floats]}, as the TypeScript SDK reads it (the default).
	FaceVector EmbeddingStyle = iota
	// Embedding is {"embedding": [512 floats], "dimension": 512}, as the
	// Python SDK reads it.
	Embedding
)

// WithKey adds an API key the server accepts (DefaultAPIKey is always
// there).
func WithKey(k Key) Option {
	return func(c *config) error {
		if !validKeyFormat(k.Token) {
			return fmt.Errorf("authentatest: key %q does not look like an API key (api_ and at least 8 more letters, digits, '_' or '-')", k.Token)
		}
		if math.IsNaN(k.Balance) {
			return errors.New("authentatest: key balance is NaN")
		}
		for i, old := range c.keys {
			if old.Token == k.Token {
				c.keys[i] = k
				return nil
			}
		}
		c.keys = append(c.keys, k)
		return nil
	}
}

// WithSchedule sets how long finalized jobs stay queued and processing
// (DefaultSchedule() by default).
func WithSchedule(s Schedule) Option {
	return func(c *config) error {
		if err := s.validate(); err != nil {
			return err
		}
		c.schedule = s
		return nil
	}
}

// WithOutcome sets how jobs end (completed by default).
func WithOutcome(o Outcome) Option {
	return func(c *config) error {
		o, err := o.normalized()
		if err != nil {
			return err
		}
		c.outcome = o
		return nil
	}
}

// WithResult sets the result document of every job of a task type. doc is
// a json.RawMessage, []byte or string of JSON, or any value that
// encoding/json marshals to an object.
func WithResult(task authenta.TaskType, doc any) Option {
	return func(c *config) error {
		raw, err := toJSON(doc)
		if err != nil {
			return err
		}
		c.results[task.ID] = raw
		return nil
	}
}

// WithCost sets the credits that finalize charges for a task type.
func WithCost(task authenta.TaskType, credits float64) Option {
	return func(c *config) error {
		if credits < 0 || math.IsNaN(credits) {
			return fmt.Errorf("authentatest: invalid cost %v", credits)
		}
		c.costs[task.ID] = credits
		return nil
	}
}

// WithJobHook sets a function called for each job as it is created,
// before the answer is sent. It may change the job's schedule, outcome,
// result document and cost. It runs on the server's request goroutine,
// concurrently for concurrent creates: do not call require or t.FailNow
// in it.
func WithJobHook(hook func(*JobConfig)) Option {
	return func(c *config) error {
		c.hook = hook
		return nil
	}
}

// WithCreateShape sets the shape of the create answer (CreateNested by
// default).
func WithCreateShape(s CreateShape) Option {
	return func(c *config) error { c.createShape = s; return nil }
}

// WithJobShape sets the shape of jobs (JobByID by default).
func WithJobShape(s JobShape) Option {
	return func(c *config) error { c.jobShape = s; return nil }
}

// WithIDStyle sets how job ids are written (IDString by default).
func WithIDStyle(s IDStyle) Option {
	return func(c *config) error { c.ids = s; return nil }
}

// WithFirstID sets the id of the first job (1 by default); later jobs count
// up from it. An id above 2^53 proves that a client decodes ids exactly.
func WithFirstID(id uint64) Option {
	return func(c *config) error {
		if id == 0 {
			return errors.New("authentatest: job ids start at 1 or more")
		}
		c.firstID = id
		return nil
	}
}

// WithStatusVocabulary sets the status words (VocabREF by default).
func WithStatusVocabulary(v Vocabulary) Option {
	return func(c *config) error { c.vocabulary = v; return nil }
}

// WithListEnvelope sets the list answer's envelope (ListREF by default).
func WithListEnvelope(e ListEnvelope) Option {
	return func(c *config) error { c.listEnvelope = e; return nil }
}

// WithCreateStatus sets the HTTP status of a successful create: 200 (the
// default, as the reference page says) or 201 (as the legacy API did).
func WithCreateStatus(code int) Option {
	return func(c *config) error {
		if code < 200 || code > 299 {
			return fmt.Errorf("authentatest: create status %d is not 2xx", code)
		}
		c.createStatus = code
		return nil
	}
}

// WithResultDelivery sets where completed jobs carry their result
// (ResultArtifact by default).
func WithResultDelivery(d ResultDelivery) Option {
	return func(c *config) error { c.delivery = d; return nil }
}

// WithEmbeddingStyle sets the field names of the default face-embedding
// result (FaceVector by default).
func WithEmbeddingStyle(s EmbeddingStyle) Option {
	return func(c *config) error { c.embeddingStyle = s; return nil }
}

// WithInputsReversed lists the inputs of the create answer in the reverse
// of the request's order, to prove that a client matches upload URLs to
// inputs by slotName, never by position.
func WithInputsReversed() Option {
	return func(c *config) error { c.reverseInputs = true; return nil }
}

// WithKeepUploads makes the storage host keep the bytes of every upload,
// for UploadRecord.Data and for downloads of input artifacts. Without it
// only their length and SHA-256 are kept, so tests can upload hundreds of
// MiB.
func WithKeepUploads() Option {
	return func(c *config) error { c.keepUploads = true; return nil }
}

// WithUploadURLTTL sets how long presigned upload URLs stay valid (1 hour
// by default; at least a second).
func WithUploadURLTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Second {
			return fmt.Errorf("authentatest: upload URL TTL %v is under a second", d)
		}
		c.uploadTTL = d
		return nil
	}
}

// WithDownloadURLTTL sets how long presigned download URLs stay valid (15
// minutes by default; at least a second). Every GET of a job signs them
// anew.
func WithDownloadURLTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Second {
			return fmt.Errorf("authentatest: download URL TTL %v is under a second", d)
		}
		c.downloadTTL = d
		return nil
	}
}

// WithClock sets the server's time source: timestamps, time-based
// schedules and the expiry of presigned URLs follow it. A test can move a
// fake clock forward to expire URLs. The SDK checks uploadUrlExpiresAt
// against its own clock before uploading, so a fake clock far behind the
// real time makes the SDK refuse the upload URLs.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("authentatest: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithLatency delays every answer on a route (RouteAll: every route) by d.
func WithLatency(route Route, d time.Duration) Option {
	return func(c *config) error {
		r, err := ParseRoute(string(route))
		if err != nil {
			return err
		}
		if d < 0 {
			return fmt.Errorf("authentatest: negative latency %v", d)
		}
		c.latency[r] = d
		return nil
	}
}

// toJSON turns a result document given to an option into JSON.
func toJSON(doc any) (json.RawMessage, error) {
	var raw []byte
	switch d := doc.(type) {
	case json.RawMessage:
		raw = d
	case []byte:
		raw = d
	case string:
		raw = []byte(d)
	default:
		b, err := json.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("authentatest: result document: %w", err)
		}
		raw = b
	}
	if !json.Valid(raw) {
		return nil, errors.New("authentatest: result document is not valid JSON")
	}
	return append(json.RawMessage(nil), raw...), nil
}

func validKeyFormat(tok string) bool {
	rest, ok := strings.CutPrefix(tok, "api_")
	if !ok || len(rest) < 8 || len(rest) > 256 {
		return false
	}
	for _, r := range rest {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

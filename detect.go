package authenta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go/internal/fsopen"
)

// DetectOptions tunes Detect and DetectReader.
type DetectOptions struct {
	Reference string     // path of a reference image (face intelligence similarity)
	Checks    FaceChecks // face intelligence checks
	Wait      *WaitOptions

	// ContentType overrides the content type judged from the file name's
	// extension. It must be one the task type accepts.
	ContentType string
	// Parameters are extra task parameters, merged over the ones Detect
	// derives from Checks.
	Parameters map[string]any
	// KeepJobOnError leaves the job on the server when a step after its
	// creation fails. By default Detect cancels and deletes it, so that
	// nothing is left half-made.
	KeepJobOnError bool
	// OnCreated, if set, is called with the job as soon as it is created,
	// e.g. to log its ID.
	OnCreated func(*Job)
	// OnCreatedJob, if set, is called with the job and its uploads as soon
	// as it is created, before any byte is sent (after OnCreated, when both
	// are set): e.g. to record the uploads, so that another process can
	// finish an interrupted upload to the same job (JobsService.Upload,
	// then Resume) instead of creating a new one. The uploads' URLs are
	// secrets until they expire: store them as such, never log them.
	OnCreatedJob func(*CreatedJob)
	// OnUploadProgress, if set, is called as each input's bytes are sent:
	// with sent = 0 when an attempt starts, then as sent grows (at least
	// every 256 KiB or 1% of the file, whichever is more), and always with
	// sent = total when the last byte is read. A retried upload starts
	// again from 0. Calls for one slot come one at a time; calls for
	// different slots (original, reference) may come at the same time.
	// A file still goes out with sendfile(2): on Linux (built with Go 1.25
	// or later) its progress is read from the file's offset as the kernel
	// moves it (every 100 ms); elsewhere, and where sendfile does not apply
	// (HTTPS), the bytes are counted as they pass.
	OnUploadProgress func(slot string, sent, total int64)
	// OnFinalized, if set, is called with the job once it is finalized
	// (queued): from then on the job costs credits and runs without the
	// caller, and Resume can finish it.
	OnFinalized func(*Job)
	// OnCleanup, if set, is called once with the outcome of removing the
	// job after a failed step (nil: removed), when Detect removes it. If
	// ctx ended, Detect returns at once with StepError.Cleanup matching
	// ErrCleanupPending and the removal goes on in the background, bounded
	// to 15 seconds; OnCleanup then runs on that background goroutine
	// after Detect has returned. Client.Close waits for such removals.
	OnCleanup func(jobID string, err error)
}

// FaceChecks selects the face intelligence (FI-1) checks. Faceswap needs a
// video; Similarity needs an image and a Reference.
type FaceChecks struct {
	Liveness, Faceswap, Similarity bool
}

// Detection is what Detect returns: the completed job and its result.
type Detection struct {
	Job    *Job
	Result *Result
}

// The steps of Detect, as StepError names them.
const (
	StepCreate   = "create"
	StepUpload   = "upload" // StepError.Slot names the input
	StepFinalize = "finalize"
	StepWait     = "wait"
	StepResult   = "result"
)

// StepError is the error of a Detect step. It names the step, keeps the
// job's ID when the job was created, and unwraps to the step's error, so
// sentinels still match (errors.Is(err, ErrInsufficientBalance)). The face
// indexing calls use it too, without a job: their steps are "enrol",
// "enrol subject S: upload face F (NAME)" and "search".
type StepError struct {
	Step    string // one of StepCreate, StepUpload, StepFinalize, StepWait, StepResult
	Slot    string // the input's slot for StepUpload ("original", "reference"), else empty
	JobID   string // empty when the job was not created
	Err     error
	Cleanup error // the error of removing the job, if that failed too
	// Removed reports whether Detect removed the job it created.
	Removed bool
	// Job is the job as last seen, when there is one worth keeping: for a
	// failed result step, the completed job, which Detect never removes
	// (its credits are spent); fetch its result later with Jobs.Result.
	Job *Job
}

func (e *StepError) Error() string {
	var b strings.Builder
	b.WriteString("authenta: ")
	step := oneLine(e.Step, 64)
	if e.Slot != "" {
		step += " " + oneLine(e.Slot, 64)
	}
	b.WriteString(step)
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(errorText(e.Err), "authenta: ")
		// The step's own error may name the step too ("upload original:").
		msg = strings.TrimPrefix(msg, step+": ")
	}
	b.WriteString(": ")
	b.WriteString(msg)
	id := oneLine(e.JobID, maxRequestIDLen)
	switch {
	case id == "":
	case e.Removed:
		b.WriteString(" (job " + id + " removed)")
	case errors.Is(e.Cleanup, ErrCleanupPending):
		b.WriteString(" (job " + id + " being removed in the background)")
	case e.Cleanup != nil:
		b.WriteString(" (job " + id + " left on the server: " + strings.TrimPrefix(errorText(e.Cleanup), "authenta: ") + ")")
	case e.Job != nil && e.Job.Status == StatusCompleted:
		b.WriteString(" (job " + id + " completed and kept on the server)")
	default:
		b.WriteString(" (job " + id + ")")
	}
	return b.String()
}

func (e *StepError) Unwrap() error { return e.Err }

// waitMargin is added to a task type's server timeout to bound Detect's
// wait when the context has no deadline.
const waitMargin = 2 * time.Minute

// cleanupTimeout bounds the best-effort removal of a job after a failure.
const cleanupTimeout = 15 * time.Second

// Detect runs one file through a task type: it checks the file against the
// task type before any request (it exists, is a regular non-empty file of a
// type the task accepts; the face intelligence rules), creates the job,
// streams every input to its presigned URL concurrently, finalizes, waits
// and fetches the result.
//
// If a step after creation fails before the job completed, Detect cancels
// and deletes the job it made (best effort, on a fresh context bounded to
// 15 seconds; see KeepJobOnError) and returns a *StepError that names the
// step and still matches the underlying sentinel. When ctx ends (a
// cancelled request, a shutting-down service), Detect returns at once: the
// removal goes on in the background, StepError.Cleanup matches
// ErrCleanupPending, DetectOptions.OnCleanup hears the outcome, and
// Client.Close waits for it. A job that completed is never removed: when
// its result cannot be fetched, the *StepError (step "result") carries the
// job in its Job field, for Jobs.Result later. Without a deadline on ctx,
// the wait is bounded by the task type's server timeout plus two minutes.
func (c *Client) Detect(ctx context.Context, task TaskType, path string, opts *DetectOptions, copts ...CallOption) (*Detection, error) {
	if err := checkDetect(ctx, task, opts); err != nil {
		return nil, err
	}
	ctx, cs, end, err := c.startCall(ctx, copts)
	if err != nil {
		return nil, err
	}
	defer end()
	src, err := openSource(SlotOriginal, path, opts.contentType())
	if err != nil {
		return nil, err
	}
	defer src.close()
	return c.detect(ctx, task, src, opts, cs)
}

// DetectReader is Detect for bytes that are not in a file: name gives the
// file name (its extension tells the content type, unless
// DetectOptions.ContentType does), r and size the bytes. If r is an
// io.ReaderAt the upload is retried on failure; any other reader is sent
// once (see JobsService.Upload).
func (c *Client) DetectReader(ctx context.Context, task TaskType, name string, r io.Reader, size int64, opts *DetectOptions, copts ...CallOption) (*Detection, error) {
	if err := checkDetect(ctx, task, opts); err != nil {
		return nil, err
	}
	ctx, cs, end, err := c.startCall(ctx, copts)
	if err != nil {
		return nil, err
	}
	defer end()
	switch {
	case r == nil:
		return nil, fmt.Errorf("%w: nil reader", ErrInvalidArgument)
	case size <= 0:
		return nil, fmt.Errorf("%w: %q: size must be positive, got %d", ErrInvalidArgument, name, size)
	}
	base := filepath.Base(name)
	if name == "" || base == "." || base == string(filepath.Separator) {
		return nil, fmt.Errorf("%w: DetectReader needs a file name with an extension", ErrInvalidArgument)
	}
	ct, err := contentTypeOf(base, opts.contentType())
	if err != nil {
		return nil, err
	}
	// How the reader will be read is settled now, before the job exists: a
	// reader shorter than size is refused, and a pipe is streamed once.
	if _, _, err := inspectBody("DetectReader: the reader", r, size); err != nil {
		return nil, err
	}
	return c.detect(ctx, task, &source{slot: SlotOriginal, name: base, contentType: ct, r: r, size: size}, opts, cs)
}

func checkDetect(ctx context.Context, task TaskType, opts *DetectOptions) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrInvalidArgument)
	}
	if !task.known() {
		return fmt.Errorf("%w: %v is not one of TaskTypes()", ErrInvalidTaskType, task)
	}
	if opts != nil && (opts.Checks != FaceChecks{} || opts.Reference != "") && task.ID != FaceIntelligence.ID {
		return fmt.Errorf("%w: Checks and Reference are for %v only, not %v", ErrInvalidArgument, FaceIntelligence, task)
	}
	return nil
}

func (o *DetectOptions) contentType() string {
	if o == nil {
		return ""
	}
	return o.ContentType
}

// source is one input of a detection, opened and checked.
type source struct {
	slot, name, contentType string
	r                       io.Reader
	size                    int64
	f                       *os.File    // to close; nil for DetectReader's reader
	fi                      os.FileInfo // f's, as openSource found it
}

func (s *source) close() {
	if s.f != nil {
		_ = s.f.Close()
	}
}

// openSource opens a file and checks it: it exists, is a regular file, is
// not empty, and its type is known. The file stays open for the upload: an
// *os.File is an io.ReaderAt, so every retry re-reads it from the start.
func openSource(slot, path, override string) (*source, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: empty %s file path", ErrInvalidArgument, slot)
	}
	ct, err := contentTypeOf(path, override)
	if err != nil {
		return nil, err
	}
	// Stat before open: opening a FIFO blocks until a writer comes, and a
	// device may do anything. Only a regular file is opened, and without
	// blocking should it have been swapped for a FIFO since (see internal/fsopen).
	switch fi, err := os.Stat(path); {
	case err != nil:
		return nil, fmt.Errorf("%w: %s file: %w", ErrInvalidArgument, slot, err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%w: %s file %q is not a regular file", ErrInvalidArgument, slot, path)
	}
	f, err := fsopen.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s file: %w", ErrInvalidArgument, slot, err)
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
		err = fmt.Errorf("%w: %s file: %w", ErrInvalidArgument, slot, err)
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("%w: %s file %q is not a regular file", ErrInvalidArgument, slot, path)
	case fi.Size() == 0:
		err = fmt.Errorf("%w: %s file %q is empty", ErrInvalidArgument, slot, path)
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return &source{slot: slot, name: filepath.Base(path), contentType: ct, r: f, size: fi.Size(), f: f, fi: fi}, nil
}

func contentTypeOf(name, override string) (string, error) {
	if override != "" {
		if err := checkContentType(override); err != nil {
			return "", err
		}
		return override, nil
	}
	ct := ContentTypeFor(name)
	if ct == "" {
		return "", fmt.Errorf("%w: cannot tell the type of %q from its extension; set DetectOptions.ContentType", ErrUnsupportedMediaType, filepath.Base(name))
	}
	return ct, nil
}

// detect checks the sources against the task type, then runs the steps.
func (c *Client) detect(ctx context.Context, task TaskType, orig *source, opts *DetectOptions, cs *callSettings) (*Detection, error) {
	var o DetectOptions
	if opts != nil {
		o = *opts
	}
	if _, err := c.waitOptions(o.Wait); err != nil {
		return nil, err
	}
	srcs := []*source{orig}
	params, err := faceParameters(task, orig, o)
	if err != nil {
		return nil, err
	}
	if o.Reference != "" {
		ref, err := openSource(SlotReference, o.Reference, "")
		if err != nil {
			return nil, err
		}
		defer ref.close()
		if !strings.HasPrefix(ref.contentType, "image/") || !task.Accepts(ref.contentType) {
			return nil, fmt.Errorf("%w: the reference must be a JPEG or PNG image, %q is %s", ErrUnsupportedMediaType, ref.name, ref.contentType)
		}
		srcs = append(srcs, ref)
	}
	req := &JobRequest{TaskType: task, Parameters: params}
	for _, s := range srcs {
		if !task.Accepts(s.contentType) {
			return nil, fmt.Errorf("%w: %v accepts %s, not %s (%q)", ErrUnsupportedMediaType, task, strings.Join(task.mimeTypes(), ", "), s.contentType, s.name)
		}
		req.Inputs = append(req.Inputs, Input{Slot: s.slot, FileName: s.name, ContentType: s.contentType, Size: s.size})
	}

	// Nothing has been sent so far. From here on, every failure after the
	// job exists removes it.
	created, err := c.Jobs.create(ctx, req, cs)
	if err != nil {
		return nil, &StepError{Step: StepCreate, Err: err}
	}
	job := created.Job
	if o.OnCreated != nil {
		o.OnCreated(job)
	}
	if o.OnCreatedJob != nil {
		o.OnCreatedJob(created)
	}
	fail := func(step, slot string, err error, finalized bool) (*Detection, error) {
		se := &StepError{Step: step, Slot: slot, JobID: job.ID, Err: err}
		if !o.KeepJobOnError {
			se.Cleanup = c.cleanupJob(ctx, job.ID, finalized, cs, o.OnCleanup)
			se.Removed = se.Cleanup == nil
		}
		return nil, se
	}

	if slot, err := c.uploadAll(ctx, created, srcs, cs, o.OnUploadProgress); err != nil {
		return fail(StepUpload, slot, err, false)
	}
	var fin *Job
	if o.OnFinalized != nil {
		fin, err = c.Jobs.job(ctx, http.MethodPost, job.ID, "/finalize", cs)
	} else {
		// Nobody reads the answer: it is read inside its attempt and
		// checked as the job decoder would, but not decoded.
		err = c.Jobs.jobInto(ctx, http.MethodPost, job.ID, "/finalize", cs, jobChecked{})
	}
	if err != nil {
		// A finalize whose answer was cut reached the server: the job is
		// queued, so wait for it rather than remove it. So is one that got
		// no answer at all, should the job say it was finalized.
		var lost *answerLostError
		if !errors.As(err, &lost) {
			got, landed := c.finalizeLanded(ctx, job.ID, err, cs)
			if !landed {
				return fail(StepFinalize, "", err, false)
			}
			fin = got
		}
	}
	if o.OnFinalized != nil {
		o.OnFinalized(finalizedJob(job, fin))
	}
	return c.finish(ctx, task, job.ID, o.Wait, cs, func(step string, err error, finalized bool) (*Detection, error) {
		return fail(step, "", err, finalized)
	})
}

// finish waits for a finalized job and fetches its result: the end of
// Detect and of Resume. fail handles a failed step.
func (c *Client) finish(ctx context.Context, task TaskType, id string, wait *WaitOptions, cs *callSettings, fail func(step string, err error, finalized bool) (*Detection, error)) (*Detection, error) {
	waitCtx := ctx
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		waitCtx, cancel = context.WithTimeout(ctx, task.Timeout+waitMargin)
		defer cancel()
	}
	done, err := c.Jobs.wait(waitCtx, id, wait, cs)
	if err != nil {
		var je *JobError
		return fail(StepWait, err, !errors.As(err, &je))
	}
	res, err := c.Jobs.result(ctx, done, cs)
	if err != nil {
		// The job completed: its credits are spent and its result exists.
		// Never remove it; hand it back so the result can be fetched later.
		return nil, &StepError{Step: StepResult, JobID: done.ID, Job: done, Err: err}
	}
	return &Detection{Job: done, Result: res}, nil
}

// finalizedJob is the job as finalize left it: finalize answers with a
// short document (id, status, message), so the fields it lacks come from
// the job as created.
func finalizedJob(created, fin *Job) *Job {
	j := *created
	j.Status, j.RawStatus = StatusQueued, "" // what finalize does, when its answer was lost
	if fin != nil {
		if fin.Status != "" {
			j.Status, j.RawStatus = fin.Status, fin.RawStatus
		}
		if !fin.UpdatedAt.IsZero() {
			j.UpdatedAt = fin.UpdatedAt
		}
		j.Message = fin.Message
	}
	return &j
}

// faceParameters checks the face intelligence rules and builds the task
// parameters: version v1 and the requested checks (absent means false).
func faceParameters(task TaskType, orig *source, o DetectOptions) (map[string]any, error) {
	var params map[string]any
	if task.ID == FaceIntelligence.ID {
		ch := o.Checks
		isVideo := strings.HasPrefix(orig.contentType, "video/")
		switch {
		case ch == FaceChecks{}:
			return nil, fmt.Errorf("%w: face intelligence needs at least one of Checks.Liveness, Faceswap, Similarity", ErrInvalidArgument)
		case ch.Faceswap && !isVideo:
			return nil, fmt.Errorf("%w: the faceswap check needs a video, %q is %s", ErrUnsupportedMediaType, orig.name, orig.contentType)
		case ch.Similarity && isVideo:
			return nil, fmt.Errorf("%w: the similarity check needs an image, %q is %s", ErrUnsupportedMediaType, orig.name, orig.contentType)
		case ch.Similarity && o.Reference == "":
			return nil, fmt.Errorf("%w: the similarity check needs DetectOptions.Reference", ErrInvalidArgument)
		case !ch.Similarity && o.Reference != "":
			return nil, fmt.Errorf("%w: a Reference is only used by the similarity check", ErrInvalidArgument)
		}
		params = map[string]any{"version": "v1"}
		for k, on := range map[string]bool{"isLivenessCheck": ch.Liveness, "isFaceswapCheck": ch.Faceswap, "isSimilarityCheck": ch.Similarity} {
			if on {
				params[k] = true
			}
		}
	}
	if len(o.Parameters) > 0 {
		if params == nil {
			params = make(map[string]any, len(o.Parameters))
		}
		maps.Copy(params, o.Parameters)
	}
	return params, nil
}

// uploadAll uploads every source to its slot's URL, concurrently. The first
// failure cancels the others; it returns the failed input's slot.
func (c *Client) uploadAll(ctx context.Context, created *CreatedJob, srcs []*source, cs *callSettings, onProgress func(slot string, sent, total int64)) (string, error) {
	if len(srcs) == 1 { // nothing to run beside it: no closure, no goroutine
		s := srcs[0]
		u, err := uploadFor(created, s)
		if err == nil {
			err = c.uploadSource(ctx, u, s, cs, onProgress)
		}
		if err != nil {
			return s.slot, err
		}
		return "", nil
	}
	uploads := make([]Upload, len(srcs))
	for i, s := range srcs {
		u, err := uploadFor(created, s)
		if err != nil {
			return s.slot, err
		}
		uploads[i] = u
	}
	i, err := firstFailure(ctx, len(srcs), func(ctx context.Context, i int) error {
		return c.uploadSource(ctx, uploads[i], srcs[i], cs, onProgress)
	})
	if err != nil {
		return srcs[i].slot, err
	}
	return "", nil
}

// uploadFor returns the upload the server gave for s's slot.
func uploadFor(created *CreatedJob, s *source) (Upload, error) {
	u, ok := created.Upload(s.slot)
	if !ok {
		return u, fmt.Errorf("authenta: the server gave no upload URL for slot %q", s.slot)
	}
	return u, nil
}

// uploadSource uploads one source to u.
func (c *Client) uploadSource(ctx context.Context, u Upload, s *source, cs *callSettings, onProgress func(slot string, sent, total int64)) error {
	return c.Jobs.uploadWith(ctx, u, s.r, s.size, s.contentType, cs, newProgress(onProgress, s.slot, s.size), s.fi)
}

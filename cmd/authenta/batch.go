package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/phospheneai/authenta-go"
)

const batchAbout = `
Runs every file of the folders (walked recursively) and files given
through a detection model, a few at a time, and prints one result per
file as it ends. Files that no task takes, or that are empty, are skipped
and counted, never an error.

With -o, the output file is also the batch's journal: a line when a file's
job is created (with its job ID and its upload URL), a line when it ends.
Running the same command again reads it first: files already judged are
skipped, and a file whose job was created but did not finish is resumed
by its job ID, never created again; one whose upload was cut is sent
again to the same job while its upload URL lasts (an hour or so; later,
the job, never finalized and so never charged, is replaced). A kill -9 at
any moment loses nothing and pays for nothing twice. What no client can
close: a kill between the server making a job and the journal naming it
leaves a pending job, never charged, that the rerun names on stderr (it
never deletes it: "authenta jobs delete ID"). The upload URLs are
secrets: the journal is created readable by its owner only (0600). Files
are known by path, size and modification time: a changed file is judged
again. A failed line says what a rerun does with the file ("next":
"resume" or "again"; absent: nothing, its job ran and failed).

-shard I/N (zero-based) takes only the files whose path, relative to the
folder given, hashes to I of N, so N machines, or the N pods of a
Kubernetes Indexed Job (-shard /N takes I from $JOB_COMPLETION_INDEX),
split a folder with no coordinator: give each its own journal and merge
them with cat.

-task auto picks the model by content type: image AC-1, video DF-1,
audio AF-1, PDF DI-1. The SDK retries what is safe to retry; what still
fails is recorded as failed with the reason, and the batch goes on (a
rejected API key or an empty balance stops it).`

// batchConfig is a parsed batch command line.
type batchConfig struct {
	task     *authenta.TaskType // nil: auto
	workers  int
	rate     float64
	out      string
	shard    shard
	json     bool
	evidence string // folder for fake files' evidence
	roots    []string
}

func parseBatch(a *app, args []string) (*batchConfig, bool, error) {
	fs := a.newFlags("batch", "batch [-task T|auto] [-j N] [-rate R] [-o results.ndjson] [-shard I/N] [-evidence DIR] [-json] DIR|FILE...", batchAbout)
	taskName := fs.String("task", "auto", "task type for every file: ID, slug or model code (e.g. AC-1), or auto to pick by content type")
	workers := fs.Int("j", 4, "files in flight at once (1..1024)")
	perSec := fs.Float64("rate", 0, "at most R job creations per second, e.g. 0.5 or 10 (0: no limit)")
	out := fs.String("o", "", "the journal: NDJSON lines of created and finished files, read first to resume; created 0600, as it holds upload URLs (secrets)")
	shardSpec := fs.String("shard", "", "take only shard I of N (zero-based), e.g. 0/4; /N takes I from $"+envShardIndex)
	asJSON := fs.Bool("json", false, "print NDJSON on stdout, one object per file, instead of a table")
	evidenceDir := fs.String("evidence", "", "save each fake file's evidence (annotated image or video frames) in a folder of its own under DIR")
	if done, err := parse(fs, args); done || err != nil {
		return nil, done, err
	}
	cfg := &batchConfig{workers: *workers, rate: *perSec, out: *out, json: *asJSON, evidence: *evidenceDir, roots: fs.Args()}
	switch {
	case len(cfg.roots) == 0:
		return nil, false, usagef("name at least one folder or file")
	case cfg.workers < 1 || cfg.workers > 1024:
		return nil, false, usagef("-j %d: want 1 to 1024", cfg.workers)
	case cfg.rate < 0 || math.IsNaN(cfg.rate) || math.IsInf(cfg.rate, 0):
		return nil, false, usagef("-rate %v: want a number of job creations per second, 0 for no limit", cfg.rate)
	}
	if *taskName != "auto" && *taskName != "" {
		t, err := authenta.ParseTaskType(*taskName)
		if err != nil {
			return nil, false, usagef("-task %q: not a task type (see authenta tasks), nor auto", *taskName)
		}
		if t.ID == authenta.FaceIntelligence.ID {
			return nil, false, usagef("-task %s needs face checks per file: use authenta detect -checks", t.Model)
		}
		cfg.task = &t
	}
	var err error
	if cfg.shard, err = parseShard(*shardSpec, a.getenv); err != nil {
		return nil, false, err
	}
	return cfg, false, checkRoots(cfg.roots)
}

func runBatch(ctx context.Context, a *app, args []string) (int, error) {
	cfg, done, err := parseBatch(a, args)
	if done || err != nil {
		return exitOK, err
	}
	var (
		jr *journal
		st journalStats
	)
	if cfg.out != "" {
		if jr, st, err = openJournal(cfg.out); err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
				return exitUsage, usagef("-o: %v", err)
			}
			return exitFailed, fmt.Errorf("journal: %w", err)
		}
		defer jr.close()
		if st.torn > 0 {
			a.note("journal %s: cut off a torn last line (%d bytes) left by an interrupted run", cfg.out, st.torn)
		}
		if st.bad > 0 {
			a.note("journal %s: ignored %d lines that are not journal records", cfg.out, st.bad)
		}
		if st.narrowed {
			a.note("journal %s: others could read it; it holds upload URLs, so it is now readable by its owner only", cfg.out)
		}
	}
	c, closeClient, err := a.connect()
	if err != nil {
		return exitFailed, err
	}
	defer closeClient()

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	b := &batch{app: a, cfg: cfg, c: c, jr: jr, cancel: cancel, inFlight: make(map[fileKey]bool)}
	b.walker = &walker{task: cfg.task, shard: cfg.shard, warn: b.note}
	b.out = newPrinter(resultWriter{b}, cfg.json)
	if cfg.rate > 0 {
		b.limiter = rate.NewLimiter(rate.Limit(cfg.rate), 1)
	}
	b.orphans = b.findOrphanCandidates(ctx, st.first)
	if a.stderrTTY {
		files, bytes, err := b.count(ctx)
		if err != nil {
			return exitFailed, err
		}
		b.bars = newBars(a.stderr, files, bytes)
		a.drawing.Store(b.bars)
	}
	start := time.Now()
	werr := b.run(ctx)
	a.drawing.Store(nil) // notes go straight to stderr again
	b.bars.stop()
	return b.finish(ctx, werr, time.Since(start))
}

// batch is one run of the batch command.
type batch struct {
	*app
	cfg     *batchConfig
	c       *authenta.Client
	jr      *journal
	walker  *walker
	out     *printer
	bars    *bars
	limiter *rate.Limiter
	cancel  context.CancelCauseFunc // stops the batch, with the reason
	orphans *orphans                // on a rerun: pending jobs an earlier kill may have left

	t    tally
	skip skipped

	mu       sync.Mutex
	inFlight map[fileKey]bool // files being worked on, so that a file named twice runs once
	dup      int
	kept     int // jobs left unfinished by an interruption, to resume
}

// resultWriter writes results on stdout, or above the progress bars when
// stdout is the terminal they are drawn on (else each would break the
// other).
type resultWriter struct{ b *batch }

func (w resultWriter) Write(p []byte) (int, error) {
	if bs := w.b.drawing.Load(); bs != nil && w.b.sameTTY {
		return bs.Write(p)
	}
	return w.b.stdout.Write(p)
}

// count walks the roots once to size the progress bars: every file this
// run takes, and the bytes of those it will upload.
func (b *batch) count(ctx context.Context) (files, bytes int64, err error) {
	var sk skipped
	w := *b.walker
	w.warn = func(string, ...any) {}
	err = w.walk(ctx, b.cfg.roots, &sk, func(it item) error {
		files++
		if e, ok := b.jr.lookup(keyOf(it.path, it.size, it.modTime)); !ok || e.plan() == doNew {
			bytes += it.size
		}
		return nil
	})
	return files, bytes, err
}

// run walks the roots and feeds the workers.
func (b *batch) run(ctx context.Context) error {
	items := make(chan item)
	var wg sync.WaitGroup
	for range b.cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range items {
				b.handle(ctx, it)
			}
		}()
	}
	err := b.walker.walk(ctx, b.cfg.roots, &b.skip, func(it item) error {
		select {
		case items <- it:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(items)
	wg.Wait()
	return err
}

// claim marks a file as being worked on; false when it already is.
func (b *batch) claim(k fileKey) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inFlight[k] {
		b.dup++
		return false
	}
	b.inFlight[k] = true
	return true
}

func (b *batch) release(k fileKey) {
	b.mu.Lock()
	delete(b.inFlight, k)
	b.mu.Unlock()
}

// handle takes one file to its end: skipped when the journal says it is
// done, resumed when it has a job, else judged with a new job.
func (b *batch) handle(ctx context.Context, it item) {
	if ctx.Err() != nil {
		return
	}
	k := keyOf(it.path, it.size, it.modTime)
	if !b.claim(k) {
		return
	}
	defer b.release(k)
	e, ok := b.jr.lookup(k)
	plan := doNew
	if ok {
		plan = e.plan()
	}
	if plan == doNew {
		b.orphans.match(it.path, it.size)
	}
	switch plan {
	case doSkip:
		b.t.prior(e)
		b.bars.fileDone()
	case doResume:
		b.resume(ctx, it, e)
	default:
		b.judge(ctx, it)
	}
}

// base is the record of a file with what every line carries.
func (b *batch) base(it item) record {
	return record{File: it.path, Task: it.task.Model, Size: it.size, ModTime: it.modTime}
}

// end writes a file's last line: journal, stdout, tally and bars.
func (b *batch) end(r record, start time.Time) { b.finishFile(r, start, false) }

// endSynced is end with the journal line on disk when it returns.
func (b *batch) endSynced(r record, start time.Time) { b.finishFile(r, start, true) }

func (b *batch) finishFile(r record, start time.Time, sync bool) {
	r.Seconds = math.Round(time.Since(start).Seconds()*1000) / 1000
	r.At = time.Now().UTC().Format(time.RFC3339Nano)
	if err := b.jr.write(r, sync); err != nil {
		b.cancel(err)
		return
	}
	b.t.add(r)
	if err := b.out.print(r); err != nil {
		b.cancel(fmt.Errorf("stdout: %w", err))
	}
	b.bars.fileDone()
}

// judge runs a file with a new job. The job's "created" line is on disk
// before its upload starts.
func (b *batch) judge(ctx context.Context, it item) {
	if b.limiter != nil {
		if err := b.limiter.Wait(ctx); err != nil {
			return
		}
	}
	start := time.Now()
	fctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		created *authenta.Job
		jerr    error // the journal could not record the job
	)
	wait := b.wait
	fb := b.bars.file(it.path, it.size)
	opts := &authenta.DetectOptions{
		Wait: &wait,
		OnUploadProgress: func(slot string, sent, _ int64) {
			if slot == authenta.SlotOriginal {
				fb.progress(sent)
			}
		},
		// With a journal, the journal decides what becomes of a job left
		// unfinished; without one, Detect removes it.
		KeepJobOnError: b.jr != nil,
		// The created line carries the upload URLs, so that a rerun can
		// finish a cut upload to this same job.
		OnCreatedJob: func(cj *authenta.CreatedJob) {
			created = cj.Job
			r := b.base(it)
			r.State, r.JobID, r.Uploads, r.At = stateCreated, cj.Job.ID, journalUploads(cj.Uploads), time.Now().UTC().Format(time.RFC3339Nano)
			if jerr = b.jr.write(r, true); jerr != nil {
				cancel(jerr) // not on record: stop here, and remove it below
			}
		},
	}
	d, err := b.c.Detect(fctx, it.task, it.path, opts)
	var se *authenta.StepError
	errors.As(err, &se)
	fb.done(err == nil || (se != nil && se.Step != authenta.StepCreate && !isUploadStep(se.Step)))

	r := b.base(it)
	switch {
	case err == nil:
		b.judgedFile(ctx, it, d, r, start)
		return
	case jerr != nil:
		// The journal could not record the job: it must not live on.
		b.cancel(jerr)
		if rerr := b.removeJob(created.ID); rerr != nil {
			b.note("%s: could not remove job %s (%v); it was never finalized, so never charged", it.path, created.ID, rerr)
		}
		return
	case ctx.Err() != nil:
		// Interrupted: with a journal, the job (if any) stays, its
		// "created" line says so, and the next run resumes it (uploading
		// the file again to the same job if its upload was cut).
		if created != nil && b.jr != nil {
			b.keep()
		}
		return
	case (se == nil || !isUploadStep(se.Step)) && b.fatal(err):
		// (A storage error is about one upload, never the whole batch.)
		if created != nil {
			b.keep()
		}
		return
	}
	r.State, r.Error = stateFailed, err.Error()
	switch {
	case created == nil:
		r.Next = nextAgain // no job was made
	case se != nil && se.Removed:
		r.JobID, r.JobRemoved, r.Next = created.ID, true, nextAgain
	case se != nil && isUploadStep(se.Step):
		// Never finalized, so never charged: judge it again next time, and
		// remove the job once the journal says so (in that order, so that
		// a kill in between never leaves the journal naming a removed job).
		r.JobID, r.Next = created.ID, nextAgain
		b.endSynced(r, start)
		if rerr := b.removeJob(created.ID); rerr != nil {
			b.note("%s: could not remove job %s (%v); it was never finalized, so never charged", it.path, created.ID, rerr)
		}
		return
	default:
		r.JobID = created.ID
		b.failedJob(&r, err)
	}
	b.end(r, start)
}

// judgedFile ends a file its job judged: evidence (-evidence), then its
// line.
func (b *batch) judgedFile(ctx context.Context, it item, d *authenta.Detection, r record, start time.Time) {
	r.judged(d)
	b.saveEvidence(ctx, it, d, &r)
	b.end(r, start)
}

// saveEvidence saves a fake file's evidence when -evidence asks; an error
// is noted and leaves the verdict as it is.
func (b *batch) saveEvidence(ctx context.Context, it item, d *authenta.Detection, r *record) {
	if b.cfg.evidence == "" || r.Verdict != authenta.VerdictFake {
		return
	}
	dir, err := saveEvidence(ctx, b.c, b.cfg.evidence, it.path, it.task, d)
	if err != nil {
		b.note("%s: evidence: %v", it.path, err)
	}
	r.Evidence = dir
}

// failedJob fills a failed record for an error after the job was
// finalized (or may have been): a job that ran and failed is final;
// anything else is resumed next time.
func (b *batch) failedJob(r *record, err error) {
	var je *authenta.JobError
	switch {
	case errors.As(err, &je):
		r.Status = je.Job.Status
	case errors.Is(err, authenta.ErrJobFailed):
		r.Status = authenta.StatusFailed // a completed job whose result is an error
	default:
		r.Next = nextResume
	}
}

// isUploadStep: a StepError's Step is one of the Step constants (the slot
// is apart, in Slot).
func isUploadStep(step string) bool { return step == authenta.StepUpload }

// resume finishes a job a previous run created. A job whose upload was
// cut gets the file again, on the upload URL its created line kept, while
// that URL lasts; after that, it is replaced by a new job.
func (b *batch) resume(ctx context.Context, it item, e entry) {
	id := e.jobID
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, it.task.Timeout+2*time.Minute)
	defer cancel()
	wait := b.wait
	d, err := b.c.Resume(wctx, id, &wait)
	why := "its upload never finished, even sent again"
	if errors.Is(err, authenta.ErrInputsNotUploaded) && ctx.Err() == nil {
		switch uerr := b.reupload(wctx, it, e.upload); {
		case uerr == nil:
			d, err = b.c.Resume(wctx, id, &wait)
		case ctx.Err() != nil:
			err = uerr // interrupted: the created line stands, the next run tries again
		default:
			why = "its upload never finished, and " + uerr.Error()
		}
	}
	r := b.base(it)
	r.JobID = id
	switch {
	case err == nil:
		b.judgedFile(ctx, it, d, r, start)
		return
	case errors.Is(err, authenta.ErrInputsNotUploaded) && ctx.Err() == nil:
		// Never finalized, so never charged: replace it with a new job.
		b.note("%s: job %s: %s: removing it (never finalized, so never charged) and making a new one", it.path, id, why)
		r.State, r.Next, r.Error = stateFailed, nextAgain, why+": replaced by a new job"
		r.At = time.Now().UTC().Format(time.RFC3339Nano)
		if werr := b.jr.write(r, true); werr != nil {
			b.cancel(werr)
			return
		}
		if rerr := b.removeJob(id); rerr != nil {
			b.note("%s: could not remove job %s (%v); it stays pending and is never charged", it.path, id, rerr)
		}
		b.judge(ctx, it)
		return
	case ctx.Err() != nil:
		b.keep()
		return
	case b.fatal(err):
		b.keep()
		return
	}
	r.State, r.Error = stateFailed, err.Error()
	if errors.Is(err, authenta.ErrJobNotFound) {
		// Gone from the server (deleted, or expired): it may have been
		// charged, so it is not made again on its own.
		r.Error += " (the job no longer exists; remove the file's lines from the journal to judge it again)"
	} else {
		b.failedJob(&r, err)
	}
	b.end(r, start)
}

// uploadMargin is how long an upload URL must still last to be used: a
// URL that expires mid-upload would waste the upload.
const uploadMargin = time.Minute

// reupload sends a file again to the upload URL its job's created line
// kept. An error means the job cannot be finished that way: no URL, an
// expired one, or an upload that failed (ctx ended: interrupted).
func (b *batch) reupload(ctx context.Context, it item, u authenta.Upload) error {
	switch {
	case u.URL == "":
		return errors.New("the journal kept no upload URL for it")
	case !u.ExpiresAt.IsZero() && time.Until(u.ExpiresAt) < uploadMargin:
		return fmt.Errorf("its upload URL expired (or is about to) at %s", u.ExpiresAt.UTC().Format(time.RFC3339))
	}
	f, err := os.Open(it.path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return err
	case fi.Size() != it.size:
		return fmt.Errorf("%s changed size (%d bytes, was %d)", it.path, fi.Size(), it.size)
	}
	// (Not drawn: the bytes bar's total counts the files to create only.)
	if err := b.c.Jobs.Upload(ctx, u, f, it.size, authenta.ContentTypeFor(it.path)); err != nil {
		return fmt.Errorf("sending it again failed: %w", err)
	}
	return nil
}

// fatal stops the batch on an error every other file would hit too: a
// rejected key, a missing permission, no credits.
func (b *batch) fatal(err error) bool {
	for _, s := range []error{authenta.ErrInvalidAPIKey, authenta.ErrForbidden, authenta.ErrInsufficientBalance, authenta.ErrQuotaExceeded} {
		if errors.Is(err, s) {
			b.cancel(err)
			return true
		}
	}
	return false
}

func (b *batch) keep() {
	b.mu.Lock()
	b.kept++
	b.mu.Unlock()
}

// removeJob deletes a job that was never finalized (deleting is free), on
// a short context of its own: it runs when the batch may be stopping.
func (b *batch) removeJob(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := b.c.Jobs.Delete(ctx, id)
	if errors.Is(err, authenta.ErrJobNotFound) {
		return nil
	}
	return err
}

// finish prints the summary on stderr and returns the exit status.
func (b *batch) finish(ctx context.Context, werr error, took time.Duration) (int, error) {
	t := &b.t
	var sum string
	sum = fmt.Sprintf("%d judged (%d fake), %d failed", t.judged, t.fake, t.failed)
	if t.unchanged > 0 {
		sum += fmt.Sprintf(", %d already in the journal (%d fake, %d failed)", t.unchanged, t.priorFake, t.priorFailed)
	}
	if n := b.skip.total(); n > 0 {
		sum += fmt.Sprintf("; skipped %d (%s)", n, b.skip)
	}
	if b.skip.otherShard > 0 {
		sum += fmt.Sprintf("; %d left to other shards", b.skip.otherShard)
	}
	if b.dup > 0 {
		sum += fmt.Sprintf("; %d named twice", b.dup)
	}
	b.note("batch: %s in %s", sum, took.Round(time.Millisecond))
	if n := b.orphans.note(); n != "" {
		b.note("%s", n)
	}
	cause := context.Cause(ctx)
	switch {
	case cause != nil && !errors.Is(cause, context.Canceled):
		if b.kept > 0 {
			b.note("%d unfinished jobs were kept; run the same command again to resume them", b.kept)
		}
		return exitFailed, cause
	case ctx.Err() != nil:
		if b.jr != nil {
			return exitFailed, fmt.Errorf("interrupted: %d unfinished jobs were kept; run the same command again to resume them", b.kept)
		}
		return exitFailed, errors.New("interrupted")
	case werr != nil:
		return exitFailed, werr
	}
	if b.jr == nil && b.kept > 0 {
		return exitFailed, fmt.Errorf("%d jobs were left unfinished", b.kept)
	}
	return t.code(), nil
}

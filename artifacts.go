package authenta

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// maxParallelSaves bounds the concurrent downloads of SaveArtifacts.
const maxParallelSaves = 4

// Download streams one artifact of the job from its presigned URL into w
// and returns the number of bytes written. The request carries no
// Authorization header and is retried like any storage request until the
// response arrives. A URL that has expired (storage answers 403 or 404) is
// refreshed once: the job is got again and the same artifact (by ID, else
// by kind and slot) is downloaded from its fresh URL.
//
// Memory stays constant whatever the artifact's size. Retries happen only
// before the response arrives; once its body streams into w nothing is
// retried: a body cut by the network, or shorter than its Content-Length,
// is an error (matching io.ErrUnexpectedEOF when it was short), and w then
// holds a prefix of the artifact (n bytes) that the caller should discard.
// SaveArtifacts writes to temporary files for that reason. An error from w
// itself is returned as it is, wrapped.
func (s *JobsService) Download(ctx context.Context, job *Job, a Artifact, w io.Writer, opts ...CallOption) (int64, error) {
	switch {
	case job == nil:
		return 0, fmt.Errorf("%w: nil *Job", ErrInvalidArgument)
	case w == nil:
		return 0, fmt.Errorf("%w: nil io.Writer", ErrInvalidArgument)
	case a.DownloadURL == "":
		return 0, fmt.Errorf("%w: %s artifact %q of job %s has no download URL", ErrInvalidArgument, a.Kind, a.ID, job.ID)
	}
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return 0, err
	}
	defer end()
	return s.downloadTo(ctx, a, w, &refresher{s: s, job: job, cs: cs}, cs)
}

// downloadTo streams an artifact into w (see Download).
func (s *JobsService) downloadTo(ctx context.Context, a Artifact, w io.Writer, ref *refresher, cs *callSettings) (int64, error) {
	resp, err := s.openArtifact(ctx, a, ref, nil, cs, 0)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body := &readErr{r: resp.Body}
	n, err := io.Copy(w, body)
	if err == nil && resp.ContentLength >= 0 && n < resp.ContentLength {
		err = io.ErrUnexpectedEOF
		body.err = err
	}
	switch {
	case err == nil:
		return n, nil
	case body.err != nil && errors.Is(err, body.err):
		return n, fmt.Errorf("authenta: download %s artifact: body cut after %d bytes: %w", a.Kind, n, sanitizeError(err, *s.c.key))
	default:
		return n, fmt.Errorf("authenta: download %s artifact: write after %d bytes: %w", a.Kind, n, err)
	}
}

// readErr remembers the error its reader returned, to tell a cut body from
// a failing writer.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// openArtifact GETs an artifact's presigned URL through the storage client
// (retries, no auth). On 403 or 404, the URL has expired: the job is got
// again, once (through ref, shared by several downloads, or else one made
// for job when needed), and the same artifact is asked for at its fresh
// URL. On success the caller owns resp.Body.
func (s *JobsService) openArtifact(ctx context.Context, a Artifact, ref *refresher, job *Job, cs *callSettings, limit int) (*http.Response, error) {
	resp, err := s.getStorage(ctx, a.DownloadURL, cs, limit)
	if err == nil {
		return resp, nil // before the variable errors.As makes escape
	}
	var ae *APIError
	if !errors.As(err, &ae) || (ae.StatusCode != 403 && ae.StatusCode != 404) {
		return resp, err
	}
	if ref == nil {
		ref = &refresher{s: s, job: job, cs: cs} // made only when a URL expired
	}
	if !ref.canRefresh() {
		return resp, err
	}
	fresh, gerr := ref.get(ctx)
	if gerr != nil {
		return nil, fmt.Errorf("authenta: refresh the expired URL of the %s artifact: %w", a.Kind, gerr)
	}
	fa, ok := sameArtifact(fresh, a)
	if !ok {
		return nil, fmt.Errorf("authenta: the %s artifact's URL expired, and job %s no longer lists it: %w", a.Kind, fresh.ID, err)
	}
	return s.getStorage(ctx, fa.DownloadURL, cs, limit)
}

// getStorage sends a GET to a presigned URL. With a positive limit the
// body (at most limit bytes) is read inside the attempt, so that a cut
// download is retried (see readResponse), and handed over as an
// *ownedBody; otherwise it is streamed (idle-bounded).
func (s *JobsService) getStorage(ctx context.Context, rawURL string, cs *callSettings, limit int) (*http.Response, error) {
	// The retry state is made with the request (send would otherwise add
	// one with a copy of the request), User-Agent's value with it.
	rs := &requestState{Request: retry.Request{Mark: retry.Idempotent, Max: -1, Buffer: max(limit, 0)}}
	req, err := http.NewRequestWithContext(retry.With(ctx, &rs.Request), http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: download URL: %s", ErrInvalidArgument, redactURLs(err.Error()))
	}
	req.Header["User-Agent"] = rs.value(0, s.c.userAgent) // send keeps it as it is
	resp, err := s.c.send(s.c.storage, req, scopeStorage, cs)
	if err != nil || limit <= 0 {
		return resp, err
	}
	st := &rs.Request
	drainClose(resp.Body)
	resp.Body = newOwnedBody(st.Body())
	return resp, nil
}

// sameArtifact finds a in a fresher copy of its job: by ID, or else the one
// artifact of its kind, slot and content type.
func sameArtifact(job *Job, a Artifact) (Artifact, bool) {
	if a.ID != "" {
		for _, b := range job.Artifacts {
			if b.ID == a.ID && b.DownloadURL != "" {
				return b, true
			}
		}
	}
	var found Artifact
	n := 0
	for _, b := range job.Artifacts {
		if strings.EqualFold(b.Kind, a.Kind) && b.Slot == a.Slot && b.DownloadURL != "" &&
			(a.ContentType == "" || canonicalMIME(b.ContentType) == canonicalMIME(a.ContentType)) {
			found = b
			n++
		}
	}
	return found, n == 1
}

// refresher gets a job again when a download URL has expired, once for all
// the downloads of a call.
type refresher struct {
	s   *JobsService
	job *Job
	cs  *callSettings

	mu    sync.Mutex
	done  bool
	fresh *Job
	err   error
}

func (r *refresher) canRefresh() bool { return checkJobID(r.job.ID) == nil }

func (r *refresher) get(ctx context.Context) (*Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.done {
		r.fresh, r.err = r.s.job(ctx, http.MethodGet, r.job.ID, "", r.cs)
		r.done = true
	}
	return r.fresh, r.err
}

// SaveArtifacts writes every artifact of the job that has a download URL
// (inputs, result document, heatmaps) into dir, created if missing, and
// returns their paths in the job's order. Downloads run concurrently (at
// most 4 at once) and share one refresh of expired URLs (see Download).
//
// Each file is written to a temporary file in dir, synced, and renamed
// into place, so a file under its final name is always whole; on failure
// the temporary files are removed. Files are created readable by their
// owner only (0600). Names are built from the job ID, the artifact's kind,
// slot and ID, and an extension from its content type
// ("3140_heatmap_art_7.png"): other characters than letters, digits, '.',
// '-' and '_' (none in the job ID) are replaced, so no server-supplied part
// can leave dir, and a part that had to be changed or shortened gains a
// hash of the original, so that two jobs never share a name. Saving a job
// again replaces its files.
//
// On error, it returns the paths of the files already complete with the
// first error.
func (s *JobsService) SaveArtifacts(ctx context.Context, job *Job, dir string, opts ...CallOption) ([]string, error) {
	switch {
	case job == nil:
		return nil, fmt.Errorf("%w: nil *Job", ErrInvalidArgument)
	case dir == "":
		return nil, fmt.Errorf("%w: empty directory", ErrInvalidArgument)
	}
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer end()

	var arts []Artifact
	for _, a := range job.Artifacts {
		if a.DownloadURL != "" {
			arts = append(arts, a)
		}
	}
	names := artifactNames(job.ID, arts)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("authenta: save artifacts: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ref := &refresher{s: s, job: job, cs: cs}
	paths := make([]string, len(arts))
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for range min(maxParallelSaves, len(arts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(arts) || ctx.Err() != nil {
					return
				}
				p, err := s.saveOne(ctx, arts[i], filepath.Join(dir, names[i]), ref, cs)
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				paths[i] = p
			}
		}()
	}
	wg.Wait()
	syncDir(dir)
	if firstErr == nil && slices.Contains(paths, "") {
		// Only the caller's context ends the workers without an error.
		firstErr = fmt.Errorf("authenta: save artifacts: %w", context.Cause(ctx))
	}
	if firstErr != nil {
		done := paths[:0]
		for _, p := range paths {
			if p != "" {
				done = append(done, p)
			}
		}
		return done, firstErr
	}
	return paths, nil
}

// saveOne downloads an artifact into a temporary file beside path, syncs
// it, and renames it to path. On failure it removes the temporary file.
func (s *JobsService) saveOne(ctx context.Context, a Artifact, path string, ref *refresher, cs *callSettings) (_ string, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".authenta-*.part")
	if err != nil {
		return "", fmt.Errorf("authenta: save %s artifact: %w", a.Kind, err)
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				_ = f.Close()
			}
			_ = os.Remove(tmp)
		}
	}()
	if _, err = s.downloadTo(ctx, a, f, ref, cs); err != nil {
		return "", err
	}
	if err = f.Sync(); err == nil {
		closed = true
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return "", fmt.Errorf("authenta: save %s artifact: %w", a.Kind, err)
	}
	return path, nil
}

// syncDir makes the renames in dir durable, best effort.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

package authenta

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// Upload streams one input's bytes to its presigned URL with a PUT: no
// Authorization header, the declared Content-Type, and an explicit
// Content-Length of size (presigned PUTs refuse chunked bodies). The body is
// never buffered: memory stays constant whatever the size.
//
// A body that is an io.ReaderAt (an *os.File, *bytes.Reader, or
// *io.SectionReader) is read from its current offset (0 when it is not also
// an io.Seeker) and re-read from there on each retry. A regular *os.File
// whose rest is exactly size bytes is sent from a fresh handle on the same
// file per attempt, which net/http sends with sendfile(2); the caller's
// handle is never moved. Any other reader can be read only once, so it is
// sent once, without retries; it must hold at least size bytes.
//
// An empty URL, a negative size, a nil body with a positive size or an
// empty content type is an error before anything is sent, and so is an
// upload whose ExpiresAt has passed (ErrUploadURLExpired).
func (s *JobsService) Upload(ctx context.Context, u Upload, body io.Reader, size int64, contentType string, opts ...CallOption) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrInvalidArgument)
	}
	if _, err := checkUpload(u, body, size, contentType); err != nil {
		return err
	}
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return err
	}
	defer end()
	return s.upload(ctx, u, body, size, contentType, cs)
}

func (s *JobsService) upload(ctx context.Context, u Upload, body io.Reader, size int64, contentType string, cs *callSettings) error {
	return s.uploadWith(ctx, u, body, size, contentType, cs, nil, nil)
}

// uploadWith is upload, reporting each attempt's progress to prog (nil:
// none). opened, when not nil, describes body: a regular file the SDK
// opened and checked itself (see ownFile).
func (s *JobsService) uploadWith(ctx context.Context, u Upload, body io.Reader, size int64, contentType string, cs *callSettings, prog *progress, opened os.FileInfo) error {
	target, err := checkUpload(u, body, size, contentType)
	if err != nil {
		return err
	}
	if !u.ExpiresAt.IsZero() && !s.c.clock.Now().Before(u.ExpiresAt) {
		return fmt.Errorf("%w: slot %q expired at %s; create the job again", ErrUploadURLExpired, u.Slot, u.ExpiresAt.Format("2006-01-02T15:04:05Z07:00"))
	}
	return s.c.putPresignedWith(ctx, target, presignedHeader{contentType: contentType}, body, size, uploadName{"upload", u.Slot}, cs, prog, opened)
}

// putPresigned streams size bytes of body to a presigned URL with a PUT:
// the headers given and no others of the SDK's but User-Agent (never
// Authorization: the storage client has no auth layer), and an explicit
// Content-Length (presigned PUTs refuse chunked bodies). The body is never
// buffered. A body that is an io.ReaderAt is read from its current offset
// (0 when it is not also an io.Seeker) and re-read from there on each
// retry; any other reader is sent once, without retries, and must hold at
// least size bytes. what names the upload in errors about the body.
func (c *Client) putPresigned(ctx context.Context, target string, header http.Header, body io.Reader, size int64, what string, cs *callSettings) error {
	return c.putPresignedWith(ctx, target, presignedHeader{header: header}, body, size, uploadName{verb: what}, cs, nil, nil)
}

// uploadName names an upload in errors about its body ("upload
// original"): the string is made only when an error needs it.
type uploadName struct{ verb, name string }

func (n uploadName) String() string {
	if n.name == "" {
		return n.verb
	}
	return n.verb + " " + n.name
}

// presignedHeader is what a presigned PUT sends besides User-Agent: a
// Content-Type, if not empty, and then header's fields.
type presignedHeader struct {
	contentType string
	header      http.Header
}

// putPresignedWith is putPresigned, reporting each attempt's progress to
// prog (nil: none). opened, when not nil, is what the SDK's own stat of
// body found when it opened it: body is then an *os.File of the SDK's own,
// a regular file at offset 0 that nothing else reads (see ownFile), and
// is not inspected again (unless prog is set: see below).
func (c *Client) putPresignedWith(ctx context.Context, target string, header presignedHeader, body io.Reader, size int64, what uploadName, cs *callSettings, prog *progress, opened os.FileInfo) error {
	// The request's retry state is made with it (send would otherwise add
	// one with a copy of the request).
	rs := &requestState{Request: retry.Request{Mark: retry.Idempotent, Max: -1, Drop: true}} // the answer is dropped
	st := &rs.Request
	req, err := http.NewRequestWithContext(retry.With(ctx, st), http.MethodPut, target, nil)
	if err != nil {
		return fmt.Errorf("%w: upload URL: %s", ErrInvalidArgument, redactURLs(err.Error()))
	}
	if header.contentType != "" {
		req.Header["Content-Type"] = rs.value(0, header.contentType)
	}
	req.Header["User-Agent"] = rs.value(1, c.userAgent) // send keeps it as it is
	for k, v := range header.header {
		req.Header[k] = v
	}
	req.ContentLength = size
	own, _ := body.(*os.File)
	if opened == nil || (prog != nil && !offsetProgress) {
		// Where progress needs a counting reader (below), the bytes do not
		// go through ownFile's first attempt and its fstat: such an upload
		// is inspected as any other file is, so that a file that shrank
		// since it was opened is refused before anything is sent.
		own = nil
	}
	var (
		ra   io.ReaderAt
		off  int64
		pump bool
	)
	if own != nil {
		ra = own // regular, at offset 0, never moved by anyone else
	} else {
		if ra, off, err = inspectBody(what.String()+": the body", body, size); err != nil {
			return err
		}
		// A body that may block is pumped, so that the context ends the
		// call whatever its Read does (see pumpBody).
		pump = mayBlock(body)
	}
	var pumps *pumpSet
	if pump {
		pumps = new(pumpSet)
		defer pumps.close()
	}
	switch {
	case size == 0:
		req.Body = http.NoBody
		prog.reader(nil) // reports the total, 0
	case ra != nil:
		// sendfile (upload_file.go); where progress cannot be read from
		// the file's offset as sendfile moves it (progress_file.go), it
		// needs the bytes to pass through a reader that counts them.
		switch f, ok := body.(*os.File); {
		case !ok || (prog != nil && !offsetProgress):
		case own != nil:
			req.GetBody = ownFileBodies(own, opened, size, prog)
		default:
			req.GetBody = fileBodies(f, off, size, prog)
		}
		if req.GetBody == nil {
			req.GetBody = func() (io.ReadCloser, error) {
				return attemptBody(ctx, io.NewSectionReader(ra, off, size), size, prog, pumps), nil
			}
		}
		if req.Body, err = req.GetBody(); err != nil {
			return fmt.Errorf("authenta: %s: %w", what, err)
		}
	default:
		// Read once: no GetBody, and the retry policy is told not to try.
		req.Body = attemptBody(ctx, body, size, prog, pumps)
		st.Mark = retry.Once
	}
	resp, err := c.send(c.storage, req, scopeStorage, cs)
	if err != nil {
		return err
	}
	drainClose(resp.Body)
	return nil
}

// attemptBody is one attempt's body of an upload: exactly size bytes of r,
// counted by prog (each attempt starts again from 0), and pumped (see
// pumpBody) when pumps is not nil.
func attemptBody(ctx context.Context, r io.Reader, size int64, prog *progress, pumps *pumpSet) io.ReadCloser {
	er := prog.reader(&exactReader{r: r, left: size})
	if pumps == nil {
		return io.NopCloser(er)
	}
	return pumps.add(newPumpBody(ctx, er))
}

// pumpSet holds the pumped bodies of one upload. The transport closes the
// bodies it sent; a transport that does not must not leave pumps behind,
// so the upload closes them all when it ends.
type pumpSet struct {
	mu     sync.Mutex
	bodies []*pumpBody
}

func (s *pumpSet) add(p *pumpBody) *pumpBody {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies = append(s.bodies, p)
	return p
}

func (s *pumpSet) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.bodies {
		_ = p.Close()
	}
}

func checkUpload(u Upload, body io.Reader, size int64, contentType string) (string, error) {
	raw := strings.TrimSpace(u.URL)
	switch {
	case raw == "":
		return "", fmt.Errorf("%w: upload for slot %q has no URL", ErrInvalidArgument, u.Slot)
	case size < 0:
		return "", fmt.Errorf("%w: negative upload size %d", ErrInvalidArgument, size)
	case body == nil && size > 0:
		return "", fmt.Errorf("%w: nil upload body", ErrInvalidArgument)
	case strings.TrimSpace(contentType) == "":
		return "", fmt.Errorf("%w: upload needs the content type declared at create", ErrInvalidArgument)
	}
	if err := checkContentType(contentType); err != nil {
		return "", err
	}
	pu, err := url.Parse(raw)
	if err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
		return "", fmt.Errorf("%w: upload URL for slot %q is not an absolute http(s) URL", ErrInvalidArgument, u.Slot)
	}
	return raw, nil
}

// sizeOf returns the total size of a body that can tell it without reading.
func sizeOf(body io.Reader) (int64, bool) {
	switch b := body.(type) {
	case interface{ Size() int64 }: // *bytes.Reader, *strings.Reader, *io.SectionReader
		return b.Size(), true
	case interface{ Stat() (os.FileInfo, error) }: // *os.File
		if fi, err := b.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size(), true
		}
	}
	return 0, false
}

// exactReader reads exactly left bytes of r: more are not read, and fewer
// end the upload with an error that no retry can fix (net/http would
// otherwise report a mismatch that the retry policy takes for a network
// failure).
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		return n, &retry.Permanent{Err: fmt.Errorf("%w: upload body ended %d bytes short of its declared size", ErrInvalidArgument, e.left)}
	}
	if e.left == 0 && err == nil {
		err = io.EOF
	}
	return n, err
}

// firstFailure runs f(ctx, 0) to f(ctx, n-1) concurrently and waits for
// them all. The first to fail cancels the others' context; firstFailure
// returns its index and error (-1 and nil when none failed).
func firstFailure(ctx context.Context, n int, f func(ctx context.Context, i int) error) (int, error) {
	if n == 1 { // nothing to run beside it: no goroutine
		if err := f(ctx, 0); err != nil {
			return 0, err
		}
		return -1, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg      sync.WaitGroup
		once    sync.Once
		failed  = -1
		failErr error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx, i); err != nil {
				once.Do(func() { failed, failErr = i, err; cancel() })
			}
		}()
	}
	wg.Wait()
	return failed, failErr
}

package authenta

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// Upload streams one input's bytes to its presigned URL with a PUT: no
// Authorization header, the declared Content-Type, and an explicit
// Content-Length of size (presigned PUTs refuse chunked bodies). The body is
// never buffered: memory stays constant whatever the size.
//
// A body that is an io.ReaderAt (an *os.File, *bytes.Reader, or
// *io.SectionReader) is read from its current offset (0 when it is not also
// an io.Seeker) and re-read from there on each retry. Any other reader can
// be read only once, so it is sent once, without retries; it must hold at
// least size bytes.
//
// An empty URL, a negative size, a nil body with a positive size or an
// empty content type is an error before anything is sent, and so is an
// upload whose ExpiresAt has passed (ErrUploadURLExpired).
func (s *JobsService) Upload(ctx context.Context, u Upload, body io.Reader, size int64, contentType string) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrInvalidArgument)
	}
	target, err := checkUpload(u, body, size, contentType)
	if err != nil {
		return err
	}
	if !u.ExpiresAt.IsZero() && !s.c.clock.Now().Before(u.ExpiresAt) {
		return fmt.Errorf("%w: slot %q expired at %s; create the job again", ErrUploadURLExpired, u.Slot, u.ExpiresAt.Format("2006-01-02T15:04:05Z07:00"))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, target, nil)
	if err != nil {
		return fmt.Errorf("%w: upload URL: %s", ErrInvalidArgument, redactURLs(err.Error()))
	}
	req.Header.Set("Content-Type", contentType)
	req.ContentLength = size
	switch ra, ok := body.(io.ReaderAt); {
	case size == 0:
		req.Body = http.NoBody
	case ok:
		var off int64
		if sk, ok := body.(io.Seeker); ok {
			if off, err = sk.Seek(0, io.SeekCurrent); err != nil {
				return fmt.Errorf("authenta: upload %s: %w", u.Slot, err)
			}
		}
		req.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(io.NewSectionReader(ra, off, size)), nil
		}
		req.Body, _ = req.GetBody()
	default:
		// Read once: no GetBody, and the retry policy is told not to try.
		req.Body = io.NopCloser(io.LimitReader(body, size))
		req = req.WithContext(retry.WithMark(ctx, retry.Once))
	}
	resp, err := s.c.send(s.c.storage, req, scopeStorage)
	if err != nil {
		return err
	}
	drainClose(resp.Body)
	return nil
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
	pu, err := url.Parse(raw)
	if err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
		return "", fmt.Errorf("%w: upload URL for slot %q is not an absolute http(s) URL", ErrInvalidArgument, u.Slot)
	}
	return raw, nil
}

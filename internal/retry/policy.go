package retry

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Policy decides which attempts are retried and how long to wait between
// them. Its methods plug into retryablehttp.Client.CheckRetry and Backoff.
type Policy struct {
	// MaxWait is the longest the SDK sleeps before a retry. A Retry-After
	// longer than this ends the retries at once: the caller gets the error
	// with the server's delay instead of a goroutine asleep for an hour.
	MaxWait time.Duration
	// Now returns the current time (for HTTP-date Retry-After); nil means time.Now.
	Now func() time.Time
	// Final, when set, sees a 429 answer before it is retried, with the
	// start of its body (at most PeekLimit bytes), and reports whether
	// retrying cannot help (a used-up quota): the answer is then returned
	// at once. The body is put back whole for whoever reads it next.
	Final func(resp *http.Response, start []byte) bool
}

// PeekLimit is how much of a 429 body Final sees.
const PeekLimit = 4 << 10

// Mark tells how a request may be retried.
type Mark uint8

const (
	// Idempotent requests (GET, DELETE, PUT to storage) are retried on
	// connection errors, 429, 500, 502, 503 and 504.
	Idempotent Mark = iota
	// NonIdempotent requests (POST create, finalize, cancel) are retried only
	// on 429, 503 and errors that happened before the request was sent.
	NonIdempotent
	// Once is never retried (a body that cannot be replayed).
	Once
)

// WithMark returns a context whose requests carry the retry mark m (and
// no retry budget of their own).
func WithMark(ctx context.Context, m Mark) context.Context {
	if m == Idempotent {
		return ctx // the default; saves an allocation
	}
	return With(ctx, &Request{Mark: m, Max: -1})
}

// MarkOf returns the retry mark of the requests made with ctx.
func MarkOf(ctx context.Context) Mark {
	if r := From(ctx); r != nil {
		return r.Mark
	}
	return Idempotent
}

// NotSentError wraps a transport error that happened before any byte of the
// request reached the connection, so even a POST can be retried safely.
type NotSentError struct{ Err error }

func (e *NotSentError) Error() string { return e.Err.Error() }
func (e *NotSentError) Unwrap() error { return e.Err }

// Permanent wraps an error that retrying cannot fix (bad input found while
// sending, a body that cannot be replayed).
type Permanent struct{ Err error }

func (e *Permanent) Error() string { return e.Err.Error() }
func (e *Permanent) Unwrap() error { return e.Err }

// CheckRetry implements retryablehttp.CheckRetry.
func (p *Policy) CheckRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	r := From(ctx)
	mark := Idempotent
	if r != nil {
		if r.exhausted() {
			return false, nil
		}
		mark = r.Mark
	}
	if mark == Once {
		return false, nil
	}
	if err != nil {
		if !transient(err) {
			return false, nil
		}
		if mark == NonIdempotent {
			var ns *NotSentError
			return errors.As(err, &ns), nil
		}
		return true, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		if resp.StatusCode == http.StatusTooManyRequests && p.Final != nil && p.Final(resp, peek(resp)) {
			return false, nil
		}
		if d, ok := RetryAfter(resp, p.now()); ok && d > p.MaxWait {
			return false, nil // the server asks for longer than we wait: report it
		}
		return true, nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return mark == Idempotent, nil
	}
	return false, nil
}

// transient reports whether a transport error may go away on retry.
func transient(err error) bool {
	var perm *Permanent
	if errors.As(err, &perm) {
		return false
	}
	var certErr x509.UnknownAuthorityError // a value type: x509 returns it by value
	var verifyErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) || errors.As(err, &verifyErr) {
		return false
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		msg := ue.Err.Error()
		for _, s := range []string{"stopped after", "unsupported protocol scheme", "invalid header", "certificate is not trusted", "net/http: invalid"} {
			if strings.Contains(msg, s) {
				return false
			}
		}
	}
	return true
}

// Backoff implements retryablehttp.Backoff: the server's Retry-After on 429
// and 503 (CheckRetry has already refused delays above MaxWait), otherwise
// exponential growth from min, capped at max, with jitter in the upper half.
func (p *Policy) Backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if d, ok := RetryAfter(resp, p.now()); ok && d > 0 {
		return min(d, maxWait)
	}
	return Exponential(minWait, maxWait, attempt)
}

// Exponential returns a jittered wait for the attempt (0-based): the
// ceiling min·2^attempt, capped at max, and a uniform wait in its upper
// half, never below min.
func Exponential(minWait, maxWait time.Duration, attempt int) time.Duration {
	if minWait <= 0 {
		return 0
	}
	ceil := maxWait
	if attempt < 63 && minWait <= maxWait>>attempt { // min·2^attempt ≤ max, without overflow
		ceil = minWait << attempt
	}
	half := ceil / 2
	d := half + time.Duration(rand.Int64N(int64(ceil-half)+1))
	return max(d, minWait)
}

func (p *Policy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// peek reads the start of resp's body and puts it back: resp.Body then
// reads the same bytes as before, and closes the original body.
func peek(resp *http.Response) []byte {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil
	}
	buf := make([]byte, PeekLimit)
	n, err := io.ReadFull(resp.Body, buf)
	buf = buf[:n]
	var rest io.Reader = resp.Body
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		rest = eofReader{}
	default:
		rest = errReader{err}
	}
	resp.Body = peekedBody{io.MultiReader(bytes.NewReader(buf), rest), resp.Body}
	return buf
}

type peekedBody struct {
	io.Reader
	io.Closer
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

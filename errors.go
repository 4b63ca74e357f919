package authenta

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. Every error the SDK returns for these conditions matches
// the sentinel with errors.Is, through any wrapping the SDK adds. Use
// errors.As with *APIError for the details of a server's answer.
var (
	ErrMissingAPIKey        = errors.New("authenta: missing API key")        // no key given
	ErrInvalidAPIKey        = errors.New("authenta: invalid API key")        // INVALID_API_KEY, IAM001, or a 401
	ErrForbidden            = errors.New("authenta: forbidden")              // FORBIDDEN, IAM002, or a 403
	ErrInsufficientBalance  = errors.New("authenta: insufficient balance")   // INSUFFICIENT_BALANCE, U007, or a 402
	ErrQuotaExceeded        = errors.New("authenta: quota exceeded")         // AA001
	ErrInvalidTaskType      = errors.New("authenta: invalid task type")      // INVALID_TASK_TYPE
	ErrUnsupportedMediaType = errors.New("authenta: unsupported media type") // UNSUPPORTED_MEDIA_TYPE, or a local check before upload
	ErrJobNotFound          = errors.New("authenta: job not found")          // JOB_NOT_FOUND, or a 404 from a jobs endpoint
	ErrConflict             = errors.New("authenta: conflict")               // 409 or 422 (e.g. cancelling a job that is processing)
	ErrRateLimited          = errors.New("authenta: rate limited")           // 429 after retries
	ErrServer               = errors.New("authenta: server error")           // 5xx after retries
	ErrJobFailed            = errors.New("authenta: job failed")             // Wait/Detect: the job ended failed
	ErrJobCancelled         = errors.New("authenta: job cancelled")          // Wait/Detect: the job ended cancelled
	ErrInvalidArgument      = errors.New("authenta: invalid argument")       // bad input caught before any request was sent
	ErrNoResult             = errors.New("authenta: job has no result")      // Result: no result artifact, inline result or result URL
	ErrUploadURLExpired     = errors.New("authenta: presigned URL expired")  // Upload: ExpiresAt is in the past, or storage says the URL expired
)

// errScope tells which kind of endpoint answered: a 404 means "job not
// found" only when a jobs endpoint says it, not when a presigned storage
// URL has expired. The zero value is the jobs scope, so that an APIError
// built by hand (&APIError{StatusCode: 404}, or NewAPIError) matches the
// sentinels as a jobs endpoint's error does; the SDK marks the errors of
// other endpoints and of storage explicitly.
type errScope uint8

const (
	scopeJobs    errScope = iota // /api/v1/jobs..., and errors built outside the SDK
	scopeAPI                     // platform endpoints other than jobs
	scopeStorage                 // presigned upload and download URLs
	scopeFaces                   // the face-indexing endpoints
)

// APIError is the server's answer to a request that failed with an HTTP
// error status, after any retries. It matches the package's sentinels with
// errors.Is (see Is).
type APIError struct {
	StatusCode int
	Code       string // as the server sent it, may be empty
	Message    string // one readable line, never empty
	RequestID  string // from the X-Request-Id or Request-Id response header, when present
	RetryAfter time.Duration
	Body       []byte // the start of the raw body (at most 64 KiB); may echo credentials: do not log it

	scope errScope
}

// codeSentinels maps every documented code, v1 and legacy, case-insensitively
// (FaceSim sends lower-case codes), onto its sentinel.
var codeSentinels = map[string]error{
	"INVALID_API_KEY":        ErrInvalidAPIKey,
	"IAM001":                 ErrInvalidAPIKey,
	"FORBIDDEN":              ErrForbidden,
	"IAM002":                 ErrForbidden,
	"INSUFFICIENT_BALANCE":   ErrInsufficientBalance,
	"U007":                   ErrInsufficientBalance,
	"AA001":                  ErrQuotaExceeded,
	"INVALID_TASK_TYPE":      ErrInvalidTaskType,
	"UNSUPPORTED_MEDIA_TYPE": ErrUnsupportedMediaType,
	"JOB_NOT_FOUND":          ErrJobNotFound,
	"CONFLICT":               ErrConflict,
	"NO_FACE_DETECTED":       ErrNoFaceDetected, // face indexing, 422
	"INVALID_IMAGE":          ErrInvalidImage,   // face indexing, 422
	"IMAGE_TOO_LARGE":        ErrInvalidImage,   // face indexing clients' word for a 413
}

// sentinel returns the one sentinel this error matches, or nil. A known
// code decides; without one, the HTTP status does.
func (e *APIError) sentinel() error {
	if s, ok := codeSentinels[strings.ToUpper(strings.TrimSpace(e.Code))]; ok {
		return s
	}
	switch s := e.StatusCode; {
	case s == 401:
		return ErrInvalidAPIKey
	case s == 402:
		return ErrInsufficientBalance
	case s == 403:
		if e.scope == scopeStorage {
			// A presigned URL that expired (S3: AccessDenied, "Request has
			// expired") or is mis-signed: not a matter of the API key.
			if strings.Contains(strings.ToLower(e.Message), "expired") {
				return ErrUploadURLExpired
			}
			return nil
		}
		return ErrForbidden
	case s == 404:
		if e.scope == scopeJobs {
			return ErrJobNotFound
		}
	case s == 413 && e.scope == scopeFaces:
		return ErrInvalidImage // a search image too large for the gateway
	case s == 409 || s == 422:
		return ErrConflict
	case s == 415:
		return ErrUnsupportedMediaType
	case s == 429:
		return ErrRateLimited
	case s >= 500:
		return ErrServer
	}
	return nil
}

// Is reports whether the error belongs to the category of target, one of
// the package's sentinels: by its code when the code is known (AA001 is
// ErrQuotaExceeded even though it comes with a 429), otherwise by its HTTP
// status.
func (e *APIError) Is(target error) bool {
	s := e.sentinel()
	return s != nil && s == target
}

// Error returns one line: status, code, message and request id. It never
// contains the body (which may echo a presigned signature).
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("authenta: ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	// The fields were made one clean line when decoded; an APIError built
	// elsewhere (a test double's) is cleaned and redacted here, as LogValue
	// and MarshalJSON do (no allocation when already clean).
	if code := scrubLine(e.Code, maxCodeLen); code != "" {
		b.WriteByte(' ')
		b.WriteString(code)
	}
	if msg := scrubLine(e.Message, maxMessageLen); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteByte(')')
	}
	if id := scrubLine(e.RequestID, maxRequestIDLen); id != "" {
		b.WriteString(" (request id ")
		b.WriteString(id)
		b.WriteByte(')')
	}
	return b.String()
}

package authenta

import (
	"net/http"
	"time"
)

// maxErrorBody is how much of an error body is kept in APIError.Body.
const maxErrorBody = 64 << 10

// readAPIError consumes at most a bounded prefix of resp.Body, closes it, and
// decodes the server's error into an *APIError. now is used for an HTTP-date
// Retry-After.
//
// TODO(errors helper): implement; stub for the skeleton.
func readAPIError(resp *http.Response, scope errScope, now time.Time) *APIError {
	_ = resp.Body.Close()
	return &APIError{StatusCode: resp.StatusCode, Message: http.StatusText(resp.StatusCode), scope: scope}
}

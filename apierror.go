package authenta

import (
	"net/http"
	"strconv"
)

// NewAPIError builds the error the SDK returns for an HTTP error status, for
// test doubles: it matches the same sentinels as the SDK's own error from a
// jobs endpoint (a 404 matches ErrJobNotFound, a 402 or the code
// "INSUFFICIENT_BALANCE" matches ErrInsufficientBalance, a 503 ErrServer).
// Code and message are made one safe line as the SDK's decoder makes the
// server's; an empty message becomes the status text.
func NewAPIError(statusCode int, code, message string) *APIError {
	e := &APIError{StatusCode: statusCode, Code: scrubLine(code, maxCodeLen), Message: scrubLine(message, maxMessageLen)}
	if e.Message == "" {
		e.Message = http.StatusText(statusCode)
	}
	if e.Message == "" {
		e.Message = "HTTP " + strconv.Itoa(statusCode)
	}
	return e
}

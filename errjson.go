package authenta

import (
	"encoding/json"
)

// The SDK's errors (APIError, StepError, JobError, ResultError) marshal to
// camelCase JSON made of their printed, redacted text, so that a service
// that returns or logs an error as JSON shows no API key and no presigned
// query string. APIError.Body (the raw answer, which may echo a signature)
// is never marshalled.

// MarshalJSON writes the error's status, code, message, request id and
// Retry-After (in seconds), without its raw body.
func (e APIError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		StatusCode int     `json:"statusCode"`
		Code       string  `json:"code,omitempty"`
		Message    string  `json:"message"`
		RequestID  string  `json:"requestId,omitempty"`
		RetryAfter float64 `json:"retryAfterSeconds,omitempty"`
		Error      string  `json:"error"`
	}{e.StatusCode, scrubLine(e.Code, maxCodeLen), scrubLine(e.Message, maxMessageLen), scrubLine(e.RequestID, maxRequestIDLen), e.RetryAfter.Seconds(), (&e).Error()})
}

// MarshalJSON writes the step, slot, job id, removal outcome and the
// error's text.
func (e StepError) MarshalJSON() ([]byte, error) {
	out := struct {
		Step    string `json:"step"`
		Slot    string `json:"slot,omitempty"`
		JobID   string `json:"jobId,omitempty"`
		Removed bool   `json:"removed"`
		Cleanup string `json:"cleanup,omitempty"`
		Error   string `json:"error"`
	}{Step: e.Step, Slot: e.Slot, JobID: e.JobID, Removed: e.Removed, Error: (&e).Error()}
	if e.Cleanup != nil {
		out.Cleanup = errorText(e.Cleanup)
	}
	return json.Marshal(out)
}

// MarshalJSON writes the job's id and status and the error's text.
func (e JobError) MarshalJSON() ([]byte, error) {
	out := struct {
		JobID   string `json:"jobId,omitempty"`
		Status  Status `json:"status,omitempty"`
		Message string `json:"message,omitempty"`
		Error   string `json:"error"`
	}{Message: scrubLine(e.Message, maxMessageLen), Error: (&e).Error()}
	if e.Job != nil {
		out.JobID, out.Status = e.Job.ID, e.Job.Status
	}
	return json.Marshal(out)
}

// MarshalJSON writes the job's id and status, the model's error name and
// message, and the error's text, URL query strings redacted.
func (e ResultError) MarshalJSON() ([]byte, error) {
	out := struct {
		JobID   string `json:"jobId,omitempty"`
		Status  Status `json:"status,omitempty"`
		Name    string `json:"name,omitempty"`
		Message string `json:"message,omitempty"`
		Error   string `json:"error"`
	}{Name: scrubLine(e.Name, maxCodeLen), Message: scrubLine(e.Message, maxMessageLen), Error: (&e).Error()}
	if e.Job != nil {
		out.JobID, out.Status = e.Job.ID, e.Job.Status
	}
	return json.Marshal(out)
}

package authenta

import (
	"encoding/json"

	"github.com/phospheneai/authenta-go/internal/lenient"
)

// ResultError is the error for a job that completed with a result document
// reporting an error instead of a verdict, e.g. {"error":
// "OutOfMemoryError", "message": "..."}. It matches ErrJobFailed.
type ResultError struct {
	Job     *Job   // nil from ParseResult
	Name    string // the error the document names ("OutOfMemoryError"), may be empty
	Message string // the document's message, may be empty; URL query strings (and, from Jobs.Result, the API key) redacted
}

// Error returns one line naming the job and the model's error, with URL
// query strings redacted.
func (e *ResultError) Error() string {
	s := "authenta: "
	if id := e.jobID(); id != "" {
		s += "job " + id + " completed with an error result"
	} else {
		s += "result reports an error"
	}
	if n := scrubLine(e.Name, maxCodeLen); n != "" {
		s += ": " + n
	}
	if m := scrubLine(e.Message, maxMessageLen); m != "" {
		s += ": " + m
	}
	return s
}

// jobID is the job's id as one clean line (it is the server's).
func (e *ResultError) jobID() string {
	if e.Job == nil {
		return ""
	}
	return oneLine(e.Job.ID, maxRequestIDLen)
}

// Is matches ErrJobFailed.
func (e *ResultError) Is(target error) bool { return target == ErrJobFailed }

// resultFailure reads the error a result document reports: "error" as a
// name, a message or an object {"name"|"code"|"type", "message"}, with the
// top-level "message" or "errorMessage". ok is false when it reports none.
func resultFailure(errField, message, errorMessage json.RawMessage) (_ *ResultError, ok bool) {
	if len(errField) == 0 && len(message) == 0 && len(errorMessage) == 0 {
		return nil, false // none of the three: nothing to read (readFailure would say the same)
	}
	e, ok := readFailure(errField, message, errorMessage)
	e.Name, e.Message = redactURLs(e.Name), redactURLs(e.Message)
	return e, ok
}

func readFailure(errField, message, errorMessage json.RawMessage) (_ *ResultError, ok bool) {
	e := &ResultError{Message: firstString(message, errorMessage)}
	switch {
	case lenient.IsObject(errField):
		var o struct{ Name, Code, Type, Error, Message json.RawMessage }
		if json.Unmarshal(errField, &o) == nil {
			e.Name = firstString(o.Name, o.Code, o.Type, o.Error)
			if m := lenient.String(o.Message); m != "" {
				e.Message = m
			}
		}
		return e, true
	case lenient.Present(errField):
		if b := lenient.Bool(errField); b != nil {
			return e, *b
		}
		e.Name = lenient.String(errField)
		return e, e.Name != ""
	}
	return e, e.Message != "" && lenient.Present(errorMessage)
}

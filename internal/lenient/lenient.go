// Package lenient decodes JSON values whose type the Authenta service does
// not keep consistent: ids that are numbers or strings, flags that are
// booleans or "True" strings, scores that are numbers or numeric strings.
// Every function accepts any JSON value and reports false (or nil) for one
// it cannot read, never an error: a surprising field must not fail a whole
// response.
package lenient

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// isNull reports whether raw is absent or the JSON null.
func isNull(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// String reads a JSON string, or the exact text of a JSON number (so that
// ids above 2^53 survive), or a boolean's text. Anything else gives "".
func String(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		return ""
	}
	switch raw[0] {
	case '"':
		if s, ok := plainString(raw); ok {
			return s
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	case 't', 'f':
		return string(raw)
	case '{', '[':
		return ""
	}
	// A number: keep its text as sent, after checking that it is one.
	if isNumber(raw) {
		return string(raw)
	}
	return ""
}

// isNumber reports whether b is exactly one JSON number (RFC 8259 §6):
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// plainString returns the contents of a quoted JSON string that needs no
// unescaping: printable ASCII without backslashes or quotes (ids, statuses,
// timestamps, presigned URLs), without a trip through encoding/json.
func plainString(raw []byte) (string, bool) {
	body, ok := plainBody(raw)
	if !ok {
		return "", false
	}
	return string(body), true
}

// plainBody is plainString's contents in place, without a copy.
func plainBody(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil, false
	}
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c < 0x20 || c >= 0x80 || c == '\\' || c == '"' {
			return nil, false
		}
	}
	return body, true
}

// text returns what String returns for raw, in place and without a copy,
// when raw (trimmed) is a number or a string that needs no unescaping;
// false for anything else, which String then reads.
func text(raw []byte) ([]byte, bool) {
	raw = bytes.TrimSpace(raw)
	if isNumber(raw) {
		return raw, true
	}
	return plainBody(raw)
}

// Int reads an integer from a JSON number or a numeric string.
func Int(raw []byte) (int, bool) {
	if b, ok := text(raw); ok {
		return intOf(string(b)) // a short string that does not escape: no copy on the heap
	}
	return intOf(String(raw))
}

func intOf(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 0); err == nil {
		return int(n), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f > math.MaxInt32*1e9 || f < -math.MaxInt32*1e9 {
		return 0, false
	}
	return int(f), true
}

// Float reads a number, or a numeric string; nil for null, NaN, ±Inf or
// anything else.
func Float(raw []byte) *float64 {
	if b, ok := text(raw); ok {
		return floatOf(string(b))
	}
	return floatOf(String(raw))
}

func floatOf(s string) *float64 {
	s = strings.TrimSpace(s)
	if s == "" || s == "true" || s == "false" {
		return nil
	}
	s = strings.TrimSuffix(s, "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// Bool reads true/false, the strings "true"/"false" in any case, "yes"/"no",
// "1"/"0" and the numbers 1 and 0; nil for null or anything else.
func Bool(raw []byte) *bool {
	s := strings.ToLower(strings.TrimSpace(String(raw)))
	var v bool
	switch s {
	case "true", "yes", "1", "1.0":
		v = true
	case "false", "no", "0", "0.0":
		v = false
	default:
		return nil
	}
	return &v
}

// Time reads an RFC 3339 timestamp (with or without fractional seconds or a
// zone), or a Unix time in seconds or milliseconds. The zero time means
// absent or unreadable.
func Time(raw []byte) time.Time {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		return time.Time{}
	}
	if b, ok := plainBody(raw); ok {
		// RFC 3339 read in place; when it succeeds it is the same time
		// (instant and zone) that TimeText's time.Parse gives.
		var t time.Time
		if t.UnmarshalText(b) == nil {
			return t
		}
	}
	s := String(raw)
	if s == "" {
		return time.Time{}
	}
	if raw[0] != '"' {
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || n <= 0 || math.IsInf(n, 0) || n > 1e15 {
			return time.Time{}
		}
		if n > 1e11 { // milliseconds
			return time.UnixMilli(int64(n)).UTC()
		}
		return time.Unix(int64(n), 0).UTC()
	}
	return TimeText(s)
}

// TimeText reads the text of a JSON string as Time does: an RFC 3339
// timestamp, with or without fractional seconds or a zone.
func TimeText(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range [...]string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// Floats reads an array of numbers (or numeric strings); nil when raw is not
// an array or any element is unreadable.
func Floats(raw []byte) []float64 {
	if isNull(raw) {
		return nil // before items, which escapes
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	out := make([]float64, len(items))
	for i, it := range items {
		f := Float(it)
		if f == nil {
			return nil
		}
		out[i] = *f
	}
	return out
}

// Objects reads a JSON array and returns its object elements; other
// elements are skipped. A lone object is returned as a one-element list.
func Objects(raw []byte) []json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		return nil
	}
	if raw[0] == '{' {
		return []json.RawMessage{raw}
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	out := items[:0]
	for _, it := range items {
		if t := bytes.TrimSpace(it); len(t) > 0 && t[0] == '{' {
			out = append(out, t)
		}
	}
	return out
}

// IsObject reports whether raw is a JSON object.
func IsObject(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// Present reports whether raw holds a value other than null.
func Present(raw []byte) bool { return !isNull(raw) }

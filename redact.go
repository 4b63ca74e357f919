package authenta

// The one home of redaction. Every way a value leaves the process goes
// through here: fmt (Format), slog (LogValue), encoding/json (MarshalJSON)
// and Error(). The API key is scrubbed from server text before anything
// cuts it to length, and presigned URL query strings (credentials) are
// replaced with [REDACTED].

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// secret holds a credential. Every fmt verb prints it redacted, so a
// struct that holds one can be printed without leaking it.
type secret string

const redacted = "[REDACTED]"

func (secret) String() string { return redacted }

func (secret) GoString() string { return redacted }

// scrubFrom returns s with every occurrence of the secret redacted.
func (k secret) scrubFrom(s string) string {
	if k == "" || !strings.Contains(s, string(k)) {
		return s
	}
	return strings.ReplaceAll(s, string(k), redacted)
}

// redactURL returns u without user info, query or fragment.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	s := v.String()
	if u.RawQuery != "" {
		s += "?" + redacted
	}
	return s
}

// sanitizeError strips URL query strings out of transport errors, and the
// API key should one quote it (a proxy or a base transport echoing the
// request): the *url.Error that net/http returns quotes the whole URL, and
// a presigned URL's query is a credential.
func sanitizeError(err error, key secret) error {
	if err == nil {
		return nil
	}
	clean := func(s string) string { return key.scrubFrom(redactURLs(s)) }
	var ue *url.Error
	if errors.As(err, &ue) && strings.Contains(ue.URL, "?") {
		cp := *ue
		if u, perr := url.Parse(ue.URL); perr == nil {
			cp.URL = redactURL(u)
		} else {
			cp.URL = redacted
		}
		if ue == err && clean(cp.Error()) == cp.Error() {
			return &cp
		}
		// The wrapped error's own text may quote the URL too.
		return &redactedError{msg: clean(err.Error()), err: &cp}
	}
	if msg := clean(err.Error()); msg != err.Error() {
		return &redactedError{msg: msg, err: err}
	}
	return err
}

// redactedError replaces the text of an error chain that quoted a URL's
// query or the key, keeping the chain for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() error { return e.err }

// redactRawURL returns a URL string with its query replaced.
func redactRawURL(raw string) string {
	if raw == "" {
		return ""
	}
	if u, err := url.Parse(raw); err == nil {
		return redactURL(u)
	}
	return redacted
}

// scrubLine makes server text safe to show in an error string: one line
// (see oneLine) of at most limit bytes, with URL query strings and
// credential parameters redacted (see redactURLs).
func scrubLine(s string, limit int) string {
	// Redact before the final cut, so that a cut cannot leave half a
	// signature behind; oneLine's own bound keeps huge text cheap.
	return truncate(redactURLs(oneLine(s, maxTextScan)), limit)
}

// oneLine returns s as one clean line of at most limit bytes: each run of
// white space and control characters becomes one space, invalid UTF-8
// becomes U+FFFD, bidirectional formatting characters are dropped, and the
// ends are trimmed. A longer line is cut on a character boundary and ends
// with "…". It does not allocate when s is already clean.
func oneLine(s string, limit int) string {
	if isCleanLine(s) {
		return truncate(s, limit)
	}
	var b strings.Builder
	b.Grow(min(len(s), limit+utf8.UTFMax))
	space, invalid := false, false
	for i := 0; i < len(s) && b.Len() <= limit; {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			if invalid {
				continue // one U+FFFD for a run of bad bytes
			}
			invalid = true
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			invalid = false
			continue
		case isBidiControl(r):
			continue
		default:
			invalid = false
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return truncate(b.String(), limit)
}

// isCleanLine reports whether s is already what oneLine makes of it: in
// practice, a short ASCII message.
func isCleanLine(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || (c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' ')) {
			return false
		}
	}
	return true
}

// isBidiControl reports whether r changes the direction of the text after
// it, which can make a logged line read differently from what it holds.
func isBidiControl(r rune) bool {
	return r == '\u061C' || r == '\u200E' || r == '\u200F' || ('\u202A' <= r && r <= '\u202E') || ('\u2066' <= r && r <= '\u2069')
}

// truncate cuts s to at most limit bytes on a character boundary, ending a
// cut string with "…".
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	const ellipsis = "…"
	n := max(limit-len(ellipsis), 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRight(s[:n], " ") + ellipsis
}

// sensitiveParams are query parameters that carry a credential. redactURLs
// removes them, with their values, even outside a URL (S3 echoes the
// canonical query string on its own line). Lower case.
var sensitiveParams = [...]string{
	"x-amz-signature=", "x-amz-credential=", "x-amz-security-token=",
	"x-goog-signature=", "x-goog-credential=",
	"signature=", "awsaccesskeyid=", "access_token=",
}

// redactURLs replaces the query string of every URL in s with redacted:
// "https://host/path?X-Amz-Signature=abc" becomes
// "https://host/path?[REDACTED]". A query is redacted when the word before
// its '?' contains a '/', which takes in schemeless URLs and paths. A
// credential parameter (X-Amz-Signature=…, Signature=…) outside a URL is
// replaced whole. Punctuation that ends a sentence after a URL is kept.
// It returns s itself, without allocating, when there is nothing to redact.
func redactURLs(s string) string {
	if strings.IndexByte(s, '?') < 0 && strings.IndexByte(s, '=') < 0 {
		return s
	}
	var b strings.Builder // written only once something is redacted
	done := 0             // s[:done] is in b
	slash := false        // the current word has a '/'
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isURLEnd(c):
			slash = false
		case c == '/':
			slash = true
		case c == '?' && slash:
			end := valueEnd(s, i+1, false)
			if end == i+1 {
				break // an empty query
			}
			b.Grow(len(s))
			b.WriteString(s[done : i+1])
			b.WriteString(redacted)
			done, i = end, end
			continue
		case c|0x20 == 'x' || c|0x20 == 's' || c|0x20 == 'a':
			if p := sensitiveParam(s[i:]); p > 0 {
				end := max(valueEnd(s, i+p, true), i+p)
				b.Grow(len(s))
				b.WriteString(s[done:i])
				b.WriteString(redacted)
				done, i = end, end
				continue
			}
		}
		i++
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// sensitiveParam returns the length of the sensitive parameter name and '='
// that s starts with, or 0.
func sensitiveParam(s string) int {
	for _, p := range sensitiveParams {
		if hasPrefixFold(s, p) {
			return len(p)
		}
	}
	return 0
}

// valueEnd returns where the query string (or, with amp, the parameter
// value) starting at s[i] ends: at white space, a control character, a
// quote or an angle bracket (or '&'), less any sentence punctuation just
// before.
func valueEnd(s string, i int, amp bool) int {
	start := i
	for i < len(s) && !isURLEnd(s[i]) && !(amp && s[i] == '&') {
		i++
	}
	for i > start && strings.IndexByte(".,;:!)", s[i-1]) >= 0 {
		i--
	}
	return i
}

// isURLEnd reports whether c cannot be part of a URL as written in text.
func isURLEnd(c byte) bool {
	return c <= ' ' || c == 0x7F || strings.IndexByte("\"'<>`{}|\\^", c) >= 0
}

// scrubKeyBytes returns b with every occurrence of the key redacted, and a
// prefix of it at the very end too (a body cut to length may end in the
// middle of an echoed key).
func (k secret) scrubKeyBytes(b []byte) []byte {
	if len(k) == 0 {
		return b
	}
	if bytes.Contains(b, []byte(k)) {
		b = bytes.ReplaceAll(b, []byte(k), []byte(redacted))
	}
	for n := len(k) - 1; n >= minKeyPrefix; n-- {
		if bytes.HasSuffix(b, []byte(k[:n])) {
			return append(b[:len(b)-n:len(b)-n], redacted...)
		}
	}
	return b
}

// minKeyPrefix is the shortest end of a body that is taken for a cut key.
const minKeyPrefix = 6

// cleanRequestID makes a request id header safe to show: the key scrubbed
// first, then one line, URL queries redacted, cut to length.
func cleanRequestID(v string, key secret) string {
	if v == "" {
		return ""
	}
	return scrubLine(key.scrubFrom(v), maxRequestIDLen)
}

// redactJSON returns a JSON document with the query string of every URL in
// it redacted. The result is still valid JSON (a document that redaction
// would break becomes the string "[REDACTED]").
func redactJSON(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return raw
	}
	s := redactURLs(string(raw))
	if len(s) == len(raw) && s == string(raw) {
		return raw
	}
	if !json.Valid([]byte(s)) {
		return json.RawMessage(`"` + redacted + `"`)
	}
	return json.RawMessage(s)
}

// The redacted copies below are what Format, LogValue and MarshalJSON
// show of the SDK's values: presigned query strings replaced, server text
// with URL queries redacted.

// redacted returns a copy of the job safe to show, without Raw.
func (j *Job) redacted() Job {
	r := *j
	r.ErrorMessage, r.Message = redactURLs(j.ErrorMessage), redactURLs(j.Message)
	if j.Artifacts != nil {
		r.Artifacts = make([]Artifact, len(j.Artifacts))
		for i, a := range j.Artifacts {
			r.Artifacts[i] = a.redacted()
		}
	}
	r.InlineResult = redactJSON(j.InlineResult)
	r.Raw = nil // no view of a job shows it (the whole document again): not redacted for nothing
	return r
}

// redacted returns a copy of the artifact with its URL's query and any
// URL in its metadata redacted.
func (a Artifact) redacted() Artifact {
	a.DownloadURL = redactRawURL(a.DownloadURL)
	a.Metadata = redactJSON(a.Metadata)
	return a
}

// redacted returns a copy of the upload with its URL's query redacted.
func (u Upload) redacted() Upload {
	u.URL = redactRawURL(u.URL)
	return u
}

// redacted returns a copy of the result with the URLs in Raw redacted.
func (r *Result) redacted() Result {
	c := *r
	c.Raw = redactJSON(r.Raw)
	return c
}

// errorText is an error's text, as it may be shown: one line, URL queries
// redacted.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	return oneLine(redactURLs(err.Error()), 1<<10)
}

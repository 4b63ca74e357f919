package authenta

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go/internal/lenient"
	"github.com/phospheneai/authenta-go/internal/retry"
)

const (
	// maxErrorBody is how much of an error body is kept in APIError.Body.
	maxErrorBody = 64 << 10
	// maxErrorDrain is how much more of an error body is read and thrown
	// away so that the connection can be reused. A longer body is left
	// unread: closing it then costs the connection, not memory.
	maxErrorDrain = 256 << 10

	maxMessageLen   = 300 // bytes of APIError.Message, "…" included
	maxCodeLen      = 128 // bytes of APIError.Code
	maxRequestIDLen = 128 // bytes of APIError.RequestID

	// maxTextScan bounds the text gathered from a body before it is cut to
	// maxMessageLen, so that a huge page costs no more than a short one.
	maxTextScan = 4 * maxMessageLen
	// maxJSONDepth bounds how deep nested error objects are searched.
	maxJSONDepth = 4
)

// requestIDHeaders are the headers that may carry the server's request id,
// in order of preference.
var requestIDHeaders = [...]string{"X-Request-Id", "Request-Id", "X-Amz-Request-Id"}

// decodeAPIError consumes at most a bounded prefix of resp.Body, closes it,
// and decodes the server's error into an *APIError. now is used for an
// HTTP-date Retry-After. key is the client's API key, which the server may
// echo: it is scrubbed from the body and the headers before any text is
// taken from them or cut to length, so that no prefix of it survives.
//
// The body may be JSON in any of the envelopes the Authenta services send,
// S3 XML, HTML or plain text; whatever it is, Message ends up as one short
// readable line with URL query strings redacted, and Code as the code the
// server sent, if any. At most maxErrorBody bytes are held in memory.
func decodeAPIError(resp *http.Response, scope errScope, now time.Time, key secret) *APIError {
	e := &APIError{scope: scope}
	if resp == nil {
		e.Message = "no response"
		return e
	}
	e.StatusCode = resp.StatusCode
	if resp.Body != nil {
		// A read error ends the body early: what was read is kept.
		var more bool
		e.Body, more, _ = readAtMost(resp.Body, resp.ContentLength, maxErrorBody)
		if more { // the byte past the kept ones counts towards the drain
			_, _ = io.CopyN(io.Discard, resp.Body, maxErrorDrain-1)
		}
		_ = resp.Body.Close()
		e.Body = key.scrubKeyBytes(e.Body)
	}
	for _, h := range requestIDHeaders {
		if id := cleanRequestID(resp.Header.Get(h), key); id != "" {
			e.RequestID = id
			break
		}
	}
	if d, ok := retry.ParseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		e.RetryAfter = d
	}

	code, msg := decodeErrorBody(resp.Header.Get("Content-Type"), e.Body)
	e.Code = scrubLine(code, maxCodeLen)
	e.Message = scrubLine(msg, maxMessageLen)
	if e.Message == "" {
		e.Message = http.StatusText(e.StatusCode)
	}
	if e.Message == "" {
		e.Message = "HTTP " + strconv.Itoa(e.StatusCode)
	}
	return e
}

// hintTrusted is the most a declared Content-Length may make readAtMost
// allocate before the bytes arrive: a server that declares 32 MiB and sends
// nothing costs this, not 32 MiB per request.
const hintTrusted = 1 << 20

// readAtMost reads r to its end, or to limit bytes: then it reports that
// there was more. hint, the declared Content-Length (-1 if unknown), sizes
// the buffer up to hintTrusted but is not trusted: the buffer grows as
// bytes arrive, never past limit+1 bytes. On a read error it returns what
// it read with the error.
func readAtMost(r io.Reader, hint int64, limit int) (b []byte, more bool, err error) {
	size := 512
	if hint >= 0 {
		size = int(min(hint, int64(limit), hintTrusted)) + 1 // one more byte, so a read at EOF needs no growth
	}
	buf := make([]byte, 0, size)
	for len(buf) <= limit {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(max(2*cap(buf), 512), limit+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, false, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
	return buf[:limit], true, nil
}

// decodeErrorBody extracts the error code and a raw message from an error
// body, detecting its format by content first and Content-Type second. The
// message is not yet cleaned up; either result may be empty.
func decodeErrorBody(contentType string, body []byte) (code, msg string) {
	b := bytes.TrimLeft(body, " \t\r\n\f\v")
	b = bytes.TrimPrefix(b, []byte("\uFEFF")) // a byte order mark
	b = bytes.TrimLeft(b, " \t\r\n\f\v")
	if len(b) == 0 || isBinary(b) {
		return "", ""
	}
	switch {
	case b[0] == '{' || b[0] == '[' || (b[0] == '"' && containsFold(contentType, "json")):
		if code, msg, ok := decodeJSONError(b); ok {
			return code, msg
		}
	case b[0] == '<':
		if isHTML(contentType, b) {
			return "", htmlText(b)
		}
		return xmlError(b)
	case containsFold(contentType, "html") && bytes.IndexByte(b, '<') >= 0:
		return "", htmlText(b)
	}
	return "", string(b[:min(len(b), maxTextScan)])
}

// isBinary reports whether b looks like binary data rather than text, by
// the same test as http.DetectContentType: a control byte that text does
// not contain, in the first 512 bytes.
func isBinary(b []byte) bool {
	for _, c := range b[:min(len(b), 512)] {
		if c <= 0x08 || c == 0x0B || (0x0E <= c && c <= 0x1A) || (0x1C <= c && c <= 0x1F) {
			return true
		}
	}
	return false
}

// errorEnvelope holds every field any known error envelope puts a code or a
// message in. The fields stay raw so that a field of an unexpected type
// never fails the decode; jsonText and jsonCode interpret them. Field names
// match case-insensitively.
type errorEnvelope struct {
	Code      json.RawMessage `json:"code"`      // v1, legacy, FaceSim nested
	ErrorCode json.RawMessage `json:"errorCode"` // other gateways
	Name      json.RawMessage `json:"name"`      // JavaScript Error objects passed through: {"name": "AA001", "message"}
	Message   json.RawMessage `json:"message"`   // v1, legacy, NestJS (string or array)
	Msg       json.RawMessage `json:"msg"`       // FastAPI detail items
	Loc       json.RawMessage `json:"loc"`       // FastAPI detail items
	Error     json.RawMessage `json:"error"`     // FaceSim object, NestJS status text
	Detail    json.RawMessage `json:"detail"`    // FastAPI (string or array), RFC 9457
	Title     json.RawMessage `json:"title"`     // RFC 9457
}

// decodeJSONError decodes a JSON error body. ok is false when b is not JSON
// that could be read, so that the caller shows it as text instead.
func decodeJSONError(b []byte) (code, msg string, ok bool) {
	if b[0] != '{' {
		if !json.Valid(b) {
			return "", "", false
		}
		return "", jsonText(b, 0), true
	}
	var env errorEnvelope
	if err := json.Unmarshal(b, &env); err != nil {
		// Cut at maxErrorBody or followed by junk: keep the fields that
		// came before the damage.
		if !salvageEnvelope(b, &env) {
			return "", "", false
		}
	}
	return env.code(0), env.message(0), true
}

// salvageEnvelope reads the top-level fields of a damaged JSON object one
// by one, stopping at the first it cannot read. It reports whether any
// field of env was found.
func salvageEnvelope(b []byte, env *errorEnvelope) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	found := false
	for dec.More() {
		t, err := dec.Token()
		key, isKey := t.(string)
		if err != nil || !isKey {
			break
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			break
		}
		if f := env.field(key); f != nil {
			*f, found = v, true
		}
	}
	return found
}

// field returns the field named key (case-insensitively, as encoding/json
// matches), or nil.
func (env *errorEnvelope) field(key string) *json.RawMessage {
	for _, f := range [...]struct {
		name string
		v    *json.RawMessage
	}{
		{"code", &env.Code}, {"errorCode", &env.ErrorCode}, {"name", &env.Name}, {"message", &env.Message},
		{"msg", &env.Msg}, {"loc", &env.Loc}, {"error", &env.Error},
		{"detail", &env.Detail}, {"title", &env.Title},
	} {
		if strings.EqualFold(key, f.name) {
			return f.v
		}
	}
	return nil
}

// code returns the envelope's code: its own, else that of a nested error
// object.
func (env *errorEnvelope) code(depth int) string {
	if c := jsonCode(env.Code); c != "" {
		return c
	}
	if c := jsonCode(env.ErrorCode); c != "" {
		return c
	}
	if c := jsonCode(env.Name); c != "" {
		return c
	}
	if depth < maxJSONDepth && len(env.Error) > 0 && env.Error[0] == '{' {
		var inner errorEnvelope
		if json.Unmarshal(env.Error, &inner) == nil {
			return inner.code(depth + 1)
		}
	}
	return ""
}

// message returns the envelope's message, looking at the fields from the
// most to the least specific. A FastAPI detail item gives "loc: msg".
func (env *errorEnvelope) message(depth int) string {
	if m := jsonText(env.Message, depth); m != "" {
		return m
	}
	if m := jsonText(env.Msg, depth); m != "" {
		if loc := jsonLoc(env.Loc); loc != "" {
			return loc + ": " + m
		}
		return m
	}
	for _, f := range []json.RawMessage{env.Detail, env.Error, env.Title} {
		if m := jsonText(f, depth); m != "" {
			return m
		}
	}
	return ""
}

// jsonCode interprets a code: a JSON string or number. Anything else,
// booleans included, gives "".
func jsonCode(raw json.RawMessage) string {
	if len(raw) == 0 || raw[0] == 't' || raw[0] == 'f' {
		return ""
	}
	// Fast path: raw is valid JSON (it was decoded already), so a string
	// without escapes is its own text.
	if n := len(raw); n >= 2 && raw[0] == '"' && bytes.IndexByte(raw[1:n-1], '\\') < 0 {
		return string(raw[1 : n-1])
	}
	return lenient.String(raw)
}

// jsonText interprets a message: a string, a number, an array of messages
// (joined with "; ") or an error object. Anything else gives "".
func jsonText(raw json.RawMessage, depth int) string {
	if len(raw) == 0 || depth > maxJSONDepth {
		return ""
	}
	switch raw[0] {
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return ""
		}
		var b strings.Builder
		for _, it := range items {
			if b.Len() > maxTextScan {
				break
			}
			if m := strings.TrimSpace(jsonText(it, depth+1)); m != "" {
				if b.Len() > 0 {
					b.WriteString("; ")
				}
				b.WriteString(m)
			}
		}
		return b.String()
	case '{':
		var env errorEnvelope
		if json.Unmarshal(raw, &env) == nil {
			return env.message(depth + 1)
		}
	}
	return jsonCode(raw)
}

// jsonLoc joins a FastAPI location, ["body", "image"] or ["body", "items", 0],
// with dots.
func jsonLoc(raw json.RawMessage) string {
	if len(raw) == 0 || raw[0] != '[' {
		return jsonCode(raw)
	}
	var parts []json.RawMessage
	if json.Unmarshal(raw, &parts) != nil {
		return ""
	}
	var b strings.Builder
	for _, p := range parts {
		if s := jsonCode(p); s != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		}
	}
	return b.String()
}

// isHTML tells an HTML page from an XML document, both starting with '<':
// by the document's start first, then by Content-Type, then by its first
// tag.
func isHTML(contentType string, b []byte) bool {
	switch {
	case hasPrefixFold(b, "<!doctype html") || hasPrefixFold(b, "<html"):
		return true
	case hasPrefixFold(b, "<?xml"):
		return indexFold(b[:min(len(b), 1024)], "<html") >= 0
	case containsFold(contentType, "html"):
		return true
	case containsFold(contentType, "xml"):
		return false
	}
	for _, tag := range [...]string{"<!--", "<head", "<body", "<title", "<meta", "<h1", "<h2", "<p>", "<div", "<center", "<pre", "<script", "<style"} {
		if hasPrefixFold(b, tag) {
			return true
		}
	}
	return false
}

// xmlError reads an S3-style XML error, <Error><Code>…</Code><Message>…
// </Message>…</Error>. Only the Code and Message children of the root
// element are read: S3 echoes the string to sign, the signature and the
// canonical request in the others. A document without them gives nothing,
// never its other text.
func xmlError(b []byte) (code, msg string) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	// Read any declared charset as is: the text wanted is ASCII in practice,
	// and oneLine repairs what is not UTF-8.
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var (
		depth int
		into  *strings.Builder // the Code or Message being read, if any
		codeB strings.Builder
		msgB  strings.Builder
	)
	for {
		tok, err := dec.RawToken()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && into == nil {
				switch {
				case strings.EqualFold(t.Name.Local, "Code") && codeB.Len() == 0:
					into = &codeB
				case strings.EqualFold(t.Name.Local, "Message") && msgB.Len() == 0:
					into = &msgB
				}
			}
		case xml.EndElement:
			if depth == 2 {
				into = nil
			}
			depth = max(depth-1, 0)
		case xml.CharData:
			if into != nil && into.Len() < maxTextScan {
				into.Write(t[:min(len(t), maxTextScan)])
			}
		}
	}
	return codeB.String(), msgB.String()
}

// htmlText returns an HTML page's title, or else its text without tags,
// comments, scripts and styles, with entities unescaped.
func htmlText(b []byte) string {
	if i := indexTag(b, "title"); i >= 0 {
		if j := bytes.IndexByte(b[i:], '>'); j >= 0 {
			rest := b[i+j+1:]
			if k := indexFold(rest, "</title"); k >= 0 {
				rest = rest[:k]
			}
			rest = rest[:min(len(rest), maxTextScan)]
			if t := html.UnescapeString(string(rest)); strings.TrimSpace(t) != "" {
				return t
			}
		}
	}
	var out []byte
	for len(b) > 0 && len(out) < maxTextScan {
		i := bytes.IndexByte(b, '<')
		if i < 0 {
			i = len(b)
		}
		out = append(out, b[:min(i, maxTextScan-len(out))]...)
		out = append(out, ' ')
		b = b[i:]
		switch {
		case hasPrefixFold(b, "<!--"):
			b = skipPast(b[4:], "-->")
		case isTag(b, "script"):
			b = skipPast(skipPast(b, "</script"), ">")
		case isTag(b, "style"):
			b = skipPast(skipPast(b, "</style"), ">")
		default:
			b = skipPast(b, ">")
		}
	}
	return html.UnescapeString(string(out[:min(len(out), maxTextScan)]))
}

// indexTag returns the index of the first opening tag <name in b, or -1.
func indexTag(b []byte, name string) int {
	for off := 0; ; {
		i := indexFold(b[off:], "<"+name)
		if i < 0 {
			return -1
		}
		if isTag(b[off+i:], name) {
			return off + i
		}
		off += i + 1
	}
}

// isTag reports whether b starts with the opening tag <name.
func isTag(b []byte, name string) bool {
	if len(b) < 1+len(name) || b[0] != '<' || !hasPrefixFold(b[1:], name) {
		return false
	}
	if len(b) == 1+len(name) {
		return true
	}
	c := b[1+len(name)]
	return !('a' <= c|0x20 && c|0x20 <= 'z') && !('0' <= c && c <= '9') && c != '-'
}

// skipPast returns b after the first sep (matched case-insensitively), or
// nothing if there is none.
func skipPast(b []byte, sep string) []byte {
	if i := indexFold(b, sep); i >= 0 {
		return b[i+len(sep):]
	}
	return nil
}

// indexFold is bytes.Index with ASCII case folding. sep must be lower case.
func indexFold(b []byte, sep string) int {
	if len(sep) == 0 {
		return 0
	}
	first, upper := sep[0], sep[0]
	if 'a' <= first && first <= 'z' {
		upper = first - 'a' + 'A'
	}
	for i := 0; i+len(sep) <= len(b); i++ {
		if c := b[i]; (c == first || c == upper) && hasPrefixFold(b[i:], sep) {
			return i
		}
	}
	return -1
}

// hasPrefixFold reports whether b starts with prefix, ignoring ASCII case.
// prefix must be lower case.
func hasPrefixFold[T string | []byte](b T, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// containsFold reports whether s contains sub, ignoring ASCII case. sub
// must be lower case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if hasPrefixFold(s[i:], sub) {
			return true
		}
	}
	return false
}

// quotaUsedUp is the retry policy's Final: a 429 whose code says the quota
// is used up (AA001) is returned at once, since retrying cannot help.
func quotaUsedUp(resp *http.Response, start []byte) bool {
	code, _ := decodeErrorBody(resp.Header.Get("Content-Type"), start)
	return codeSentinels[strings.ToUpper(strings.TrimSpace(code))] == ErrQuotaExceeded
}

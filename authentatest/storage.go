package authentatest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	authenta "github.com/phospheneai/authenta-go"
)

// The storage host imitates S3 presigned URLs (signature version 4 in the
// query string). The signing key is random per server; the algorithm is
// the real one's shape, which is all a client can observe.

const (
	amzDateFormat = "20060102T150405Z"
	accessKeyID   = "AKIAAUTHENTATEST0000"
	region        = "us-east-1"
)

type objectKind int

const (
	objNone objectKind = iota
	objInput
	objResult
	objHeatmap
)

// matchStorage parses an escaped storage path:
// /authenta-storage/jobs/{id}/inputs/{slot}/{file}, .../result.json or
// .../heatmap.png.
func matchStorage(method, escPath string) routeMatch {
	rest, ok := strings.CutPrefix(escPath, bucket+"/jobs/")
	if !ok {
		return routeMatch{}
	}
	parts := strings.Split(rest, "/")
	var m routeMatch
	switch {
	case len(parts) == 4 && parts[1] == "inputs" && parts[0] != "" && parts[2] != "" && parts[3] != "":
		slot, err := url.PathUnescape(parts[2])
		if err != nil {
			return routeMatch{}
		}
		m = routeMatch{id: parts[0], object: objInput, slot: slot}
	case len(parts) == 2 && parts[0] != "" && parts[1] == "result.json":
		m = routeMatch{id: parts[0], object: objResult}
	case len(parts) == 2 && parts[0] != "" && parts[1] == "heatmap.png":
		m = routeMatch{id: parts[0], object: objHeatmap}
	default:
		return routeMatch{}
	}
	switch {
	case method == http.MethodPut && m.object == objInput:
		m.route = RouteUpload
	case method == http.MethodGet:
		m.route = RouteDownload
	}
	return m
}

// presign returns a presigned URL for a method and escaped path on the
// storage host, and when it expires. contentType is signed for uploads.
func (s *Server) presign(method, escPath, contentType string, ttl time.Duration, now time.Time) (string, time.Time) {
	now = now.UTC().Truncate(time.Second)
	secs := max(int(ttl/time.Second), 1)
	signed := "host"
	if method == http.MethodPut {
		signed = "content-type;host"
	}
	q := url.Values{
		"X-Amz-Algorithm":     {"AWS4-HMAC-SHA256"},
		"X-Amz-Credential":    {accessKeyID + "/" + now.Format("20060102") + "/" + region + "/s3/aws4_request"},
		"X-Amz-Date":          {now.Format(amzDateFormat)},
		"X-Amz-Expires":       {strconv.Itoa(secs)},
		"X-Amz-SignedHeaders": {signed},
	}
	host := strings.TrimPrefix(s.StorageURL, "http://")
	_, _, sig := s.sign(method, escPath, q, contentType, host)
	q.Set("X-Amz-Signature", sig)
	return s.StorageURL + escPath + "?" + q.Encode(), now.Add(time.Duration(secs) * time.Second)
}

// sign computes the string to sign, the canonical request and the
// signature of a request. q must not hold X-Amz-Signature.
func (s *Server) sign(method, escPath string, q url.Values, contentType, host string) (stringToSign, canonical, sig string) {
	var hdrs strings.Builder
	for _, h := range strings.Split(q.Get("X-Amz-SignedHeaders"), ";") {
		switch h {
		case "content-type":
			hdrs.WriteString("content-type:" + strings.TrimSpace(contentType) + "\n")
		case "host":
			hdrs.WriteString("host:" + host + "\n")
		}
	}
	canonical = method + "\n" + escPath + "\n" + q.Encode() + "\n" + hdrs.String() + "\n" +
		q.Get("X-Amz-SignedHeaders") + "\nUNSIGNED-PAYLOAD"
	ch := sha256.Sum256([]byte(canonical))
	cred := q.Get("X-Amz-Credential")
	scope := cred[min(len(cred), strings.IndexByte(cred, '/')+1):]
	stringToSign = "AWS4-HMAC-SHA256\n" + q.Get("X-Amz-Date") + "\n" + scope + "\n" + hex.EncodeToString(ch[:])
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(stringToSign))
	return stringToSign, canonical, hex.EncodeToString(m.Sum(nil))
}

// s3Error is an S3 XML error answer.
type s3Error struct {
	Status  int
	Code    string
	Message string
	Extra   [][2]string // more elements, in order
}

func writeS3Error(w http.ResponseWriter, status int, e s3Error) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error>")
	el := func(name, value string) {
		b.WriteString("<" + name + ">")
		_ = xml.EscapeText(&b, []byte(value))
		b.WriteString("</" + name + ">")
	}
	el("Code", e.Code)
	el("Message", e.Message)
	for _, kv := range e.Extra {
		el(kv[0], kv[1])
	}
	reqID := w.Header().Get("X-Amz-Request-Id")
	if reqID == "" {
		reqID = newRequestID()
		w.Header().Set("X-Amz-Request-Id", reqID)
	}
	el("RequestId", reqID)
	el("HostId", "authentatest/"+strings.ToLower(reqID))
	b.WriteString("</Error>")
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func newRequestID() string {
	var b [8]byte
	n := time.Now().UnixNano()
	for i := range b {
		b[i] = byte(n >> (8 * i))
	}
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

var requiredQuery = []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"}

// verify checks a presigned request's query the way S3 does: complete,
// well-formed, unexpired, and signed with the server's key over the
// method, path, query and signed headers.
func (s *Server) verify(r *http.Request) *s3Error {
	q := r.URL.Query()
	for _, k := range requiredQuery {
		if q.Get(k) == "" {
			return &s3Error{Status: 403, Code: "AccessDenied", Message: "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."}
		}
	}
	date, err := time.Parse(amzDateFormat, q.Get("X-Amz-Date"))
	if err != nil {
		return &s3Error{Status: 400, Code: "AuthorizationQueryParametersError", Message: `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`}
	}
	secs, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || secs < 1 || secs > 604800 {
		return &s3Error{Status: 400, Code: "AuthorizationQueryParametersError", Message: "X-Amz-Expires must be less than a week (in seconds) that is 604800"}
	}
	now := s.now().UTC()
	if expires := date.Add(time.Duration(secs) * time.Second); now.After(expires) {
		return &s3Error{Status: 403, Code: "AccessDenied", Message: "Request has expired", Extra: [][2]string{
			{"X-Amz-Expires", strconv.Itoa(secs)},
			{"Expires", expires.Format("2006-01-02T15:04:05Z")},
			{"ServerTime", now.Format("2006-01-02T15:04:05Z")},
		}}
	}
	provided := q.Get("X-Amz-Signature")
	q.Del("X-Amz-Signature")
	sts, canonical, want := s.sign(r.Method, r.URL.EscapedPath(), q, r.Header.Get("Content-Type"), r.Host)
	if !hmac.Equal([]byte(want), []byte(provided)) {
		return &s3Error{Status: 403, Code: "SignatureDoesNotMatch",
			Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			Extra: [][2]string{
				{"AWSAccessKeyId", accessKeyID},
				{"StringToSign", sts},
				{"SignatureProvided", provided},
				{"StringToSignBytes", spacedHex([]byte(sts))},
				{"CanonicalRequest", canonical},
			}}
	}
	return nil
}

func spacedHex(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(hex.EncodeToString([]byte{c}))
	}
	return sb.String()
}

func (s *Server) serveStorage(w http.ResponseWriter, r *http.Request, rt routeMatch) {
	w.Header().Set("X-Amz-Request-Id", newRequestID())
	w.Header().Set("Server", "AmazonS3")
	fail := func(e *s3Error) {
		if r.Method == http.MethodPut {
			_, _ = io.Copy(io.Discard, r.Body) // so the client reads the answer
		}
		writeS3Error(w, e.Status, *e)
	}
	switch {
	case rt.route == "" && rt.object != objNone:
		fail(&s3Error{Status: 405, Code: "MethodNotAllowed", Message: "The specified method is not allowed against this resource.",
			Extra: [][2]string{{"Method", r.Method}, {"ResourceType", "OBJECT"}}})
		return
	case rt.route == "":
		fail(&s3Error{Status: 404, Code: "NoSuchKey", Message: "The specified key does not exist.", Extra: [][2]string{{"Key", strings.TrimPrefix(r.URL.Path, bucket+"/")}}})
		return
	}
	if rt.object == objFace {
		s.serveFaceObject(w, r, rt, fail)
		return
	}
	if rt.route == RouteUpload {
		s.upload(w, r, rt, fail)
		return
	}
	if e := s.checkPresigned(r); e != nil {
		fail(e)
		return
	}
	s.download(w, rt, fail)
}

// checkPresigned checks a request to a presigned URL as S3 does: precheck,
// then the signature and expiry (verify).
func (s *Server) checkPresigned(r *http.Request) *s3Error {
	if e := precheck(r); e != nil {
		return e
	}
	return s.verify(r)
}

// precheck refuses what S3 refuses before it looks at the signature: a
// chunked body, and an Authorization header next to a presigned query.
func precheck(r *http.Request) *s3Error {
	switch {
	case slicesContains(r.TransferEncoding, "chunked"):
		return &s3Error{Status: 501, Code: "NotImplemented", Message: "A header you provided implies functionality that is not implemented",
			Extra: [][2]string{{"Header", "Transfer-Encoding"}}}
	case r.Header.Get("Authorization") != "":
		return &s3Error{Status: 400, Code: "InvalidArgument",
			Message: "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
			Extra:   [][2]string{{"ArgumentName", "Authorization"}, {"ArgumentValue", r.Header.Get("Authorization")}}}
	}
	return nil
}

func slicesContains(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// upload streams a PUT body through a hash and a counter (and a buffer
// with WithKeepUploads), and records it on the job's slot.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, rt routeMatch, fail func(*s3Error)) {
	s.mu.Lock()
	var rec *UploadRecord
	var declared int64 = -1
	var contentType string
	if j, ok := s.jobs[rt.id]; ok {
		for _, in := range j.inputs {
			if in.Slot == rt.slot {
				declared, contentType = in.Size, in.ContentType
				rec = j.uploads[in.Slot]
				if rec == nil {
					rec = &UploadRecord{JobID: j.id, Slot: in.Slot}
					j.uploads[in.Slot] = rec
				}
				rec.PUTs++
			}
		}
	}
	s.mu.Unlock()
	failed := func(e *s3Error) {
		if rec != nil {
			s.mu.Lock()
			rec.Failures++
			s.mu.Unlock()
		}
		fail(e)
	}

	if e := s.checkPresigned(r); e != nil {
		failed(e)
		return
	}
	if rec == nil { // signed by us, so the job existed: it is gone
		failed(&s3Error{Status: 404, Code: "NoSuchKey", Message: "The specified key does not exist."})
		return
	}
	switch {
	case r.ContentLength < 0:
		failed(&s3Error{Status: 411, Code: "MissingContentLength", Message: "You must provide the Content-Length HTTP header."})
		return
	case r.ContentLength < declared:
		failed(&s3Error{Status: 400, Code: "EntityTooSmall", Message: "Your proposed upload is smaller than the minimum allowed object size.",
			Extra: [][2]string{{"ProposedSize", strconv.FormatInt(r.ContentLength, 10)}, {"MinSizeAllowed", strconv.FormatInt(declared, 10)}}})
		return
	case r.ContentLength > declared:
		failed(&s3Error{Status: 400, Code: "EntityTooLarge", Message: "Your proposed upload exceeds the maximum allowed size",
			Extra: [][2]string{{"ProposedSize", strconv.FormatInt(r.ContentLength, 10)}, {"MaxSizeAllowed", strconv.FormatInt(declared, 10)}}})
		return
	}

	h := sha256.New()
	var dst io.Writer = h
	var keep *bytes.Buffer
	if s.cfg.keepUploads {
		keep = bytes.NewBuffer(make([]byte, 0, int(min(declared, 64<<20))))
		dst = io.MultiWriter(h, keep)
	}
	n, err := io.Copy(dst, r.Body)
	if err != nil || n != declared {
		failed(&s3Error{Status: 400, Code: "IncompleteBody", Message: "You did not provide the number of bytes specified by the Content-Length HTTP header"})
		return
	}
	sum := hexSum(h)
	s.mu.Lock()
	rec.OK, rec.Bytes, rec.SHA256, rec.ContentType = true, n, sum, r.Header.Get("Content-Type")
	rec.Data = nil
	if keep != nil {
		rec.Data = keep.Bytes()
	}
	if rec.ContentType == "" {
		rec.ContentType = contentType
	}
	s.mu.Unlock()
	w.Header().Set("ETag", `"`+sum[:32]+`"`)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

func (s *Server) download(w http.ResponseWriter, rt routeMatch, fail func(*s3Error)) {
	notFound := &s3Error{Status: 404, Code: "NoSuchKey", Message: "The specified key does not exist."}
	var body []byte
	var ct string
	s.mu.Lock()
	j, ok := s.jobs[rt.id]
	if ok && !j.deleted {
		switch rt.object {
		case objResult:
			j.advance(s.now(), false)
			if j.status == authenta.StatusCompleted {
				body, ct = j.result, "application/json"
			}
		case objHeatmap:
			j.advance(s.now(), false)
			if j.status == authenta.StatusCompleted {
				body, ct = heatmapPNG(), "image/png"
			}
		case objInput:
			if u := j.uploads[rt.slot]; u != nil && u.OK && u.Data != nil {
				body, ct = u.Data, u.ContentType
			}
		}
	}
	s.mu.Unlock()
	if body == nil {
		fail(notFound)
		return
	}
	sum := sha256.Sum256(body)
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

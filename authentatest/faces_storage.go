package authentatest

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
)

// serveFaceObject answers a presigned PUT of an enrolled face's image, or a
// presigned GET of its image_url, the way the storage host answers job
// objects: signature, expiry, no Authorization, no chunked body; and for
// an upload, every header the enroll answer gave with its exact value.
func (s *Server) serveFaceObject(w http.ResponseWriter, r *http.Request, rt routeMatch, fail func(*s3Error)) {
	fs := &s.faces
	var f *faceRec
	fs.mu.Lock()
	if g, ok := fs.faces[rt.slot]; ok && g.SubjectID == rt.id {
		f = g
		if r.Method == http.MethodPut {
			f.PUTs++
		}
	}
	fs.mu.Unlock()
	if e := s.checkPresigned(r); e != nil {
		fail(e)
		return
	}
	if f == nil {
		fail(&s3Error{Status: 404, Code: "NoSuchKey", Message: "The specified key does not exist."})
		return
	}
	if r.Method == http.MethodGet {
		s.faceImage(w, f, fail)
		return
	}
	for k, v := range f.Headers { // immutable once enrolled
		if got, ok := r.Header[http.CanonicalHeaderKey(k)]; !ok || len(got) != 1 || got[0] != v {
			fail(&s3Error{Status: 403, Code: "SignatureDoesNotMatch",
				Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
				Extra:   [][2]string{{"HeaderName", k}}})
			return
		}
	}
	limit := s.cfg.faces.maxUpload
	switch {
	case r.ContentLength < 0:
		fail(&s3Error{Status: 411, Code: "MissingContentLength", Message: "You must provide the Content-Length HTTP header."})
		return
	case r.ContentLength > limit:
		fail(&s3Error{Status: 400, Code: "EntityTooLarge", Message: "Your proposed upload exceeds the maximum allowed size",
			Extra: [][2]string{{"ProposedSize", strconv.FormatInt(r.ContentLength, 10)}, {"MaxSizeAllowed", strconv.FormatInt(limit, 10)}}})
		return
	}
	var buf bytes.Buffer
	buf.Grow(int(r.ContentLength))
	if n, err := io.Copy(&buf, r.Body); err != nil || n != r.ContentLength {
		fail(&s3Error{Status: 400, Code: "IncompleteBody", Message: "You did not provide the number of bytes specified by the Content-Length HTTP header"})
		return
	}
	a := analyze(buf.Bytes(), f.Name)
	fs.mu.Lock()
	if f.Status == FaceProcessed || f.Status == FaceFailed {
		fs.mu.Unlock()
		fail(&s3Error{Status: 403, Code: "AccessDenied", Message: "The face is already processed."})
		return
	}
	f.Status, f.polls = FaceUploaded, 0
	f.Data, f.UploadContentType = buf.Bytes(), r.Header.Get("Content-Type")
	f.Width, f.Height, f.Orientation = a.width, a.height, a.orientation
	f.verdict = a.verdict()
	fs.mu.Unlock()
	w.Header().Set("ETag", `"`+strconv.FormatUint(uint64(len(buf.Bytes())), 16)+`"`)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

func (s *Server) faceImage(w http.ResponseWriter, f *faceRec, fail func(*s3Error)) {
	s.faces.mu.Lock()
	data, ct := f.Data, f.UploadContentType
	s.faces.mu.Unlock()
	if data == nil {
		fail(&s3Error{Status: 404, Code: "NoSuchKey", Message: "The specified key does not exist."})
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

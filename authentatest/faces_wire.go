package authentatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// faceError is an error answer of the face-indexing service: a code and a
// message ({"error": {"code", "message"}}), a FastAPI validation error
// ({"detail": [...]}) when detail is set, or the proxy's HTML page when
// html is set (413).
type faceError struct {
	status        int
	code, message string
	detail        []fastAPIDetail
	html          bool
}

type fastAPIDetail struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

func invalidField(typ, msg string, loc ...any) *faceError {
	return &faceError{status: 422, detail: []fastAPIDetail{{Loc: append([]any{"body"}, loc...), Msg: msg, Type: typ}}}
}

var errTooLarge = &faceError{status: 413, html: true, message: "Request Entity Too Large"}

func noFace() *faceError {
	return &faceError{status: 422, code: "no_face_detected", message: "No face detected in the image"}
}

func invalidImage(why string) *faceError {
	return &faceError{status: 422, code: "invalid_image", message: "Could not decode the image: " + why}
}

const html413 = `<html>
<head><title>413 Request Entity Too Large</title></head>
<body>
<center><h1>413 Request Entity Too Large</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

func (s *Server) writeFaceError(w http.ResponseWriter, e *faceError) {
	switch {
	case e.html:
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", strconv.Itoa(len(html413)))
		w.WriteHeader(e.status)
		_, _ = w.Write([]byte(html413))
	case e.detail != nil:
		s.writeJSON(w, e.status, map[string]any{"detail": e.detail})
	case s.cfg.faces.flatErrors:
		s.writeAPIError(w, e.status, e.code, e.message)
	default:
		s.writeJSON(w, e.status, map[string]any{"error": map[string]string{"code": e.code, "message": e.message}})
	}
}

func (e *faceError) String() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

// The request and answer documents.

type enrollRequest struct {
	Images []json.RawMessage `json:"images"`
}

type enrollImage struct {
	Name        json.RawMessage `json:"name"`
	ContentType json.RawMessage `json:"contentType"`
}

type enrolledFace struct {
	FaceID    string            `json:"face_id"`
	Status    string            `json:"status"`
	UploadURL string            `json:"upload_url"`
	Headers   map[string]string `json:"headers"`
}

type enrollAnswer struct {
	SubjectID string         `json:"subject_id"`
	Status    string         `json:"status"`
	Faces     []enrolledFace `json:"faces"`
	ExpiresAt string         `json:"expires_at"`
}

type listedFace struct {
	FaceID    string    `json:"face_id"`
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	Embedding []float64 `json:"embedding"`
	ImageURL  *string   `json:"image_url"`
	Error     *string   `json:"error"`
}

type listedSubject struct {
	SubjectID string       `json:"subject_id"`
	Faces     []listedFace `json:"faces"`
}

type subjectsAnswer struct {
	TenantID string          `json:"tenant_id"`
	Subjects []listedSubject `json:"subjects"`
}

type searchJSON struct {
	ImageBytes json.RawMessage `json:"image_bytes"`
	Limit      json.RawMessage `json:"limit"`
}

type searchResult struct {
	Rank       int     `json:"rank"`
	SubjectID  string  `json:"subject_id"`
	FaceID     string  `json:"face_id"`
	Name       string  `json:"name"`
	ImageURL   string  `json:"image_url"`
	Similarity float64 `json:"similarity_score"`
}

type searchAnswer struct {
	TenantID string         `json:"tenant_id"`
	Count    int            `json:"count"`
	Results  []searchResult `json:"results"`
}

package authentatest

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// The face-indexing routes (wire reference §1.16), under the faces path
// (DefaultFacesPath unless WithFacesPath says otherwise).
const (
	RouteFaceEnroll   Route = "POST {faces}/enroll"
	RouteFaceSubjects Route = "GET {faces}/subjects"
	RouteFaceSearch   Route = "POST {faces}/search"
	RouteFaceUpload   Route = "PUT {faceUploadUrl}"
	RouteFaceImage    Route = "GET {faceImageUrl}"
)

// DefaultFacesPath is where the face-indexing service answers unless
// WithFacesPath moves it: the documented prefix.
const DefaultFacesPath = "/api/v1/facesim/v1"

// Face statuses as the service writes them.
const (
	FacePending    = "pending"
	FaceUploaded   = "uploaded"
	FaceProcessing = "processing"
	FaceProcessed  = "processed"
	FaceFailed     = "failed"
)

// NoFaceMarker in an image's file name (in any case) makes the service find
// no face in it: an enrolled face fails with "no_face_detected", a search
// answers 422 no_face_detected. A JPEG whose EXIF orientation says its
// pixels are sideways gets the same answers, as the real service gives for
// a sideways photo.
const NoFaceMarker = "noface"

// FaceRecord is the server's view of one enrolled face: what the storage
// host received for it, decoded, and where it is in its processing.
type FaceRecord struct {
	SubjectID   string
	FaceID      string
	Name        string // as enrolled
	ContentType string // as enrolled
	Status      string // FacePending ... FaceFailed
	Error       string // why it failed
	// Headers are the headers the enroll answer told the client to send
	// with the upload.
	Headers map[string]string
	// PUTs counts the PUTs that reached the face's upload URL, failed ones
	// included.
	PUTs int
	// Data is the body of the last successful upload; Width, Height and
	// Orientation describe it decoded (0, 0 when it did not decode; 1 is
	// upright), and UploadContentType is the Content-Type it came with.
	Data              []byte
	UploadContentType string
	Width, Height     int
	Orientation       int
	Embedding         []float64 // once processed
}

// SearchRecord is one search as the server received it.
type SearchRecord struct {
	Multipart   bool   // multipart/form-data; else JSON with image_bytes
	FileName    string // the image part's file name (multipart only)
	ContentType string // the image part's Content-Type (multipart only)
	Image       []byte // the image bytes received
	// Width, Height and Orientation describe Image decoded (0, 0 when it
	// did not decode; 1 is upright).
	Width, Height, Orientation int
	Limit                      int // the limit asked (after the default)
	Status                     int // the HTTP status answered
}

// faceStore holds the face-indexing state, under its own lock.
type faceStore struct {
	mu       sync.Mutex
	subjects []*subjectRec // in enrolment order
	faces    map[string]*faceRec
	next     int
	searches []SearchRecord
}

type subjectRec struct {
	id    string
	faces []*faceRec
}

type faceRec struct {
	FaceRecord
	polls   int       // subjects GETs that saw it in its current stage
	expires time.Time // of its upload URL
	verdict faceVerdict
}

// faceVerdict is what processing will find, decided when the image arrives.
type faceVerdict struct {
	code, message string // empty: a face, with embedding
	embedding     []float64
}

// faceConfig is the face-indexing part of the server's configuration.
type faceConfig struct {
	path            string
	uploadedPolls   int
	processingPolls int
	split           bool
	flatErrors      bool
	enrollStatus    int
	maxUpload       int64
	maxSearch       int64
	uploadTTL       time.Duration
	stepsSet        bool
}

func (c *config) facesDefaults() faceConfig {
	f := c.faces
	if f.path == "" {
		f.path = DefaultFacesPath
	}
	if f.enrollStatus == 0 {
		f.enrollStatus = http.StatusOK
	}
	if f.maxUpload == 0 {
		f.maxUpload = DefaultMaxFaceUpload
	}
	if f.maxSearch == 0 {
		f.maxSearch = DefaultMaxSearchBody
	}
	if !f.stepsSet {
		f.uploadedPolls, f.processingPolls = 1, 1
	}
	if f.uploadTTL == 0 {
		f.uploadTTL = 15 * time.Minute
	}
	return f
}

// DefaultMaxFaceUpload bounds one enrolled image on the storage host, and
// DefaultMaxSearchBody a multipart search body (else 413); JSON bodies are
// bounded at 100 KiB, as the gateway's JSON parser is.
const (
	DefaultMaxFaceUpload = 15 << 20
	DefaultMaxSearchBody = 20 << 20
	maxFaceJSONBody      = 100 << 10
)

// matchFaces matches an API path under the faces prefix.
func (s *Server) matchFaces(method, path string) routeMatch {
	rest, ok := strings.CutPrefix(path, s.cfg.faces.path+"/")
	if !ok {
		return routeMatch{}
	}
	switch {
	case rest == "enroll" && method == http.MethodPost:
		return routeMatch{route: RouteFaceEnroll}
	case rest == "subjects" && method == http.MethodGet:
		return routeMatch{route: RouteFaceSubjects}
	case rest == "search" && method == http.MethodPost:
		return routeMatch{route: RouteFaceSearch}
	}
	return routeMatch{}
}

const objFace objectKind = 100

// facePath is a face image's object path on the storage host.
func facePath(subject, face, name string) string {
	return bucket + "/faces/" + subject + "/" + face + "/" + url.PathEscape(name)
}

// matchFaceStorage parses an escaped storage path /authenta-storage/faces/{subject}/{face}/{name}.
func matchFaceStorage(method, escPath string) routeMatch {
	rest, ok := strings.CutPrefix(escPath, bucket+"/faces/")
	if !ok {
		return routeMatch{}
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || slices.Contains(parts, "") {
		return routeMatch{}
	}
	m := routeMatch{id: parts[0], slot: parts[1], object: objFace}
	switch method {
	case http.MethodPut:
		m.route = RouteFaceUpload
	case http.MethodGet:
		m.route = RouteFaceImage
	}
	return m
}

// Faces returns the server's view of the faces of a subject, in enrolment
// order, or of every face when subjectID is "".
func (s *Server) Faces(subjectID string) []FaceRecord {
	s.faces.mu.Lock()
	defer s.faces.mu.Unlock()
	var out []FaceRecord
	for _, sub := range s.faces.subjects {
		if subjectID != "" && sub.id != subjectID {
			continue
		}
		for _, f := range sub.faces {
			r := f.FaceRecord
			r.Headers = maps.Clone(r.Headers)
			r.Data = slices.Clone(r.Data)
			r.Embedding = slices.Clone(r.Embedding)
			out = append(out, r)
		}
	}
	return out
}

// Searches returns every search received so far, oldest first.
func (s *Server) Searches() []SearchRecord {
	s.faces.mu.Lock()
	defer s.faces.mu.Unlock()
	out := slices.Clone(s.faces.searches)
	for i := range out {
		out[i].Image = slices.Clone(out[i].Image)
	}
	return out
}

// SetFaceStatus moves a face by hand: to FaceProcessed (with the embedding
// of its image, or none when it did not decode) or to FaceFailed with msg,
// or back to an earlier status.
func (s *Server) SetFaceStatus(faceID, status, msg string) error {
	switch status {
	case FacePending, FaceUploaded, FaceProcessing, FaceProcessed, FaceFailed:
	default:
		return fmt.Errorf("authentatest: unknown face status %q", status)
	}
	s.faces.mu.Lock()
	defer s.faces.mu.Unlock()
	f, ok := s.faces.faces[faceID]
	if !ok {
		return fmt.Errorf("authentatest: no face %q", faceID)
	}
	f.Status, f.polls, f.Error, f.Embedding = status, 0, "", nil
	switch status {
	case FaceFailed:
		f.Error = msg
	case FaceProcessed:
		f.Embedding = f.verdict.embedding
	}
	return nil
}

// advanceFace moves a face along its schedule as a subjects GET sees it
// (both steps at once when their counts are 0), and counts the GET. The
// caller holds s.faces.mu.
func (s *Server) advanceFace(f *faceRec) {
	fc := &s.cfg.faces
	if f.Status == FaceUploaded && f.polls >= fc.uploadedPolls {
		f.Status, f.polls = FaceProcessing, 0
	}
	if f.Status == FaceProcessing && f.polls >= fc.processingPolls {
		f.polls = 0
		if f.verdict.code != "" {
			f.Status, f.Error = FaceFailed, f.verdict.code+": "+f.verdict.message
		} else {
			f.Status, f.Embedding = FaceProcessed, f.verdict.embedding
		}
	}
	if f.Status == FaceUploaded || f.Status == FaceProcessing {
		f.polls++
	}
}

package authenta

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// FacesService is face indexing: enrol a person's face photos as a
// subject, wait for them to be processed, and search a new photo against
// every enrolled face. It uses the same host, key, retries and call
// options as the jobs API. Get it from Client.Faces.
type FacesService struct {
	c    *Client
	path string // the prefix, e.g. "/api/v1/facesim/v1"
}

// DefaultFacesPath is the face-indexing path prefix unless WithFacesPath
// sets another.
const DefaultFacesPath = "/api/v1/facesim/v1"

// WithFacesPath sets the face-indexing path prefix (DefaultFacesPath by
// default; sources disagree, and "/api/v1/facesim" is the other one seen).
// It must start with "/" and hold only letters, digits and "-._~/".
func WithFacesPath(prefix string) Option {
	return func(s *settings) error {
		p := strings.TrimRight(strings.TrimSpace(prefix), "/")
		ok := strings.HasPrefix(p, "/") && !strings.Contains(p, "//") && !strings.Contains(p, "/../") && !strings.HasSuffix(p, "/..")
		for i := 0; ok && i < len(p); i++ {
			c := p[i]
			ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0
		}
		if !ok {
			return fmt.Errorf("%w: faces path %q must be an absolute path of letters, digits and -._~/", ErrInvalidArgument, truncate(prefix, 64))
		}
		s.facesPath = p
		return nil
	}
}

// FaceStatus is where an enrolled face is in its processing.
type FaceStatus string

// The face statuses. Processed and failed are terminal.
const (
	FacePending    FaceStatus = "pending"    // upload URL issued
	FaceUploaded   FaceStatus = "uploaded"   // image stored
	FaceProcessing FaceStatus = "processing" // embedding being computed
	FaceProcessed  FaceStatus = "processed"  // searchable
	FaceFailed     FaceStatus = "failed"     // see Face.Error
)

// Terminal reports whether the face is processed or failed.
func (s FaceStatus) Terminal() bool { return s == FaceProcessed || s == FaceFailed }

// Face is one enrolled photo of a subject.
type Face struct {
	ID        string
	Name      string
	Status    FaceStatus
	Error     string    // why it failed, with URL queries and the API key redacted
	Embedding []float64 // when processed
	ImageURL  string    // presigned: a secret, printed redacted by fmt, slog and JSON
}

// Subject is a person: the faces enrolled under one subject ID.
type Subject struct {
	ID    string
	Faces []Face // entries for the same subject ID are merged
}

// done reports whether every face is terminal, and returns the failed ones.
func (s *Subject) done() (bool, []Face) {
	var failed []Face
	for _, f := range s.Faces {
		if !f.Status.Terminal() {
			return false, nil
		}
		if f.Status == FaceFailed {
			failed = append(failed, f)
		}
	}
	return len(s.Faces) > 0, failed
}

// FaceImage is an image to enrol that is not in a file.
type FaceImage struct {
	Name        string // file name with extension, sent as the face's name
	ContentType string // image/jpeg, image/png or image/webp; from Name when empty
	Body        io.Reader
	Size        int64
}

// Enroll enrols the image files at paths (1 to 10) as the faces of a new
// subject. Each is checked before any request: it exists, is a regular
// non-empty JPEG, PNG or WebP file, and its name has 1 to 255 characters.
// A JPEG whose EXIF orientation is not upright is turned upright first.
// Every face is then streamed to its own presigned URL with exactly the
// headers the server gave (and never the API key).
//
// Enroll returns the subject with its faces uploaded; WaitEnrolled waits
// for them to be processed. When an upload fails, Enroll returns the
// subject as well as an error naming the face: the service has no delete,
// so the subject stays, with that face pending.
func (s *FacesService) Enroll(ctx context.Context, paths []string, opts ...CallOption) (*Subject, error) {
	if err := checkImageCount(len(paths)); err != nil {
		return nil, err
	}
	srcs := make([]*imageSource, 0, len(paths))
	defer func() { closeImages(srcs) }()
	for _, p := range paths {
		src, err := openImage(p)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, src)
	}
	return s.enroll(ctx, srcs, opts)
}

// EnrollImages is Enroll for images that are not in files. An image whose
// Body is an io.ReaderAt is re-read on a retried upload; any other is sent
// once. Names and types are checked as Enroll checks them.
func (s *FacesService) EnrollImages(ctx context.Context, images []FaceImage, opts ...CallOption) (*Subject, error) {
	if err := checkImageCount(len(images)); err != nil {
		return nil, err
	}
	srcs := make([]*imageSource, len(images))
	for i, im := range images {
		src, err := readerImage(im.Name, im.ContentType, im.Body, im.Size)
		if err != nil {
			return nil, err
		}
		srcs[i] = src
	}
	return s.enroll(ctx, srcs, opts)
}

func checkImageCount(n int) error {
	if n < 1 || n > maxFaceImages {
		return fmt.Errorf("%w: enrolment takes 1 to %d images, got %d", ErrInvalidArgument, maxFaceImages, n)
	}
	return nil
}

type wireEnrollImage struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
}

type wireEnrollRequest struct {
	Images []wireEnrollImage `json:"images"`
}

func (s *FacesService) enroll(ctx context.Context, srcs []*imageSource, opts []CallOption) (*Subject, error) {
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer end()
	body := wireEnrollRequest{Images: make([]wireEnrollImage, len(srcs))}
	for i, src := range srcs {
		if err := src.prepare(ctx, 0); err != nil {
			return nil, err
		}
		body.Images[i] = wireEnrollImage{Name: src.name, ContentType: src.contentType}
	}
	var w wireEnrolled
	if err := s.c.do(ctx, &call{method: http.MethodPost, path: s.path + "/enroll", body: body, scope: scopeFaces, mark: retry.NonIdempotent, cs: cs}, &w); err != nil {
		return nil, &StepError{Step: "enrol", Err: err}
	}
	if w.subjectID == "" || len(w.faces) != len(srcs) {
		return nil, fmt.Errorf("authenta: enrol: the server answered subject %q with %d faces for %d images", truncate(w.subjectID, 64), len(w.faces), len(srcs))
	}
	sub := &Subject{ID: w.subjectID, Faces: make([]Face, len(srcs))}
	for i, f := range w.faces {
		sub.Faces[i] = Face{ID: f.id, Name: srcs[i].name, Status: FacePending}
	}
	if !w.expiresAt.IsZero() && !s.c.clock.Now().Before(w.expiresAt) {
		return sub, &StepError{Step: "enrol subject " + scrubLine(sub.ID, 64), Err: fmt.Errorf("%w: the upload URLs expired at %s (check the clock)",
			ErrUploadURLExpired, w.expiresAt.Format(time.RFC3339))}
	}
	if err := s.uploadFaces(ctx, sub, w.faces, srcs, cs); err != nil {
		return sub, err
	}
	return sub, nil
}

// uploadFaces streams every face to its URL, concurrently. The first
// failure cancels the others; the error names the face.
func (s *FacesService) uploadFaces(ctx context.Context, sub *Subject, faces []wireEnrolledFace, srcs []*imageSource, cs *callSettings) error {
	headers := make([]http.Header, len(faces))
	for i, f := range faces {
		h, err := f.uploadHeader()
		if err == nil {
			_, err = checkUpload(Upload{Slot: f.id, URL: f.uploadURL}, srcs[i].r, srcs[i].size, srcs[i].contentType)
		}
		if err != nil {
			return &StepError{Step: faceStep(sub.ID, "face", f.id, srcs[i].name), Err: err}
		}
		headers[i] = h
	}
	i, err := firstFailure(ctx, len(faces), func(ctx context.Context, i int) error {
		err := s.c.putPresigned(ctx, faces[i].uploadURL, headers[i], srcs[i].r, srcs[i].size, "upload face "+faces[i].id, cs)
		if err == nil {
			sub.Faces[i].Status = FaceUploaded
		}
		return err
	})
	if err != nil {
		return &StepError{Step: faceStep(sub.ID, "upload face", faces[i].id, srcs[i].name), Err: err}
	}
	return nil
}

// faceStep names an enrolment step for a StepError, with the server's ids
// made safe to print.
func faceStep(subject, what, face, name string) string {
	return "enrol subject " + scrubLine(subject, 64) + ": " + what + " " + scrubLine(face, 64) + " (" + scrubLine(name, 100) + ")"
}

// Subjects lists every enrolled subject and its faces. Entries the server
// repeats for one subject ID are merged, in the order first seen; a face
// listed twice keeps its last entry.
func (s *FacesService) Subjects(ctx context.Context, opts ...CallOption) ([]Subject, error) {
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer end()
	return s.subjects(ctx, cs)
}

func (s *FacesService) subjects(ctx context.Context, cs *callSettings) ([]Subject, error) {
	var w wireSubjects
	if err := s.c.do(ctx, &call{method: http.MethodGet, path: s.path + "/subjects", scope: scopeFaces, cs: cs}, &w); err != nil {
		return nil, err
	}
	for i := range w.subjects {
		for j := range w.subjects[i].Faces {
			f := &w.subjects[i].Faces[j]
			f.Error = redactURLs(s.c.scrubKey(f.Error))
		}
	}
	return w.subjects, nil
}

// WaitEnrolled polls the subjects until every face of the subject is
// processed or failed, with Jobs.Wait's schedule (WaitOptions; OnPoll is
// not called). It returns the subject when every face is processed. When
// a face failed it returns the subject and an *EnrollError matching
// ErrEnrollFailed that names the face and the server's reason. A subject
// that is not listed yet is polled for again; a context that ends first
// returns the last subject seen (possibly nil) and the context's error.
func (s *FacesService) WaitEnrolled(ctx context.Context, subjectID string, wait *WaitOptions, opts ...CallOption) (*Subject, error) {
	if err := checkSubjectID(subjectID); err != nil {
		return nil, err
	}
	o, err := s.c.waitOptions(wait)
	if err != nil {
		return nil, err
	}
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer end()
	var last *Subject
	err = s.c.poll(ctx, o, "subject "+subjectID, func(ctx context.Context) (bool, error) {
		list, err := s.subjects(ctx, cs)
		if err != nil {
			return false, err
		}
		for i := range list {
			if list[i].ID != subjectID {
				continue
			}
			last = &list[i]
			done, failed := last.done()
			if !done {
				return false, nil
			}
			if len(failed) > 0 {
				return true, &EnrollError{Subject: last, FaceID: failed[0].ID, Name: failed[0].Name, Reason: failed[0].Error, Failed: len(failed)}
			}
			return true, nil
		}
		return false, nil
	})
	return last, err
}

func checkSubjectID(id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return fmt.Errorf("%w: empty subject id", ErrInvalidArgument)
	case len(id) > 256 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("%w: subject id %q is too long or holds control characters", ErrInvalidArgument, truncate(id, 64))
	}
	return nil
}

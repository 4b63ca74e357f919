package authentatest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

// serveFaces answers the face-indexing endpoints, once the request is
// authorized.
func (s *Server) serveFaces(w http.ResponseWriter, r *http.Request, route Route) {
	var fe *faceError
	switch route {
	case RouteFaceEnroll:
		fe = s.enroll(w, r)
	case RouteFaceSubjects:
		s.subjects(w)
	case RouteFaceSearch:
		fe = s.search(w, r)
	}
	if fe != nil {
		s.writeFaceError(w, fe)
	}
}

// readJSONBody reads a JSON body of at most maxFaceJSONBody bytes: more is
// the gateway's 413.
func readJSONBody(r *http.Request) ([]byte, *faceError) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxFaceJSONBody+1))
	if err != nil {
		return nil, invalidField("value_error", "could not read the request body")
	}
	if len(raw) > maxFaceJSONBody {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 64<<20))
		return nil, errTooLarge
	}
	return raw, nil
}

var faceTypes = []string{"image/jpeg", "image/png", "image/webp"}

func (s *Server) enroll(w http.ResponseWriter, r *http.Request) *faceError {
	raw, fe := readJSONBody(r)
	if fe != nil {
		return fe
	}
	var body enrollRequest
	if err := json.Unmarshal(raw, &body); err != nil || len(raw) == 0 || raw[0] != '{' {
		return invalidField("json_invalid", "JSON decode error", 0)
	}
	switch n := len(body.Images); {
	case n == 0:
		return invalidField("too_short", "List should have at least 1 item after validation, not 0", "images")
	case n > 10:
		return invalidField("too_long", fmt.Sprintf("List should have at most 10 items after validation, not %d", n), "images")
	}
	type image struct{ name, contentType string }
	images := make([]image, len(body.Images))
	for i, rawImg := range body.Images {
		var ei enrollImage
		if json.Unmarshal(rawImg, &ei) != nil || rawImg[0] != '{' {
			return invalidField("model_type", "Input should be a valid dictionary or object to extract fields from", "images", i)
		}
		name, ok := jsonString(ei.Name)
		if !ok {
			return invalidField("string_type", "Input should be a valid string", "images", i, "name")
		}
		if n := utf8.RuneCountInString(name); n < 1 || n > 255 {
			return invalidField("string_too_long", "String should have 1 to 255 characters", "images", i, "name")
		}
		ct, ok := jsonString(ei.ContentType)
		if !ok || !slicesContains(faceTypes, ct) {
			return invalidField("literal_error", "Input should be 'image/jpeg', 'image/png' or 'image/webp'", "images", i, "contentType")
		}
		images[i] = image{name, ct}
	}

	now := s.now()
	fs := &s.faces
	fs.mu.Lock()
	if fs.faces == nil {
		fs.faces = make(map[string]*faceRec)
	}
	fs.next++
	sub := &subjectRec{id: "subj_" + strconv.Itoa(fs.next)}
	ans := enrollAnswer{SubjectID: sub.id, Status: FacePending}
	for _, img := range images {
		fs.next++
		id := "face_" + strconv.Itoa(fs.next)
		hdr := map[string]string{"Content-Type": img.contentType, "x-amz-meta-face-id": id}
		u, exp := s.presign(http.MethodPut, facePath(sub.id, id, img.name), img.contentType, s.cfg.faces.uploadTTL, now)
		f := &faceRec{FaceRecord: FaceRecord{SubjectID: sub.id, FaceID: id, Name: img.name, ContentType: img.contentType,
			Status: FacePending, Headers: hdr}, expires: exp}
		sub.faces = append(sub.faces, f)
		fs.faces[id] = f
		ans.Faces = append(ans.Faces, enrolledFace{FaceID: id, Status: FacePending, UploadURL: u, Headers: maps.Clone(hdr)})
		ans.ExpiresAt = isoTime(exp)
	}
	fs.subjects = append(fs.subjects, sub)
	fs.mu.Unlock()
	s.writeJSON(w, s.cfg.faces.enrollStatus, ans)
	return nil
}

// subjects lists every subject, advancing each face along its schedule.
func (s *Server) subjects(w http.ResponseWriter) {
	now := s.now()
	fs := &s.faces
	ans := subjectsAnswer{TenantID: tenantID, Subjects: []listedSubject{}}
	fs.mu.Lock()
	for _, sub := range fs.subjects {
		entry := listedSubject{SubjectID: sub.id, Faces: []listedFace{}}
		for _, f := range sub.faces {
			s.advanceFace(f)
			lf := listedFace{FaceID: f.FaceID, Name: f.Name, Status: f.Status, Embedding: f.Embedding}
			if f.Data != nil {
				u, _ := s.presign(http.MethodGet, facePath(sub.id, f.FaceID, f.Name), "", 5*time.Minute, now)
				lf.ImageURL = &u
			}
			if f.Error != "" {
				e := f.Error
				lf.Error = &e
			}
			if s.cfg.faces.split {
				ans.Subjects = append(ans.Subjects, listedSubject{SubjectID: sub.id, Faces: []listedFace{lf}})
			} else {
				entry.Faces = append(entry.Faces, lf)
			}
		}
		if !s.cfg.faces.split {
			ans.Subjects = append(ans.Subjects, entry)
		}
	}
	fs.mu.Unlock()
	s.writeJSON(w, http.StatusOK, ans)
}

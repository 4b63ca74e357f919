package authenta

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go/internal/lenient"
)

// The face-indexing answers (wire reference §1.16), read leniently: snake
// or camel case names, ids as strings or numbers, errors as strings or
// objects. Lists are decoded one element at a time and elements without an
// id are dropped, so that a document of empty objects costs no memory.

// wireIndexedFace is a face in the enrol, subjects and search answers.
type wireIndexedFace struct {
	FaceID     json.RawMessage `json:"face_id"`
	FaceIDC    json.RawMessage `json:"faceId"`
	ID         json.RawMessage `json:"id"`
	Name       json.RawMessage `json:"name"`
	Status     json.RawMessage `json:"status"`
	Error      json.RawMessage `json:"error"`
	Embedding  json.RawMessage `json:"embedding"`
	ImageURL   json.RawMessage `json:"image_url"`
	ImageURLC  json.RawMessage `json:"imageUrl"`
	UploadURL  json.RawMessage `json:"upload_url"`
	UploadURLC json.RawMessage `json:"uploadUrl"`
	Headers    json.RawMessage `json:"headers"`
}

func (w *wireIndexedFace) id() string { return firstString(w.FaceID, w.FaceIDC, w.ID) }

func (w *wireIndexedFace) face() Face {
	f := Face{ID: w.id(), Name: lenient.String(w.Name), Status: faceStatus(lenient.String(w.Status)),
		Error: faceErrorText(w.Error), ImageURL: firstString(w.ImageURL, w.ImageURLC)}
	if lenient.Present(w.Embedding) {
		var v []float64
		if json.Unmarshal(w.Embedding, &v) == nil && len(v) > 0 {
			f.Embedding = v
		}
	}
	return f
}

// faceStatus normalises a status word: the documented ones in any case,
// and the jobs API's words for done and failed.
func faceStatus(s string) FaceStatus {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "completed", "complete", "done", "ready", "success", "succeeded", "indexed":
		return FaceProcessed
	case "error", "errored":
		return FaceFailed
	case "queued":
		return FaceUploaded
	}
	return FaceStatus(s)
}

// faceErrorText reads a face's error: a string, or an object with a code
// and a message.
func faceErrorText(raw json.RawMessage) string {
	if !lenient.IsObject(raw) {
		return lenient.String(raw)
	}
	var e struct{ Code, Message, Msg, Detail json.RawMessage }
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	code, msg := lenient.String(e.Code), firstString(e.Message, e.Msg, e.Detail)
	switch {
	case code == "":
		return msg
	case msg == "":
		return code
	}
	return code + ": " + msg
}

// eachObject calls fn with every object element of a JSON array (or with a
// lone object), decoding one element at a time; other elements are skipped.
func eachObject(raw json.RawMessage, fn func(json.RawMessage)) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return
	}
	if raw[0] == '{' {
		fn(raw)
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return
	}
	for dec.More() {
		var item json.RawMessage
		if dec.Decode(&item) != nil {
			return
		}
		if len(item) > 0 && item[0] == '{' {
			fn(item)
		}
	}
}

// listOf returns the list a document holds: the document itself when it is
// an array, else the first of its fields named keys that is present.
func listOf(b []byte, what string, keys ...string) (json.RawMessage, error) {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		if !json.Valid(t) {
			return nil, errors.New("authenta: " + what + " response is not valid JSON")
		}
		return t, nil
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if raw := env[k]; lenient.Present(raw) {
			return raw, nil
		}
	}
	return nil, nil
}

// enrolledFace is one face of the enrol answer.
type wireEnrolledFace struct {
	id, uploadURL string
	headers       map[string]string
}

// uploadHeader returns the headers to send with the face's upload, exactly
// as the server gave them, after refusing any the SDK must not send (the
// transport sets Host and Content-Length itself; a storage URL never gets
// an Authorization header) and any that would inject another header.
func (f *wireEnrolledFace) uploadHeader() (http.Header, error) {
	h := make(http.Header, len(f.headers))
	for k, v := range f.headers {
		if err := checkCallHeader(k, v); err != nil {
			return nil, errors.New("the server's upload headers: " + strings.TrimPrefix(err.Error(), ErrInvalidArgument.Error()+": "))
		}
		h.Set(k, v)
	}
	return h, nil
}

// wireEnrolled is the enrol answer.
type wireEnrolled struct {
	subjectID string
	faces     []wireEnrolledFace
	expiresAt time.Time // of the upload URLs; zero when not given
}

func (w *wireEnrolled) UnmarshalJSON(b []byte) error {
	var env struct {
		SubjectID  json.RawMessage `json:"subject_id"`
		SubjectIDC json.RawMessage `json:"subjectId"`
		ID         json.RawMessage `json:"id"`
		Faces      json.RawMessage `json:"faces"`
		Data       json.RawMessage `json:"data"`
		ExpiresAt  json.RawMessage `json:"expires_at"`
		ExpiresAtC json.RawMessage `json:"expiresAt"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	if lenient.IsObject(env.Data) && !lenient.Present(env.Faces) {
		return w.UnmarshalJSON(env.Data)
	}
	w.subjectID = firstString(env.SubjectID, env.SubjectIDC, env.ID)
	w.expiresAt = lenient.Time(firstRaw(env.ExpiresAt, env.ExpiresAtC))
	eachObject(env.Faces, func(raw json.RawMessage) {
		var f wireIndexedFace
		if json.Unmarshal(raw, &f) != nil {
			return
		}
		ef := wireEnrolledFace{id: f.id(), uploadURL: firstString(f.UploadURL, f.UploadURLC)}
		if lenient.IsObject(f.Headers) {
			var hs map[string]json.RawMessage
			if json.Unmarshal(f.Headers, &hs) == nil {
				ef.headers = make(map[string]string, len(hs))
				for k, v := range hs {
					ef.headers[k] = lenient.String(v)
				}
			}
		}
		w.faces = append(w.faces, ef)
	})
	return nil
}

// wireSubjects is the subjects answer, merged by subject ID.
type wireSubjects struct{ subjects []Subject }

func (w *wireSubjects) UnmarshalJSON(b []byte) error {
	items, err := listOf(b, "subjects", "subjects", "data", "items")
	if err != nil {
		return err
	}
	index := map[string]int{}
	// Where each face already is, by subject and face ID: a linear scan of
	// the subject's faces made a document with many faces quadratic (40,000
	// faces of one subject, 770 KiB, took 4.4 s to decode).
	type faceKey struct {
		subject int
		id      string
	}
	faceAt := map[faceKey]int{}
	eachObject(items, func(raw json.RawMessage) {
		var s struct {
			SubjectID  json.RawMessage `json:"subject_id"`
			SubjectIDC json.RawMessage `json:"subjectId"`
			ID         json.RawMessage `json:"id"`
			Faces      json.RawMessage `json:"faces"`
		}
		if json.Unmarshal(raw, &s) != nil {
			return
		}
		id := firstString(s.SubjectID, s.SubjectIDC, s.ID)
		if id == "" {
			return
		}
		i, ok := index[id]
		if !ok {
			i = len(w.subjects)
			index[id] = i
			w.subjects = append(w.subjects, Subject{ID: id, Faces: []Face{}})
		}
		eachObject(s.Faces, func(raw json.RawMessage) {
			var f wireIndexedFace
			if json.Unmarshal(raw, &f) != nil || f.id() == "" {
				return
			}
			// A face listed again replaces its entry, in the place first seen.
			face := f.face()
			k := faceKey{i, face.ID}
			if at, ok := faceAt[k]; ok {
				w.subjects[i].Faces[at] = face
				return
			}
			faceAt[k] = len(w.subjects[i].Faces)
			w.subjects[i].Faces = append(w.subjects[i].Faces, face)
		})
	})
	return nil
}

// wireMatches is the search answer.
type wireMatches struct{ matches []Match }

func (w *wireMatches) UnmarshalJSON(b []byte) error {
	items, err := listOf(b, "search", "results", "matches", "data")
	if err != nil {
		return err
	}
	eachObject(items, func(raw json.RawMessage) {
		var m struct {
			wireIndexedFace
			SubjectID  json.RawMessage `json:"subject_id"`
			SubjectIDC json.RawMessage `json:"subjectId"`
			Similarity json.RawMessage `json:"similarity_score"`
			SimC       json.RawMessage `json:"similarityScore"`
			Sim        json.RawMessage `json:"similarity"`
			Score      json.RawMessage `json:"score"`
		}
		if json.Unmarshal(raw, &m) != nil {
			return
		}
		mt := Match{SubjectID: firstString(m.SubjectID, m.SubjectIDC), FaceID: m.id(), Name: lenient.String(m.Name),
			ImageURL: firstString(m.ImageURL, m.ImageURLC)}
		if mt.SubjectID == "" && mt.FaceID == "" {
			return
		}
		// On 0..1 as Result.Similarity reads it: above 1 is a percentage;
		// outside 0..100 is no score (0).
		for _, r := range []json.RawMessage{m.Similarity, m.SimC, m.Sim, m.Score} {
			if f := lenient.Float(r); f != nil {
				if u := unitScore(f); u != nil {
					mt.Similarity = *u
				}
				break
			}
		}
		w.matches = append(w.matches, mt)
	})
	// Highest first, whatever order the server used (its order breaks
	// ties); ranks follow the order.
	sort.SliceStable(w.matches, func(i, j int) bool { return w.matches[i].Similarity > w.matches[j].Similarity })
	for i := range w.matches {
		w.matches[i].Rank = i + 1
	}
	return nil
}

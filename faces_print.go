package authenta

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Faces, subjects and matches carry presigned image URLs, whose query
// strings are credentials: every way of printing them (fmt verbs, slog,
// JSON) shows the URLs with their queries redacted.

type faceJSON struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Status    FaceStatus `json:"status"`
	Error     string     `json:"error,omitempty"`
	Embedding []float64  `json:"embedding,omitempty"`
	ImageURL  string     `json:"imageUrl,omitempty"`
}

func (f Face) redacted() faceJSON {
	return faceJSON{ID: f.ID, Name: f.Name, Status: f.Status, Error: redactURLs(f.Error), Embedding: f.Embedding, ImageURL: redactRawURL(f.ImageURL)}
}

// MarshalJSON writes the face in camelCase with its image URL's query
// redacted.
func (f Face) MarshalJSON() ([]byte, error) { return json.Marshal(f.redacted()) }

// LogValue logs the face without the image URL's query or the embedding's
// numbers.
func (f Face) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("id", f.ID), slog.String("name", f.Name), slog.String("status", string(f.Status))}
	if f.Error != "" {
		attrs = append(attrs, slog.String("error", redactURLs(f.Error)))
	}
	if len(f.Embedding) > 0 {
		attrs = append(attrs, slog.Int("embedding_dims", len(f.Embedding)))
	}
	if f.ImageURL != "" {
		attrs = append(attrs, slog.String("image_url", redactRawURL(f.ImageURL)))
	}
	return slog.GroupValue(attrs...)
}

// Format prints the face as %+v does, whatever the verb, with the image
// URL's query redacted and the embedding's length instead of its numbers.
func (f Face) Format(s fmt.State, _ rune) {
	fmt.Fprintf(s, "{ID:%s Name:%s Status:%s Error:%s Embedding:[%d floats] ImageURL:%s}",
		f.ID, f.Name, f.Status, redactURLs(f.Error), len(f.Embedding), redactRawURL(f.ImageURL))
}

type subjectJSON struct {
	ID    string     `json:"id"`
	Faces []faceJSON `json:"faces"`
}

// MarshalJSON writes the subject in camelCase with its faces' image URL
// queries redacted.
func (s Subject) MarshalJSON() ([]byte, error) {
	v := subjectJSON{ID: s.ID, Faces: make([]faceJSON, len(s.Faces))}
	for i, f := range s.Faces {
		v.Faces[i] = f.redacted()
	}
	return json.Marshal(v)
}

// LogValue logs the subject's id and its faces (see Face.LogValue).
func (s Subject) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 1+len(s.Faces))
	attrs = append(attrs, slog.String("id", s.ID))
	for i, f := range s.Faces {
		attrs = append(attrs, slog.Any("face"+fmt.Sprint(i), f.LogValue()))
	}
	return slog.GroupValue(attrs...)
}

// Format prints the subject and its faces (see Face.Format) for every verb.
func (s Subject) Format(st fmt.State, _ rune) {
	fmt.Fprintf(st, "{ID:%s Faces:[", s.ID)
	for i, f := range s.Faces {
		if i > 0 {
			fmt.Fprint(st, " ")
		}
		f.Format(st, 'v')
	}
	fmt.Fprint(st, "]}")
}

type matchJSON struct {
	Rank       int     `json:"rank"`
	SubjectID  string  `json:"subjectId"`
	FaceID     string  `json:"faceId"`
	Name       string  `json:"name"`
	Similarity float64 `json:"similarity"`
	ImageURL   string  `json:"imageUrl,omitempty"`
}

// MarshalJSON writes the match in camelCase with its image URL's query
// redacted.
func (m Match) MarshalJSON() ([]byte, error) {
	return json.Marshal(matchJSON{m.Rank, m.SubjectID, m.FaceID, m.Name, m.Similarity, redactRawURL(m.ImageURL)})
}

// LogValue logs the match without the image URL's query.
func (m Match) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("rank", m.Rank), slog.String("subject_id", m.SubjectID), slog.String("face_id", m.FaceID),
		slog.String("name", m.Name), slog.Float64("similarity", m.Similarity), slog.String("image_url", redactRawURL(m.ImageURL)))
}

// Format prints the match as %+v does, whatever the verb, with the image
// URL's query redacted.
func (m Match) Format(s fmt.State, _ rune) {
	fmt.Fprintf(s, "{Rank:%d SubjectID:%s FaceID:%s Name:%s Similarity:%g ImageURL:%s}",
		m.Rank, m.SubjectID, m.FaceID, m.Name, m.Similarity, redactRawURL(m.ImageURL))
}

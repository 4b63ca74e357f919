package authentatest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	_ "image/jpeg" // the images the service decodes
	_ "image/png"
	"io"
	"math"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"

	_ "golang.org/x/image/webp"

	"github.com/phospheneai/authenta-go/internal/exif"
)

// maxDecodePixels bounds the images the fake decodes.
const maxDecodePixels = 64 << 20

// analysis is what the fake service sees in an image.
type analysis struct {
	width, height, orientation int
	decodeErr                  string
	noFace                     bool
	embedding                  []float64
}

// analyze decodes an image and derives its embedding: an 8×8 grid of mean
// grey levels, centred and scaled to unit length, so that the same picture
// matches itself with similarity 1 and a turned one does not. A file name
// with NoFaceMarker, or a JPEG whose EXIF orientation is not upright, has
// no face.
func analyze(data []byte, name string) analysis {
	a := analysis{orientation: exif.Orientation(data)}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err == nil && int64(cfg.Width)*int64(cfg.Height) > maxDecodePixels {
		a.decodeErr = "image too large"
		return a
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		a.decodeErr = err.Error()
		return a
	}
	b := img.Bounds()
	a.width, a.height = b.Dx(), b.Dy()
	a.noFace = strings.Contains(strings.ToLower(name), NoFaceMarker) || a.orientation != exif.TopLeft
	a.embedding = embed(img)
	return a
}

func (a analysis) verdict() faceVerdict {
	switch {
	case a.decodeErr != "":
		return faceVerdict{code: "invalid_image", message: "Could not decode the image: " + a.decodeErr}
	case a.noFace:
		return faceVerdict{code: "no_face_detected", message: "No face detected in the image"}
	}
	return faceVerdict{embedding: a.embedding}
}

const (
	embedGrid   = 8 // cells a side
	embedSample = 8 // samples a cell side
)

func embed(img image.Image) []float64 {
	b := img.Bounds()
	n := embedGrid * embedSample
	v := make([]float64, embedGrid*embedGrid)
	for sy := 0; sy < n; sy++ {
		for sx := 0; sx < n; sx++ {
			x := b.Min.X + (2*sx+1)*b.Dx()/(2*n)
			y := b.Min.Y + (2*sy+1)*b.Dy()/(2*n)
			r, g, bl, _ := img.At(x, y).RGBA()
			v[(sy/embedSample)*embedGrid+sx/embedSample] += (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 0xFFFF
		}
	}
	mean := 0.0
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	norm := 0.0
	for i := range v {
		v[i] -= mean
		norm += v[i] * v[i]
	}
	norm = math.Sqrt(norm)
	for i := range v {
		if norm > 1e-9 {
			v[i] = math.Round(v[i]/norm*1e6) / 1e6
		} else {
			v[i] = 0
		}
	}
	return v
}

// similarity maps the cosine of two embeddings onto 0..1.
func similarity(a, b []float64) float64 {
	if len(a) != len(b) {
		return 0
	}
	dot := 0.0
	for i := range a {
		dot += a[i] * b[i]
	}
	s := (max(-1, min(1, dot)) + 1) / 2
	return math.Round(s*1e6) / 1e6
}

const defaultSearchLimit = 50

// search answers POST {faces}/search: multipart (image, limit) or JSON
// (image_bytes, limit), ranking the processed faces by similarity, ties by
// subject and face id.
func (s *Server) search(w http.ResponseWriter, r *http.Request) *faceError {
	rec := SearchRecord{Limit: defaultSearchLimit}
	var ans *searchAnswer
	fe := s.readSearch(r, &rec)
	if fe == nil {
		a := analyze(rec.Image, rec.FileName)
		rec.Width, rec.Height, rec.Orientation = a.width, a.height, a.orientation
		switch {
		case a.decodeErr != "":
			fe = invalidImage(a.decodeErr)
		case a.noFace:
			fe = noFace()
		default:
			v := s.rank(a.embedding, rec.Limit)
			ans, rec.Status = &v, http.StatusOK
		}
	}
	if fe != nil {
		rec.Status = fe.status
	}
	// Recorded before the answer leaves, so that a client that has its
	// answer finds its search recorded.
	s.faces.mu.Lock()
	s.faces.searches = append(s.faces.searches, rec)
	s.faces.mu.Unlock()
	if ans != nil {
		s.writeJSON(w, http.StatusOK, ans)
	}
	return fe
}

func (s *Server) rank(query []float64, limit int) searchAnswer {
	type cand struct {
		f   *faceRec
		sim float64
	}
	var cands []cand
	s.faces.mu.Lock()
	for _, sub := range s.faces.subjects {
		for _, f := range sub.faces {
			if f.Status == FaceProcessed && f.Embedding != nil {
				cands = append(cands, cand{f, similarity(query, f.Embedding)})
			}
		}
	}
	s.faces.mu.Unlock()
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.sim != b.sim {
			return a.sim > b.sim
		}
		if a.f.SubjectID != b.f.SubjectID {
			return a.f.SubjectID < b.f.SubjectID
		}
		return a.f.FaceID < b.f.FaceID
	})
	if len(cands) > limit {
		cands = cands[:limit]
	}
	ans := searchAnswer{TenantID: tenantID, Count: len(cands), Results: make([]searchResult, len(cands))}
	now := s.now()
	for i, c := range cands {
		u, _ := s.presign(http.MethodGet, facePath(c.f.SubjectID, c.f.FaceID, c.f.Name), "", s.cfg.downloadTTL, now)
		ans.Results[i] = searchResult{Rank: i + 1, SubjectID: c.f.SubjectID, FaceID: c.f.FaceID, Name: c.f.Name, ImageURL: u, Similarity: c.sim}
	}
	return ans
}

// readSearch reads a search request into rec: its image and limit.
func (s *Server) readSearch(r *http.Request, rec *SearchRecord) *faceError {
	limitText := r.URL.Query().Get("limit")
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		rec.Multipart = true
		max := s.cfg.faces.maxSearch
		if r.ContentLength > max {
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 64<<20))
			return errTooLarge
		}
		mr, err := r.MultipartReader()
		if err != nil {
			return invalidField("value_error", "There was an error parsing the body")
		}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return invalidField("value_error", "There was an error parsing the body")
			}
			switch p.FormName() {
			case "image":
				rec.FileName, rec.ContentType = p.FileName(), p.Header.Get("Content-Type")
				b, err := io.ReadAll(io.LimitReader(p, max+1))
				if err != nil {
					return invalidField("value_error", "There was an error parsing the body")
				}
				if int64(len(b)) > max {
					return errTooLarge
				}
				rec.Image = b
			case "limit":
				b, _ := io.ReadAll(io.LimitReader(p, 64))
				limitText = string(b)
			}
		}
	case "application/json":
		raw, fe := readJSONBody(r)
		if fe != nil {
			return fe
		}
		var body searchJSON
		if err := json.Unmarshal(raw, &body); err != nil || len(raw) == 0 || raw[0] != '{' {
			return invalidField("json_invalid", "JSON decode error", 0)
		}
		if len(body.Limit) > 0 && string(body.Limit) != "null" {
			limitText = strings.Trim(string(body.Limit), `"`)
		}
		if str, ok := jsonString(body.ImageBytes); ok {
			img, ok := decodeBase64(str)
			if !ok {
				return invalidImage("image_bytes is not base64")
			}
			rec.Image = img
		}
	default:
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 64<<20))
	}
	if limitText != "" {
		n, err := strconv.Atoi(strings.TrimSpace(limitText))
		switch {
		case err != nil:
			return invalidField("int_parsing", "Input should be a valid integer, unable to parse string as an integer", "limit")
		case n < 1:
			return invalidField("greater_than_equal", "Input should be greater than or equal to 1", "limit")
		case n > 50:
			return invalidField("less_than_equal", "Input should be less than or equal to 50", "limit")
		}
		rec.Limit = n
	}
	if len(rec.Image) == 0 {
		loc := "image"
		if !rec.Multipart {
			loc = "image_bytes"
		}
		return invalidField("missing", "Field required", loc)
	}
	return nil
}

// decodeBase64 reads url-safe or standard base64, padded or not, or a
// data: URL.
func decodeBase64(s string) ([]byte, bool) {
	if strings.HasPrefix(s, "data:") {
		_, after, ok := strings.Cut(s, ";base64,")
		if !ok {
			return nil, false
		}
		s = after
	}
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.URLEncoding, base64.RawURLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) > 0 {
			return b, true
		}
	}
	return nil, false
}

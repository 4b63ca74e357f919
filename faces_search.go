package authenta

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// Match is one enrolled face a search found, highest similarity first.
type Match struct {
	Rank       int // 1 for the best match
	SubjectID  string
	FaceID     string
	Name       string
	Similarity float64 // 0..1
	ImageURL   string  // presigned: a secret, printed redacted by fmt, slog and JSON
}

// SearchOptions tunes Search.
type SearchOptions struct {
	Limit int // 1..50; 0 means 50
	// JSON sends the image base64-encoded in a JSON body ("image_bytes")
	// instead of multipart, for deployments that only take that variant.
	// The gateway bounds JSON bodies at 100 KiB: a larger image is refused
	// before anything is sent (ErrInvalidImage).
	JSON bool
}

// maxJSONSearchImage is the largest image a JSON search carries: its
// base64 text and the JSON around it stay within the gateway's 100 KiB.
const maxJSONSearchImage = 75 << 10

// maxSearchLimit is the most matches a search returns.
const maxSearchLimit = 50

func (o *SearchOptions) limit() (int, error) {
	if o == nil || o.Limit == 0 {
		return maxSearchLimit, nil
	}
	if o.Limit < 1 || o.Limit > maxSearchLimit {
		return 0, fmt.Errorf("%w: search limit %d: need 1..%d", ErrInvalidArgument, o.Limit, maxSearchLimit)
	}
	return o.Limit, nil
}

// Search searches every processed face for the person in the image file at
// path, and returns the matches, highest similarity first. The image must
// be a JPEG, PNG or WebP file. A JPEG whose EXIF orientation is not
// upright is turned upright, and an image over 4096 pixels on a side is
// scaled down, before it is sent (re-encoded as a JPEG); any other image is
// streamed as it is. The request is multipart (image, limit) with an exact
// Content-Length; it is retried like a GET, as a search changes nothing.
func (s *FacesService) Search(ctx context.Context, path string, so *SearchOptions, opts ...CallOption) ([]Match, error) {
	limit, err := so.limit()
	if err != nil {
		return nil, err
	}
	src, err := openImage(path)
	if err != nil {
		return nil, err
	}
	defer src.close()
	return s.search(ctx, src, limit, so != nil && so.JSON, opts)
}

// SearchReader is Search for an image that is not in a file: name gives
// the file name (its extension tells the type), r and size the bytes. An r
// that is an io.ReaderAt is re-read on a retry; any other is sent once.
func (s *FacesService) SearchReader(ctx context.Context, name string, r io.Reader, size int64, so *SearchOptions, opts ...CallOption) ([]Match, error) {
	limit, err := so.limit()
	if err != nil {
		return nil, err
	}
	src, err := readerImage(name, "", r, size)
	if err != nil {
		return nil, err
	}
	return s.search(ctx, src, limit, so != nil && so.JSON, opts)
}

func (s *FacesService) search(ctx context.Context, src *imageSource, limit int, asJSON bool, opts []CallOption) ([]Match, error) {
	ctx, cs, end, err := s.c.startCall(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer end()
	if err := src.prepare(ctx, maxSearchSide); err != nil {
		return nil, err
	}
	cl := &call{method: http.MethodPost, path: s.path + "/search", scope: scopeFaces, mark: retry.Idempotent, cs: cs} // a search changes nothing
	if asJSON {
		if cl.body, err = jsonSearchBody(ctx, src, limit); err != nil {
			return nil, err
		}
	} else {
		if cl.stream, err = newSearchBody(src, limit); err != nil {
			return nil, err
		}
		if _, ok := src.r.(io.ReaderAt); !ok {
			cl.mark = retry.Once
		}
	}
	var w wireMatches
	if err := s.c.do(ctx, cl, &w); err != nil {
		return nil, &StepError{Step: "search", Err: err}
	}
	for i := range w.matches {
		w.matches[i].Name = s.c.scrubKey(w.matches[i].Name)
	}
	return w.matches, nil
}

// jsonSearchBody is the JSON variant's body: the whole image, URL-safe
// base64 with padding, and the limit.
func jsonSearchBody(ctx context.Context, src *imageSource, limit int) (any, error) {
	if src.size > maxJSONSearchImage {
		return nil, fmt.Errorf("%w: image %q has %d bytes; a JSON search takes at most %d (use multipart)", ErrInvalidImage, src.name, src.size, maxJSONSearchImage)
	}
	img := make([]byte, src.size)
	r := src.r
	if ra, ok := r.(io.ReaderAt); ok {
		r = io.NewSectionReader(ra, 0, src.size)
	}
	if err := underContext(ctx, func() error { _, err := io.ReadFull(r, img); return err }); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("authenta: image %q: %w", src.name, err)
		}
		return nil, src.readError(err)
	}
	return struct {
		ImageBytes string `json:"image_bytes"`
		Limit      int    `json:"limit"`
	}{base64.URLEncoding.EncodeToString(img), limit}, nil
}

// newSearchBody frames the image as multipart/form-data: a "limit" field,
// then an "image" file part. The framing is written once by mime/multipart
// into two small buffers, before and after the image, and every attempt
// reads them around the image: the length is exact (no chunked encoding,
// which proxies in front of the service may refuse), nothing is buffered
// but the framing, no goroutine is needed (an io.Pipe would need one per
// attempt), and a retry re-reads the image when it is an io.ReaderAt.
func newSearchBody(src *imageSource, limit int) (*streamBody, error) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if err := mw.WriteField("limit", strconv.Itoa(limit)); err != nil {
		return nil, err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="image"; filename="`+quoteEscaper.Replace(partFileName(src.name))+`"`)
	h.Set("Content-Type", src.contentType)
	if _, err := mw.CreatePart(h); err != nil {
		return nil, err
	}
	headLen := head.Len()
	if err := mw.Close(); err != nil {
		return nil, err
	}
	all := head.Bytes()
	pre, post := all[:headLen:headLen], all[headLen:]
	open := func() (io.ReadCloser, error) {
		var img io.Reader = src.r
		if ra, ok := src.r.(io.ReaderAt); ok {
			img = io.NewSectionReader(ra, 0, src.size)
		}
		return io.NopCloser(io.MultiReader(bytes.NewReader(pre), &exactReader{r: img, left: src.size}, bytes.NewReader(post))), nil
	}
	return &streamBody{contentType: mw.FormDataContentType(), size: int64(len(all)) + src.size, open: open}, nil
}

// partFileName makes a name safe in a MIME header: control characters
// (which the checks before any request refuse anyway) become '_'.
func partFileName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, name)
}

// quoteEscaper escapes a file name for a quoted Content-Disposition
// parameter, as mime/multipart does for CreateFormFile.
var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

package authentatest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const facesURL = DefaultFacesPath

type enrolled struct {
	SubjectID string `json:"subject_id"`
	Status    string `json:"status"`
	Faces     []struct {
		FaceID    string            `json:"face_id"`
		Status    string            `json:"status"`
		UploadURL string            `json:"upload_url"`
		Headers   map[string]string `json:"headers"`
	} `json:"faces"`
	ExpiresAt string `json:"expires_at"`
}

type subjectsDoc struct {
	TenantID string `json:"tenant_id"`
	Subjects []struct {
		SubjectID string `json:"subject_id"`
		Faces     []struct {
			FaceID    string    `json:"face_id"`
			Name      string    `json:"name"`
			Status    string    `json:"status"`
			Embedding []float64 `json:"embedding"`
			ImageURL  *string   `json:"image_url"`
			Error     *string   `json:"error"`
		} `json:"faces"`
	} `json:"subjects"`
}

type searchDoc struct {
	Count   int `json:"count"`
	Results []struct {
		Rank       int     `json:"rank"`
		SubjectID  string  `json:"subject_id"`
		FaceID     string  `json:"face_id"`
		Name       string  `json:"name"`
		ImageURL   string  `json:"image_url"`
		Similarity float64 `json:"similarity_score"`
	} `json:"results"`
}

func enrollRaw(t *testing.T, srv *Server, images ...[2]string) enrolled {
	t.Helper()
	var list []map[string]string
	for _, im := range images {
		list = append(list, map[string]string{"name": im[0], "contentType": im[1]})
	}
	r := call(t, srv, "POST", srv.URL+facesURL+"/enroll", DefaultAPIKey, map[string]any{"images": list})
	require.Equal(t, 200, r.Status, "enroll: %s", r.Body)
	var e enrolled
	require.NoError(t, json.Unmarshal(r.Body, &e))
	return e
}

// putFace uploads a face with exactly the headers the enrol answer gave.
func putFace(t *testing.T, srv *Server, url string, headers map[string]string, body []byte, edit func(*http.Request)) rawResponse {
	t.Helper()
	return put(t, srv, url, "", body, func(r *http.Request) {
		r.Header.Del("Content-Type")
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		if edit != nil {
			edit(r)
		}
	})
}

func listSubjects(t *testing.T, srv *Server) subjectsDoc {
	t.Helper()
	r := call(t, srv, "GET", srv.URL+facesURL+"/subjects", DefaultAPIKey, nil)
	require.Equal(t, 200, r.Status, "subjects: %s", r.Body)
	var d subjectsDoc
	require.NoError(t, json.Unmarshal(r.Body, &d))
	return d
}

// multipartSearch builds a multipart search body.
func multipartSearch(t testing.TB, name string, img []byte, limit string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if limit != "" {
		require.NoError(t, mw.WriteField("limit", limit))
	}
	if img != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="image"; filename=%q`, name))
		h.Set("Content-Type", "image/jpeg")
		p, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, _ = p.Write(img)
	}
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), b.Bytes()
}

func postSearch(t *testing.T, srv *Server, contentType string, body []byte) rawResponse {
	t.Helper()
	req, err := http.NewRequest("POST", srv.URL+facesURL+"/search", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	req.Header.Set("Content-Type", contentType)
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawResponse{resp.StatusCode, resp.Header, b}
}

func TestFacesFlow(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	alice, bob := Portrait(1, 64, 80), PortraitPNG(2, 60, 60)
	e := enrollRaw(t, srv, [2]string{"alice.jpg", "image/jpeg"}, [2]string{"bob.png", "image/png"})
	require.Equal(t, "pending", e.Status)
	require.Len(t, e.Faces, 2)
	require.NotEmpty(t, e.ExpiresAt)
	for i, f := range e.Faces {
		require.Equal(t, "pending", f.Status)
		require.True(t, strings.HasPrefix(f.UploadURL, srv.StorageURL), f.UploadURL)
		require.Equal(t, map[string]string{"Content-Type": []string{"image/jpeg", "image/png"}[i], "x-amz-meta-face-id": f.FaceID}, f.Headers)
	}
	// Before the upload: pending, no image, no embedding.
	d := listSubjects(t, srv)
	require.Equal(t, "pending", d.Subjects[0].Faces[0].Status)
	require.Nil(t, d.Subjects[0].Faces[0].ImageURL)

	for i, img := range [][]byte{alice, bob} {
		r := putFace(t, srv, e.Faces[i].UploadURL, e.Faces[i].Headers, img, nil)
		require.Equal(t, 200, r.Status, "%s", r.Body)
	}
	for _, want := range []string{"uploaded", "processing", "processed"} {
		d := listSubjects(t, srv)
		require.Len(t, d.Subjects, 1)
		for _, f := range d.Subjects[0].Faces {
			require.Equal(t, want, f.Status)
			require.Equal(t, want == "processed", f.Embedding != nil)
			require.Nil(t, f.Error)
			require.NotNil(t, f.ImageURL)
		}
	}
	recs := srv.Faces(e.SubjectID)
	require.Len(t, recs, 2)
	require.Equal(t, alice, recs[0].Data)
	require.Equal(t, [3]int{64, 80, 1}, [3]int{recs[0].Width, recs[0].Height, recs[0].Orientation})
	require.Equal(t, "image/png", recs[1].UploadContentType)

	// The image URL serves what was uploaded, without auth.
	img := listSubjects(t, srv).Subjects[0].Faces[0].ImageURL
	r := call(t, srv, "GET", *img, "", nil)
	require.Equal(t, 200, r.Status)
	require.Equal(t, alice, r.Body)

	// Search: multipart, then JSON in every base64 flavour.
	ct, body := multipartSearch(t, "probe.jpg", Portrait(1, 128, 160), "")
	r = postSearch(t, srv, ct, body)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	var sd searchDoc
	require.NoError(t, json.Unmarshal(r.Body, &sd))
	require.Equal(t, 2, sd.Count)
	require.Equal(t, "alice.jpg", sd.Results[0].Name)
	require.Equal(t, 1, sd.Results[0].Rank)
	require.Greater(t, sd.Results[0].Similarity, 0.95)
	require.Greater(t, sd.Results[0].Similarity, sd.Results[1].Similarity)
	require.True(t, strings.HasPrefix(sd.Results[0].ImageURL, srv.StorageURL))

	ct, body = multipartSearch(t, "probe.jpg", Portrait(2, 64, 64), "1")
	r = postSearch(t, srv, ct, body)
	require.NoError(t, json.Unmarshal(r.Body, &sd))
	require.Equal(t, 1, sd.Count)
	require.Equal(t, "bob.png", sd.Results[0].Name)

	probe := Portrait(1, 40, 50)
	for _, enc := range []string{
		base64.URLEncoding.EncodeToString(probe), base64.StdEncoding.EncodeToString(probe),
		base64.RawURLEncoding.EncodeToString(probe), "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(probe),
	} {
		r := call(t, srv, "POST", srv.URL+facesURL+"/search", DefaultAPIKey, map[string]any{"image_bytes": enc, "limit": 5})
		require.Equal(t, 200, r.Status, "%s", r.Body)
		require.NoError(t, json.Unmarshal(r.Body, &sd))
		require.Equal(t, "alice.jpg", sd.Results[0].Name)
	}
	searches := srv.Searches()
	require.Len(t, searches, 6)
	require.True(t, searches[0].Multipart)
	require.Equal(t, "probe.jpg", searches[0].FileName)
	require.Equal(t, [3]int{128, 160, 50}, [3]int{searches[0].Width, searches[0].Height, searches[0].Limit})
	require.Equal(t, 1, searches[1].Limit)
	require.False(t, searches[2].Multipart)
	require.Equal(t, probe, searches[2].Image)
}

func TestFacesFailedFaces(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithFaceSteps(0, 0))
	e := enrollRaw(t, srv, [2]string{"ok.jpg", "image/jpeg"}, [2]string{"NoFace-1.jpg", "image/jpeg"},
		[2]string{"junk.jpg", "image/jpeg"}, [2]string{"phone.jpg", "image/jpeg"})
	bodies := [][]byte{Portrait(3, 32, 32), Portrait(4, 32, 32), []byte("not an image at all"), Sideways(5, 32, 48, 6)}
	for i, b := range bodies {
		require.Equal(t, 200, putFace(t, srv, e.Faces[i].UploadURL, e.Faces[i].Headers, b, nil).Status)
	}
	d := listSubjects(t, srv)
	faces := d.Subjects[0].Faces
	want := []struct{ status, err string }{{"processed", ""}, {"failed", "no_face_detected"}, {"failed", "invalid_image"}, {"failed", "no_face_detected"}}
	for i, w := range want {
		require.Equal(t, w.status, faces[i].Status, faces[i].Name)
		if w.err == "" {
			require.Nil(t, faces[i].Error)
		} else {
			require.NotNil(t, faces[i].Error)
			require.Contains(t, *faces[i].Error, w.err)
			require.Nil(t, faces[i].Embedding)
		}
	}
	require.Equal(t, 6, srv.Faces(e.SubjectID)[3].Orientation)
	// A re-upload after processing is refused.
	r := putFace(t, srv, e.Faces[0].UploadURL, e.Faces[0].Headers, bodies[0], nil)
	require.Equal(t, 403, r.Status)
	// By hand.
	require.NoError(t, srv.SetFaceStatus(e.Faces[0].FaceID, FaceFailed, "operator says no"))
	require.Equal(t, "operator says no", *listSubjects(t, srv).Subjects[0].Faces[0].Error)
	require.Error(t, srv.SetFaceStatus("nope", FaceFailed, ""))
	require.Error(t, srv.SetFaceStatus(e.Faces[0].FaceID, "done", ""))
}

func TestFacesEnrollErrors(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	img := func(name, ct string) map[string]string { return map[string]string{"name": name, "contentType": ct} }
	many := make([]map[string]string, 11)
	for i := range many {
		many[i] = img("f.jpg", "image/jpeg")
	}
	tests := []struct {
		name string
		body any
		want int
		loc  string // FastAPI detail loc, joined
		html bool
	}{
		{"no images", map[string]any{"images": []any{}}, 422, "body.images", false},
		{"eleven images", map[string]any{"images": many}, 422, "body.images", false},
		{"gif", map[string]any{"images": []any{img("a.gif", "image/gif")}}, 422, "body.images.0.contentType", false},
		{"empty name", map[string]any{"images": []any{img("", "image/png")}}, 422, "body.images.0.name", false},
		{"long name", map[string]any{"images": []any{img(strings.Repeat("n", 252)+".png", "image/png")}}, 422, "body.images.0.name", false},
		{"not an object", map[string]any{"images": []any{"a.jpg"}}, 422, "body.images.0", false},
		{"not JSON", "{", 422, "body.0", false},
		{"over 100 KiB", map[string]any{"images": []any{img(strings.Repeat("x", 101<<10), "image/png")}}, 413, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, "POST", srv.URL+facesURL+"/enroll", DefaultAPIKey, tt.body)
			require.Equal(t, tt.want, r.Status, "%s", r.Body)
			if tt.html {
				require.Contains(t, r.Header.Get("Content-Type"), "text/html")
				return
			}
			require.Equal(t, tt.loc, detailLoc(t, r.Body))
		})
	}
	// A name of exactly 255 characters is fine.
	enrollRaw(t, srv, [2]string{strings.Repeat("n", 251) + ".png", "image/png"})
}

// detailLoc returns the loc of a FastAPI {"detail": [...]} body, joined.
func detailLoc(t *testing.T, body []byte) string {
	t.Helper()
	var d struct {
		Detail []struct {
			Loc []any  `json:"loc"`
			Msg string `json:"msg"`
		} `json:"detail"`
	}
	require.NoError(t, json.Unmarshal(body, &d), "%s", body)
	require.Len(t, d.Detail, 1, "%s", body)
	require.NotEmpty(t, d.Detail[0].Msg)
	parts := make([]string, len(d.Detail[0].Loc))
	for i, p := range d.Detail[0].Loc {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}

func TestFacesUploadChecks(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithFaceLimits(1000, 1<<20))
	tests := []struct {
		name string
		edit func(*http.Request)
		body []byte
		want int
		code string
	}{
		{"exact headers", nil, Portrait(1, 8, 8), 200, ""},
		{"missing meta header", func(r *http.Request) { r.Header.Del("X-Amz-Meta-Face-Id") }, Portrait(1, 8, 8), 403, "SignatureDoesNotMatch"},
		{"other meta value", func(r *http.Request) { r.Header.Set("X-Amz-Meta-Face-Id", "x") }, Portrait(1, 8, 8), 403, "SignatureDoesNotMatch"},
		{"other content type", func(r *http.Request) { r.Header.Set("Content-Type", "image/png") }, Portrait(1, 8, 8), 403, "SignatureDoesNotMatch"},
		{"with the API key", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+DefaultAPIKey) }, Portrait(1, 8, 8), 400, "InvalidArgument"},
		{"chunked", func(r *http.Request) { r.ContentLength = -1; r.Body = io.NopCloser(bytes.NewReader([]byte("abc"))) }, nil, 501, "NotImplemented"},
		{"too large", nil, make([]byte, 1001), 400, "EntityTooLarge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := enrollRaw(t, srv, [2]string{"a.jpg", "image/jpeg"})
			r := putFace(t, srv, e.Faces[0].UploadURL, e.Faces[0].Headers, tt.body, tt.edit)
			require.Equal(t, tt.want, r.Status, "%s", r.Body)
			if tt.code != "" {
				require.Contains(t, string(r.Body), "<Code>"+tt.code+"</Code>")
			}
			recs := srv.Faces(e.SubjectID)
			require.Equal(t, 1, recs[0].PUTs)
			require.Equal(t, tt.want == 200, recs[0].Status == FaceUploaded)
		})
	}
}

func TestFacesUploadExpiry(t *testing.T) {
	t.Parallel()
	var now atomic.Pointer[time.Time]
	start := time.Now()
	now.Store(&start)
	srv := NewServer(t, WithClock(func() time.Time { return *now.Load() }))
	// Face URLs last 15 minutes.
	e := enrollRaw(t, srv, [2]string{"late.jpg", "image/jpeg"})
	later := start.Add(16 * time.Minute)
	now.Store(&later)
	r := putFace(t, srv, e.Faces[0].UploadURL, e.Faces[0].Headers, Portrait(1, 8, 8), nil)
	require.Equal(t, 403, r.Status)
	require.Contains(t, string(r.Body), "Request has expired")
	// A signed URL for a face that is not there.
	r = putFace(t, srv, strings.Replace(e.Faces[0].UploadURL, e.Faces[0].FaceID, "face_999", 1), e.Faces[0].Headers, []byte("x"), nil)
	require.Equal(t, 403, r.Status) // the path is signed
}

func TestFacesSearchErrors(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithFaceLimits(1<<20, 4<<10))
	big := Portrait(1, 200, 200)
	require.Greater(t, len(big), 4<<10)
	type tc struct {
		name string
		ct   string
		body []byte
		want int
		code string // nested error code
		loc  string // FastAPI loc
		html bool
	}
	mp := func(name string, img []byte, limit string) (string, []byte) {
		return multipartSearch(t, name, img, limit)
	}
	var tests []tc
	add := func(name string, want int, code, loc string, html bool, ct string, body []byte) {
		tests = append(tests, tc{name: name, ct: ct, body: body, want: want, code: code, loc: loc, html: html})
	}
	ct, b := mp("p.jpg", nil, "5")
	add("no image", 422, "", "body.image", false, ct, b)
	for _, l := range []string{"0", "51", "x"} {
		ct, b = mp("p.jpg", Portrait(1, 8, 8), l)
		add("limit "+l, 422, "", "body.limit", false, ct, b)
	}
	ct, b = mp("p.jpg", []byte("garbage"), "")
	add("invalid image", 422, "invalid_image", "", false, ct, b)
	ct, b = mp("noface.jpg", Portrait(1, 8, 8), "")
	add("no face", 422, "no_face_detected", "", false, ct, b)
	ct, b = mp("phone.jpg", Sideways(1, 16, 24, 8), "")
	add("sideways", 422, "no_face_detected", "", false, ct, b)
	ct, b = mp("big.jpg", big, "")
	add("too large", 413, "", "", true, ct, b)
	js, _ := json.Marshal(map[string]any{"image_bytes": base64.StdEncoding.EncodeToString(make([]byte, 80<<10)), "limit": 1})
	add("JSON over 100 KiB", 413, "", "", true, "application/json", js)
	js, _ = json.Marshal(map[string]any{"image_bytes": "%%%"})
	add("JSON not base64", 422, "invalid_image", "", false, "application/json", js)
	add("JSON without image", 422, "", "body.image_bytes", false, "application/json", []byte(`{"limit": 3}`))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := postSearch(t, srv, tt.ct, tt.body)
			require.Equal(t, tt.want, r.Status, "%s", r.Body)
			switch {
			case tt.html:
				require.Contains(t, string(r.Body), "413 Request Entity Too Large")
			case tt.loc != "":
				require.Equal(t, tt.loc, detailLoc(t, r.Body))
			default:
				var e struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				require.NoError(t, json.Unmarshal(r.Body, &e))
				require.Equal(t, tt.code, e.Error.Code)
				require.NotEmpty(t, e.Error.Message)
			}
		})
	}
}

func TestFacesVariants(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithFacesPath("/api/v1/facesim/"), WithSplitSubjects(), WithFlatFaceErrors(), WithEnrollStatus(201), WithFaceSteps(0, 0))
	r := call(t, srv, "POST", srv.URL+DefaultFacesPath+"/enroll", DefaultAPIKey, map[string]any{"images": []any{}})
	require.Equal(t, 404, r.Status)
	r = call(t, srv, "POST", srv.URL+"/api/v1/facesim/enroll", DefaultAPIKey,
		map[string]any{"images": []any{map[string]string{"name": "a.jpg", "contentType": "image/jpeg"}, map[string]string{"name": "b.jpg", "contentType": "image/jpeg"}}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	var e enrolled
	require.NoError(t, json.Unmarshal(r.Body, &e))
	for i, f := range e.Faces {
		require.Equal(t, 200, putFace(t, srv, f.UploadURL, f.Headers, Portrait(i, 16, 16), nil).Status)
	}
	r = call(t, srv, "GET", srv.URL+"/api/v1/facesim/subjects", DefaultAPIKey, nil)
	var d subjectsDoc
	require.NoError(t, json.Unmarshal(r.Body, &d))
	require.Len(t, d.Subjects, 2)
	require.Equal(t, d.Subjects[0].SubjectID, d.Subjects[1].SubjectID)
	ct, b := multipartSearch(t, "noface.jpg", Portrait(1, 8, 8), "")
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/facesim/search", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	req.Header.Set("Content-Type", ct)
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 422, resp.StatusCode)
	require.JSONEq(t, `{"code":"no_face_detected","statusCode":422,"message":"No face detected in the image"}`, string(body))

	for _, bad := range []Option{WithFacesPath("nope"), WithFaceSteps(-1, 0), WithEnrollStatus(400), WithFaceLimits(0, 1)} {
		_, err := Start(bad)
		require.Error(t, err)
	}
}

func TestFacesAuthAndFaults(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithKey(Key{Token: "api_readonly_key1", Permissions: PermRead}))
	r := call(t, srv, "GET", srv.URL+facesURL+"/subjects", "", nil)
	require.Equal(t, 401, r.Status)
	r = call(t, srv, "POST", srv.URL+facesURL+"/enroll", "api_readonly_key1", map[string]any{"images": []any{}})
	require.Equal(t, 403, r.Status)
	r = call(t, srv, "GET", srv.URL+facesURL+"/subjects", "api_readonly_key1", nil)
	require.Equal(t, 200, r.Status)
	require.JSONEq(t, `{"tenant_id":"tenant_authentatest","subjects":[]}`, string(r.Body))
	r = call(t, srv, "GET", srv.URL+facesURL+"/enroll", DefaultAPIKey, nil)
	require.Equal(t, 404, r.Status)

	srv.Fail(RouteFaceSubjects, 503)
	require.Equal(t, 503, call(t, srv, "GET", srv.URL+facesURL+"/subjects", DefaultAPIKey, nil).Status)
	require.Equal(t, 200, call(t, srv, "GET", srv.URL+facesURL+"/subjects", DefaultAPIKey, nil).Status)
	require.Equal(t, 4, srv.Count(RouteFaceSubjects))
	for _, name := range []string{"enroll", "subjects", "search", "face-upload", "face-image"} {
		_, err := ParseRoute(name)
		require.NoError(t, err, name)
	}
	e := enrollRaw(t, srv, [2]string{"a.jpg", "image/jpeg"})
	srv.Inject(RouteFaceUpload, Fault{Conn: Reset})
	req, _ := http.NewRequest("PUT", e.Faces[0].UploadURL, bytes.NewReader([]byte("abc")))
	req.Header.Set("Content-Type", "image/jpeg")
	_, err := srv.HTTPClient().Do(req)
	require.Error(t, err)
	require.Equal(t, 1, srv.Count(RouteFaceUpload))
}

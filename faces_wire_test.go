package authenta_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// facesRig is an API host and a storage host on 127.0.0.1, each answering
// with a handler the test sets, and a client for them.
type facesRig struct {
	api, storage *httptest.Server
	c            *authenta.Client
	mu           sync.Mutex
	apiH         http.HandlerFunc
	storageH     http.HandlerFunc
	apiN         atomic.Int32
	storageN     atomic.Int32
}

func newFacesRig(t *testing.T, opts ...authenta.Option) *facesRig {
	t.Helper()
	r := &facesRig{}
	r.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		r.apiN.Add(1)
		r.mu.Lock()
		h := r.apiH
		r.mu.Unlock()
		h(w, q)
	}))
	r.storage = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		r.storageN.Add(1)
		r.mu.Lock()
		h := r.storageH
		r.mu.Unlock()
		if h == nil {
			t.Errorf("unexpected storage request %s %s", q.Method, q.URL.Path)
			w.WriteHeader(500)
			return
		}
		h(w, q)
	}))
	t.Cleanup(r.api.Close)
	t.Cleanup(r.storage.Close)
	all := []authenta.Option{authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey), authenta.WithBaseURL(r.api.URL),
		authenta.WithMaxRetries(2), authenta.WithRetryWait(time.Millisecond, 5*time.Millisecond)}
	c, err := authenta.NewClient(append(all, opts...)...)
	require.NoError(t, err)
	r.c = c
	return r
}

func (r *facesRig) handle(api, storage http.HandlerFunc) {
	r.mu.Lock()
	r.apiH, r.storageH = api, storage
	r.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func TestFacesWireEnroll(t *testing.T) {
	t.Parallel()
	variants := map[string]string{
		"documented": `{"subject_id":"%s","status":"pending","faces":[` +
			`{"face_id":"f1","status":"pending","upload_url":"%s/faces/f1?` + presignQuery + `","headers":{"Content-Type":"image/jpeg","x-amz-acl":"private"}},` +
			`{"face_id":"f2","status":"pending","upload_url":"%s/faces/f2?` + presignQuery + `","headers":{"Content-Type":"image/png"}}],"expires_at":"2099-01-01T00:00:00Z"}`,
		"camel case, wrapped": `{"data":{"subjectId":"%s","faces":[` +
			`{"faceId":"f1","uploadUrl":"%s/faces/f1?` + presignQuery + `","headers":{"Content-Type":"image/jpeg","x-amz-acl":"private"}},` +
			`{"faceId":"f2","uploadUrl":"%s/faces/f2?` + presignQuery + `","headers":{"Content-Type":"image/png"}}]}}`,
	}
	for name, doc := range variants {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newFacesRig(t, authenta.WithFacesPath("/api/v1/facesim/"))
			a, b := authentatest.Portrait(1, 16, 16), authentatest.PortraitPNG(2, 16, 16)
			var puts sync.Map
			r.handle(func(w http.ResponseWriter, q *http.Request) {
				assert.Equal(t, "POST", q.Method)
				assert.Equal(t, "/api/v1/facesim/enroll", q.URL.Path)
				assert.Equal(t, "Bearer "+testAPIKey, q.Header.Get("Authorization"))
				assert.Equal(t, "application/json", q.Header.Get("Content-Type"))
				body, _ := io.ReadAll(q.Body)
				assert.JSONEq(t, `{"images":[{"name":"a.jpg","contentType":"image/jpeg"},{"name":"b.png","contentType":"image/png"}]}`, string(body))
				writeJSON(w, 201, fmt.Sprintf(doc, "9007199254740993", r.storage.URL, r.storage.URL))
			}, func(w http.ResponseWriter, q *http.Request) {
				body, _ := io.ReadAll(q.Body)
				puts.Store(q.URL.Path, q)
				assert.Equal(t, "PUT", q.Method)
				assert.Empty(t, q.Header.Get("Authorization"))
				assert.Empty(t, q.TransferEncoding)
				assert.Equal(t, int64(len(body)), q.ContentLength)
				switch q.URL.Path {
				case "/faces/f1":
					assert.Equal(t, a, body)
					assert.Equal(t, "image/jpeg", q.Header.Get("Content-Type"))
					assert.Equal(t, "private", q.Header.Get("X-Amz-Acl"))
				case "/faces/f2":
					assert.Equal(t, b, body)
					assert.Equal(t, "image/png", q.Header.Get("Content-Type"))
					assert.Empty(t, q.Header.Get("X-Amz-Acl"))
				}
				w.WriteHeader(204)
			})
			sub, err := r.c.Faces.EnrollImages(t.Context(), []authenta.FaceImage{
				{Name: "a.jpg", Body: bytes.NewReader(a), Size: int64(len(a))},
				{Name: "dir/b.png", ContentType: "IMAGE/PNG", Body: bytes.NewReader(b), Size: int64(len(b))},
			})
			require.NoError(t, err)
			require.Equal(t, "9007199254740993", sub.ID)
			require.Equal(t, []string{"f1", "f2"}, []string{sub.Faces[0].ID, sub.Faces[1].ID})
			require.Equal(t, "b.png", sub.Faces[1].Name)
			require.EqualValues(t, 2, r.storageN.Load())
		})
	}
}

// TestFacesWireEnrollFailures: a failed upload names the face and returns
// the subject; the server's headers are sent only when they are safe; an
// answer that does not fit the request is an error.
func TestFacesWireEnrollFailures(t *testing.T) {
	t.Parallel()
	face := func(headers string) string {
		return `{"subject_id":"s1","faces":[{"face_id":"f1","upload_url":"%s/faces/f1?` + presignQuery + `","headers":` + headers + `}]}`
	}
	tests := []struct {
		name     string
		doc      string
		storage  http.HandlerFunc
		puts     int32
		contains []string
		subject  bool
	}{
		{"signature mismatch echoed", face(`{"Content-Type":"image/jpeg"}`), func(w http.ResponseWriter, q *http.Request) {
			_, _ = io.Copy(io.Discard, q.Body)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(403)
			_, _ = io.WriteString(w, `<Error><Code>SignatureDoesNotMatch</Code><Message>mismatch</Message><SignatureProvided>SIGSECRET0123</SignatureProvided></Error>`)
		}, 1, []string{"face f1", "a.jpg", "403", "SignatureDoesNotMatch"}, true},
		{"Authorization from the server", face(`{"Content-Type":"image/jpeg","Authorization":"Bearer x"}`), nil, 0, []string{"face f1", "Authorization"}, true},
		{"header injection from the server", face(`{"Content-Type":"image/jpeg\r\nX-Evil: 1"}`), nil, 0, []string{"face f1", "CR, LF"}, true},
		{"no upload URL", `{"subject_id":"s1","faces":[{"face_id":"f1","headers":{}}]}`, nil, 0, []string{"face f1", "has no URL"}, true},
		{"too few faces", `{"subject_id":"s1","faces":[]}`, nil, 0, []string{"0 faces for 1 images"}, false},
		{"no subject", `{"faces":[{"face_id":"f1"}]}`, nil, 0, []string{"subject \"\""}, false},
		{"URLs already expired", `{"subject_id":"s1","expires_at":"2001-01-01T00:00:00Z","faces":[{"face_id":"f1","upload_url":"%s/f1","headers":{}}]}`, nil, 0, []string{"subject s1", "expired at 2001-01-01T00:00:00Z"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newFacesRig(t)
			r.handle(func(w http.ResponseWriter, q *http.Request) {
				_, _ = io.Copy(io.Discard, q.Body)
				doc := tt.doc
				if strings.Contains(doc, "%s") {
					doc = fmt.Sprintf(doc, r.storage.URL)
				}
				writeJSON(w, 200, doc)
			}, tt.storage)
			img := authentatest.Portrait(1, 8, 8)
			sub, err := r.c.Faces.EnrollImages(t.Context(), []authenta.FaceImage{{Name: "a.jpg", Body: bytes.NewReader(img), Size: int64(len(img))}})
			require.Error(t, err)
			for _, c := range tt.contains {
				require.Contains(t, err.Error(), c)
			}
			for _, s := range presignSecrets {
				require.NotContains(t, err.Error(), s)
				require.NotContains(t, fmt.Sprintf("%+v %#v", err, sub), s)
			}
			require.Equal(t, tt.subject, sub != nil)
			require.Equal(t, tt.puts, r.storageN.Load())
			require.EqualValues(t, 1, r.apiN.Load(), "an enrol is not retried after an answer")
		})
	}
}

func TestFacesWireSubjects(t *testing.T) {
	t.Parallel()
	signed := func(id string) string { return `"https://bucket.s3.test/faces/` + id + `?` + presignQuery + `"` }
	tests := []struct {
		name string
		doc  string
		want []authenta.Subject
	}{
		{"documented, repeated subject ids", `{"tenant_id":"t","subjects":[` +
			`{"subject_id":"s1","faces":[{"face_id":"f1","name":"a.jpg","status":"processed","embedding":[0.5,-0.25],"image_url":` + signed("f1") + `,"error":null}]},` +
			`{"subject_id":"s2","faces":[{"face_id":"f3","name":"c.jpg","status":"pending","embedding":null,"image_url":null,"error":null}]},` +
			`{"subject_id":"s1","faces":[{"face_id":"f2","name":"b.jpg","status":"failed","embedding":null,"error":"no_face_detected: No face detected"}]}]}`,
			[]authenta.Subject{
				{ID: "s1", Faces: []authenta.Face{
					{ID: "f1", Name: "a.jpg", Status: authenta.FaceProcessed, Embedding: []float64{0.5, -0.25}, ImageURL: strings.Trim(signed("f1"), `"`)},
					{ID: "f2", Name: "b.jpg", Status: authenta.FaceFailed, Error: "no_face_detected: No face detected"}}},
				{ID: "s2", Faces: []authenta.Face{{ID: "f3", Name: "c.jpg", Status: authenta.FacePending}}},
			}},
		{"bare array, camel case, numbers, odd words", `[{"subjectId":7,"faces":[{"faceId":8,"status":"PROCESSING"},{"id":"9","status":"Error","error":{"code":"invalid_image","message":"bad"}}]},{"faces":[]},{},"junk",{"subject_id":"7","faces":[{"face_id":"8","status":"completed"}]}]`,
			[]authenta.Subject{{ID: "7", Faces: []authenta.Face{{ID: "8", Status: authenta.FaceProcessed}, {ID: "9", Status: authenta.FaceFailed, Error: "invalid_image: bad"}}}}},
		{"data envelope, faces without ids", `{"data":[{"id":"s","faces":[{},{"name":"x"},{"face_id":"f","embedding":["a"]}]}]}`,
			[]authenta.Subject{{ID: "s", Faces: []authenta.Face{{ID: "f"}}}}},
		{"nothing", `{"subjects":null}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newFacesRig(t)
			r.handle(func(w http.ResponseWriter, q *http.Request) {
				assert.Equal(t, "GET", q.Method)
				assert.Equal(t, authenta.DefaultFacesPath+"/subjects", q.URL.Path)
				assert.Equal(t, "req-1", q.Header.Get("X-Request-Id"))
				writeJSON(w, 200, tt.doc)
			}, nil)
			got, err := r.c.Faces.Subjects(t.Context(), authenta.WithCallHeader("X-Request-Id", "req-1"))
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestFacesWireSearch(t *testing.T) {
	t.Parallel()
	r := newFacesRig(t)
	img := authentatest.Portrait(4, 20, 20)
	r.handle(func(w http.ResponseWriter, q *http.Request) {
		assert.Equal(t, "POST", q.Method)
		assert.Equal(t, authenta.DefaultFacesPath+"/search", q.URL.Path)
		assert.Empty(t, q.TransferEncoding, "not chunked")
		body, _ := io.ReadAll(q.Body)
		assert.Equal(t, int64(len(body)), q.ContentLength)
		mt, params, err := mime.ParseMediaType(q.Header.Get("Content-Type"))
		assert.NoError(t, err)
		assert.Equal(t, "multipart/form-data", mt)
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		fields := map[string]string{}
		for {
			p, err := mr.NextPart()
			if err != nil {
				assert.ErrorIs(t, err, io.EOF)
				break
			}
			b, _ := io.ReadAll(p)
			fields[p.FormName()] = string(b)
			if p.FormName() == "image" {
				assert.Equal(t, `probe "1".jpg`, p.FileName())
				assert.Equal(t, "image/jpeg", p.Header.Get("Content-Type"))
			}
		}
		assert.Equal(t, map[string]string{"limit": "7", "image": string(img)}, fields)
		writeJSON(w, 200, `{"tenant_id":"t","count":3,"results":[`+
			`{"rank":2,"subject_id":"s2","face_id":"f2","name":"b.jpg","image_url":"https://bucket.s3.test/f2?`+presignQuery+`","similarity_score":0.5},`+
			`{"rank":1,"subject_id":"s1","face_id":"f1","name":"a.jpg","similarity_score":"0.91"},`+
			`{"subjectId":"s3","faceId":"f3","similarity":0.7},{},{"rank":9}]}`)
	}, nil)
	matches, err := r.c.Faces.SearchReader(t.Context(), `probe "1".jpg`, bytes.NewReader(img), int64(len(img)), &authenta.SearchOptions{Limit: 7})
	require.NoError(t, err)
	require.Equal(t, []authenta.Match{
		{Rank: 1, SubjectID: "s1", FaceID: "f1", Name: "a.jpg", Similarity: 0.91},
		{Rank: 2, SubjectID: "s3", FaceID: "f3", Similarity: 0.7},
		{Rank: 3, SubjectID: "s2", FaceID: "f2", Name: "b.jpg", Similarity: 0.5, ImageURL: "https://bucket.s3.test/f2?" + presignQuery},
	}, matches)
}

// TestFacesWireErrors: every error shape of the face-indexing service, on
// every endpoint, maps onto its sentinel with a readable message.
func TestFacesWireErrors(t *testing.T) {
	t.Parallel()
	type shape struct {
		name, ct, body string
		status         int
		want           []error
		not            []error
		msg            string
	}
	shapes := []shape{
		{"nested no_face_detected", "application/json", `{"error":{"code":"no_face_detected","message":"No face detected in the image"}}`, 422,
			[]error{authenta.ErrNoFaceDetected}, []error{authenta.ErrConflict, authenta.ErrInvalidImage}, "422 no_face_detected: No face detected in the image"},
		{"nested invalid_image", "application/json", `{"error":{"code":"invalid_image","message":"Could not decode"}}`, 422,
			[]error{authenta.ErrInvalidImage}, []error{authenta.ErrNoFaceDetected}, "invalid_image: Could not decode"},
		{"flat no_face_detected", "application/json", `{"code":"no_face_detected","statusCode":422,"message":"No face"}`, 422,
			[]error{authenta.ErrNoFaceDetected}, nil, "No face"},
		{"FastAPI detail", "application/json", `{"detail":[{"loc":["body","limit"],"msg":"Input should be less than or equal to 50","type":"less_than_equal"}]}`, 422,
			[]error{authenta.ErrConflict}, []error{authenta.ErrInvalidImage}, "body.limit: Input should be less than or equal to 50"},
		{"413 from the proxy", "text/html", "<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>", 413,
			[]error{authenta.ErrInvalidImage}, nil, "413 Request Entity Too Large"},
		{"forbidden", "application/json", `{"error":{"code":"forbidden","message":"key lacks Read"}}`, 403,
			[]error{authenta.ErrForbidden}, nil, "key lacks Read"},
		{"bad key", "application/json", `{"code":"INVALID_API_KEY","statusCode":401,"message":"API key authentication failed ` + testAPIKey + `"}`, 401,
			[]error{authenta.ErrInvalidAPIKey}, nil, "API key authentication failed [REDACTED]"},
		{"storage error", "application/json", `{"error":{"code":"storage_error","message":"S3 down"}}`, 502,
			[]error{authenta.ErrServer}, nil, "storage_error: S3 down"},
	}
	img := authentatest.Portrait(1, 8, 8)
	calls := []struct {
		name  string
		idem  bool
		call  func(ctx context.Context, c *authenta.Client) error
		moreN int32
	}{
		{"enroll", false, func(ctx context.Context, c *authenta.Client) error {
			_, err := c.Faces.EnrollImages(ctx, []authenta.FaceImage{{Name: "a.jpg", Body: bytes.NewReader(img), Size: int64(len(img))}})
			return err
		}, 0},
		{"subjects", true, func(ctx context.Context, c *authenta.Client) error { _, err := c.Faces.Subjects(ctx); return err }, 0},
		{"search", true, func(ctx context.Context, c *authenta.Client) error {
			_, err := c.Faces.SearchReader(ctx, "p.jpg", bytes.NewReader(img), int64(len(img)), nil)
			return err
		}, 0},
		{"wait", false, func(ctx context.Context, c *authenta.Client) error {
			_, err := c.Faces.WaitEnrolled(ctx, "s1", &authenta.WaitOptions{MinInterval: time.Millisecond})
			return err
		}, 0},
	}
	for _, sh := range shapes {
		for _, cl := range calls {
			t.Run(sh.name+"/"+cl.name, func(t *testing.T) {
				t.Parallel()
				r := newFacesRig(t)
				r.handle(func(w http.ResponseWriter, q *http.Request) {
					_, _ = io.Copy(io.Discard, q.Body)
					w.Header().Set("Content-Type", sh.ct)
					w.WriteHeader(sh.status)
					_, _ = io.WriteString(w, sh.body)
				}, nil)
				ctx := t.Context()
				if cl.name == "wait" && sh.status >= 500 {
					// A server error does not end a wait: the deadline does.
					c, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
					defer cancel()
					require.ErrorIs(t, cl.call(c, r.c), context.DeadlineExceeded)
					return
				}
				err := cl.call(ctx, r.c)
				require.Error(t, err)
				for _, w := range sh.want {
					require.ErrorIs(t, err, w)
				}
				for _, w := range sh.not {
					require.NotErrorIs(t, err, w)
				}
				require.Contains(t, err.Error(), sh.msg)
				require.NotContains(t, err.Error(), testAPIKey)
				var ae *authenta.APIError
				require.ErrorAs(t, err, &ae)
				require.Equal(t, sh.status, ae.StatusCode)
				want := int32(1)
				if sh.status == 502 && cl.idem {
					want = 3 // retried, then decoded
				}
				if cl.name != "wait" {
					require.Equal(t, want, r.apiN.Load())
				}
			})
		}
	}
}

// TestFacesNothingSecretPrinted: presigned image URLs never show in fmt,
// slog or JSON output of faces, subjects and matches.
func TestFacesNothingSecretPrinted(t *testing.T) {
	t.Parallel()
	u := "https://bucket.s3.test/faces/f1?" + presignQuery
	face := authenta.Face{ID: "f1", Name: "a.jpg", Status: authenta.FaceFailed, Error: "see " + u, Embedding: []float64{1, 2}, ImageURL: u}
	sub := authenta.Subject{ID: "s1", Faces: []authenta.Face{face, face}}
	m := authenta.Match{Rank: 1, SubjectID: "s1", FaceID: "f1", Name: "a.jpg", Similarity: 0.9, ImageURL: u}
	var out bytes.Buffer
	for _, v := range []any{face, &face, sub, &sub, []authenta.Subject{sub}, m, &m, []authenta.Match{m}, struct{ S *authenta.Subject }{&sub}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
		b, err := json.Marshal(v)
		require.NoError(t, err)
		out.Write(b)
	}
	log := slog.New(slog.NewJSONHandler(&out, nil))
	log.Info("enrolled", "subject", sub, "face", face, "match", m)
	slog.New(slog.NewTextHandler(&out, nil)).Info("enrolled", "subject", sub, "match", m)
	for _, s := range presignSecrets {
		require.NotContains(t, out.String(), s)
	}
	require.Contains(t, out.String(), "[REDACTED]")
	b, _ := json.Marshal(sub)
	require.JSONEq(t, `{"id":"s1","faces":[`+
		`{"id":"f1","name":"a.jpg","status":"failed","error":"see https://bucket.s3.test/faces/f1?[REDACTED]","embedding":[1,2],"imageUrl":"https://bucket.s3.test/faces/f1?[REDACTED]"},`+
		`{"id":"f1","name":"a.jpg","status":"failed","error":"see https://bucket.s3.test/faces/f1?[REDACTED]","embedding":[1,2],"imageUrl":"https://bucket.s3.test/faces/f1?[REDACTED]"}]}`, string(b))
	b, _ = json.Marshal(m)
	require.JSONEq(t, `{"rank":1,"subjectId":"s1","faceId":"f1","name":"a.jpg","similarity":0.9,"imageUrl":"https://bucket.s3.test/faces/f1?[REDACTED]"}`, string(b))
}

// TestFacesHostileServer: answers cut short, echoed keys and blocked
// readers end the call with an error, promptly, and leave nothing running.
func TestFacesHostileServer(t *testing.T) {
	t.Parallel()
	t.Run("cut body", func(t *testing.T) {
		t.Parallel()
		r := newFacesRig(t)
		r.handle(func(w http.ResponseWriter, q *http.Request) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			_, _ = io.WriteString(w, `{"subjects":[{"subject_id":"s1","fa`)
		}, nil)
		_, err := r.c.Faces.Subjects(t.Context())
		require.Error(t, err)
		require.Contains(t, err.Error(), "read response")
	})
	t.Run("echoed key in a face error", func(t *testing.T) {
		t.Parallel()
		r := newFacesRig(t)
		r.handle(func(w http.ResponseWriter, q *http.Request) {
			writeJSON(w, 200, `{"subjects":[{"subject_id":"s1","faces":[{"face_id":"f1","status":"failed","error":"bad key `+testAPIKey+` at https://x.test/a?`+presignQuery+`"}]}]}`)
		}, nil)
		sub, err := r.c.Faces.WaitEnrolled(t.Context(), "s1", &authenta.WaitOptions{MinInterval: time.Millisecond})
		require.ErrorIs(t, err, authenta.ErrEnrollFailed)
		for _, s := range append(presignSecrets, testAPIKey) {
			require.NotContains(t, err.Error(), s)
			require.NotContains(t, sub.Faces[0].Error, s)
		}
	})
	t.Run("blocked search reader", func(t *testing.T) {
		t.Parallel()
		r := newFacesRig(t)
		r.handle(func(w http.ResponseWriter, q *http.Request) {
			_, _ = io.Copy(io.Discard, q.Body)
			writeJSON(w, 200, `{"results":[]}`)
		}, nil)
		pr, pw := io.Pipe()
		defer pw.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := r.c.Faces.SearchReader(ctx, "p.jpg", pr, 10, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("blocked enrol reader", func(t *testing.T) {
		t.Parallel()
		r := newFacesRig(t)
		r.handle(func(w http.ResponseWriter, q *http.Request) {
			_, _ = io.Copy(io.Discard, q.Body)
			writeJSON(w, 200, fmt.Sprintf(`{"subject_id":"s1","faces":[{"face_id":"f1","upload_url":"%s/f1","headers":{"Content-Type":"image/jpeg"}}]}`, r.storage.URL))
		}, func(w http.ResponseWriter, q *http.Request) { _, _ = io.Copy(io.Discard, q.Body) })
		pr, pw := io.Pipe()
		go func() { _, _ = pw.Write(authentatest.Portrait(1, 8, 8)[:100]) }()
		defer pw.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := r.c.Faces.EnrollImages(ctx, []authenta.FaceImage{{Name: "a.jpg", Body: pr, Size: 1 << 20}})
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

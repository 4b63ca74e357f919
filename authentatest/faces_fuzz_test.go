package authentatest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzFakeFaces: the fake's face-indexing decoders (the enrol body, the
// multipart and JSON search bodies, the images in them) never panic, and
// answer only with the documented statuses and shapes: 200, 413 (HTML) or
// 422 (FastAPI detail or a nested error code).
func FuzzFakeFaces(f *testing.F) {
	srv, err := Start(WithFaceSteps(0, 0))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	ct, body := multipartSearch(f, "p.jpg", Portrait(1, 8, 8), "3")
	f.Add(true, ct, body)
	f.Add(true, "application/json", []byte(`{"image_bytes":"`+"data:image/png;base64,iVBORw0KGgo="+`","limit":"2"}`))
	f.Add(false, "application/json", []byte(`{"images":[{"name":"a.jpg","contentType":"image/jpeg"}]}`))
	f.Add(false, "application/json", []byte(`{"images":[1,{"name":7}]}`))
	f.Add(true, "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a\"\r\n\r\n\xff\xd8\xff\r\n--x--\r\n"))
	f.Fuzz(func(t *testing.T, search bool, contentType string, body []byte) {
		route, path := RouteFaceEnroll, "/enroll"
		if search {
			route, path = RouteFaceSearch, "/search"
		}
		req := httptest.NewRequest(http.MethodPost, DefaultFacesPath+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		srv.serveFaces(rec, req, route)
		out := rec.Body.Bytes()
		switch rec.Code {
		case 200:
			if !json.Valid(out) {
				t.Fatalf("200 with %q", out)
			}
		case 413:
			if !bytes.Contains(out, []byte("413 Request Entity Too Large")) {
				t.Fatalf("413 with %q", out)
			}
		case 422:
			var e struct {
				Detail []fastAPIDetail       `json:"detail"`
				Error  struct{ Code string } `json:"error"`
			}
			if json.Unmarshal(out, &e) != nil || (len(e.Detail) == 0 && e.Error.Code == "") {
				t.Fatalf("422 with %q", out)
			}
		default:
			t.Fatalf("status %d: %q", rec.Code, out)
		}
	})
}

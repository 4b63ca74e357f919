package authentatest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// rawResponse is an answer read whole.
type rawResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r rawResponse) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "body: %s", r.Body)
	return m
}

// call sends a raw request through the server's HTTP client. key "" sends
// no Authorization header.
func call(t *testing.T, srv *Server, method, url, key string, body any) rawResponse {
	t.Helper()
	auth := ""
	if key != "" {
		auth = "Bearer " + key
	}
	return callAuth(t, srv, method, url, auth, body)
}

// callAuth sends a raw request with a whole Authorization header ("": none).
func callAuth(t *testing.T, srv *Server, method, url, auth string, body any) rawResponse {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawResponse{resp.StatusCode, resp.Header, b}
}

// put uploads bytes to a presigned URL the way a correct client does, with
// edit applied to the request first.
func put(t *testing.T, srv *Server, url, contentType string, body []byte, edit func(*http.Request)) rawResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	if edit != nil {
		edit(req)
	}
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawResponse{resp.StatusCode, resp.Header, b}
}

type rawInput struct {
	Slot, ContentType, FileName string
	Size                        int
}

func imageInput(size int) rawInput {
	return rawInput{"original", "image/jpeg", "photo.jpg", size}
}

// createRaw creates a job with the default key and returns its id and its
// upload URLs by slot (nested create shape).
func createRaw(t *testing.T, srv *Server, taskTypeID any, params map[string]any, inputs ...rawInput) (string, map[string]string) {
	t.Helper()
	body := map[string]any{"taskTypeId": taskTypeID}
	var ins []map[string]any
	for _, in := range inputs {
		ins = append(ins, map[string]any{"slotName": in.Slot, "contentType": in.ContentType, "fileName": in.FileName, "sizeBytes": in.Size})
	}
	body["inputs"] = ins
	if params != nil {
		body["parameters"] = params
	}
	r := call(t, srv, "POST", srv.URL+"/api/v1/jobs", DefaultAPIKey, body)
	require.Equal(t, 200, r.Status, "create: %s", r.Body)
	var out struct {
		Job struct {
			ID json.RawMessage `json:"id"`
		} `json:"job"`
		JobID  json.RawMessage `json:"jobId"`
		Inputs []struct {
			SlotName  string `json:"slotName"`
			UploadURL string `json:"uploadUrl"`
		} `json:"inputs"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &out))
	urls := map[string]string{}
	for _, in := range out.Inputs {
		urls[in.SlotName] = in.UploadURL
	}
	id := out.Job.ID
	if id == nil {
		id = out.JobID
	}
	return strings.Trim(string(id), `"`), urls
}

// readyJob creates an AC-1 job and uploads its input; it is ready to be
// finalized.
func readyJob(t *testing.T, srv *Server) string {
	t.Helper()
	id, urls := createRaw(t, srv, "1", nil, imageInput(16))
	r := put(t, srv, urls["original"], "image/jpeg", make([]byte, 16), nil)
	require.Equal(t, 200, r.Status, "upload: %s", r.Body)
	return id
}

func jobURL(srv *Server, id, suffix string) string {
	return srv.URL + "/api/v1/jobs/" + id + suffix
}

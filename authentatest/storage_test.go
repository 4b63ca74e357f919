package authentatest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

type s3XML struct {
	Code              string
	Message           string
	StringToSign      string
	SignatureProvided string
	ArgumentName      string
	Header            string
	Expires           string
	ServerTime        string
}

func decodeS3(t *testing.T, r rawResponse) s3XML {
	t.Helper()
	var e s3XML
	require.NoError(t, xml.Unmarshal(r.Body, &e), "body: %s", r.Body)
	assert.Equal(t, "application/xml", r.Header.Get("Content-Type"))
	assert.NotEmpty(t, r.Header.Get("X-Amz-Request-Id"))
	return e
}

func TestUploadS3Failures(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	srv := NewServer(t, WithClock(clk.Now))
	const size = 16
	body := bytes.Repeat([]byte("x"), size)

	tests := []struct {
		name     string
		ct       string
		body     []byte
		edit     func(*http.Request)
		editURL  func(string) string
		advance  time.Duration
		wantCode int
		wantS3   string
		check    func(t *testing.T, e s3XML, uploadURL string)
	}{
		{name: "authorization header", ct: "image/jpeg", body: body,
			edit:     func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+DefaultAPIKey) },
			wantCode: 400, wantS3: "InvalidArgument",
			check: func(t *testing.T, e s3XML, _ string) { assert.Equal(t, "Authorization", e.ArgumentName) }},
		{name: "wrong content type", ct: "image/png", body: body, wantCode: 403, wantS3: "SignatureDoesNotMatch",
			check: func(t *testing.T, e s3XML, u string) {
				assert.True(t, strings.HasPrefix(e.StringToSign, "AWS4-HMAC-SHA256\n"), e.StringToSign)
				pu, err := url.Parse(u)
				require.NoError(t, err)
				assert.Equal(t, pu.Query().Get("X-Amz-Signature"), e.SignatureProvided, "echoed like S3")
			}},
		{name: "no content type", ct: "", body: body, wantCode: 403, wantS3: "SignatureDoesNotMatch"},
		{name: "shorter than declared", ct: "image/jpeg", body: body[:10], wantCode: 400, wantS3: "EntityTooSmall"},
		{name: "longer than declared", ct: "image/jpeg", body: append(body, 'y'), wantCode: 400, wantS3: "EntityTooLarge"},
		{name: "chunked", ct: "image/jpeg", body: body,
			edit: func(r *http.Request) {
				r.Body = io.NopCloser(bytes.NewReader(body))
				r.ContentLength = -1
				r.TransferEncoding = []string{"chunked"}
			},
			wantCode: 501, wantS3: "NotImplemented",
			check: func(t *testing.T, e s3XML, _ string) { assert.Equal(t, "Transfer-Encoding", e.Header) }},
		{name: "expired", ct: "image/jpeg", body: body, advance: time.Hour + time.Second, wantCode: 403, wantS3: "AccessDenied",
			check: func(t *testing.T, e s3XML, _ string) {
				assert.Equal(t, "Request has expired", e.Message)
				assert.NotEmpty(t, e.Expires)
				assert.NotEmpty(t, e.ServerTime)
			}},
		{name: "bad signature", ct: "image/jpeg", body: body, wantCode: 403, wantS3: "SignatureDoesNotMatch",
			editURL: func(u string) string { return replaceQuery(u, "X-Amz-Signature", strings.Repeat("0", 64)) },
			check:   func(t *testing.T, e s3XML, _ string) { assert.Equal(t, strings.Repeat("0", 64), e.SignatureProvided) }},
		{name: "extended expiry", ct: "image/jpeg", body: body, wantCode: 403, wantS3: "SignatureDoesNotMatch",
			editURL: func(u string) string { return replaceQuery(u, "X-Amz-Expires", "7200") }},
		{name: "no signature", ct: "image/jpeg", body: body, wantCode: 403, wantS3: "AccessDenied",
			editURL: func(u string) string { return strings.SplitN(u, "?", 2)[0] }},
		{name: "another job's path", ct: "image/jpeg", body: body, wantCode: 403, wantS3: "SignatureDoesNotMatch",
			editURL: func(u string) string { return strings.Replace(u, "/jobs/", "/jobs/9", 1) }},
		{name: "exactly right", ct: "image/jpeg", body: body, wantCode: 200},
		{name: "right at the expiry", ct: "image/jpeg", body: body, advance: time.Hour, wantCode: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: some cases move the shared clock.
			id, urls := createRaw(t, srv, "1", nil, imageInput(size))
			u := urls["original"]
			if tt.editURL != nil {
				u = tt.editURL(u)
			}
			clk.Advance(tt.advance)
			r := put(t, srv, u, tt.ct, tt.body, tt.edit)
			require.Equal(t, tt.wantCode, r.Status, "body: %s", r.Body)
			rec, ok := srv.Upload(id, "original")
			if tt.wantCode == 200 {
				require.True(t, ok)
				sum := sha256.Sum256(tt.body)
				assert.Equal(t, UploadRecord{JobID: id, Slot: "original", PUTs: 1, OK: true, Bytes: size,
					SHA256: hex.EncodeToString(sum[:]), ContentType: "image/jpeg"}, rec)
				assert.NotEmpty(t, r.Header.Get("ETag"))
				return
			}
			e := decodeS3(t, r)
			assert.Equal(t, tt.wantS3, e.Code)
			assert.NotEmpty(t, e.Message)
			if tt.check != nil {
				tt.check(t, e, urls["original"])
			}
			if ok {
				assert.False(t, rec.OK)
				assert.Equal(t, 1, rec.PUTs)
				assert.Equal(t, 1, rec.Failures)
			}
		})
	}
}

func replaceQuery(raw, key, value string) string {
	u, _ := url.Parse(raw)
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestUploadRetriesCount(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithKeepUploads())
	id, urls := createRaw(t, srv, "1", nil, imageInput(4))
	assert.Equal(t, 403, put(t, srv, urls["original"], "image/png", []byte("abcd"), nil).Status)
	assert.Equal(t, 200, put(t, srv, urls["original"], "image/jpeg", []byte("abcd"), nil).Status)
	assert.Equal(t, 200, put(t, srv, urls["original"], "image/jpeg", []byte("wxyz"), nil).Status)
	rec, ok := srv.Upload(id, "original")
	require.True(t, ok)
	assert.Equal(t, 3, rec.PUTs)
	assert.Equal(t, 1, rec.Failures)
	assert.Equal(t, []byte("wxyz"), rec.Data, "the last upload wins")
	assert.Len(t, srv.Uploads(), 1)
	assert.Equal(t, 3, srv.Count(RouteUpload))
}

// TestUploadStreams uploads 32 MiB and checks that neither side held it in
// memory. It is not parallel, so that other tests' allocations do not
// count.
func TestUploadStreams(t *testing.T) {
	srv := NewServer(t)
	const size = 32 << 20
	id, urls := createRaw(t, srv, "3", nil, rawInput{"original", "video/mp4", "big.mp4", size})

	want := sha256.New()
	_, _ = io.Copy(want, io.LimitReader(&pattern{}, size))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	req, err := http.NewRequest(http.MethodPut, urls["original"], io.LimitReader(&pattern{}, size))
	require.NoError(t, err)
	req.ContentLength = size
	req.Header.Set("Content-Type", "video/mp4")
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	runtime.ReadMemStats(&after)

	rec, ok := srv.Upload(id, "original")
	require.True(t, ok)
	assert.EqualValues(t, size, rec.Bytes)
	assert.Equal(t, hex.EncodeToString(want.Sum(nil)), rec.SHA256)
	assert.Nil(t, rec.Data)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "allocated while streaming 32 MiB")
}

// pattern is an endless reader of a repeating 251-byte pattern, cheap
// under the race detector (copy, not a loop per byte).
type pattern struct{ off int }

var patternBlock = func() []byte {
	b := make([]byte, 251*256)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}()

func (p *pattern) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k := copy(b[n:], patternBlock[p.off:])
		n += k
		p.off = (p.off + k) % 251
	}
	return n, nil
}

// completedJob runs an AC-1 job to completion and returns the job JSON.
func completedJob(t *testing.T, srv *Server, data []byte) (string, map[string]any) {
	t.Helper()
	id, urls := createRaw(t, srv, "1", nil, rawInput{"original", "image/png", "p.png", len(data)})
	require.Equal(t, 200, put(t, srv, urls["original"], "image/png", data, nil).Status)
	require.Equal(t, 200, call(t, srv, "POST", jobURL(srv, id, "/finalize"), DefaultAPIKey, nil).Status)
	require.NoError(t, srv.SetJobStatus(id, authenta.StatusCompleted, ""))
	r := call(t, srv, "GET", jobURL(srv, id, ""), DefaultAPIKey, nil)
	require.Equal(t, 200, r.Status)
	return id, r.JSON(t)
}

func artifactURL(t *testing.T, job map[string]any, kind string) string {
	t.Helper()
	arts, _ := job["artifacts"].([]any)
	for _, a := range arts {
		m := a.(map[string]any)
		if m["kind"] == kind {
			return m["downloadUrl"].(string)
		}
	}
	t.Fatalf("no %s artifact in %v", kind, job)
	return ""
}

func TestDownloads(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	srv := NewServer(t, WithClock(clk.Now), WithKeepUploads(), WithDownloadURLTTL(5*time.Minute))
	id, job := completedJob(t, srv, []byte("png-bytes"))

	get := func(u, auth string) rawResponse {
		return callAuth(t, srv, "GET", u, auth, nil)
	}
	r := get(artifactURL(t, job, "result"), "")
	require.Equal(t, 200, r.Status, "%s", r.Body)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.JSONEq(t, string(DefaultResult(authenta.AIImageDetection, nil)), string(r.Body))

	r = get(artifactURL(t, job, "heatmap"), "")
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "image/png", r.Header.Get("Content-Type"))
	_, err := png.Decode(bytes.NewReader(r.Body))
	assert.NoError(t, err)

	r = get(artifactURL(t, job, "input"), "")
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "png-bytes", string(r.Body))

	r = get(artifactURL(t, job, "result"), "Bearer "+DefaultAPIKey)
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "InvalidArgument", decodeS3(t, r).Code)

	r = callAuth(t, srv, "POST", artifactURL(t, job, "result"), "", nil)
	assert.Equal(t, 405, r.Status)

	clk.Advance(5*time.Minute + time.Second)
	r = get(artifactURL(t, job, "result"), "")
	assert.Equal(t, 403, r.Status)
	assert.Equal(t, "AccessDenied", decodeS3(t, r).Code)

	// A fresh GET of the job signs the URLs anew.
	fresh := call(t, srv, "GET", jobURL(srv, id, ""), DefaultAPIKey, nil).JSON(t)
	assert.Equal(t, 200, get(artifactURL(t, fresh, "result"), "").Status)

	require.Equal(t, 204, call(t, srv, "DELETE", jobURL(srv, id, ""), DefaultAPIKey, nil).Status)
	r = get(artifactURL(t, fresh, "result"), "")
	assert.Equal(t, 404, r.Status)
	assert.Equal(t, "NoSuchKey", decodeS3(t, r).Code)
	r = get(artifactURL(t, fresh, "input"), "")
	assert.Equal(t, 404, r.Status)
}

func TestDownloadInputWithoutKeep(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	_, job := completedJob(t, srv, []byte("abc"))
	r := callAuth(t, srv, "GET", artifactURL(t, job, "input"), "", nil)
	assert.Equal(t, 404, r.Status)
	r = callAuth(t, srv, "GET", srv.StorageURL+"/elsewhere", "", nil)
	assert.Equal(t, 404, r.Status)
}

func TestResultDelivery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		delivery     ResultDelivery
		wantKinds    []string
		wantInline   bool
		wantURLField bool
	}{
		{ResultArtifact, []string{"input", "result", "heatmap"}, false, false},
		{ResultInline, []string{"input", "heatmap"}, true, false},
		{ResultArtifactAndInline, []string{"input", "result", "heatmap"}, true, false},
		{ResultLegacyURL, []string{"input", "heatmap"}, false, true},
		{ResultNone, []string{"input", "heatmap"}, false, false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.wantKinds, "+"), func(t *testing.T) {
			t.Parallel()
			srv := NewServer(t, WithResultDelivery(tt.delivery))
			_, job := completedJob(t, srv, []byte("x"))
			b, _ := json.Marshal(job)
			assert.Equal(t, tt.wantKinds, artifactKinds(t, b))
			if tt.wantInline {
				assert.Equal(t, "image", job["result"].(map[string]any)["resultType"])
			} else {
				assert.Nil(t, job["result"])
			}
			if tt.wantURLField {
				r := callAuth(t, srv, "GET", job["resultURL"].(string), "", nil)
				assert.Equal(t, 200, r.Status)
				assert.Contains(t, string(r.Body), `"resultType":"image"`)
			} else {
				assert.NotContains(t, job, "resultURL")
			}
		})
	}
}

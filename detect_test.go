package authenta_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// platform is a fake Authenta platform and storage on a mock transport.
// A nil responder is the happy default.
type platform struct {
	created  httpmock.Responder
	upload   map[string]httpmock.Responder // by slot
	finalize httpmock.Responder
	polls    []httpmock.Responder
	result   httpmock.Responder
	cancel   httpmock.Responder
	del      httpmock.Responder
}

const detectResultURL = testBucket + "/out/7/result.json"

// createdBoth lists the reference first: uploads must be matched by slot.
const createdBoth = `{"job":{"id":"7","status":"initiated"},"inputs":[` +
	`{"slotName":"reference","uploadUrl":"` + testBucket + `/in/reference?` + presignQuery + `"},` +
	`{"slotName":"original","uploadUrl":"` + testBucket + `/in/original?` + presignQuery + `"}]}`

func (p platform) register(mock *httpmock.MockTransport, log *reqLog) {
	or := func(r httpmock.Responder, def httpmock.Responder) httpmock.Responder {
		if r != nil {
			return r
		}
		return def
	}
	mock.RegisterResponder(http.MethodPost, testAPIBase+"/api/v1/jobs", script(log, or(p.created, jsonResponder(200, createdBoth))))
	for _, slot := range []string{"original", "reference"} {
		mock.RegisterResponder(http.MethodPut, testBucket+"/in/"+slot, script(log, or(p.upload[slot], httpmock.NewStringResponder(200, ""))))
	}
	mock.RegisterResponder(http.MethodPost, jobURL("7", "/finalize"), script(log, or(p.finalize, jsonResponder(200, `{"jobId":7,"status":"queued"}`))))
	polls := p.polls
	if polls == nil {
		polls = []httpmock.Responder{jobJSON("queued"), jobJSON("processing"), jsonResponder(200,
			`{"id":"7","status":"completed","artifacts":[{"kind":"result","downloadUrl":"`+detectResultURL+`?`+presignQuery+`"}]}`)}
	}
	mock.RegisterResponder(http.MethodGet, jobURL("7", ""), script(log, polls...))
	mock.RegisterResponder(http.MethodGet, detectResultURL, script(log, or(p.result, jsonResponder(200, `{"isDeepFake":false,"RealConfidencePercent":97.5}`))))
	mock.RegisterResponder(http.MethodPost, jobURL("7", "/cancel"), script(log, or(p.cancel, jsonResponder(200, `{"id":"7","status":"cancelled"}`))))
	mock.RegisterResponder(http.MethodDelete, jobURL("7", ""), script(log, or(p.del, httpmock.NewStringResponder(204, ""))))
}

// calls lists the requests as "METHOD path", storage paths being /in/<slot>
// and /out/7/result.json.
func calls(log *reqLog) []string {
	var out []string
	for _, r := range log.list() {
		out = append(out, r.Method+" "+r.URL.Path)
	}
	return out
}

func countCalls(log *reqLog, call string) int {
	n := 0
	for _, c := range calls(log) {
		if c == call {
			n++
		}
	}
	return n
}

// detectFiles writes the media files the Detect tests use.
type detectFiles struct {
	dir                       string
	photo, png, clip, ref     string
	empty, folder, unknown    string
	noExt, gif, refClip, docs string
}

func newDetectFiles(t *testing.T) detectFiles {
	t.Helper()
	dir := t.TempDir()
	f := detectFiles{
		dir:     dir,
		photo:   filepath.Join(dir, "photo.jpg"),
		png:     filepath.Join(dir, "Shot.PNG"),
		clip:    filepath.Join(dir, "clip.mp4"),
		ref:     filepath.Join(dir, "id card.png"),
		empty:   filepath.Join(dir, "empty.jpg"),
		folder:  filepath.Join(dir, "folder.jpg"),
		unknown: filepath.Join(dir, "data.xyz"),
		noExt:   filepath.Join(dir, "photo"),
		gif:     filepath.Join(dir, "anim.gif"),
		refClip: filepath.Join(dir, "ref.mov"),
		docs:    filepath.Join(dir, "scan.pdf"),
	}
	for _, p := range []string{f.photo, f.png, f.clip, f.ref, f.unknown, f.noExt, f.gif, f.refClip, f.docs} {
		require.NoError(t, os.WriteFile(p, testData(100+len(filepath.Base(p))), 0o600))
	}
	require.NoError(t, os.WriteFile(f.empty, nil, 0o600))
	require.NoError(t, os.Mkdir(f.folder, 0o700))
	return f
}

var fastWait = &authenta.WaitOptions{MinInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond}

func TestDetectInvalidSendsNothing(t *testing.T) {
	t.Parallel()
	f := newDetectFiles(t)
	tests := []struct {
		name   string
		nilCtx bool // call with a nil context
		task   authenta.TaskType
		path   string
		opts   *authenta.DetectOptions
		want   []error
	}{
		{"missing file", false, authenta.AIImageDetection, filepath.Join(f.dir, "nope.jpg"), nil, []error{authenta.ErrInvalidArgument, fs.ErrNotExist}},
		{"empty path", false, authenta.AIImageDetection, "", nil, []error{authenta.ErrInvalidArgument}},
		{"directory", false, authenta.AIImageDetection, f.folder, nil, []error{authenta.ErrInvalidArgument}},
		{"empty file", false, authenta.AIImageDetection, f.empty, nil, []error{authenta.ErrInvalidArgument}},
		{"unknown extension", false, authenta.AIImageDetection, f.unknown, nil, []error{authenta.ErrUnsupportedMediaType}},
		{"no extension", false, authenta.AIImageDetection, f.noExt, nil, []error{authenta.ErrUnsupportedMediaType}},
		{"video for an image task", false, authenta.AIImageDetection, f.clip, nil, []error{authenta.ErrUnsupportedMediaType}},
		{"gif for an image task", false, authenta.AIImageDetection, f.gif, nil, []error{authenta.ErrUnsupportedMediaType}},
		{"image for a video task", false, authenta.FaceSwapDetection, f.photo, nil, []error{authenta.ErrUnsupportedMediaType}},
		{"pdf for an image task", false, authenta.AIImageDetection, f.docs, nil, []error{authenta.ErrUnsupportedMediaType}},
		{"override not accepted", false, authenta.AIImageDetection, f.photo, &authenta.DetectOptions{ContentType: "video/mp4"}, []error{authenta.ErrUnsupportedMediaType}},
		{"unknown task type", false, authenta.TaskType{}, f.photo, nil, []error{authenta.ErrInvalidTaskType}},
		{"hand-made task type", false, authenta.TaskType{ID: 1, MIMETypes: []string{"image/jpeg"}}, f.photo, nil, []error{authenta.ErrInvalidTaskType}},
		{"nil context", true, authenta.AIImageDetection, f.photo, nil, []error{authenta.ErrInvalidArgument}},
		{"FI-1 without checks", false, authenta.FaceIntelligence, f.photo, nil, []error{authenta.ErrInvalidArgument}},
		{"FI-1 empty checks", false, authenta.FaceIntelligence, f.photo, &authenta.DetectOptions{}, []error{authenta.ErrInvalidArgument}},
		{"FI-1 faceswap on an image", false, authenta.FaceIntelligence, f.photo, &authenta.DetectOptions{Checks: authenta.FaceChecks{Faceswap: true}}, []error{authenta.ErrUnsupportedMediaType}},
		{"FI-1 similarity on a video", false, authenta.FaceIntelligence, f.clip, &authenta.DetectOptions{Checks: authenta.FaceChecks{Similarity: true}, Reference: f.ref}, []error{authenta.ErrUnsupportedMediaType}},
		{"FI-1 faceswap and similarity", false, authenta.FaceIntelligence, f.clip, &authenta.DetectOptions{Checks: authenta.FaceChecks{Faceswap: true, Similarity: true}, Reference: f.ref}, []error{authenta.ErrUnsupportedMediaType}},
		{"FI-1 similarity without reference", false, authenta.FaceIntelligence, f.photo, &authenta.DetectOptions{Checks: authenta.FaceChecks{Similarity: true}}, []error{authenta.ErrInvalidArgument}},
		{"FI-1 reference without similarity", false, authenta.FaceIntelligence, f.photo, &authenta.DetectOptions{Checks: authenta.FaceChecks{Liveness: true}, Reference: f.ref}, []error{authenta.ErrInvalidArgument}},
		{"FI-1 missing reference file", false, authenta.FaceIntelligence, f.photo, &authenta.DetectOptions{Checks: authenta.FaceChecks{Similarity: true}, Reference: filepath.Join(f.dir, "gone.png")}, []error{authenta.ErrInvalidArgument, fs.ErrNotExist}},
		{"FI-1 empty reference file", false, authenta.FaceIntelligence, f.photo, &authenta.DetectOptions{Checks: authenta.FaceChecks{Similarity: true}, Reference: f.empty}, []error{authenta.ErrInvalidArgument}},
		{"FI-1 reference is a directory", false, authenta.FaceIntelligence, f.photo, &authenta.DetectOptions{Checks: authenta.FaceChecks{Similarity: true}, Reference: f.folder}, []error{authenta.ErrInvalidArgument}},
		{"FI-1 reference is a video", false, authenta.FaceIntelligence, f.photo, &authenta.DetectOptions{Checks: authenta.FaceChecks{Similarity: true}, Reference: f.refClip}, []error{authenta.ErrUnsupportedMediaType}},
		{"FI-1 reference of unknown type", false, authenta.FaceIntelligence, f.photo, &authenta.DetectOptions{Checks: authenta.FaceChecks{Similarity: true}, Reference: f.unknown}, []error{authenta.ErrUnsupportedMediaType}},
		{"checks on a non-FI task", false, authenta.AIImageDetection, f.photo, &authenta.DetectOptions{Checks: authenta.FaceChecks{Liveness: true}}, []error{authenta.ErrInvalidArgument}},
		{"reference on a non-FI task", false, authenta.FaceLivenessDetection, f.photo, &authenta.DetectOptions{Reference: f.ref}, []error{authenta.ErrInvalidArgument}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			c, _ := fakeClient(t, mock)
			ctx := callCtx(t, tt.nilCtx)
			d, err := c.Detect(ctx, tt.task, tt.path, tt.opts)
			require.Error(t, err)
			assert.Nil(t, d)
			for _, want := range tt.want {
				assert.ErrorIs(t, err, want)
			}
			var se *authenta.StepError
			assert.False(t, errors.As(err, &se), "no step ran")
			assert.Zero(t, mock.GetTotalCallCount(), "nothing is sent")
		})
	}
}

func TestDetectReaderInvalidSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		task     authenta.TaskType
		fileName string
		r        io.Reader
		size     int64
		opts     *authenta.DetectOptions
		want     error
	}{
		{"nil reader", authenta.AIImageDetection, "a.jpg", nil, 3, nil, authenta.ErrInvalidArgument},
		{"zero size", authenta.AIImageDetection, "a.jpg", strings.NewReader(""), 0, nil, authenta.ErrInvalidArgument},
		{"negative size", authenta.AIImageDetection, "a.jpg", strings.NewReader("abc"), -1, nil, authenta.ErrInvalidArgument},
		{"empty name", authenta.AIImageDetection, "", strings.NewReader("abc"), 3, nil, authenta.ErrInvalidArgument},
		{"dot name", authenta.AIImageDetection, ".", strings.NewReader("abc"), 3, nil, authenta.ErrInvalidArgument},
		{"unknown extension", authenta.AIImageDetection, "a.bin", strings.NewReader("abc"), 3, nil, authenta.ErrUnsupportedMediaType},
		{"name decides the type", authenta.AIImageDetection, "a.mp4", strings.NewReader("abc"), 3, nil, authenta.ErrUnsupportedMediaType},
		{"unknown task type", authenta.TaskType{}, "a.jpg", strings.NewReader("abc"), 3, nil, authenta.ErrInvalidTaskType},
		{"FI-1 faceswap on an image", authenta.FaceIntelligence, "a.png", strings.NewReader("abc"), 3, &authenta.DetectOptions{Checks: authenta.FaceChecks{Faceswap: true}}, authenta.ErrUnsupportedMediaType},
		{"override not accepted", authenta.AIImageDetection, "a.jpg", strings.NewReader("abc"), 3, &authenta.DetectOptions{ContentType: "audio/mpeg"}, authenta.ErrUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			c, _ := fakeClient(t, mock)
			d, err := c.DetectReader(t.Context(), tt.task, tt.fileName, tt.r, tt.size, tt.opts)
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, d)
			assert.Zero(t, mock.GetTotalCallCount())
		})
	}
}

func TestDetectHappyPath(t *testing.T) {
	t.Parallel()
	f := newDetectFiles(t)
	size := func(p string) int64 {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		return fi.Size()
	}
	tests := []struct {
		name     string
		task     authenta.TaskType
		path     string
		opts     *authenta.DetectOptions
		wantBody string
		uploads  map[string]string // slot -> file uploaded
		ctypes   map[string]string // slot -> content type
	}{
		{"AC-1 image, no parameters", authenta.AIImageDetection, f.photo, &authenta.DetectOptions{Wait: fastWait},
			`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"photo.jpg","sizeBytes":` + itoa(size(f.photo)) + `}]}`,
			map[string]string{"original": f.photo}, map[string]string{"original": "image/jpeg"}},
		{"upper-case extension", authenta.ImageForgeryDetection, f.png, &authenta.DetectOptions{Wait: fastWait},
			`{"taskTypeId":"5","inputs":[{"slotName":"original","contentType":"image/png","fileName":"Shot.PNG","sizeBytes":` + itoa(size(f.png)) + `}]}`,
			map[string]string{"original": f.png}, map[string]string{"original": "image/png"}},
		{"content type override", authenta.AIImageDetection, f.noExt, &authenta.DetectOptions{Wait: fastWait, ContentType: "image/png"},
			`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/png","fileName":"photo","sizeBytes":` + itoa(size(f.noExt)) + `}]}`,
			map[string]string{"original": f.noExt}, map[string]string{"original": "image/png"}},
		{"extra parameters on a non-FI task", authenta.AIImageDetection, f.photo, &authenta.DetectOptions{Wait: fastWait, Parameters: map[string]any{"mode": "fast"}},
			`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"photo.jpg","sizeBytes":` + itoa(size(f.photo)) + `}],"parameters":{"mode":"fast"}}`,
			map[string]string{"original": f.photo}, map[string]string{"original": "image/jpeg"}},
		{"FI-1 liveness and similarity with a reference", authenta.FaceIntelligence, f.photo,
			&authenta.DetectOptions{Wait: fastWait, Checks: authenta.FaceChecks{Liveness: true, Similarity: true}, Reference: f.ref},
			`{"taskTypeId":"8","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"photo.jpg","sizeBytes":` + itoa(size(f.photo)) + `},` +
				`{"slotName":"reference","contentType":"image/png","fileName":"id card.png","sizeBytes":` + itoa(size(f.ref)) + `}],` +
				`"parameters":{"version":"v1","isLivenessCheck":true,"isSimilarityCheck":true}}`,
			map[string]string{"original": f.photo, "reference": f.ref}, map[string]string{"original": "image/jpeg", "reference": "image/png"}},
		{"FI-1 faceswap and liveness on a video", authenta.FaceIntelligence, f.clip,
			&authenta.DetectOptions{Wait: fastWait, Checks: authenta.FaceChecks{Liveness: true, Faceswap: true}, Parameters: map[string]any{"isSingleFace": true}},
			`{"taskTypeId":"8","inputs":[{"slotName":"original","contentType":"video/mp4","fileName":"clip.mp4","sizeBytes":` + itoa(size(f.clip)) + `}],` +
				`"parameters":{"version":"v1","isLivenessCheck":true,"isFaceswapCheck":true,"isSingleFace":true}}`,
			map[string]string{"original": f.clip}, map[string]string{"original": "video/mp4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var log reqLog
			platform{}.register(mock, &log)
			c, _ := fakeClient(t, mock)
			var created []*authenta.Job
			opts := *tt.opts
			opts.OnCreated = func(j *authenta.Job) { created = append(created, j) }
			d, err := c.Detect(t.Context(), tt.task, tt.path, &opts)
			require.NoError(t, err)
			require.NotNil(t, d)
			assert.Equal(t, "7", d.Job.ID)
			assert.Equal(t, authenta.StatusCompleted, d.Job.Status)
			require.NotNil(t, d.Result)
			assert.Equal(t, bptr(false), d.Result.IsDeepFake)
			assert.Equal(t, f64(97.5), d.Result.RealConfidencePercent)
			require.Len(t, created, 1)
			assert.Equal(t, "7", created[0].ID)

			reqs := log.list()
			require.NotEmpty(t, reqs)
			assert.Equal(t, "POST /api/v1/jobs", reqs[0].Method+" "+reqs[0].URL.Path)
			assert.JSONEq(t, tt.wantBody, string(reqs[0].Body))
			// create, the uploads (any order), finalize, the polls, the result.
			got := calls(&log)
			n := len(tt.uploads)
			want := []string{"POST /api/v1/jobs"}
			for i := 0; i < n; i++ {
				want = append(want, got[1+i])
				assert.True(t, strings.HasPrefix(got[1+i], "PUT /in/"), got[1+i])
			}
			want = append(want, "POST /api/v1/jobs/7/finalize", "GET /api/v1/jobs/7", "GET /api/v1/jobs/7", "GET /api/v1/jobs/7", "GET /out/7/result.json")
			assert.Equal(t, want, got)
			for _, r := range reqs {
				if r.URL.Host != "api.authenta.test" {
					continue
				}
				assert.Equal(t, "Bearer "+testAPIKey, r.Header.Get("Authorization"))
			}
			for _, r := range reqs {
				if r.Method != http.MethodPut {
					continue
				}
				slot := strings.TrimPrefix(r.URL.Path, "/in/")
				data, err := os.ReadFile(tt.uploads[slot])
				require.NoError(t, err, slot)
				assert.Equal(t, data, r.Body, "slot %s gets its own file", slot)
				assert.Equal(t, tt.ctypes[slot], r.Header.Get("Content-Type"))
				assert.Empty(t, r.Header.Values("Authorization"))
				assert.Equal(t, presignQuery, r.URL.RawQuery)
			}
			assert.Zero(t, countCalls(&log, "DELETE /api/v1/jobs/7"))
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestDetectUploadsConcurrently(t *testing.T) {
	t.Parallel()
	f := newDetectFiles(t)
	var arrived atomic.Int32
	both := make(chan struct{})
	var concurrent atomic.Int32
	barrier := func(r *http.Request) (*http.Response, error) {
		if arrived.Add(1) == 2 {
			close(both)
		}
		select {
		case <-both:
			concurrent.Add(1)
		case <-time.After(2 * time.Second):
		}
		_, _ = io.Copy(io.Discard, r.Body)
		return httpmock.NewStringResponse(200, ""), nil
	}
	mock := newMock(t)
	var log reqLog
	platform{upload: map[string]httpmock.Responder{"original": barrier, "reference": barrier}}.register(mock, &log)
	c, _ := fakeClient(t, mock)
	_, err := c.Detect(t.Context(), authenta.FaceIntelligence, f.photo,
		&authenta.DetectOptions{Wait: fastWait, Checks: authenta.FaceChecks{Similarity: true}, Reference: f.ref})
	require.NoError(t, err)
	assert.Equal(t, int32(2), concurrent.Load(), "both uploads were in flight at once")
}

func TestDetectFailures(t *testing.T) {
	t.Parallel()
	f := newDetectFiles(t)
	s3Denied := httpmock.NewStringResponder(403, `<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Signature>SIGSECRET0123</X-Amz-Signature></Error>`).
		HeaderSet(http.Header{"Content-Type": {"application/xml"}})
	fiOpts := &authenta.DetectOptions{Wait: fastWait, Checks: authenta.FaceChecks{Liveness: true, Similarity: true}, Reference: f.ref}
	tests := []struct {
		name       string
		p          platform
		task       authenta.TaskType
		opts       *authenta.DetectOptions
		step       string
		prefix     string
		sentinels  []error
		apiStatus  int
		removed    bool
		cleanupErr bool
		jobID      string
		want       map[string]int // calls and how many times
	}{
		{"create 402", platform{created: jsonResponder(402, `{"code":"INSUFFICIENT_BALANCE","message":"Insufficient balance"}`)},
			authenta.AIImageDetection, nil, "create", "authenta: create: ", []error{authenta.ErrInsufficientBalance}, 402, false, false, "",
			map[string]int{"POST /api/v1/jobs": 1, "PUT /in/original": 0, "DELETE /api/v1/jobs/7": 0}},
		{"create 400 unsupported", platform{created: jsonResponder(400, `{"code":"UNSUPPORTED_MEDIA_TYPE","message":"no"}`)},
			authenta.AIImageDetection, nil, "create", "authenta: create: ", []error{authenta.ErrUnsupportedMediaType}, 400, false, false, "",
			map[string]int{"POST /api/v1/jobs": 1, "DELETE /api/v1/jobs/7": 0}},
		{"upload original 403", platform{upload: map[string]httpmock.Responder{"original": s3Denied}},
			authenta.AIImageDetection, nil, "upload", "authenta: upload original:", nil, 403, true, false, "7",
			map[string]int{"PUT /in/original": 1, "POST /api/v1/jobs/7/finalize": 0, "POST /api/v1/jobs/7/cancel": 0, "DELETE /api/v1/jobs/7": 1}},
		{"upload reference 403", platform{upload: map[string]httpmock.Responder{"reference": s3Denied}},
			authenta.FaceIntelligence, fiOpts, "upload", "authenta: upload reference:", nil, 403, true, false, "7",
			map[string]int{"PUT /in/reference": 1, "POST /api/v1/jobs/7/finalize": 0, "DELETE /api/v1/jobs/7": 1}},
		{"no upload URL for the reference", platform{created: jsonResponder(200, `{"job":{"id":"7"},"inputs":[{"slotName":"original","uploadUrl":"`+testBucket+`/in/original"}]}`)},
			authenta.FaceIntelligence, fiOpts, "upload", "authenta: upload reference:", nil, 0, true, false, "7",
			map[string]int{"PUT /in/original": 0, "POST /api/v1/jobs/7/finalize": 0, "DELETE /api/v1/jobs/7": 1}},
		{"finalize 402", platform{finalize: jsonResponder(402, `{"code":"INSUFFICIENT_BALANCE","message":"top up"}`)},
			authenta.AIImageDetection, nil, "finalize", "authenta: finalize:", []error{authenta.ErrInsufficientBalance}, 402, true, false, "7",
			map[string]int{"PUT /in/original": 1, "POST /api/v1/jobs/7/finalize": 1, "POST /api/v1/jobs/7/cancel": 0, "DELETE /api/v1/jobs/7": 1}},
		{"job failed", platform{polls: []httpmock.Responder{jobJSON("processing"), jsonResponder(200, `{"id":"7","status":"failed","errorMessage":"no face detected"}`)}},
			authenta.AIImageDetection, nil, "wait", "authenta: wait:", []error{authenta.ErrJobFailed}, 0, true, false, "7",
			map[string]int{"POST /api/v1/jobs/7/finalize": 1, "GET /api/v1/jobs/7": 2, "GET /out/7/result.json": 0, "DELETE /api/v1/jobs/7": 1}},
		{"job cancelled elsewhere", platform{polls: []httpmock.Responder{jobJSON("canceled")}},
			authenta.AIImageDetection, nil, "wait", "authenta: wait:", []error{authenta.ErrJobCancelled}, 0, true, false, "7",
			map[string]int{"GET /api/v1/jobs/7": 1, "DELETE /api/v1/jobs/7": 1}},
		{"poll 404", platform{polls: []httpmock.Responder{jsonResponder(404, `{"code":"JOB_NOT_FOUND"}`)}},
			authenta.AIImageDetection, nil, "wait", "authenta: wait:", []error{authenta.ErrJobNotFound}, 404, true, false, "7",
			map[string]int{"GET /api/v1/jobs/7": 1, "POST /api/v1/jobs/7/cancel": 1, "DELETE /api/v1/jobs/7": 1}},
		{"result download fails", platform{result: httpmock.NewStringResponder(500, "boom")},
			// A completed job is never removed (issue 7): its credits are spent.
			authenta.AIImageDetection, nil, "result", "authenta: result:", []error{authenta.ErrServer}, 500, false, false, "7",
			map[string]int{"GET /out/7/result.json": 2, "POST /api/v1/jobs/7/cancel": 0, "DELETE /api/v1/jobs/7": 0}},
		{"cleanup: delete 404 counts as removed", platform{finalize: jsonResponder(402, `{}`), del: jsonResponder(404, `{}`)},
			authenta.AIImageDetection, nil, "finalize", "authenta: finalize:", []error{authenta.ErrInsufficientBalance}, 402, true, false, "7",
			map[string]int{"DELETE /api/v1/jobs/7": 1}},
		{"cleanup fails", platform{finalize: jsonResponder(402, `{}`), del: jsonResponder(409, `{"message":"job is processing"}`)},
			authenta.AIImageDetection, nil, "finalize", "authenta: finalize:", []error{authenta.ErrInsufficientBalance}, 402, false, true, "7",
			map[string]int{"DELETE /api/v1/jobs/7": 1}},
		{"KeepJobOnError", platform{finalize: jsonResponder(402, `{}`)},
			authenta.AIImageDetection, &authenta.DetectOptions{Wait: fastWait, KeepJobOnError: true}, "finalize", "authenta: finalize:", []error{authenta.ErrInsufficientBalance}, 402, false, false, "7",
			map[string]int{"POST /api/v1/jobs/7/cancel": 0, "DELETE /api/v1/jobs/7": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var log reqLog
			tt.p.register(mock, &log)
			c, _ := fakeClient(t, mock, authenta.WithMaxRetries(1))
			opts := tt.opts
			if opts == nil {
				opts = &authenta.DetectOptions{Wait: fastWait}
			}
			path := f.photo
			d, err := c.Detect(t.Context(), tt.task, path, opts)
			require.Error(t, err)
			assert.Nil(t, d)
			assert.True(t, strings.HasPrefix(err.Error(), tt.prefix), "error %q starts with %q", err.Error(), tt.prefix)
			for _, s := range tt.sentinels {
				assert.ErrorIs(t, err, s)
			}
			var se *authenta.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.step, se.Step)
			assert.Equal(t, tt.jobID, se.JobID)
			assert.Equal(t, tt.removed, se.Removed, "removed")
			if tt.cleanupErr {
				assert.Error(t, se.Cleanup)
				assert.Contains(t, err.Error(), "left on the server")
			} else {
				assert.NoError(t, se.Cleanup)
			}
			if tt.removed {
				assert.Contains(t, err.Error(), "job 7 removed")
			}
			if tt.apiStatus != 0 {
				var ae *authenta.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.apiStatus, ae.StatusCode)
			}
			assertNoSecrets(t, err.Error())
			for call, n := range tt.want {
				assert.Equal(t, n, countCalls(&log, call), call)
			}
			// Cleanup comes last: a request logged after it can only be
			// an upload the failure cancelled, which httpmock may still
			// hand to its responder afterwards.
			seen := log.list()
			for i, r := range seen {
				if r.Method+" "+r.URL.Path == "DELETE /api/v1/jobs/7" {
					for _, later := range seen[i+1:] {
						assert.Error(t, later.CtxErr, "DELETE is the last live request: %v", calls(&log))
					}
				}
			}
		})
	}
}

// TestDetectCancelledWhileWaiting: the caller's context ends during the
// wait; the job is cancelled and then deleted on a fresh context.
func TestDetectCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ctx  func(parent context.Context) (context.Context, func(), context.CancelFunc)
		want error
	}{
		{"cancel", func(p context.Context) (context.Context, func(), context.CancelFunc) {
			ctx, cancel := context.WithCancel(p)
			return ctx, cancel, cancel
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newDetectFiles(t)
			ctx, trigger, cancel := tt.ctx(t.Context())
			defer cancel()
			var mu sync.Mutex
			var cancelledAt time.Time
			poll := func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				if cancelledAt.IsZero() {
					cancelledAt = time.Now()
					trigger()
				}
				mu.Unlock()
				return jobJSON("processing")(r)
			}
			mock := newMock(t)
			var log reqLog
			platform{polls: []httpmock.Responder{jobJSON("queued"), poll}}.register(mock, &log)
			c, _ := fakeClient(t, mock)
			cleaned := make(chan error, 1)
			d, err := c.Detect(ctx, authenta.AIImageDetection, f.photo, &authenta.DetectOptions{Wait: fastWait,
				OnCleanup: func(_ string, err error) { cleaned <- err }})
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, d)
			var se *authenta.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, authenta.StepWait, se.Step)
			// The caller has gone: the removal runs in the background.
			assert.False(t, se.Removed)
			assert.ErrorIs(t, se.Cleanup, authenta.ErrCleanupPending)
			assert.Contains(t, err.Error(), "job 7 being removed in the background")
			require.NoError(t, <-cleaned)
			require.NoError(t, c.Close(t.Context()))
			mu.Lock()
			at := cancelledAt
			mu.Unlock()
			require.False(t, at.IsZero())
			var after []string
			for _, r := range log.list() {
				if r.At.After(at) {
					after = append(after, r.Method+" "+r.URL.Path)
					assert.NoError(t, r.CtxErr, "cleanup runs on a live context: %s %s", r.Method, r.URL.Path)
				}
			}
			assert.Equal(t, []string{"POST /api/v1/jobs/7/cancel", "DELETE /api/v1/jobs/7"}, after)
		})
	}
}

func TestDetectWaitDeadline(t *testing.T) {
	t.Parallel()
	f := newDetectFiles(t)
	mock := newMock(t)
	var log reqLog
	platform{polls: []httpmock.Responder{jobJSON("processing")}}.register(mock, &log)
	c := newClient(t, mock) // the real clock: the deadline is real
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Detect(ctx, authenta.AIImageDetection, f.photo, &authenta.DetectOptions{Wait: fastWait})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
	require.NoError(t, c.Close(t.Context())) // waits for the background removal
	assert.Equal(t, 1, countCalls(&log, "POST /api/v1/jobs/7/cancel"))
	assert.Equal(t, 1, countCalls(&log, "DELETE /api/v1/jobs/7"))
}

func TestDetectReader(t *testing.T) {
	t.Parallel()
	data := testData(300)
	tests := []struct {
		name        string
		fileName    string
		r           func() io.Reader
		opts        *authenta.DetectOptions
		upload      []httpmock.Responder
		wantErr     error
		uploads     int
		contentType string
		wireName    string
	}{
		{"ReaderAt is retried", "photo.jpg", func() io.Reader { return bytes.NewReader(data) }, nil,
			[]httpmock.Responder{httpmock.NewStringResponder(503, ""), httpmock.NewStringResponder(200, "")}, nil, 2, "image/jpeg", "photo.jpg"},
		{"plain reader is sent once", "photo.jpg", func() io.Reader { return io.MultiReader(bytes.NewReader(data)) }, nil,
			[]httpmock.Responder{httpmock.NewStringResponder(503, ""), httpmock.NewStringResponder(200, "")}, authenta.ErrServer, 1, "image/jpeg", "photo.jpg"},
		{"plain reader succeeds", "photo.jpg", func() io.Reader { return io.MultiReader(bytes.NewReader(data)) }, nil,
			nil, nil, 1, "image/jpeg", "photo.jpg"},
		{"name decides the type", "Frame.PNG", func() io.Reader { return bytes.NewReader(data) }, nil,
			nil, nil, 1, "image/png", "Frame.PNG"},
		{"directories are dropped from the name", "some/dir/frame.png", func() io.Reader { return bytes.NewReader(data) }, nil,
			nil, nil, 1, "image/png", "frame.png"},
		{"content type override", "blob", func() io.Reader { return bytes.NewReader(data) }, &authenta.DetectOptions{ContentType: "image/jpeg"},
			nil, nil, 1, "image/jpeg", "blob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var log reqLog
			p := platform{}
			if tt.upload != nil {
				p.upload = map[string]httpmock.Responder{"original": script(nil, tt.upload...)}
			}
			p.register(mock, &log)
			c, _ := fakeClient(t, mock)
			opts := authenta.DetectOptions{Wait: fastWait}
			if tt.opts != nil {
				opts.ContentType = tt.opts.ContentType
			}
			d, err := c.DetectReader(t.Context(), authenta.AIImageDetection, tt.fileName, tt.r(), int64(len(data)), &opts)
			assert.Equal(t, tt.uploads, countCalls(&log, "PUT /in/original"))
			reqs := log.list()
			require.NotEmpty(t, reqs)
			var body struct {
				Inputs []struct{ ContentType, FileName string }
			}
			require.NoError(t, json.Unmarshal(reqs[0].Body, &body))
			require.Len(t, body.Inputs, 1)
			assert.Equal(t, tt.contentType, body.Inputs[0].ContentType)
			assert.Equal(t, tt.wireName, body.Inputs[0].FileName)
			for _, r := range reqs {
				if r.Method == http.MethodPut {
					assert.Equal(t, tt.contentType, r.Header.Get("Content-Type"))
				}
			}
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.True(t, strings.HasPrefix(err.Error(), "authenta: upload original:"), err.Error())
				assert.Equal(t, 1, countCalls(&log, "DELETE /api/v1/jobs/7"))
				assert.Zero(t, countCalls(&log, "POST /api/v1/jobs/7/finalize"))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, authenta.StatusCompleted, d.Job.Status)
			for _, r := range reqs {
				if r.Method == http.MethodPut {
					assert.Equal(t, data, r.Body)
				}
			}
		})
	}
}

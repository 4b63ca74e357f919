package authenta_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// jsonFixture is a real run against authentatest with a secret key: the
// values it returned, and every secret it saw.
type jsonFixture struct {
	secrets   *secretSet
	detection *authenta.Detection
	job       *authenta.Job // with presigned artifact URLs
	list      *authenta.JobList
	created   *authenta.CreatedJob
	stepErr   error // a Detect that failed at upload, storage echoing the signature
	jobErr    error
	apiErr    *authenta.APIError
	info      authenta.ResponseInfo
}

func newJSONFixture(t *testing.T) *jsonFixture {
	t.Helper()
	f := &jsonFixture{secrets: &secretSet{}}
	f.secrets.add(secretKey)
	srv := authentatest.NewServer(t, authentatest.WithKey(authentatest.Key{Token: secretKey, Permissions: authentatest.PermAll, Balance: 1e6}))
	c := srv.Client(authenta.WithAPIKey(secretKey))
	ctx := t.Context()
	var err error
	f.detection, err = c.DetectReader(ctx, authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, nil, authenta.WithResponseInfo(&f.info))
	require.NoError(t, err)
	f.job, err = c.Jobs.Get(ctx, f.detection.Job.ID)
	require.NoError(t, err)
	require.NotEmpty(t, f.job.Artifacts)
	for _, a := range f.job.Artifacts {
		f.secrets.addURL(a.DownloadURL)
	}
	f.list, err = c.Jobs.List(ctx, nil)
	require.NoError(t, err)
	f.created, err = c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection,
		Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 3}}})
	require.NoError(t, err)
	for _, u := range f.created.Uploads {
		f.secrets.addURL(u.URL)
	}
	// A wrong content type makes the storage host answer 403
	// SignatureDoesNotMatch, echoing the signature in its body.
	err = c.Jobs.Upload(ctx, f.created.Uploads[0], strings.NewReader("png"), 3, "image/jpeg")
	require.ErrorAs(t, err, &f.apiErr)
	sig := mustQuery(t, f.created.Uploads[0].URL).Get("X-Amz-Signature")
	require.Contains(t, string(f.apiErr.Body), sig, "the body echoes the signature: this case tests something")
	f.stepErr = &authenta.StepError{Step: authenta.StepUpload, Slot: "original", JobID: f.created.Job.ID, Err: f.apiErr, Cleanup: f.apiErr}
	require.NoError(t, srv.SetJobStatus(f.created.Job.ID, authenta.StatusFailed, "failed reading "+f.created.Uploads[0].URL+" with "+secretKey))
	_, f.jobErr = c.Jobs.Wait(ctx, f.created.Job.ID, nil)
	require.ErrorIs(t, f.jobErr, authenta.ErrJobFailed)
	return f
}

// checkJSON marshals v and fails when the output holds a secret, plain or
// base64-encoded ([]byte fields marshal as base64).
func checkJSON(t *testing.T, secrets *secretSet, name string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		// Types with func fields cannot be marshalled: nothing is written.
		assert.Contains(t, err.Error(), "unsupported type", name)
		return
	}
	out := string(b)
	for _, s := range append(secrets.list(), secretKey) {
		assert.NotContains(t, out, s, "%s: %s", name, out)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding} {
			e := enc.EncodeToString([]byte(s))
			if len(e) > 12 {
				assert.NotContains(t, out, e[:len(e)-4], "%s: base64 of a secret", name)
			}
		}
	}
}

// TestJSONHasNoSecrets: json.Marshal of every public type the SDK returns
// or takes, filled from a real run, shows neither the key nor a presigned
// query string. (The job and result types are in
// TestJSONHasNoSecretsJobTypes.)
func TestJSONHasNoSecrets(t *testing.T) {
	t.Parallel()
	f := newJSONFixture(t)
	c, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(secretKey))
	require.NoError(t, err)
	values := map[string]any{
		"Client":            c,
		"*Client value":     *c,
		"JobsService":       c.Jobs,
		"APIError":          f.apiErr,
		"StepError":         f.stepErr,
		"StepError wrapped": fmt.Errorf("handler: %w", f.stepErr),
		"JobError":          f.jobErr,
		"ResponseInfo":      f.info,
		"TaskType":          authenta.AIImageDetection,
		"TaskTypes":         authenta.TaskTypes(),
		"Input":             authenta.Input{Slot: "original", FileName: "a.png"},
		"JobRequest":        authenta.JobRequest{TaskType: authenta.AIImageDetection, Parameters: map[string]any{"k": "v"}},
		"ListOptions":       authenta.ListOptions{},
		"FaceChecks":        authenta.FaceChecks{Liveness: true},
		"Status":            authenta.StatusCompleted,
		"Verdict":           authenta.VerdictFake,
		"Identity":          authenta.Identity{},
		"FrameBox":          authenta.FrameBox{},
		"DetectOptions":     authenta.DetectOptions{Reference: "r.jpg", OnCreated: func(*authenta.Job) {}},
		"WaitOptions":       authenta.WaitOptions{MinInterval: time.Second},
		"NewAPIError":       authenta.NewAPIError(403, "SignatureDoesNotMatch", "bad "+f.created.Uploads[0].URL),
		"CallOption":        authenta.WithCallHeader("X-Request-Id", "x"),
		"Option":            authenta.WithAPIKey(secretKey),
		"Middleware":        authenta.Middleware(nil),
		"ErrCleanupPending": authenta.ErrCleanupPending,
	}
	for name, v := range values {
		checkJSON(t, f.secrets, name, v)
	}
	// The error types marshal to camelCase JSON of their redacted text.
	b, err := json.Marshal(f.apiErr)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	assert.EqualValues(t, http.StatusForbidden, m["statusCode"])
	assert.Equal(t, "SignatureDoesNotMatch", m["code"])
	assert.NotContains(t, m, "body")
	b, err = json.Marshal(f.stepErr)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, "upload", m["step"])
	assert.Equal(t, "original", m["slot"])
	var se *authenta.StepError
	require.True(t, errors.As(f.stepErr, &se))
	assert.Equal(t, se.JobID, m["jobId"])
}

// TestJSONHasNoSecretsJobTypes covers the job and result types (Job,
// Artifact, Detection, Result, JobList, and ResultError, which holds a
// job), whose redacting, camelCase MarshalJSON comes from issue 7 (and
// ResultError's from errjson.go), and Upload, alone or in a slice (how
// slog's JSON handler writes a []Upload). CreatedJob keeps its upload URLs
// on purpose (another process needs them): it is checked to keep them.
func TestJSONHasNoSecretsJobTypes(t *testing.T) {
	t.Parallel()
	f := newJSONFixture(t)
	heat := f.job.Artifacts[0].DownloadURL
	res, err := authenta.ParseResult([]byte(`{"isDeepFake":true,"heatmapUrl":"` + heat + `"}`))
	require.NoError(t, err)
	values := map[string]any{
		"Detection":        f.detection,
		"Job":              f.job,
		"Job value":        *f.job,
		"Artifact":         f.job.Artifacts[0],
		"Artifacts":        f.job.Artifacts,
		"JobList":          f.list,
		"Result":           f.detection.Result,
		"Result with URLs": res,
		"ResultError":      &authenta.ResultError{Job: f.job, Name: "OutOfMemoryError", Message: "see " + heat},
	}
	for name, v := range values {
		checkJSON(t, f.secrets, name, v)
	}
	checkJSON(t, f.secrets, "Upload", f.created.Uploads[0])
	checkJSON(t, f.secrets, "Uploads", f.created.Uploads)
	sig := mustQuery(t, f.created.Uploads[0].URL).Get("X-Amz-Signature")
	b, err := json.Marshal(f.created)
	require.NoError(t, err)
	assert.Contains(t, string(b), sig, "CreatedJob keeps its upload URLs: another process needs them")
}

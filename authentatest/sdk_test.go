package authentatest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// fastWait polls every millisecond or so.
var fastWait = &authenta.WaitOptions{MinInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// taskCase is one task type with an input it accepts and what its default
// result decodes to.
type taskCase struct {
	task   authenta.TaskType
	file   string
	ct     string
	params map[string]any
	check  func(t *testing.T, r *authenta.Result)
}

func ptrBool(t *testing.T, p *bool, want bool, name string) {
	t.Helper()
	if assert.NotNil(t, p, name) {
		assert.Equal(t, want, *p, name)
	}
}

var taskCases = []taskCase{
	{authenta.AIImageDetection, "face.jpg", "image/jpeg", nil, func(t *testing.T, r *authenta.Result) {
		ptrBool(t, r.IsDeepFake, false, "isDeepFake")
		require.NotNil(t, r.RealConfidencePercent)
		assert.InDelta(t, 97.4, *r.RealConfidencePercent, 1e-9)
		assert.Equal(t, "image", r.ResultType)
	}},
	{authenta.AIAudioDetection, "voice.mp3", "audio/mpeg", nil, func(t *testing.T, r *authenta.Result) {
		ptrBool(t, r.IsDeepFake, false, "isDeepFake")
		assert.Equal(t, "audio", r.ResultType)
	}},
	{authenta.AIVideoDetection, "clip.mp4", "video/mp4", nil, func(t *testing.T, r *authenta.Result) {
		ptrBool(t, r.IsDeepFake, false, "isDeepFake")
		assert.Equal(t, "video", r.ResultType)
	}},
	{authenta.FaceSwapDetection, "call.webm", "video/webm", nil, func(t *testing.T, r *authenta.Result) {
		ptrBool(t, r.IsDeepFake, false, "isDeepFake")
		require.Len(t, r.Identities, 2)
		for _, id := range r.Identities {
			assert.Equal(t, "real", id.Class)
			ptrBool(t, id.IsDeepFake, false, "identity isDeepFake")
			assert.Len(t, id.Boxes, 3)
		}
		assert.Equal(t, authenta.VerdictReal, r.Verdict())
	}},
	{authenta.ImageForgeryDetection, "scan.png", "image/png", nil, func(t *testing.T, r *authenta.Result) {
		ptrBool(t, r.IsTampered, false, "isTampered")
	}},
	{authenta.DocumentIntelligence, "passport.pdf", "application/pdf", nil, func(t *testing.T, r *authenta.Result) {
		ptrBool(t, r.IsFake, false, "isFake")
		ptrBool(t, r.IsTampered, false, "isTampered")
	}},
	{authenta.FaceLivenessDetection, "selfie.jpg", "image/jpeg", nil, func(t *testing.T, r *authenta.Result) {
		ptrBool(t, r.IsLive, true, "isLiveness")
	}},
	{authenta.FaceIntelligence, "selfie.png", "image/png", map[string]any{"version": "v1", "isLivenessCheck": true}, func(t *testing.T, r *authenta.Result) {
		ptrBool(t, r.IsLive, true, "isLiveness")
		assert.Nil(t, r.IsSimilar, "not asked for")
		assert.Nil(t, r.SimilarityScore)
		assert.Nil(t, r.IsDeepFake)
		assert.Equal(t, "face-intelligence", r.ResultType)
	}},
	{authenta.FaceEmbedding, "face.jpg", "image/jpeg", nil, func(t *testing.T, r *authenta.Result) {
		assert.Equal(t, authentatest.Vector(512), r.FaceVector)
		assert.Equal(t, "face-embed", r.ResultType)
	}},
	{authenta.AudioSplitter, "talk.wav", "audio/wav", nil, func(t *testing.T, r *authenta.Result) {
		assert.Equal(t, "audio-split", r.ResultType)
	}},
	{authenta.EKYCDeepfake, "kyc.mov", "video/quicktime", nil, func(t *testing.T, r *authenta.Result) {
		ptrBool(t, r.IsDeepFake, false, "isDeepFake")
		ptrBool(t, r.IsLive, true, "isLiveness")
	}},
}

// runJob drives one job through the SDK's jobs API: Create, Upload,
// Finalize, Wait, Get, Result.
func runJob(t *testing.T, c *authenta.Client, tc taskCase, data []byte) (*authenta.Job, *authenta.Result) {
	t.Helper()
	ctx := ctxFor(t)
	created, err := c.Jobs.Create(ctx, &authenta.JobRequest{
		TaskType:   tc.task,
		Inputs:     []authenta.Input{{Slot: authenta.SlotOriginal, FileName: tc.file, ContentType: tc.ct, Size: int64(len(data))}},
		Parameters: tc.params,
	})
	require.NoError(t, err)
	require.NotEmpty(t, created.Job.ID)
	assert.Equal(t, authenta.StatusPending, created.Job.Status)
	up, ok := created.Upload(authenta.SlotOriginal)
	require.True(t, ok, "uploads: %v", created.Uploads)
	require.NoError(t, c.Jobs.Upload(ctx, up, bytes.NewReader(data), int64(len(data)), tc.ct))
	fin, err := c.Jobs.Finalize(ctx, created.Job.ID)
	require.NoError(t, err)
	assert.Equal(t, authenta.StatusQueued, fin.Status)
	done, err := c.Jobs.Wait(ctx, created.Job.ID, fastWait)
	require.NoError(t, err)
	assert.Equal(t, authenta.StatusCompleted, done.Status)
	got, err := c.Jobs.Get(ctx, created.Job.ID)
	require.NoError(t, err)
	res, err := c.Jobs.Result(ctx, got)
	require.NoError(t, err)
	return got, res
}

func TestSDKLifecycleEveryTaskType(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	for _, tc := range taskCases {
		t.Run(tc.task.Model, func(t *testing.T) {
			t.Parallel()
			data := bytes.Repeat([]byte(tc.task.Model), 1000)
			job, res := runJob(t, c, tc, data)
			assert.Equal(t, tc.task.ID, job.TaskTypeID)
			assert.Equal(t, tc.task.Slug, job.TaskTypeSlug)
			assert.Equal(t, "completed", job.RawStatus)
			assert.Equal(t, []authenta.Input{{Slot: "original", FileName: tc.file, ContentType: tc.ct, Size: int64(len(data))}}, job.Inputs)
			assert.False(t, job.CreatedAt.IsZero())
			tc.check(t, res)

			rec, ok := srv.Upload(job.ID, "original")
			require.True(t, ok)
			sum := sha256.Sum256(data)
			assert.Equal(t, hex.EncodeToString(sum[:]), rec.SHA256)
			assert.Equal(t, 1, rec.PUTs)
			assert.Equal(t, tc.ct, rec.ContentType)

			kinds := map[string]authenta.Artifact{}
			for _, a := range job.Artifacts {
				kinds[a.Kind] = a
			}
			assert.Contains(t, kinds, "input")
			assert.Contains(t, kinds, "result")
			assert.Equal(t, "original", kinds["input"].Slot)
			switch tc.task.ID {
			case authenta.AIImageDetection.ID, authenta.ImageForgeryDetection.ID:
				assert.Equal(t, "image/png", kinds["heatmap"].ContentType)
			default:
				assert.NotContains(t, kinds, "heatmap")
			}
		})
	}
}

func TestSDKNeverSendsTheKeyToStorage(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	runJob(t, srv.Client(), taskCases[0], []byte("jpeg"))
	n := 0
	for _, q := range srv.Requests() {
		switch q.Host {
		case authentatest.HostStorage:
			n++
			assert.False(t, q.HadAuth, "%s %s", q.Method, q.Path)
			assert.Empty(t, q.TransferEncoding)
		case authentatest.HostAPI:
			assert.True(t, q.AuthValid, "%s %s", q.Method, q.Path)
			assert.Contains(t, q.Header.Get("User-Agent"), "authenta-go/")
		}
	}
	assert.Equal(t, 2, n, "one upload, one result download")
}

func TestSDKListAndAll(t *testing.T) {
	t.Parallel()
	envelopes := []struct {
		name string
		opt  authentatest.Option
	}{
		{"REF", authentatest.WithListEnvelope(authentatest.ListREF)},
		{"items", authentatest.WithListEnvelope(authentatest.ListItems)},
		{"legacy", authentatest.WithListEnvelope(authentatest.ListLegacy)},
		{"array", authentatest.WithListEnvelope(authentatest.ListArray)},
	}
	for _, env := range envelopes {
		t.Run(env.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t, env.opt)
			c := srv.Client()
			ctx := ctxFor(t)
			const n = 250
			for i := 0; i < n; i++ {
				_, err := c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection,
					Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 1}}})
				require.NoError(t, err)
			}
			for i := 3; i <= n; i += 3 {
				require.NoError(t, srv.SetJobStatus(strconv.Itoa(i), authenta.StatusCompleted, ""))
			}

			page, err := c.Jobs.List(ctx, &authenta.ListOptions{Page: 2, Limit: 100})
			require.NoError(t, err)
			require.Len(t, page.Jobs, 100)
			assert.Equal(t, "150", page.Jobs[0].ID, "newest first")
			assert.Equal(t, 2, page.Page)
			if env.name != "array" {
				assert.Equal(t, n, page.Total)
				assert.Equal(t, 100, page.Limit)
			}

			srv.ResetRequests()
			var seen []string
			for job, err := range c.Jobs.All(ctx, nil) {
				require.NoError(t, err)
				seen = append(seen, job.ID)
			}
			require.Len(t, seen, n)
			assert.Equal(t, "250", seen[0])
			assert.Equal(t, "1", seen[n-1])
			assert.Equal(t, 3, srv.Count(authentatest.RouteList), "pages of 100")
			for _, q := range srv.RequestsTo(authentatest.RouteList) {
				assert.Equal(t, "100", q.Query.Get("limit"))
			}

			var completed int
			for job, err := range c.Jobs.All(ctx, &authenta.ListOptions{Status: authenta.StatusCompleted, Limit: 30}) {
				require.NoError(t, err)
				assert.Equal(t, authenta.StatusCompleted, job.Status)
				completed++
			}
			assert.Equal(t, n/3, completed)

			// Breaking out of the loop stops the fetching.
			srv.ResetRequests()
			for range c.Jobs.All(ctx, &authenta.ListOptions{Limit: 10}) {
				break
			}
			assert.Equal(t, 1, srv.Count(authentatest.RouteList))
		})
	}
}

func TestSDKCancelAndDelete(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(authentatest.Forever, authentatest.Forever)))
	c := srv.Client()
	ctx := ctxFor(t)
	newJob := func() string {
		created, err := c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection,
			Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 3}}})
		require.NoError(t, err)
		require.NoError(t, c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("abc")), 3, "image/png"))
		return created.Job.ID
	}

	// Pending: cancel, then delete, then it is gone.
	id := newJob()
	job, err := c.Jobs.Cancel(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, authenta.StatusCancelled, job.Status)
	assert.Equal(t, "Job successfully cancelled", job.Message)
	require.NoError(t, c.Jobs.Delete(ctx, id))
	_, err = c.Jobs.Get(ctx, id)
	assert.ErrorIs(t, err, authenta.ErrJobNotFound)
	assert.ErrorIs(t, c.Jobs.Delete(ctx, id), authenta.ErrJobNotFound)

	// Processing: neither cancel nor delete.
	id = newJob()
	_, err = c.Jobs.Finalize(ctx, id)
	require.NoError(t, err)
	require.NoError(t, srv.SetJobStatus(id, authenta.StatusProcessing, ""))
	_, err = c.Jobs.Cancel(ctx, id)
	assert.ErrorIs(t, err, authenta.ErrConflict)
	assert.ErrorIs(t, c.Jobs.Delete(ctx, id), authenta.ErrConflict)

	// Completed: no cancel, but delete.
	require.NoError(t, srv.SetJobStatus(id, authenta.StatusCompleted, ""))
	_, err = c.Jobs.Cancel(ctx, id)
	assert.ErrorIs(t, err, authenta.ErrConflict)
	require.NoError(t, c.Jobs.Delete(ctx, id))

	// Every 4xx answer came at the first attempt: no retries.
	assert.Equal(t, 1, srv.Count(authentatest.RouteFinalize))
	assert.Equal(t, 3, srv.Count(authentatest.RouteCancel))
	assert.Equal(t, 4, srv.Count(authentatest.RouteDelete))
}

func TestSDKFinalizeTwice(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	ctx := ctxFor(t)
	created, err := c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection,
		Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 3}}})
	require.NoError(t, err)
	_, err = c.Jobs.Finalize(ctx, created.Job.ID)
	var ae *authenta.APIError
	require.ErrorAs(t, err, &ae, "nothing uploaded yet")
	assert.Equal(t, 400, ae.StatusCode)
	require.NoError(t, c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("abc")), 3, "image/png"))
	_, err = c.Jobs.Finalize(ctx, created.Job.ID)
	require.NoError(t, err)
	_, err = c.Jobs.Finalize(ctx, created.Job.ID)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 400, ae.StatusCode)
	assert.Equal(t, "Job not found or already finalized", ae.Message)
}

const (
	keyReadOnly  = "api_readonly_key_0001"
	keyNoBalance = "api_nobalance_key_0002"
)

func TestSDKErrorSentinels(t *testing.T) {
	t.Parallel()
	apiBody := func(status int, code, msg string) authentatest.Fault {
		b, _ := json.Marshal(map[string]any{"code": code, "statusCode": status, "message": msg})
		return authentatest.Fault{Status: status, RawBody: string(b), ContentType: "application/json"}
	}
	img := &authenta.JobRequest{TaskType: authenta.AIImageDetection,
		Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 1}}}
	create := func(ctx context.Context, c *authenta.Client) error { _, err := c.Jobs.Create(ctx, img); return err }
	list := func(ctx context.Context, c *authenta.Client) error { _, err := c.Jobs.List(ctx, nil); return err }

	tests := []struct {
		name     string
		key      string
		faults   map[authentatest.Route][]authentatest.Fault
		call     func(ctx context.Context, c *authenta.Client) error
		want     error
		wantCode string
		status   int
	}{
		{name: "INVALID_API_KEY", key: "api_unknown_key_9999",
			call: list,
			want: authenta.ErrInvalidAPIKey, wantCode: "INVALID_API_KEY", status: 401},
		{name: "FORBIDDEN", key: keyReadOnly,
			call: create,
			want: authenta.ErrForbidden, wantCode: "FORBIDDEN", status: 403},
		{name: "INSUFFICIENT_BALANCE", key: keyNoBalance,
			call: create,
			want: authenta.ErrInsufficientBalance, wantCode: "INSUFFICIENT_BALANCE", status: 402},
		{name: "JOB_NOT_FOUND",
			call: func(ctx context.Context, c *authenta.Client) error { _, err := c.Jobs.Get(ctx, "469"); return err },
			want: authenta.ErrJobNotFound, wantCode: "JOB_NOT_FOUND", status: 404},
		{name: "INVALID_TASK_TYPE from the server",
			faults: map[authentatest.Route][]authentatest.Fault{authentatest.RouteCreate: {apiBody(400, "INVALID_TASK_TYPE", "Task type ID 1 does not exist")}},
			call:   create,
			want:   authenta.ErrInvalidTaskType, wantCode: "INVALID_TASK_TYPE", status: 400},
		{name: "UNSUPPORTED_MEDIA_TYPE from the server",
			faults: map[authentatest.Route][]authentatest.Fault{authentatest.RouteCreate: {apiBody(400, "UNSUPPORTED_MEDIA_TYPE", "Task type 1 (ai-image-detection) does not support media type: image/png")}},
			call:   create,
			want:   authenta.ErrUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE", status: 400},
		{name: "legacy IAM001",
			faults: map[authentatest.Route][]authentatest.Fault{authentatest.RouteList: {apiBody(401, "IAM001", "You are not authenticated")}},
			call:   list,
			want:   authenta.ErrInvalidAPIKey, wantCode: "IAM001", status: 401},
		{name: "legacy U007 on a 400",
			faults: map[authentatest.Route][]authentatest.Fault{authentatest.RouteCreate: {apiBody(400, "U007", "Insufficient credits")}},
			call:   create,
			want:   authenta.ErrInsufficientBalance, wantCode: "U007", status: 400},
		{name: "legacy AA001 quota, not retried",
			faults: map[authentatest.Route][]authentatest.Fault{authentatest.RouteList: {apiBody(429, "AA001", "API limit reached")}},
			call:   list,
			want:   authenta.ErrQuotaExceeded, wantCode: "AA001", status: 429},
		{name: "429 after retries",
			faults: map[authentatest.Route][]authentatest.Fault{authentatest.RouteList: {authentatest.Status(429), authentatest.Status(429), authentatest.Status(429), authentatest.Status(429)}},
			call:   list,
			want:   authenta.ErrRateLimited, wantCode: "TOO_MANY_REQUESTS", status: 429},
		{name: "5xx after retries",
			faults: map[authentatest.Route][]authentatest.Fault{authentatest.RouteGet: {authentatest.Status(502), authentatest.Status(503), authentatest.Status(504), authentatest.Status(500)}},
			call:   func(ctx context.Context, c *authenta.Client) error { _, err := c.Jobs.Get(ctx, "1"); return err },
			want:   authenta.ErrServer, wantCode: "INTERNAL_SERVER_ERROR", status: 500},
		{name: "HTML 403 from a proxy",
			faults: map[authentatest.Route][]authentatest.Fault{authentatest.RouteList: {{Status: 403, Body: authentatest.BodyHTML}}},
			call:   list,
			want:   authenta.ErrForbidden, status: 403},
		{name: "plain-text 502 after retries",
			faults: map[authentatest.Route][]authentatest.Fault{authentatest.RouteList: {
				{Status: 502, Body: authentatest.BodyText}, {Status: 502, Body: authentatest.BodyText},
				{Status: 502, Body: authentatest.BodyText}, {Status: 502, Body: authentatest.BodyText}}},
			call: list,
			want: authenta.ErrServer, status: 502},
		{name: "409 cancel",
			call: func(ctx context.Context, c *authenta.Client) error { _, err := c.Jobs.Cancel(ctx, "2"); return err },
			want: authenta.ErrConflict, wantCode: "JOB_NOT_CANCELLABLE", status: 409},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t,
				authentatest.WithKey(authentatest.Key{Token: keyReadOnly, Permissions: authentatest.PermRead, Balance: 10}),
				authentatest.WithKey(authentatest.Key{Token: keyNoBalance, Permissions: authentatest.PermAll}),
				authentatest.WithSchedule(authentatest.Steps(authentatest.Forever, authentatest.Forever)))
			ctx := ctxFor(t)
			setup := srv.Client()
			for range 2 { // jobs 1 and 2; job 2 processing
				_, err := setup.Jobs.Create(ctx, img)
				require.NoError(t, err)
			}
			require.NoError(t, srv.SetJobStatus("2", authenta.StatusProcessing, ""))
			for route, fs := range tt.faults {
				srv.Inject(route, fs...)
			}
			c := setup
			if tt.key != "" {
				c = srv.Client(authenta.WithAPIKey(tt.key))
			}
			srv.ResetRequests()
			err := tt.call(ctx, c)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			var ae *authenta.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			if tt.wantCode != "" {
				assert.Equal(t, tt.wantCode, ae.Code)
			}
			assert.NotEmpty(t, ae.Message)
			assert.NotContains(t, ae.Message, "<", "markup stripped")
			if tt.faults == nil {
				assert.NotEmpty(t, ae.RequestID, "the API's X-Request-Id")
			}
			assert.NotContains(t, err.Error(), authentatest.DefaultAPIKey)
			for _, other := range []error{authenta.ErrInvalidAPIKey, authenta.ErrForbidden, authenta.ErrInsufficientBalance,
				authenta.ErrJobNotFound, authenta.ErrInvalidTaskType, authenta.ErrUnsupportedMediaType, authenta.ErrConflict,
				authenta.ErrRateLimited, authenta.ErrServer, authenta.ErrQuotaExceeded} {
				if other != tt.want {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.Zero(t, srv.PendingFaults(authentatest.RouteList)+srv.PendingFaults(authentatest.RouteGet)+srv.PendingFaults(authentatest.RouteCreate),
				"every injected fault was used: the retries happened")
		})
	}
}

func TestSDKJobEndings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		outcome authentatest.Outcome
		want    error
	}{
		{authentatest.Failed("Face not detected"), authenta.ErrJobFailed},
		{authentatest.Outcome{Status: authenta.StatusCancelled}, authenta.ErrJobCancelled},
	}
	for _, tt := range tests {
		t.Run(string(tt.outcome.Status), func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t, authentatest.WithOutcome(tt.outcome))
			c := srv.Client()
			ctx := ctxFor(t)
			created, err := c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection,
				Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 1}}})
			require.NoError(t, err)
			require.NoError(t, c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("x")), 1, "image/png"))
			_, err = c.Jobs.Finalize(ctx, created.Job.ID)
			require.NoError(t, err)
			job, err := c.Jobs.Wait(ctx, created.Job.ID, fastWait)
			require.ErrorIs(t, err, tt.want)
			require.NotNil(t, job)
			assert.Equal(t, tt.outcome.Status, job.Status)
			assert.Equal(t, tt.outcome.ErrorMessage, job.ErrorMessage)
			if tt.outcome.ErrorMessage != "" {
				assert.Contains(t, err.Error(), tt.outcome.ErrorMessage)
			}
			_, err = c.Jobs.Result(ctx, job)
			assert.ErrorIs(t, err, authenta.ErrNoResult)
		})
	}
}

// variant is one combination of the wire variants of §1.18.
type variant struct {
	name    string
	opts    []authentatest.Option
	wantID  string // the first job's id
	wantRaw string // the raw status word of a completed job
}

var variants = []variant{
	{"defaults", nil, "1", "completed"},
	{"flat create", []authentatest.Option{authentatest.WithCreateShape(authentatest.CreateFlat)}, "1", "completed"},
	{"numeric ids", []authentatest.Option{authentatest.WithIDStyle(authentatest.IDNumber)}, "1", "completed"},
	{"REF shapes", []authentatest.Option{authentatest.WithCreateShape(authentatest.CreateFlat), authentatest.WithJobShape(authentatest.JobByJobID),
		authentatest.WithIDStyle(authentatest.IDNumber), authentatest.WithResultDelivery(authentatest.ResultInline)}, "1", "completed"},
	{"huge numeric ids", []authentatest.Option{authentatest.WithIDStyle(authentatest.IDNumber), authentatest.WithFirstID(1<<53 + 1)}, "9007199254740993", "completed"},
	{"huge ids, flat, jobId", []authentatest.Option{authentatest.WithIDStyle(authentatest.IDNumber), authentatest.WithFirstID(18446744073709551000),
		authentatest.WithCreateShape(authentatest.CreateFlat), authentatest.WithJobShape(authentatest.JobByJobID)}, "18446744073709551000", "completed"},
	{"TS statuses", []authentatest.Option{authentatest.WithStatusVocabulary(authentatest.VocabTS)}, "1", "processed"},
	{"UPPERCASE statuses", []authentatest.Option{authentatest.WithStatusVocabulary(authentatest.VocabUpper)}, "1", "PROCESSED"},
	{"created 201", []authentatest.Option{authentatest.WithCreateStatus(201)}, "1", "completed"},
	{"inline and artifact", []authentatest.Option{authentatest.WithResultDelivery(authentatest.ResultArtifactAndInline)}, "1", "completed"},
	{"legacy result URL", []authentatest.Option{authentatest.WithResultDelivery(authentatest.ResultLegacyURL)}, "1", "completed"},
	{"reversed inputs", []authentatest.Option{authentatest.WithInputsReversed()}, "1", "completed"},
	{"reversed flat inputs", []authentatest.Option{authentatest.WithInputsReversed(), authentatest.WithCreateShape(authentatest.CreateFlat)}, "1", "completed"},
}

func TestSDKShapeVariants(t *testing.T) {
	t.Parallel()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t, append([]authentatest.Option{authentatest.WithSchedule(authentatest.Steps(1, 1))}, v.opts...)...)
			c := srv.Client()
			ctx := ctxFor(t)
			orig, ref := bytes.Repeat([]byte("o"), 300), bytes.Repeat([]byte("r"), 200)
			created, err := c.Jobs.Create(ctx, &authenta.JobRequest{
				TaskType: authenta.FaceIntelligence,
				Inputs: []authenta.Input{
					{Slot: "original", FileName: "selfie.jpg", ContentType: "image/jpeg", Size: int64(len(orig))},
					{Slot: "reference", FileName: "id.png", ContentType: "image/png", Size: int64(len(ref))},
				},
				Parameters: map[string]any{"version": "v1", "isLivenessCheck": true, "isSimilarityCheck": true},
			})
			require.NoError(t, err)
			assert.Equal(t, v.wantID, created.Job.ID)
			assert.Equal(t, authenta.StatusPending, created.Job.Status)
			require.Len(t, created.Uploads, 2)

			// Upload by slot, as a client must: a mix-up shows as a
			// length or content-type error from the storage host.
			for slot, body := range map[string][]byte{"original": orig, "reference": ref} {
				u, ok := created.Upload(slot)
				require.True(t, ok, slot)
				ct := "image/jpeg"
				if slot == "reference" {
					ct = "image/png"
				}
				require.NoError(t, c.Jobs.Upload(ctx, u, bytes.NewReader(body), int64(len(body)), ct), slot)
			}

			var polled []authenta.Status
			wait := *fastWait
			wait.OnPoll = func(j *authenta.Job) { polled = append(polled, j.Status) }
			_, err = c.Jobs.Finalize(ctx, created.Job.ID)
			require.NoError(t, err)
			job, err := c.Jobs.Wait(ctx, created.Job.ID, &wait)
			require.NoError(t, err)
			assert.Equal(t, []authenta.Status{authenta.StatusQueued, authenta.StatusProcessing, authenta.StatusCompleted}, polled)
			assert.Equal(t, v.wantID, job.ID)
			assert.Equal(t, authenta.StatusCompleted, job.Status)
			assert.Equal(t, v.wantRaw, job.RawStatus)
			assert.Equal(t, authenta.FaceIntelligence.ID, job.TaskTypeID)

			res, err := c.Jobs.Result(ctx, job)
			require.NoError(t, err)
			ptrBool(t, res.IsLive, true, "isLiveness")
			ptrBool(t, res.IsSimilar, true, "isSimilar")
			require.NotNil(t, res.SimilarityScore)
			assert.InDelta(t, 82.67, *res.SimilarityScore, 1e-9)
			assert.Nil(t, res.IsDeepFake, "faceswap not asked for")

			// The list decodes in this variant too.
			list, err := c.Jobs.List(ctx, nil)
			require.NoError(t, err)
			require.Len(t, list.Jobs, 1)
			assert.Equal(t, v.wantID, list.Jobs[0].ID)
			assert.Equal(t, authenta.StatusCompleted, list.Jobs[0].Status)
		})
	}
}

func TestSDKEmbeddingStyles(t *testing.T) {
	t.Parallel()
	for _, style := range []authentatest.EmbeddingStyle{authentatest.FaceVector, authentatest.Embedding} {
		t.Run(strconv.Itoa(int(style)), func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t, authentatest.WithEmbeddingStyle(style))
			_, res := runJob(t, srv.Client(), taskCases[8], []byte("face"))
			assert.Len(t, res.FaceVector, 512)
			var norm float64
			for _, x := range res.FaceVector {
				norm += x * x
			}
			assert.InDelta(t, 1, norm, 1e-4, "L2-normalised")
		})
	}
}

func TestSDKCustomResult(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t,
		authentatest.WithResult(authenta.AIImageDetection, map[string]any{"resultType": "image", "isDeepFake": "True", "RealConfidencePercent": "3.5"}))
	_, res := runJob(t, srv.Client(), taskCases[0], []byte("x"))
	ptrBool(t, res.IsDeepFake, true, "isDeepFake as a string")
	require.NotNil(t, res.RealConfidencePercent)
	assert.InDelta(t, 3.5, *res.RealConfidencePercent, 1e-9)
}

func TestSDKRetries(t *testing.T) {
	t.Parallel()
	img := &authenta.JobRequest{TaskType: authenta.AIImageDetection,
		Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 5}}}

	t.Run("GET on 503", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		c := srv.Client()
		ctx := ctxFor(t)
		created, err := c.Jobs.Create(ctx, img)
		require.NoError(t, err)
		srv.Fail(authentatest.RouteGet, 503, 503)
		_, err = c.Jobs.Get(ctx, created.Job.ID)
		require.NoError(t, err)
		assert.Equal(t, 3, srv.CountJob(authentatest.RouteGet, created.Job.ID))
	})
	t.Run("create on 503 but not 500", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		c := srv.Client()
		ctx := ctxFor(t)
		srv.Fail(authentatest.RouteCreate, 503)
		_, err := c.Jobs.Create(ctx, img)
		require.NoError(t, err)
		assert.Equal(t, 2, srv.Count(authentatest.RouteCreate))
		assert.Len(t, srv.Jobs(), 1)

		srv.Fail(authentatest.RouteCreate, 500)
		_, err = c.Jobs.Create(ctx, img)
		assert.ErrorIs(t, err, authenta.ErrServer)
		assert.Equal(t, 3, srv.Count(authentatest.RouteCreate), "a POST is not retried after a 500")
	})
	t.Run("upload on 503 and 500", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		c := srv.Client()
		ctx := ctxFor(t)
		created, err := c.Jobs.Create(ctx, img)
		require.NoError(t, err)
		srv.Fail(authentatest.RouteUpload, 503, 500)
		require.NoError(t, c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("hello")), 5, "image/png"))
		rec, _ := srv.Upload(created.Job.ID, "original")
		assert.Equal(t, 1, rec.PUTs, "faulted PUTs never reach the slot")
		assert.True(t, rec.OK)
		assert.EqualValues(t, 5, rec.Bytes)
		for _, q := range srv.RequestsTo(authentatest.RouteUpload) {
			assert.EqualValues(t, 5, q.ContentLength)
			assert.EqualValues(t, 5, q.BodyBytes, "every attempt sends the whole body again")
		}
		assert.Equal(t, 3, srv.Count(authentatest.RouteUpload))
	})
	t.Run("upload rejected by storage is not retried", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		c := srv.Client()
		ctx := ctxFor(t)
		created, err := c.Jobs.Create(ctx, img)
		require.NoError(t, err)
		err = c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("hello")), 5, "image/jpeg")
		var ae *authenta.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 403, ae.StatusCode)
		assert.Equal(t, "SignatureDoesNotMatch", ae.Code)
		assert.NotContains(t, err.Error(), "X-Amz-Signature")
		assert.NotContains(t, err.Error(), "StringToSign")
		u, perr := url.Parse(created.Uploads[0].URL)
		require.NoError(t, perr)
		sig := u.Query().Get("X-Amz-Signature")
		assert.NotContains(t, err.Error(), sig, "the echoed signature stays out of the message")
		assert.Contains(t, string(ae.Body), sig, "and in the body")
		assert.NotEmpty(t, ae.RequestID, "from x-amz-request-id")
		assert.NotErrorIs(t, err, authenta.ErrForbidden, "a storage 403 is not the API key's fault")
		assert.Equal(t, 1, srv.Count(authentatest.RouteUpload))
	})
	t.Run("Retry-After above the max wait", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		srv.Inject(authentatest.RouteList, authentatest.Fault{Status: 503, RetryAfter: "30"})
		start := time.Now()
		_, err := srv.Client().Jobs.List(ctxFor(t), nil)
		assert.Less(t, time.Since(start), 5*time.Second)
		assert.ErrorIs(t, err, authenta.ErrServer)
		var ae *authenta.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 30*time.Second, ae.RetryAfter)
		assert.Equal(t, 1, srv.Count(authentatest.RouteList))
	})
	t.Run("Retry-After within the max wait", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		srv.Inject(authentatest.RouteList, authentatest.Fault{Status: 429, RetryAfter: "1"})
		c := srv.Client(authenta.WithRetryWait(time.Millisecond, 2*time.Second))
		start := time.Now()
		_, err := c.Jobs.List(ctxFor(t), nil)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), time.Second, "waited as asked")
		assert.Equal(t, 2, srv.Count(authentatest.RouteList))
	})
	t.Run("dropped connections", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		c := srv.Client()
		ctx := ctxFor(t)
		srv.Inject(authentatest.RouteList, authentatest.Fault{Conn: authentatest.Drop}, authentatest.Fault{Conn: authentatest.Reset})
		_, err := c.Jobs.List(ctx, nil)
		require.NoError(t, err, "a GET is retried after a network error")
		assert.GreaterOrEqual(t, srv.Count(authentatest.RouteList), 3)

		created, err := c.Jobs.Create(ctx, img)
		require.NoError(t, err)
		require.NoError(t, c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("hello")), 5, "image/png"))
		srv.Inject(authentatest.RouteFinalize, authentatest.Fault{Conn: authentatest.DropResponse})
		_, err = c.Jobs.Finalize(ctx, created.Job.ID)
		require.Error(t, err, "the answer was lost")
		assert.False(t, errors.Is(err, authenta.ErrJobNotFound))
		info, _ := srv.Job(created.Job.ID)
		assert.True(t, info.Finalized, "the server did finalize")
		assert.Equal(t, 1, srv.Count(authentatest.RouteFinalize), "a POST whose request was sent is not retried")
	})
	t.Run("a delete whose answer was lost", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		c := srv.Client()
		ctx := ctxFor(t)
		created, err := c.Jobs.Create(ctx, img)
		require.NoError(t, err)
		srv.Inject(authentatest.RouteDelete, authentatest.Fault{Conn: authentatest.DropResponse})
		require.NoError(t, c.Jobs.Delete(ctx, created.Job.ID), "the retry's 404 means the first attempt deleted it")
		assert.Equal(t, 2, srv.Count(authentatest.RouteDelete))
		info, _ := srv.Job(created.Job.ID)
		assert.True(t, info.Deleted)

		// Without a retry, a 404 is still ErrJobNotFound.
		assert.ErrorIs(t, c.Jobs.Delete(ctx, created.Job.ID), authenta.ErrJobNotFound)
		assert.ErrorIs(t, c.Jobs.Delete(ctx, "424242"), authenta.ErrJobNotFound)
	})
	t.Run("no retries when disabled", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		srv.Fail(authentatest.RouteList, 503)
		_, err := srv.Client(authenta.WithMaxRetries(0)).Jobs.List(ctxFor(t), nil)
		assert.ErrorIs(t, err, authenta.ErrServer)
		assert.Equal(t, 1, srv.Count(authentatest.RouteList))
	})
}

func TestSDKWaitSurvivesTransientErrors(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(0, 0)))
	c := srv.Client(authenta.WithMaxRetries(0))
	ctx := ctxFor(t)
	created, err := c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection,
		Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 1}}})
	require.NoError(t, err)
	require.NoError(t, c.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("x")), 1, "image/png"))
	_, err = c.Jobs.Finalize(ctx, created.Job.ID)
	require.NoError(t, err)
	srv.Inject(authentatest.RouteGet, authentatest.Status(502), authentatest.Fault{Status: 503, Body: authentatest.BodyHTML}, authentatest.Fault{Conn: authentatest.Drop})
	job, err := c.Jobs.Wait(ctx, created.Job.ID, fastWait)
	require.NoError(t, err)
	assert.Equal(t, authenta.StatusCompleted, job.Status)
	assert.GreaterOrEqual(t, srv.CountJob(authentatest.RouteGet, created.Job.ID), 4)

	// A 4xx ends the wait.
	srv.Fail(authentatest.RouteGet, 403)
	_, err = c.Jobs.Wait(ctx, created.Job.ID, fastWait)
	assert.ErrorIs(t, err, authenta.ErrForbidden)
}

func TestClientOptions(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c, err := authenta.NewClient(srv.ClientOptions()...)
	require.NoError(t, err)
	assert.Equal(t, srv.URL, c.BaseURL())
	_, err = srv.NewClient(authenta.WithRetryWait(time.Second, time.Millisecond))
	assert.Error(t, err)
	assert.Same(t, srv.HTTPClient(), srv.HTTPClient())
	assert.Equal(t, authentatest.DefaultAPIKey, srv.APIKey())

	// Client panics for a server made with Start.
	s2, err := authentatest.Start()
	require.NoError(t, err)
	defer s2.Close()
	assert.Panics(t, func() { s2.Client(authenta.WithMaxRetries(-1)) })
	assert.NotNil(t, s2.Client())

	_, err = authentatest.Start(authentatest.WithKey(authentatest.Key{Token: "short"}))
	assert.Error(t, err)
	_, err = authentatest.Start(authentatest.WithUploadURLTTL(time.Millisecond))
	assert.Error(t, err)
	_, err = authentatest.Start(authentatest.WithResult(authenta.AIImageDetection, "{not json"))
	assert.Error(t, err)
	_, err = authentatest.Start(authentatest.WithCreateStatus(302))
	assert.Error(t, err)
	_, err = authentatest.Start(authentatest.WithLatency("nowhere", time.Second))
	assert.Error(t, err)
}

func TestHTTPClientIsPlain(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	tr, ok := srv.HTTPClient().Transport.(*http.Transport)
	require.True(t, ok)
	assert.Nil(t, tr.Proxy, "no proxy for 127.0.0.1")
	assert.Contains(t, srv.URL, "http://127.0.0.1:")
	assert.Contains(t, srv.StorageURL, "http://127.0.0.1:")
	assert.NotEqual(t, srv.URL, srv.StorageURL)
}

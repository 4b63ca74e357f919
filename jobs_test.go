package authenta_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// ---------------------------------------------------------------------------
// Create.

func TestCreateRequestBody(t *testing.T) {
	t.Parallel()
	fi := func(params map[string]any) *authenta.JobRequest {
		return &authenta.JobRequest{
			TaskType: authenta.FaceIntelligence,
			Inputs: []authenta.Input{
				{Slot: "original", FileName: "selfie.jpg", ContentType: "image/jpeg", Size: 414241},
				{Slot: "reference", FileName: "id.png", ContentType: "image/png", Size: 120289},
			},
			Parameters: params,
		}
	}
	withParams := func(p map[string]any) *authenta.JobRequest {
		r := imageJobRequest()
		r.Parameters = p
		return r
	}
	tests := []struct {
		name string
		req  *authenta.JobRequest
		want string
	}{
		{"no parameters", imageJobRequest(),
			`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"photo.jpg","sizeBytes":123}]}`},
		{"empty parameters are left out", withParams(map[string]any{}),
			`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"photo.jpg","sizeBytes":123}]}`},
		{"parameters when given", withParams(map[string]any{"version": "v1"}),
			`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"photo.jpg","sizeBytes":123}],"parameters":{"version":"v1"}}`},
		{"two slots, task id as a string", fi(map[string]any{"version": "v1", "isLivenessCheck": true, "isSimilarityCheck": true}),
			`{"taskTypeId":"8","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"selfie.jpg","sizeBytes":414241},` +
				`{"slotName":"reference","contentType":"image/png","fileName":"id.png","sizeBytes":120289}],` +
				`"parameters":{"version":"v1","isLivenessCheck":true,"isSimilarityCheck":true}}`},
		{"file name with spaces and unicode", &authenta.JobRequest{TaskType: authenta.AIImageDetection, Inputs: []authenta.Input{{Slot: "original", FileName: "my <photo> é.png", ContentType: "image/png", Size: 1}}},
			`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/png","fileName":"my <photo> é.png","sizeBytes":1}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var log reqLog
			mock.RegisterResponder(http.MethodPost, testAPIBase+"/api/v1/jobs", script(&log, jsonResponder(200, createdJSON)))
			c := newClient(t, mock)
			_, err := c.Jobs.Create(t.Context(), tt.req)
			require.NoError(t, err)
			require.Equal(t, 1, log.count())
			r := log.list()[0]
			assert.JSONEq(t, tt.want, string(r.Body))
			assert.NotContains(t, string(r.Body), `\u003c`, "HTML is not escaped")
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.Equal(t, "Bearer "+testAPIKey, r.Header.Get("Authorization"))
			assert.Empty(t, r.URL.RawQuery)
		})
	}
}

func TestCreateInvalidSendsNothing(t *testing.T) {
	t.Parallel()
	in := func(mod func(*authenta.Input)) *authenta.JobRequest {
		r := imageJobRequest()
		mod(&r.Inputs[0])
		return r
	}
	img := authenta.Input{Slot: "original", FileName: "a.jpg", ContentType: "image/jpeg", Size: 1}
	tests := []struct {
		name   string
		nilCtx bool // call with a nil context
		req    *authenta.JobRequest
		want   error
	}{
		{"nil request", false, nil, authenta.ErrInvalidArgument},
		{"zero task type", false, &authenta.JobRequest{Inputs: []authenta.Input{img}}, authenta.ErrInvalidTaskType},
		{"hand-made task type", false, &authenta.JobRequest{TaskType: authenta.TaskType{ID: 1}, Inputs: []authenta.Input{img}}, authenta.ErrInvalidTaskType},
		{"unknown task id", false, &authenta.JobRequest{TaskType: authenta.TaskType{ID: 99, Slug: "x", MIMETypes: []string{"image/jpeg"}}, Inputs: []authenta.Input{img}}, authenta.ErrInvalidTaskType},
		{"no inputs", false, &authenta.JobRequest{TaskType: authenta.AIImageDetection}, authenta.ErrInvalidArgument},
		{"duplicate slot", false, &authenta.JobRequest{TaskType: authenta.AIImageDetection, Inputs: []authenta.Input{img, img}}, authenta.ErrInvalidArgument},
		{"empty slot", false, in(func(i *authenta.Input) { i.Slot = "" }), authenta.ErrInvalidArgument},
		{"zero size", false, in(func(i *authenta.Input) { i.Size = 0 }), authenta.ErrInvalidArgument},
		{"negative size", false, in(func(i *authenta.Input) { i.Size = -5 }), authenta.ErrInvalidArgument},
		{"video for an image task", false, in(func(i *authenta.Input) { i.ContentType = "video/mp4"; i.FileName = "a.mp4" }), authenta.ErrUnsupportedMediaType},
		{"gif for an image task", false, in(func(i *authenta.Input) { i.ContentType = "image/gif" }), authenta.ErrUnsupportedMediaType},
		{"empty content type", false, in(func(i *authenta.Input) { i.ContentType = "" }), authenta.ErrUnsupportedMediaType},
		{"empty file name", false, in(func(i *authenta.Input) { i.FileName = "" }), authenta.ErrInvalidArgument},
		{"path in file name", false, in(func(i *authenta.Input) { i.FileName = "dir/photo.jpg" }), authenta.ErrInvalidArgument},
		{"parent in file name", false, in(func(i *authenta.Input) { i.FileName = "../photo.jpg" }), authenta.ErrInvalidArgument},
		{"absolute file name", false, in(func(i *authenta.Input) { i.FileName = "/tmp/photo.jpg" }), authenta.ErrInvalidArgument},
		{"dot file name", false, in(func(i *authenta.Input) { i.FileName = ".." }), authenta.ErrInvalidArgument},
		{"nil context", true, imageJobRequest(), authenta.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			c := newClient(t, mock)
			ctx := callCtx(t, tt.nilCtx)
			cj, err := c.Jobs.Create(ctx, tt.req)
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, cj)
			assert.Zero(t, mock.GetTotalCallCount(), "nothing is sent")
		})
	}
}

func TestCreateResponseVariants(t *testing.T) {
	t.Parallel()
	fiReq := &authenta.JobRequest{
		TaskType: authenta.FaceIntelligence,
		Inputs: []authenta.Input{
			{Slot: "original", FileName: "selfie.jpg", ContentType: "image/jpeg", Size: 10},
			{Slot: "reference", FileName: "id.jpg", ContentType: "image/jpeg", Size: 20},
		},
		Parameters: map[string]any{"version": "v1", "isSimilarityCheck": true},
	}
	exp := time.Date(2026, 6, 14, 18, 1, 53, 402e6, time.UTC)
	tests := []struct {
		name       string
		req        *authenta.JobRequest
		status     int
		body       string
		id         string
		taskTypeID int
		jobStatus  authenta.Status
		rawStatus  string
		uploads    map[string]string
		expires    map[string]time.Time
	}{
		{"nested job.id string (variant B)", imageJobRequest(), 200,
			`{"job":{"id":"3140","tenantId":"t1","taskTypeId":"1","status":"initiated","cost":1,"result":null},` +
				`"inputs":[{"slotName":"original","uploadUrl":"https://s3.test/o?sig=1","uploadUrlExpiresAt":"2026-06-14T18:01:53.402Z"}]}`,
			"3140", 1, authenta.StatusPending, "initiated",
			map[string]string{"original": "https://s3.test/o?sig=1"}, map[string]time.Time{"original": exp}},
		{"flat jobId number (variant A)", imageJobRequest(), 200,
			`{"jobId":469,"taskTypeId":1,"status":"waiting_for_finalize","createdAt":"2025-12-02T19:39:27.525Z",` +
				`"inputs":[{"slotName":"original","uploadUrl":"https://s3.test/o","contentType":"image/jpeg","fileName":"photo.jpg","sizeBytes":123}]}`,
			"469", 1, authenta.StatusPending, "waiting_for_finalize",
			map[string]string{"original": "https://s3.test/o"}, map[string]time.Time{"original": {}}},
		{"flat jobId above 2^53", imageJobRequest(), 201,
			`{"jobId":9007199254740993,"status":"created","inputs":[{"slotName":"original","uploadUrl":"https://s3.test/o"}]}`,
			"9007199254740993", 1, authenta.StatusPending, "created",
			map[string]string{"original": "https://s3.test/o"}, nil},
		{"nested numeric id above 2^64", imageJobRequest(), 200,
			`{"job":{"id":123456789012345678901234567890,"status":"initiated"},"inputs":[{"slotName":"original","uploadUrl":"https://s3.test/o"}]}`,
			"123456789012345678901234567890", 1, authenta.StatusPending, "initiated",
			map[string]string{"original": "https://s3.test/o"}, nil},
		{"flat id string", imageJobRequest(), 200,
			`{"id":"job_abc","status":"PENDING","inputs":[{"slotName":"original","uploadUrl":"https://s3.test/o"}]}`,
			"job_abc", 1, authenta.StatusPending, "PENDING",
			map[string]string{"original": "https://s3.test/o"}, nil},
		{"reference listed first is matched by slot", fiReq, 200,
			`{"job":{"id":"8"},"inputs":[` +
				`{"slotName":"reference","uploadUrl":"https://s3.test/ref","uploadUrlExpiresAt":"2026-06-14T18:01:53.402Z"},` +
				`{"slotName":"original","uploadUrl":"https://s3.test/orig"}]}`,
			"8", 8, "", "",
			map[string]string{"original": "https://s3.test/orig", "reference": "https://s3.test/ref"},
			map[string]time.Time{"reference": exp, "original": {}}},
		{"unnamed uploads fall back to position", fiReq, 200,
			`{"jobId":"9","inputs":[{"uploadUrl":"https://s3.test/first"},{"uploadUrl":"https://s3.test/second"}]}`,
			"9", 8, "", "",
			map[string]string{"original": "https://s3.test/first", "reference": "https://s3.test/second"}, nil},
		{"input without URL has no upload", fiReq, 200,
			`{"jobId":"10","inputs":[{"slotName":"original","uploadUrl":"https://s3.test/o"},{"slotName":"reference"}]}`,
			"10", 8, "", "",
			map[string]string{"original": "https://s3.test/o"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			mock.RegisterResponder(http.MethodPost, testAPIBase+"/api/v1/jobs", jsonResponder(tt.status, tt.body))
			c := newClient(t, mock)
			cj, err := c.Jobs.Create(t.Context(), tt.req)
			require.NoError(t, err)
			require.NotNil(t, cj.Job)
			assert.Equal(t, tt.id, cj.Job.ID)
			assert.Equal(t, tt.taskTypeID, cj.Job.TaskTypeID)
			assert.Equal(t, tt.jobStatus, cj.Job.Status)
			assert.Equal(t, tt.rawStatus, cj.Job.RawStatus)
			got := map[string]string{}
			for _, u := range cj.Uploads {
				got[u.Slot] = u.URL
			}
			assert.Equal(t, tt.uploads, got)
			for slot, want := range tt.expires {
				u, ok := cj.Upload(slot)
				require.True(t, ok, slot)
				assert.True(t, want.Equal(u.ExpiresAt), "%s expires %v, want %v", slot, u.ExpiresAt, want)
			}
			_, ok := cj.Upload("nope")
			assert.False(t, ok)
			// The job describes the inputs as requested.
			for _, in := range tt.req.Inputs {
				assert.Contains(t, cj.Job.Inputs, in)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Get, Finalize, Cancel, Delete.

type jobCall struct {
	name   string
	method string
	suffix string
	call   func(ctx context.Context, c *authenta.Client, id string) (*authenta.Job, error)
}

var jobCalls = []jobCall{
	{"Get", http.MethodGet, "", func(ctx context.Context, c *authenta.Client, id string) (*authenta.Job, error) {
		return c.Jobs.Get(ctx, id)
	}},
	{"Finalize", http.MethodPost, "/finalize", func(ctx context.Context, c *authenta.Client, id string) (*authenta.Job, error) {
		return c.Jobs.Finalize(ctx, id)
	}},
	{"Cancel", http.MethodPost, "/cancel", func(ctx context.Context, c *authenta.Client, id string) (*authenta.Job, error) {
		return c.Jobs.Cancel(ctx, id)
	}},
	{"Delete", http.MethodDelete, "", func(ctx context.Context, c *authenta.Client, id string) (*authenta.Job, error) {
		return nil, c.Jobs.Delete(ctx, id)
	}},
	{"Wait", http.MethodGet, "", func(ctx context.Context, c *authenta.Client, id string) (*authenta.Job, error) {
		return c.Jobs.Wait(ctx, id, &authenta.WaitOptions{MinInterval: time.Millisecond, MaxInterval: time.Millisecond})
	}},
}

func TestJobIDsRefused(t *testing.T) {
	t.Parallel()
	ids := []string{"", " ", ".", "..", "a/b", "/", "a?b", "a#b", "a b", "a%2Fb", `a\b`, "a\nb", "a\x00b", "\t7"}
	for _, jc := range jobCalls {
		for _, id := range ids {
			t.Run(fmt.Sprintf("%s/%q", jc.name, id), func(t *testing.T) {
				t.Parallel()
				mock := newMock(t)
				c := newClient(t, mock)
				job, err := jc.call(t.Context(), c, id)
				require.ErrorIs(t, err, authenta.ErrInvalidArgument)
				assert.Nil(t, job)
				assert.Zero(t, mock.GetTotalCallCount(), "nothing is sent")
			})
		}
	}
}

func TestJobIDsEscaped(t *testing.T) {
	t.Parallel()
	ids := []string{"7", "9007199254740993", "64a0f0c2e4b0a1b2c3d4e5f6", "job:1", "ü-1", "a+b", "a@b", "a;b", "...a"}
	for _, jc := range jobCalls {
		for _, id := range ids {
			t.Run(jc.name+"/"+id, func(t *testing.T) {
				t.Parallel()
				mock := httpmock.NewMockTransport()
				var log reqLog
				mock.RegisterNoResponder(script(&log, jsonResponder(200, `{"status":"completed"}`)))
				c := newClient(t, mock)
				job, err := jc.call(t.Context(), c, id)
				require.NoError(t, err)
				reqs := log.list()
				require.Len(t, reqs, 1)
				r := reqs[0]
				assert.Equal(t, jc.method, r.Method)
				assert.Equal(t, "/api/v1/jobs/"+url.PathEscape(id)+jc.suffix, r.URL.EscapedPath())
				assert.Equal(t, "api.authenta.test", r.URL.Host)
				if jc.name != "Delete" {
					require.NotNil(t, job)
					assert.Equal(t, id, job.ID, "an answer without an id keeps the one asked for")
				}
			})
		}
	}
}

func TestJobCallResponses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		call     jobCall
		resp     httpmock.Responder
		wantErr  error
		wantJob  *authenta.Job
		anyError bool
	}{
		{"Delete 204 empty body", jobCalls[3], httpmock.NewStringResponder(204, ""), nil, nil, false},
		{"Delete 200 with body", jobCalls[3], jsonResponder(200, `{"message":"deleted"}`), nil, nil, false},
		{"Delete 202 without body", jobCalls[3], httpmock.NewStringResponder(202, ""), nil, nil, false},
		{"Delete 404", jobCalls[3], jsonResponder(404, `{"code":"JOB_NOT_FOUND","message":"Job with ID 7 does not exist"}`), authenta.ErrJobNotFound, nil, false},
		{"Finalize 200 empty body", jobCalls[1], httpmock.NewStringResponder(200, ""), nil, &authenta.Job{ID: "7"}, false},
		{"Finalize 200 queued", jobCalls[1], jsonResponder(200, `{"jobId":7,"taskTypeId":1,"status":"queued","message":"Job successfully queued for processing"}`), nil,
			&authenta.Job{ID: "7", TaskTypeID: 1, Status: authenta.StatusQueued, RawStatus: "queued", Message: "Job successfully queued for processing"}, false},
		{"Finalize twice 400", jobCalls[1], jsonResponder(400, `{"message":"Job not found or already finalized"}`), nil, nil, true},
		{"Finalize 402", jobCalls[1], jsonResponder(402, `{"code":"INSUFFICIENT_BALANCE","message":"top up"}`), authenta.ErrInsufficientBalance, nil, false},
		{"Cancel 200", jobCalls[2], jsonResponder(200, `{"id":"7","status":"canceled"}`), nil, &authenta.Job{ID: "7", Status: authenta.StatusCancelled, RawStatus: "canceled"}, false},
		{"Cancel 409", jobCalls[2], jsonResponder(409, `{"message":"job is processing"}`), authenta.ErrConflict, nil, false},
		{"Cancel 422", jobCalls[2], jsonResponder(422, `{"message":"invalid state"}`), authenta.ErrConflict, nil, false},
		{"Get 200 null", jobCalls[0], jsonResponder(200, `null`), nil, &authenta.Job{ID: "7"}, false},
		{"Get 404", jobCalls[0], jsonResponder(404, `{}`), authenta.ErrJobNotFound, nil, false},
		{"Get 401", jobCalls[0], jsonResponder(401, `{"code":"INVALID_API_KEY"}`), authenta.ErrInvalidAPIKey, nil, false},
		{"Get 200 not JSON", jobCalls[0], httpmock.NewStringResponder(200, "<html>maintenance</html>"), nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			mock.RegisterResponder(tt.call.method, jobURL("7", tt.call.suffix), tt.resp)
			c := newClient(t, mock)
			job, err := tt.call.call(t.Context(), c, "7")
			switch {
			case tt.wantErr != nil:
				require.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, job)
			case tt.anyError:
				require.Error(t, err)
				assert.Nil(t, job)
			default:
				require.NoError(t, err)
				if tt.wantJob == nil {
					assert.Nil(t, job)
				} else {
					require.NotNil(t, job)
					got := *job
					got.Raw = nil // the answer as sent: checked by TestJobUnmarshalVariants
					assert.Equal(t, tt.wantJob, &got)
				}
			}
			assert.Equal(t, 1, mock.GetTotalCallCount())
		})
	}
}

// ---------------------------------------------------------------------------
// List.

func TestListEnvelopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                      string
		opts                      *authenta.ListOptions
		body                      string
		ids                       []string
		page, limit, total, pages int
	}{
		{"data and pagination", &authenta.ListOptions{Page: 2, Limit: 2},
			`{"data":[{"jobId":1,"status":"completed"},{"jobId":"2"}],"pagination":{"page":2,"limit":2,"total":5,"pages":3}}`,
			[]string{"1", "2"}, 2, 2, 5, 3},
		{"items, total, page, pageSize", nil,
			`{"items":[{"id":"a"},{"id":"b"},{"id":"c"}],"total":7,"page":1,"pageSize":3}`,
			[]string{"a", "b", "c"}, 1, 3, 7, 0},
		{"legacy limit, offset, total, data", &authenta.ListOptions{Page: 3, Limit: 10},
			`{"limit":10,"offset":20,"total":25,"data":[{"mid":"64a0f0c2e4b0a1b2c3d4e5f6","status":"PROCESSED"}]}`,
			[]string{"64a0f0c2e4b0a1b2c3d4e5f6"}, 3, 10, 25, 0},
		{"bare array", &authenta.ListOptions{Page: 4},
			`[{"jobId":1},{"jobId":9007199254740993},"junk",null]`,
			[]string{"1", "9007199254740993"}, 4, 0, 0, 0},
		{"jobs key, numbers as strings", nil,
			`{"jobs":[{"id":"x"}],"meta":{"page":"1","limit":"20","total":"1","totalPages":"1"}}`,
			[]string{"x"}, 1, 20, 1, 1},
		{"empty", nil, `{"data":[],"pagination":{"page":1,"limit":20,"total":0,"pages":0}}`, nil, 1, 20, 0, 0},
		{"empty body", nil, ``, nil, 1, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			mock.RegisterResponder(http.MethodGet, testAPIBase+"/api/v1/jobs", jsonResponder(200, tt.body))
			c := newClient(t, mock)
			l, err := c.Jobs.List(t.Context(), tt.opts)
			require.NoError(t, err)
			var ids []string
			for _, j := range l.Jobs {
				ids = append(ids, j.ID)
			}
			assert.Equal(t, tt.ids, ids)
			assert.Equal(t, tt.page, l.Page, "page")
			assert.Equal(t, tt.limit, l.Limit, "limit")
			assert.Equal(t, tt.total, l.Total, "total")
			assert.Equal(t, tt.pages, l.Pages, "pages")
		})
	}
}

func TestListQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *authenta.ListOptions
		want url.Values
	}{
		{"nil options", nil, url.Values{"page": {"1"}}},
		{"zero options", &authenta.ListOptions{}, url.Values{"page": {"1"}}},
		{"page and limit", &authenta.ListOptions{Page: 3, Limit: 25}, url.Values{"page": {"3"}, "limit": {"25"}}},
		{"max limit and status", &authenta.ListOptions{Limit: 100, Status: authenta.StatusCompleted}, url.Values{"page": {"1"}, "limit": {"100"}, "status": {"completed"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var log reqLog
			mock.RegisterResponder(http.MethodGet, testAPIBase+"/api/v1/jobs", script(&log, jsonResponder(200, `{"data":[]}`)))
			c := newClient(t, mock)
			var before authenta.ListOptions
			if tt.opts != nil {
				before = *tt.opts
			}
			_, err := c.Jobs.List(t.Context(), tt.opts)
			require.NoError(t, err)
			require.Equal(t, 1, log.count())
			r := log.list()[0]
			assert.Equal(t, "/api/v1/jobs", r.URL.Path)
			assert.Equal(t, tt.want, r.URL.Query())
			if tt.opts != nil {
				assert.Equal(t, before, *tt.opts, "opts not modified")
			}
		})
	}
}

func TestListInvalidSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []*authenta.ListOptions{{Limit: 101}, {Limit: -1}, {Page: -1}, {Page: -3, Limit: 1000}}
	for _, opts := range tests {
		t.Run(fmt.Sprintf("%+v", *opts), func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			c := newClient(t, mock)
			_, err := c.Jobs.List(t.Context(), opts)
			require.ErrorIs(t, err, authenta.ErrInvalidArgument)
			n := 0
			for _, err := range c.Jobs.All(t.Context(), opts) {
				require.ErrorIs(t, err, authenta.ErrInvalidArgument)
				n++
			}
			assert.Equal(t, 1, n, "All yields the error once")
			assert.Zero(t, mock.GetTotalCallCount())
		})
	}
}

// ---------------------------------------------------------------------------
// All.

// pagedJobs serves total jobs "1".."total" by page and limit, in one of
// the envelope styles; errPage, when > 0, fails with a 400.
type pagedJobs struct {
	total     int
	style     string // "meta" (data+pagination), "total" (items+total), "bare" (array), "ignore-page" (bare, always page 1), "server-limit" (server caps limit)
	serverCap int
	errPage   int
}

func (p pagedJobs) responder(log *reqLog) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		log.add(r)
		if log.count() > 50 {
			// An iteration that never stops fails instead of hanging.
			return httpmock.NewStringResponse(400, `{"code":"TOO_MANY_PAGES"}`), nil
		}
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		if limit == 0 {
			limit = 20
		}
		if p.serverCap > 0 {
			limit = min(limit, p.serverCap)
		}
		if p.style == "ignore-page" {
			page = 1
		}
		if page == p.errPage {
			return httpmock.NewStringResponse(400, `{"code":"BAD_PAGE","message":"bad page"}`), nil
		}
		var items []string
		for i := (page-1)*limit + 1; i <= min(page*limit, p.total); i++ {
			items = append(items, fmt.Sprintf(`{"id":"%d"}`, i))
		}
		arr := "[" + strings.Join(items, ",") + "]"
		pages := (p.total + limit - 1) / limit
		var body string
		switch p.style {
		case "meta", "server-limit":
			body = fmt.Sprintf(`{"data":%s,"pagination":{"page":%d,"limit":%d,"total":%d,"pages":%d}}`, arr, page, limit, p.total, pages)
		case "total":
			body = fmt.Sprintf(`{"items":%s,"total":%d,"page":%d,"pageSize":%d}`, arr, p.total, page, limit)
		default:
			body = arr
		}
		return httpmock.NewStringResponse(200, body), nil
	}
}

func TestAllPaging(t *testing.T) {
	t.Parallel()
	ids := func(from, to int) []string {
		var s []string
		for i := from; i <= to; i++ {
			s = append(s, strconv.Itoa(i))
		}
		return s
	}
	tests := []struct {
		name      string
		server    pagedJobs
		opts      *authenta.ListOptions
		want      []string
		wantPages []string // the page parameter of each request
	}{
		{"stops on a short page", pagedJobs{total: 7, style: "bare"}, &authenta.ListOptions{Limit: 3}, ids(1, 7), []string{"1", "2", "3"}},
		{"stops on an empty page", pagedJobs{total: 6, style: "bare"}, &authenta.ListOptions{Limit: 3}, ids(1, 6), []string{"1", "2", "3"}},
		{"stops at page >= pages", pagedJobs{total: 6, style: "meta"}, &authenta.ListOptions{Limit: 3}, ids(1, 6), []string{"1", "2"}},
		{"stops at total", pagedJobs{total: 6, style: "total"}, &authenta.ListOptions{Limit: 3}, ids(1, 6), []string{"1", "2"}},
		{"server repeats the same page", pagedJobs{total: 10, style: "ignore-page"}, &authenta.ListOptions{Limit: 3}, ids(1, 3), []string{"1", "2"}},
		{"server caps the page size", pagedJobs{total: 5, style: "server-limit", serverCap: 2}, nil, ids(1, 5), []string{"1", "2", "3"}},
		{"default limit is the maximum", pagedJobs{total: 150, style: "bare"}, nil, ids(1, 150), []string{"1", "2"}},
		{"starts at opts.Page", pagedJobs{total: 7, style: "meta"}, &authenta.ListOptions{Page: 2, Limit: 3}, ids(4, 7), []string{"2", "3"}},
		{"no jobs", pagedJobs{total: 0, style: "meta"}, nil, nil, []string{"1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var log reqLog
			mock.RegisterResponder(http.MethodGet, testAPIBase+"/api/v1/jobs", tt.server.responder(&log))
			c := newClient(t, mock)
			var before authenta.ListOptions
			if tt.opts != nil {
				before = *tt.opts
			}
			var got []string
			for job, err := range c.Jobs.All(t.Context(), tt.opts) {
				require.NoError(t, err)
				got = append(got, job.ID)
			}
			assert.Equal(t, tt.want, got)
			var pages []string
			for _, r := range log.list() {
				pages = append(pages, r.URL.Query().Get("page"))
			}
			assert.Equal(t, tt.wantPages, pages)
			if tt.opts != nil {
				assert.Equal(t, before, *tt.opts, "opts not modified")
			}
		})
	}
}

func TestAllIsLazy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		breakAt  int
		requests int
	}{
		{"break after the 3rd job of page 1", 3, 1},
		{"break after the last job of page 1", 5, 1},
		{"break after the 1st job of page 2", 6, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var log reqLog
			mock.RegisterResponder(http.MethodGet, testAPIBase+"/api/v1/jobs", pagedJobs{total: 20, style: "meta"}.responder(&log))
			c := newClient(t, mock)
			seq := c.Jobs.All(t.Context(), &authenta.ListOptions{Limit: 5})
			assert.Zero(t, log.count(), "nothing is fetched before the loop")
			n := 0
			for _, err := range seq {
				require.NoError(t, err)
				n++
				if n == tt.breakAt {
					break
				}
			}
			assert.Equal(t, tt.requests, log.count())
		})
	}
}

func TestAllErrorYieldedOnce(t *testing.T) {
	t.Parallel()
	mock := newMock(t)
	var log reqLog
	mock.RegisterResponder(http.MethodGet, testAPIBase+"/api/v1/jobs", pagedJobs{total: 20, style: "meta", errPage: 2}.responder(&log))
	c := newClient(t, mock)
	var got []string
	var errs []error
	// The loop body keeps going after the error: the iterator must stop.
	for job, err := range c.Jobs.All(t.Context(), &authenta.ListOptions{Limit: 3}) {
		if err != nil {
			errs = append(errs, err)
			assert.Nil(t, job)
			continue
		}
		got = append(got, job.ID)
	}
	assert.Equal(t, []string{"1", "2", "3"}, got)
	require.Len(t, errs, 1)
	var ae *authenta.APIError
	require.ErrorAs(t, errs[0], &ae)
	assert.Equal(t, "BAD_PAGE", ae.Code)
	assert.Equal(t, 2, log.count())
}

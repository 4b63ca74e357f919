package authentatest

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFailSequence(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	id := readyJob(t, srv)
	srv.Fail("GET /api/v1/jobs/{id}", 503, 503)
	srv.Fail("get", 500)
	assert.Equal(t, 3, srv.PendingFaults(RouteGet))

	for i, want := range []int{503, 503, 500, 200, 200} {
		r := call(t, srv, "GET", jobURL(srv, id, ""), DefaultAPIKey, nil)
		require.Equal(t, want, r.Status, "request %d", i)
		if want != 200 {
			e := r.JSON(t)
			assert.EqualValues(t, want, e["statusCode"])
			assert.Contains(t, []string{"SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR"}, e["code"])
		}
	}
	assert.Zero(t, srv.PendingFaults(RouteGet))
	reqs := srv.RequestsTo(RouteGet)
	require.Len(t, reqs, 5)
	for i, q := range reqs {
		assert.Equal(t, i < 3, q.Fault, "request %d", i)
		assert.Equal(t, id, q.JobID)
	}
	info, _ := srv.Job(id)
	assert.Equal(t, 2, info.Polls, "faulted requests never reach the job")
}

func TestFaultsComeFirst(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	srv.Fail(RouteCreate, 429)
	// No key at all, and still the injected answer: faults come before auth.
	r := call(t, srv, "POST", srv.URL+"/api/v1/jobs", "", `{}`)
	assert.Equal(t, 429, r.Status)
	r = call(t, srv, "POST", srv.URL+"/api/v1/jobs", "", `{}`)
	assert.Equal(t, 401, r.Status)
}

func TestFaultBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		route    Route
		fault    Fault
		wantCT   string
		wantBody string
		wantHdr  [2]string
	}{
		{"json", RouteList, Fault{Status: 502}, "application/json", `"code":"BAD_GATEWAY"`, [2]string{}},
		{"retry after", RouteList, Fault{Status: 429, RetryAfter: "2"}, "application/json", `"statusCode":429`, [2]string{"Retry-After", "2"}},
		{"html", RouteList, Fault{Status: 403, Body: BodyHTML}, "text/html", "<h1>Error 403</h1>", [2]string{}},
		{"text", RouteList, Fault{Status: 502, Body: BodyText}, "text/plain", "upstream connect error", [2]string{}},
		{"empty", RouteList, Fault{Status: 504, Body: BodyEmpty}, "", "", [2]string{}},
		{"raw", RouteList, Fault{Status: 500, RawBody: "<<not json>>", ContentType: "application/json"}, "application/json", "<<not json>>", [2]string{}},
		{"xml on the API", RouteList, Fault{Status: 500, Body: BodyXML}, "application/xml", "<Code>InternalError</Code>", [2]string{}},
		{"header", RouteList, Fault{Status: 503, Header: http.Header{"X-Request-Id": {"req-42"}}}, "application/json", "SERVICE_UNAVAILABLE", [2]string{"X-Request-Id", "req-42"}},
		{"storage xml", RouteDownload, Fault{Status: 503}, "application/xml", "<Code>SlowDown</Code>", [2]string{}},
		{"storage json", RouteDownload, Fault{Status: 500, Body: BodyJSON}, "application/json", `"statusCode":500`, [2]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := NewServer(t)
			url := srv.URL + "/api/v1/jobs"
			if tt.route == RouteDownload {
				_, job := completedJob(t, srv, []byte("x"))
				url = artifactURL(t, job, "result")
			}
			srv.Inject(tt.route, tt.fault)
			r := call(t, srv, "GET", url, DefaultAPIKey, nil)
			assert.Equal(t, tt.fault.Status, r.Status)
			if tt.route == RouteDownload {
				r = callAuth(t, srv, "GET", url, "", nil) // the fault is used up
				assert.Equal(t, 200, r.Status)
				return
			}
			assert.Contains(t, r.Header.Get("Content-Type"), tt.wantCT)
			assert.Contains(t, string(r.Body), tt.wantBody)
			if tt.wantBody == "" {
				assert.Empty(t, r.Body)
			}
			if tt.wantHdr[0] != "" {
				assert.Equal(t, tt.wantHdr[1], r.Header.Get(tt.wantHdr[0]))
			}
		})
	}
}

// freshClient never reuses a connection, so net/http does not retry a
// dropped request on its own.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func TestConnectionFaults(t *testing.T) {
	t.Parallel()
	t.Run("drop", func(t *testing.T) {
		t.Parallel()
		srv := NewServer(t)
		srv.Inject(RouteList, Fault{Conn: Drop})
		_, err := freshClient().Get(srv.URL + "/api/v1/jobs")
		require.Error(t, err)
		assert.ErrorIs(t, err, io.EOF)
		reqs := srv.Requests()
		require.Len(t, reqs, 1)
		assert.True(t, reqs[0].Dropped)
		assert.True(t, reqs[0].Fault)
		assert.Zero(t, reqs[0].Status)
	})
	t.Run("reset", func(t *testing.T) {
		t.Parallel()
		srv := NewServer(t)
		srv.Inject(RouteList, Fault{Conn: Reset})
		_, err := freshClient().Get(srv.URL + "/api/v1/jobs")
		require.Error(t, err)
		assert.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF), "%v", err)
	})
	t.Run("drop mid-upload", func(t *testing.T) {
		t.Parallel()
		srv := NewServer(t)
		id, urls := createRaw(t, srv, "1", nil, imageInput(1<<20))
		srv.Inject(RouteUpload, Fault{Conn: Drop, DropAfter: 1000})
		req, err := http.NewRequest("PUT", urls["original"], strings.NewReader(strings.Repeat("a", 1<<20)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "image/jpeg")
		_, err = freshClient().Do(req)
		require.Error(t, err)
		q := srv.RequestsTo(RouteUpload)
		require.Len(t, q, 1)
		assert.GreaterOrEqual(t, q[0].BodyBytes, int64(1000))
		assert.Less(t, q[0].BodyBytes, int64(1<<20))
		_, ok := srv.Upload(id, "original")
		assert.False(t, ok, "a dropped request is not handled")
	})
	t.Run("drop response", func(t *testing.T) {
		t.Parallel()
		srv := NewServer(t)
		srv.Inject(RouteCreate, Fault{Conn: DropResponse})
		req, err := http.NewRequest("POST", srv.URL+"/api/v1/jobs", strings.NewReader(
			`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"a.jpg","sizeBytes":1}]}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
		_, err = freshClient().Do(req)
		require.Error(t, err)
		assert.Len(t, srv.Jobs(), 1, "the job was created all the same")
		q := srv.Requests()
		require.Len(t, q, 1)
		assert.Equal(t, 200, q[0].Status, "what the handler answered")
		assert.True(t, q[0].Dropped)
	})
}

func TestLatency(t *testing.T) {
	t.Parallel()
	const d = 100 * time.Millisecond
	srv := NewServer(t, WithLatency(RouteList, d))
	start := time.Now()
	assert.Equal(t, 200, call(t, srv, "GET", srv.URL+"/api/v1/jobs", DefaultAPIKey, nil).Status)
	assert.GreaterOrEqual(t, time.Since(start), d)

	srv.SetLatency(RouteList, 0)
	srv.SetLatency(RouteAll, d/2)
	srv.Inject(RouteGet, Fault{Delay: d / 2})
	start = time.Now()
	assert.Equal(t, 404, call(t, srv, "GET", jobURL(srv, "1", ""), DefaultAPIKey, nil).Status)
	assert.GreaterOrEqual(t, time.Since(start), d, "route latency plus the fault's delay")
	q := srv.RequestsTo(RouteGet)
	require.Len(t, q, 1)
	assert.False(t, q[0].Fault, "a delay alone does not decide the answer")

	srv.SetLatency(RouteAll, 0)
	call(t, srv, "GET", srv.URL+"/api/v1/jobs", DefaultAPIKey, nil)
	q = srv.RequestsTo(RouteList)
	require.Len(t, q, 2)
	assert.GreaterOrEqual(t, q[0].Duration, d, "recorded with its delay")
	assert.Less(t, q[1].Duration, d, "no delay any more")
}

func TestCloseDuringLatency(t *testing.T) {
	t.Parallel()
	srv, err := Start(WithLatency(RouteAll, time.Minute))
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := srv.HTTPClient().Get(srv.URL + "/api/v1/jobs")
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the request arrive and start waiting
	start := time.Now()
	srv.Close()
	srv.Close() // idempotent
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Error(t, <-done)
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	for short, want := range map[string]Route{
		"create": RouteCreate, "finalize": RouteFinalize, "GET": RouteGet, "fetch": "", "get": RouteGet, "list": RouteList,
		"cancel": RouteCancel, "delete": RouteDelete, "upload": RouteUpload, "download": RouteDownload,
		"POST /api/v1/jobs": RouteCreate, "get /api/v1/jobs/{id}": RouteGet, "*": RouteAll,
	} {
		r, err := ParseRoute(short)
		if want == "" {
			assert.Error(t, err, short)
			continue
		}
		require.NoError(t, err, short)
		assert.Equal(t, want, r)
	}
	srv := NewServer(t)
	assert.Panics(t, func() { srv.Fail("GET /nowhere", 500) })
	assert.Panics(t, func() { srv.Fail(RouteAll, 500) })
	srv.Fail(RouteCancel, 500)
	srv.ClearFaults()
	assert.Zero(t, srv.PendingFaults(RouteCancel))
}

func TestRecording(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	id, urls := createRaw(t, srv, "1", nil, imageInput(8))
	require.Equal(t, 200, put(t, srv, urls["original"], "image/jpeg", make([]byte, 8), nil).Status)
	require.Equal(t, 401, call(t, srv, "GET", srv.URL+"/api/v1/jobs?page=2&limit=5", "api_wrong_key_123", nil).Status)
	require.Equal(t, 200, call(t, srv, "GET", srv.URL+"/api/v1/jobs?page=2&limit=5", DefaultAPIKey, nil).Status)

	reqs := srv.Requests()
	require.Len(t, reqs, 4)
	create, upload, denied, list := reqs[0], reqs[1], reqs[2], reqs[3]

	assert.Equal(t, 1, create.Seq)
	assert.Equal(t, HostAPI, create.Host)
	assert.Equal(t, RouteCreate, create.Route)
	assert.Equal(t, "/api/v1/jobs", create.Path)
	assert.True(t, create.HadAuth)
	assert.True(t, create.AuthValid)
	assert.Empty(t, create.Header.Get("Authorization"), "never kept")
	assert.Equal(t, "application/json", create.Header.Get("Content-Type"))
	assert.Equal(t, create.ContentLength, create.BodyBytes)
	assert.Contains(t, string(create.Body), `"taskTypeId":"1"`)
	assert.Equal(t, 200, create.Status)

	assert.Equal(t, HostStorage, upload.Host)
	assert.Equal(t, RouteUpload, upload.Route)
	assert.Equal(t, id, upload.JobID)
	assert.False(t, upload.HadAuth)
	assert.EqualValues(t, 8, upload.ContentLength)
	assert.EqualValues(t, 8, upload.BodyBytes)
	assert.Empty(t, upload.Body, "storage bodies are not kept")
	assert.Empty(t, upload.TransferEncoding)
	assert.NotEmpty(t, upload.Query.Get("X-Amz-Signature"))
	assert.NotContains(t, upload.Path, "?")

	assert.True(t, denied.HadAuth)
	assert.False(t, denied.AuthValid)
	assert.Equal(t, 401, denied.Status)

	assert.Equal(t, RouteList, list.Route)
	assert.Equal(t, "2", list.Query.Get("page"))
	assert.Equal(t, "5", list.Query.Get("limit"))
	assert.Equal(t, 4, list.Seq)

	assert.Equal(t, 2, srv.Count(RouteList))
	assert.Equal(t, 1, srv.CountJob(RouteUpload, id))
	assert.Equal(t, 4, srv.Count(RouteAll))
	assert.Len(t, srv.RequestsTo(RouteAll), 4)
	srv.ResetRequests()
	assert.Zero(t, srv.Count(RouteAll))
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, WithSchedule(Steps(0, 0)))
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- rawLifecycle(srv)
		}()
	}
	// The test inspects the server while the clients run.
	for i := 0; i < 20; i++ {
		_ = srv.Requests()
		_ = srv.Jobs()
		_ = srv.Uploads()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Len(t, srv.Jobs(), n)
	assert.Equal(t, n, srv.Count(RouteCreate))
	seqs := map[int]bool{}
	for _, q := range srv.Requests() {
		seqs[q.Seq] = true
	}
	assert.Len(t, seqs, srv.Count(RouteAll), "sequence numbers are unique")
	for _, j := range srv.Jobs() {
		assert.Equal(t, "completed", string(j.Status))
	}
}

// rawLifecycle runs a job from create to completed with raw requests; it
// returns errors rather than failing, for use off the test goroutine.
func rawLifecycle(srv *Server) error {
	hc := srv.HTTPClient()
	do := func(method, url, ct string, body string, key bool) (*http.Response, string, error) {
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		if err != nil {
			return nil, "", err
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if key {
			req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
		}
		resp, err := hc.Do(req)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, string(b), err
	}
	resp, body, err := do("POST", srv.URL+"/api/v1/jobs", "application/json",
		`{"taskTypeId":"1","inputs":[{"slotName":"original","contentType":"image/png","fileName":"a.png","sizeBytes":3}]}`, true)
	if err != nil || resp.StatusCode != 200 {
		return errors.New("create: " + body)
	}
	id := between(body, `"id":"`, `"`)
	upload := strings.ReplaceAll(between(body, `"uploadUrl":"`, `"`), `\u0026`, "&")
	if resp, body, err = do("PUT", upload, "image/png", "abc", false); err != nil || resp.StatusCode != 200 {
		return errors.New("upload: " + body)
	}
	if resp, body, err = do("POST", srv.URL+"/api/v1/jobs/"+id+"/finalize", "", "", true); err != nil || resp.StatusCode != 200 {
		return errors.New("finalize: " + body)
	}
	if resp, body, err = do("GET", srv.URL+"/api/v1/jobs/"+id, "", "", true); err != nil || resp.StatusCode != 200 {
		return errors.New("get: " + body)
	}
	if !strings.Contains(body, `"status":"completed"`) {
		return errors.New("not completed: " + body)
	}
	return nil
}

func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}

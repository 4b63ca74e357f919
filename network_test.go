package authenta_test

// Nothing lost on a flaky network (issue 7): a response body cut by the
// network is a connection error like any other, read inside the retry
// decision; a stalled body is bounded by idle time; a completed job is
// never removed; a create without a job id is an error. The faults are
// real: a proxy or server that hijacks the connection and closes it (EOF)
// or resets it (RST) half way through a body, or stops writing.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// cutMode says how a response is cut.
type cutMode int

const (
	cutNone  cutMode = iota
	cutEOF           // half the body, then the connection is closed
	cutReset         // half the body, then the connection is reset (RST)
	cutStall         // half the body, then nothing until the client hangs up
)

func (m cutMode) String() string {
	return [...]string{"none", "EOF", "reset", "stall"}[m]
}

// writeCut answers on a hijacked connection with the status, headers and
// full Content-Length of a complete answer, sends half of body and ends as
// mode says.
func writeCut(w http.ResponseWriter, status int, header http.Header, body []byte, mode cutMode) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	fmt.Fprintf(brw, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	for k, vs := range header {
		if k == "Content-Length" || k == "Transfer-Encoding" || k == "Connection" {
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(brw, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(brw, "Content-Length: %d\r\n\r\n", len(body))
	_, _ = brw.Write(body[:len(body)/2])
	_ = brw.Flush()
	switch mode {
	case cutReset:
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
	case cutStall:
		// Wait for the client to give up and close its end.
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, _ = io.Copy(io.Discard, conn)
	}
}

// cutProxy forwards every request to upstream and cuts the answers that
// cut chooses.
type cutProxy struct {
	upstream string
	client   *http.Client
	cut      func(r *http.Request) cutMode
}

func newCutProxy(t *testing.T, upstream string, client *http.Client, cut func(r *http.Request) cutMode) *httptest.Server {
	t.Helper()
	p := &cutProxy{upstream: upstream, client: client, cut: cut}
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	return ts
}

func (p *cutProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	in, _ := io.ReadAll(r.Body)
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(in))
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	resp, err := p.client.Do(out)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if mode := p.cut(r); mode != cutNone && len(body) >= 2 {
		writeCut(w, resp.StatusCode, resp.Header, body, mode)
		return
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

// cutFirst returns a cut function that cuts, with mode, the first n
// requests for which match is true.
func cutFirst(n int32, mode cutMode, match func(r *http.Request) bool) func(*http.Request) cutMode {
	var seen atomic.Int32
	return func(r *http.Request) cutMode {
		if match(r) && seen.Add(1) <= n {
			return mode
		}
		return cutNone
	}
}

func isPoll(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/jobs/")
}

func isCreate(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/api/v1/jobs"
}

func newTestJob(t *testing.T, c *authenta.Client) *authenta.CreatedJob {
	t.Helper()
	cj, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{
		TaskType: authenta.AIImageDetection,
		Inputs:   []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.jpg", ContentType: "image/jpeg", Size: 10}},
	})
	require.NoError(t, err)
	return cj
}

// A GET whose 200 body is cut, by EOF or reset, is retried like any other
// connection error.
func TestGetCutBodyIsRetried(t *testing.T) {
	t.Parallel()
	for _, mode := range []cutMode{cutEOF, cutReset} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t)
			proxy := newCutProxy(t, srv.URL, srv.HTTPClient(), cutFirst(2, mode, isPoll))
			c := srv.Client(authenta.WithBaseURL(proxy.URL))
			cj := newTestJob(t, c)

			job, err := c.Jobs.Get(t.Context(), cj.Job.ID)
			require.NoError(t, err, "two cut answers are within the three retries")
			assert.Equal(t, cj.Job.ID, job.ID)
			assert.Equal(t, 3, srv.Count(authentatest.RouteGet), "two cut answers and the whole one")

			// Without retries the cut is the call's error, a clear one.
			proxy2 := newCutProxy(t, srv.URL, srv.HTTPClient(), cutFirst(1, mode, isPoll))
			c2 := srv.Client(authenta.WithBaseURL(proxy2.URL), authenta.WithMaxRetries(0))
			_, err = c2.Jobs.Get(t.Context(), cj.Job.ID)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "response body")
		})
	}
}

// A poll whose body is cut is a transient error: Wait goes on, even when
// the client does not retry at all.
func TestWaitGoesOnAfterCutPolls(t *testing.T) {
	t.Parallel()
	for _, mode := range []cutMode{cutEOF, cutReset} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(1, 1)))
			proxy := newCutProxy(t, srv.URL, srv.HTTPClient(), cutFirst(3, mode, isPoll))
			c := srv.Client(authenta.WithBaseURL(proxy.URL), authenta.WithMaxRetries(0))
			cj := newTestJob(t, c)
			require.NoError(t, c.Jobs.Upload(t.Context(), cj.Uploads[0], bytes.NewReader(make([]byte, 10)), 10, "image/jpeg"))
			_, err := c.Jobs.Finalize(t.Context(), cj.Job.ID)
			require.NoError(t, err)

			job, err := c.Jobs.Wait(t.Context(), cj.Job.ID, fastWait)
			require.NoError(t, err)
			assert.Equal(t, authenta.StatusCompleted, job.Status)
			assert.Greater(t, srv.Count(authentatest.RouteGet), 3)
		})
	}
}

// Detect over a network that cuts its polls keeps the job and succeeds:
// the paid-for job is never cancelled or deleted.
func TestDetectSurvivesCutPolls(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(1, 1)))
	proxy := newCutProxy(t, srv.URL, srv.HTTPClient(), cutFirst(4, cutReset, isPoll))
	c := srv.Client(authenta.WithBaseURL(proxy.URL), authenta.WithMaxRetries(1))
	path, _ := faultImage(t, 1<<10)

	d, err := c.Detect(t.Context(), authenta.AIImageDetection, path, &authenta.DetectOptions{Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, authenta.StatusCompleted, d.Job.Status)
	assert.Zero(t, srv.Count(authentatest.RouteCancel))
	assert.Zero(t, srv.Count(authentatest.RouteDelete))
}

// A create whose answer is cut has reached the server: the job exists. It
// is never sent again, and the error says what happened.
func TestCreateCutAnswerIsNotResent(t *testing.T) {
	t.Parallel()
	for _, mode := range []cutMode{cutEOF, cutReset} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t)
			proxy := newCutProxy(t, srv.URL, srv.HTTPClient(), cutFirst(1, mode, isCreate))
			c := srv.Client(authenta.WithBaseURL(proxy.URL))
			path, _ := faultImage(t, 1<<10)

			_, err := c.Detect(t.Context(), authenta.AIImageDetection, path, &authenta.DetectOptions{Wait: fastWait})
			var se *authenta.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, authenta.StepCreate, se.Step)
			assert.Contains(t, err.Error(), "created")
			assert.Contains(t, err.Error(), "id is unknown")
			t.Log(err)
			assert.Equal(t, 1, srv.Count(authentatest.RouteCreate), "a create that reached the server is never resent")
			assert.Len(t, srv.Jobs(), 1, "the server made the job")
		})
	}
}

// A finalize whose answer is cut has queued the job: Detect waits for it
// instead of removing it, and does not send it again.
func TestDetectGoesOnAfterCutFinalize(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(0, 1)))
	isFinalize := func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/finalize")
	}
	proxy := newCutProxy(t, srv.URL, srv.HTTPClient(), cutFirst(1, cutReset, isFinalize))
	c := srv.Client(authenta.WithBaseURL(proxy.URL))
	path, _ := faultImage(t, 1<<10)

	d, err := c.Detect(t.Context(), authenta.AIImageDetection, path, &authenta.DetectOptions{Wait: fastWait})
	require.NoError(t, err)
	assert.Equal(t, authenta.StatusCompleted, d.Job.Status)
	assert.Equal(t, 1, srv.Count(authentatest.RouteFinalize), "never resent")
	assert.Zero(t, srv.Count(authentatest.RouteDelete))

	// Finalize called on its own says the request reached the server.
	cj := newTestJob(t, c)
	require.NoError(t, c.Jobs.Upload(t.Context(), cj.Uploads[0], bytes.NewReader(make([]byte, 10)), 10, "image/jpeg"))
	proxy2 := newCutProxy(t, srv.URL, srv.HTTPClient(), cutFirst(1, cutEOF, isFinalize))
	c2 := srv.Client(authenta.WithBaseURL(proxy2.URL))
	_, err = c2.Jobs.Finalize(t.Context(), cj.Job.ID)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reached the server")
}

// A body that stops arriving, with no deadline on the context, ends after
// the read idle timeout (and is retried, being a GET).
func TestStalledBodyIsBoundedByIdleTime(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	proxy := newCutProxy(t, srv.URL, srv.HTTPClient(), cutFirst(10, cutStall, isPoll))
	c := srv.Client(authenta.WithBaseURL(proxy.URL), authenta.WithMaxRetries(1), authenta.WithReadIdleTimeout(100*time.Millisecond))
	cj := newTestJob(t, c)

	ctx, cancel := context.WithCancel(context.Background()) // no deadline
	defer cancel()
	took, err := returnsWithin(t, 10*time.Second, cancel, func() error {
		_, err := c.Jobs.Get(ctx, cj.Job.ID)
		return err
	})
	t.Logf("gave up after %v: %v", took.Round(time.Millisecond), err)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "idle")
	assert.NotErrorIs(t, err, context.Canceled, "the caller's context was not cancelled")
	assert.Equal(t, 2, srv.Count(authentatest.RouteGet), "the first attempt and its retry")
}

func TestReadIdleTimeoutOption(t *testing.T) {
	t.Parallel()
	_, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey("k_0123456789"), authenta.WithReadIdleTimeout(-time.Second))
	require.ErrorIs(t, err, authenta.ErrInvalidArgument)
	_, err = authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey("k_0123456789"), authenta.WithReadIdleTimeout(0))
	require.NoError(t, err, "0 disables the bound")
}

// cutStorage serves a result document, cutting the first n answers.
type cutStorage struct {
	n, seen atomic.Int32
	mode    cutMode
	doc     []byte
}

func (s *cutStorage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.seen.Add(1) <= s.n.Load() {
		writeCut(w, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, s.doc, s.mode)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.doc)
}

// The result download is read inside the retry decision too.
func TestResultDownloadCutIsRetried(t *testing.T) {
	t.Parallel()
	for _, mode := range []cutMode{cutEOF, cutReset} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			st := &cutStorage{mode: mode, doc: []byte(`{"isDeepFake": true, "confidence": 0.97, "pad": "` + strings.Repeat("x", 4096) + `"}`)}
			st.n.Store(2)
			ts := httptest.NewServer(st)
			t.Cleanup(ts.Close)
			c := testClient(t, "https://api.authenta.test")
			job := &authenta.Job{ID: "7", Status: authenta.StatusCompleted, Artifacts: []authenta.Artifact{
				{Kind: "result", DownloadURL: ts.URL + "/r/7.json?X-Amz-Signature=feedbeef"},
			}}
			res, err := c.Jobs.Result(t.Context(), job)
			require.NoError(t, err)
			require.NotNil(t, res.IsDeepFake)
			assert.True(t, *res.IsDeepFake)
			assert.EqualValues(t, 3, st.seen.Load())
		})
	}
}

// A completed job is never removed: when its result cannot be fetched,
// Detect returns an error that carries the job, and the result can be
// fetched later.
func TestDetectKeepsCompletedJobWhenResultFails(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(0, 0)))
	c := srv.Client(authenta.WithMaxRetries(1))
	srv.Inject(authentatest.RouteDownload, authentatest.Fault{Status: 500}, authentatest.Fault{Status: 500})
	path, _ := faultImage(t, 1<<10)

	d, err := c.Detect(t.Context(), authenta.AIImageDetection, path, &authenta.DetectOptions{Wait: fastWait})
	require.Error(t, err)
	assert.Nil(t, d)
	require.ErrorIs(t, err, authenta.ErrServer)
	var se *authenta.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, authenta.StepResult, se.Step)
	assert.False(t, se.Removed)
	assert.NoError(t, se.Cleanup)
	require.NotNil(t, se.Job, "the error carries the completed job")
	assert.Equal(t, authenta.StatusCompleted, se.Job.Status)
	assert.Equal(t, se.JobID, se.Job.ID)
	assert.Contains(t, err.Error(), "kept")
	assert.Zero(t, srv.Count(authentatest.RouteCancel))
	assert.Zero(t, srv.Count(authentatest.RouteDelete))

	res, err := c.Jobs.Result(t.Context(), se.Job)
	require.NoError(t, err, "the result can be fetched later")
	assert.NotNil(t, res)
}

// A create answered with success but no job id is an error, not a job
// with an empty id; Detect stops there.
func TestCreateWithoutJobIDIsAnError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"200 {}", 200, `{}`},
		{"200 empty", 200, ``},
		{"201 blank", 201, "  \n"},
		{"204", 204, ``},
		{"200 null", 200, `null`},
		{"200 inputs only", 200, `{"inputs":[{"slotName":"original","uploadUrl":"http://127.0.0.1:1/u?X-Amz-Signature=ab"}]}`},
		{"200 empty id", 200, `{"jobId":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var requests atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			t.Cleanup(ts.Close)
			c := testClient(t, ts.URL)
			_, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{
				TaskType: authenta.AIImageDetection,
				Inputs:   []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.jpg", ContentType: "image/jpeg", Size: 10}},
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "no job id")
			assert.NotContains(t, err.Error(), "X-Amz-Signature=ab")

			path, _ := faultImage(t, 1<<10)
			requests.Store(0)
			_, err = c.Detect(t.Context(), authenta.AIImageDetection, path, nil)
			var se *authenta.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, authenta.StepCreate, se.Step)
			assert.EqualValues(t, 1, requests.Load(), "nothing after the create")
		})
	}
}

// The answers of Get, Finalize and Cancel keep the asked-for id when they
// carry none (not an error: only create must name the job).
func TestJobAnswersWithoutIDKeepTheAskedID(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"queued","message":"ok"}`)
	}))
	t.Cleanup(ts.Close)
	c := testClient(t, ts.URL)
	for _, call := range []func(context.Context, string, ...authenta.CallOption) (*authenta.Job, error){c.Jobs.Get, c.Jobs.Finalize, c.Jobs.Cancel} {
		j, err := call(t.Context(), "42")
		require.NoError(t, err)
		assert.Equal(t, "42", j.ID)
	}
}

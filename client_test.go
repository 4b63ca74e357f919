package authenta_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
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

// ---------------------------------------------------------------------------
// Shared helpers of the package's external tests.

const (
	testAPIKey  = "api_apk_S3CR3T-k3y-0123456789"
	testAPIBase = "https://api.authenta.test"
	testBucket  = "https://bucket.s3.test"
	// presignQuery is what a presigned URL carries: every value is a secret.
	presignQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASECRETCRED&X-Amz-Signature=SIGSECRET0123"
)

// presignSecrets are the parts of presignQuery that must never be printed.
var presignSecrets = []string{"SIGSECRET0123", "AKIASECRETCRED", "X-Amz-Signature="}

var errNoRoute = errors.New("test: no responder for this request")

// newMock returns a mock transport on which any unregistered request fails
// the test (t.Errorf is safe from the responder's goroutine) and counts in
// GetTotalCallCount.
func newMock(t *testing.T) *httpmock.MockTransport {
	t.Helper()
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request: %s %s", r.Method, r.URL)
		return nil, errNoRoute
	})
	return mock
}

// testClient is the tests' client for baseURL: the test key, no
// environment, tiny retry waits, then opts; closed when the test ends (its
// background cleanups end before goleak looks).
func testClient(t *testing.T, baseURL string, opts ...authenta.Option) *authenta.Client {
	t.Helper()
	all := []authenta.Option{
		authenta.WithoutEnvironment(),
		authenta.WithAPIKey(testAPIKey),
		authenta.WithBaseURL(baseURL),
		authenta.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}
	c, err := authenta.NewClient(append(all, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// newClient is testClient for testAPIBase over rt.
func newClient(t *testing.T, rt http.RoundTripper, opts ...authenta.Option) *authenta.Client {
	t.Helper()
	return testClient(t, testAPIBase, append([]authenta.Option{authenta.WithHTTPClient(&http.Client{Transport: rt})}, opts...)...)
}

func jobURL(id, suffix string) string { return testAPIBase + "/api/v1/jobs/" + id + suffix }

// jsonResponder answers with a JSON body; hdr is a list of name, value pairs.
func jsonResponder(status int, body string, hdr ...string) httpmock.Responder {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Set(hdr[i], hdr[i+1])
	}
	return httpmock.NewStringResponder(status, body).HeaderSet(h)
}

// seenRequest is what a responder or handler saw of one request.
type seenRequest struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte
	At     time.Time
	CtxErr error // the request context's error when it arrived
}

// reqLog records requests from any goroutine.
type reqLog struct {
	mu   sync.Mutex
	reqs []seenRequest
}

func (l *reqLog) add(r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
	}
	u := *r.URL
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, seenRequest{Method: r.Method, URL: &u, Header: r.Header.Clone(), Body: body, At: time.Now(), CtxErr: r.Context().Err()})
}

func (l *reqLog) list() []seenRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]seenRequest(nil), l.reqs...)
}

func (l *reqLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

// script records each request in log (if not nil) and answers with steps
// in turn, repeating the last one.
func script(log *reqLog, steps ...httpmock.Responder) httpmock.Responder {
	var mu sync.Mutex
	i := 0
	return func(r *http.Request) (*http.Response, error) {
		if log != nil {
			log.add(r)
		}
		mu.Lock()
		s := steps[min(i, len(steps)-1)]
		i++
		mu.Unlock()
		return s(r)
	}
}

// callCtx is the context a table case calls with: the test's, or nil for
// the cases that check a nil context is refused.
func callCtx(t *testing.T, nilCtx bool) context.Context {
	if nilCtx {
		return nil
	}
	return t.Context()
}

func imageJobRequest() *authenta.JobRequest {
	return &authenta.JobRequest{
		TaskType: authenta.AIImageDetection,
		Inputs:   []authenta.Input{{Slot: "original", FileName: "photo.jpg", ContentType: "image/jpeg", Size: 123}},
	}
}

const createdJSON = `{"job":{"id":"7","status":"initiated"},"inputs":[{"slotName":"original","uploadUrl":"` + testBucket + `/in/7?` + presignQuery + `"}]}`

func assertNoSecrets(t *testing.T, s string) {
	t.Helper()
	assert.NotContains(t, s, testAPIKey)
	for _, sec := range presignSecrets {
		assert.NotContains(t, s, sec)
	}
}

// fixedClock is a Clock whose Now never moves; Sleep really sleeps.
type fixedClock struct{ now time.Time }

func (c fixedClock) Now() time.Time { return c.now }
func (c fixedClock) Sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// ---------------------------------------------------------------------------
// Options.

func TestNewClientRejectsInvalidOptions(t *testing.T) {
	t.Parallel()
	ok := []authenta.Option{authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey)}
	badKeys := []string{"api key", "api_key\n", "\napi_key", "api\tkey", "api\x00key", "api\x7fkey", "api\u00a0key", "api\u2028key", "api\x1bkey", "api\xffkey"}
	tests := []struct {
		name string
		opts []authenta.Option
		want error
	}{
		{"no key at all", []authenta.Option{authenta.WithoutEnvironment()}, authenta.ErrMissingAPIKey},
		{"empty key", []authenta.Option{authenta.WithoutEnvironment(), authenta.WithAPIKey("")}, authenta.ErrMissingAPIKey},
		{"blank key", []authenta.Option{authenta.WithoutEnvironment(), authenta.WithAPIKey(" \t\n")}, authenta.ErrMissingAPIKey},
		{"ftp base URL", append(ok, authenta.WithBaseURL("ftp://api.authenta.test")), authenta.ErrInvalidArgument},
		{"relative base URL", append(ok, authenta.WithBaseURL("/api")), authenta.ErrInvalidArgument},
		{"host without scheme", append(ok, authenta.WithBaseURL("platform.authenta.ai")), authenta.ErrInvalidArgument},
		{"empty base URL", append(ok, authenta.WithBaseURL("")), authenta.ErrInvalidArgument},
		{"empty host", append(ok, authenta.WithBaseURL("https:///api")), authenta.ErrInvalidArgument},
		{"port only", append(ok, authenta.WithBaseURL("https://:8443")), authenta.ErrInvalidArgument},
		{"base URL with query", append(ok, authenta.WithBaseURL("https://api.authenta.test/?tenant=1")), authenta.ErrInvalidArgument},
		{"base URL with userinfo", append(ok, authenta.WithBaseURL("https://user:pw@api.authenta.test")), authenta.ErrInvalidArgument},
		{"base URL with fragment", append(ok, authenta.WithBaseURL("https://api.authenta.test/#x")), authenta.ErrInvalidArgument},
		{"opaque base URL", append(ok, authenta.WithBaseURL("https:api.authenta.test")), authenta.ErrInvalidArgument},
		{"unparseable base URL", append(ok, authenta.WithBaseURL("https://api.authenta.test:port")), authenta.ErrInvalidArgument},
		{"negative retries", append(ok, authenta.WithMaxRetries(-1)), authenta.ErrInvalidArgument},
		{"negative upload retries", append(ok, authenta.WithUploadRetries(-1)), authenta.ErrInvalidArgument},
		{"min above max wait", append(ok, authenta.WithRetryWait(2*time.Second, time.Second)), authenta.ErrInvalidArgument},
		{"zero min wait", append(ok, authenta.WithRetryWait(0, time.Second)), authenta.ErrInvalidArgument},
		{"zero max wait", append(ok, authenta.WithRetryWait(time.Millisecond, 0)), authenta.ErrInvalidArgument},
		{"negative waits", append(ok, authenta.WithRetryWait(-time.Second, -time.Millisecond)), authenta.ErrInvalidArgument},
		{"nil http client", append(ok, authenta.WithHTTPClient(nil)), authenta.ErrInvalidArgument},
		{"user agent with newline", append(ok, authenta.WithUserAgent("app/1\r\nX-Evil: 1")), authenta.ErrInvalidArgument},
		{"zero header timeout", append(ok, authenta.WithResponseHeaderTimeout(0)), authenta.ErrInvalidArgument},
	}
	for _, k := range badKeys {
		tests = append(tests, struct {
			name string
			opts []authenta.Option
			want error
		}{fmt.Sprintf("key %q", k), []authenta.Option{authenta.WithoutEnvironment(), authenta.WithAPIKey(k)}, authenta.ErrInvalidArgument})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := authenta.NewClient(tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), testAPIKey)
			for _, k := range badKeys {
				if strings.TrimSpace(k) != "" {
					assert.NotContains(t, err.Error(), k, "the error must not echo the key")
				}
			}
		})
	}
}

func TestNewClientAcceptsValidOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []authenta.Option
		wantURL string
	}{
		{"defaults", nil, authenta.DefaultBaseURL},
		{"http with port", []authenta.Option{authenta.WithBaseURL("http://127.0.0.1:8080")}, "http://127.0.0.1:8080"},
		{"path prefix, trailing slash trimmed", []authenta.Option{authenta.WithBaseURL("https://gw.example.test/authenta/")}, "https://gw.example.test/authenta"},
		{"surrounding space", []authenta.Option{authenta.WithBaseURL("  https://api.authenta.test  ")}, testAPIBase},
		{"zero retries", []authenta.Option{authenta.WithMaxRetries(0), authenta.WithUploadRetries(0)}, authenta.DefaultBaseURL},
		{"equal waits", []authenta.Option{authenta.WithRetryWait(time.Second, time.Second)}, authenta.DefaultBaseURL},
		{"nil logger", []authenta.Option{authenta.WithLogger(nil)}, authenta.DefaultBaseURL},
		{"nil option skipped", []authenta.Option{nil}, authenta.DefaultBaseURL},
		{"client without transport", []authenta.Option{authenta.WithHTTPClient(&http.Client{})}, authenta.DefaultBaseURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]authenta.Option{authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey)}, tt.opts...)
			c, err := authenta.NewClient(opts...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantURL, c.BaseURL())
			assert.NotNil(t, c.Jobs)
		})
	}
}

// TestNewClientEnvironment uses t.Setenv, so neither it nor its subtests
// run in parallel.
func TestNewClientEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		key     string // $AUTHENTA_API_KEY
		baseURL string // $AUTHENTA_BASE_URL
		opts    []authenta.Option
		wantErr error
		secret  string // must not appear in the error
		// with no error: the base URL and the Authorization header sent
		wantURL, wantAuth string
	}{
		{name: "unset key", wantErr: authenta.ErrMissingAPIKey},
		{name: "blank key", key: "   ", wantErr: authenta.ErrMissingAPIKey},
		{name: "bad key is not echoed", key: "env_S3CR3T key", wantErr: authenta.ErrInvalidArgument, secret: "env_S3CR3T"},
		{name: "invalid base URL", key: "env_key_123", baseURL: "ftp://env.authenta.test", wantErr: authenta.ErrInvalidArgument},
		{name: "key from env, default base URL", key: "env_key_123",
			wantURL: authenta.DefaultBaseURL, wantAuth: "Bearer env_key_123"},
		{name: "key and base URL from env", key: "env_key_123", baseURL: "https://env.authenta.test",
			wantURL: "https://env.authenta.test", wantAuth: "Bearer env_key_123"},
		{name: "options override env", key: "env_key_123", baseURL: "https://env.authenta.test",
			opts:    []authenta.Option{authenta.WithAPIKey(testAPIKey), authenta.WithBaseURL(testAPIBase)},
			wantURL: testAPIBase, wantAuth: "Bearer " + testAPIKey},
		{name: "WithoutEnvironment ignores the env key", key: "env_key_123", baseURL: "https://env.authenta.test",
			opts: []authenta.Option{authenta.WithoutEnvironment()}, wantErr: authenta.ErrMissingAPIKey},
		{name: "WithoutEnvironment ignores the env base URL", key: "env_key_123", baseURL: "ftp://env.authenta.test",
			opts:    []authenta.Option{authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey)},
			wantURL: authenta.DefaultBaseURL, wantAuth: "Bearer " + testAPIKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(authenta.EnvAPIKey, tt.key)
			t.Setenv(authenta.EnvBaseURL, tt.baseURL)
			mock := httpmock.NewMockTransport()
			var log reqLog
			mock.RegisterNoResponder(script(&log, jsonResponder(200, `{"id":"1","status":"queued"}`)))
			opts := append([]authenta.Option{authenta.WithHTTPClient(&http.Client{Transport: mock})}, tt.opts...)
			c, err := authenta.NewClient(opts...)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, c)
				if tt.secret != "" {
					assert.NotContains(t, err.Error(), tt.secret)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantURL, c.BaseURL())
			_, err = c.Jobs.Get(t.Context(), "1")
			require.NoError(t, err)
			reqs := log.list()
			require.Len(t, reqs, 1)
			assert.Equal(t, tt.wantURL+"/api/v1/jobs/1", reqs[0].URL.String())
			assert.Equal(t, tt.wantAuth, reqs[0].Header.Get("Authorization"))
		})
	}
}

func TestClientPrintsNoKey(t *testing.T) {
	t.Parallel()
	c := newClient(t, httpmock.NewMockTransport())
	holder := struct {
		C    *authenta.Client
		Jobs *authenta.JobsService
	}{c, c.Jobs}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%v/%+v/%#v/%s"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			n := strings.Count(format, "%")
			args := make([]any, n)
			for i := range args {
				args[i] = c
			}
			s := fmt.Sprintf(format, args...)
			assert.NotContains(t, s, testAPIKey)
			assert.NotContains(t, s, "S3CR3T")
			assert.NotContains(t, fmt.Sprintf(format, holder), testAPIKey)
			assert.NotContains(t, fmt.Sprintf(format, *c.Jobs), testAPIKey)
		})
	}
	assert.Contains(t, c.String(), testAPIBase)
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	want := "authenta-go/" + authenta.Version + " ("
	tests := []struct {
		name   string
		opts   []authenta.Option
		prefix string
	}{
		{"default", nil, want},
		{"product", []authenta.Option{authenta.WithUserAgent("trustd/1.4")}, "trustd/1.4 " + want},
		{"product trimmed", []authenta.Option{authenta.WithUserAgent("  trustd/1.4 ")}, "trustd/1.4 " + want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var api, storage reqLog
			mock.RegisterResponder(http.MethodGet, jobURL("1", ""), script(&api, jsonResponder(200, `{"id":"1"}`)))
			mock.RegisterResponder(http.MethodPut, testBucket+"/in/1", script(&storage, httpmock.NewStringResponder(200, "")))
			c := newClient(t, mock, tt.opts...)
			_, err := c.Jobs.Get(t.Context(), "1")
			require.NoError(t, err)
			require.NoError(t, c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: testBucket + "/in/1?" + presignQuery}, strings.NewReader("abc"), 3, "image/png"))
			for _, l := range []*reqLog{&api, &storage} {
				require.Equal(t, 1, l.count())
				ua := l.list()[0].Header.Get("User-Agent")
				assert.True(t, strings.HasPrefix(ua, tt.prefix), "User-Agent %q", ua)
				assert.True(t, strings.HasSuffix(ua, ")"), "User-Agent %q", ua)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Auth: the key goes to the API's exact origin only.

func TestBearerOnlyToAPIOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		location string
		auth     bool
	}{
		{testAPIBase + "/api/v1/jobs/1b", true},
		{"https://api.authenta.test:443/api/v1/jobs/1b", true},
		{"https://API.Authenta.TEST/api/v1/jobs/1b", true},
		{"https://api.authenta.test:8443/api/v1/jobs/1b", false},
		{"http://api.authenta.test/api/v1/jobs/1b", false},
		{"http://api.authenta.test:443/api/v1/jobs/1b", false},
		{"https://evil.test/api/v1/jobs/1b", false},
		{"https://api.authenta.test.evil.test/api/v1/jobs/1b", false},
		{"https://sub.api.authenta.test/api/v1/jobs/1b", false},
		{testBucket + "/out/1?" + presignQuery, false},
	}
	for _, tt := range tests {
		t.Run(tt.location, func(t *testing.T) {
			t.Parallel()
			mock := httpmock.NewMockTransport()
			var first, target reqLog
			mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				if r.URL.String() == jobURL("1", "") {
					first.add(r)
					return httpmock.NewStringResponder(http.StatusFound, "").HeaderSet(http.Header{"Location": {tt.location}})(r)
				}
				target.add(r)
				return jsonResponder(200, `{"id":"1","status":"queued"}`)(r)
			})
			c := newClient(t, mock)
			job, err := c.Jobs.Get(t.Context(), "1")
			require.NoError(t, err)
			assert.Equal(t, "1", job.ID)
			require.Equal(t, 1, first.count())
			require.Equal(t, 1, target.count())
			assert.Equal(t, "Bearer "+testAPIKey, first.list()[0].Header.Get("Authorization"))
			if tt.auth {
				assert.Equal(t, "Bearer "+testAPIKey, target.list()[0].Header.Get("Authorization"))
			} else {
				assert.Empty(t, target.list()[0].Header.Values("Authorization"))
			}
		})
	}
}

// TestBearerOriginOverTheWire runs two real servers on 127.0.0.1: same
// host, different ports. Only the API's port gets the key.
func TestBearerOriginOverTheWire(t *testing.T) {
	t.Parallel()
	type hit struct{ path, auth string }
	type servers struct {
		api, other *httptest.Server
		mu         sync.Mutex
		apiHits    []hit
		otherHits  []hit
	}
	start := func(t *testing.T) *servers {
		s := &servers{}
		s.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			s.mu.Lock()
			s.otherHits = append(s.otherHits, hit{r.URL.Path, r.Header.Get("Authorization")})
			s.mu.Unlock()
			switch {
			case r.Method == http.MethodPut:
				w.WriteHeader(200)
			case strings.HasSuffix(r.URL.Path, "result.json"):
				_, _ = io.WriteString(w, `{"isDeepFake":false}`)
			default:
				_, _ = io.WriteString(w, `{"id":"1","status":"queued"}`)
			}
		}))
		t.Cleanup(s.other.Close)
		s.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			s.apiHits = append(s.apiHits, hit{r.URL.Path, r.Header.Get("Authorization")})
			s.mu.Unlock()
			switch r.URL.Path {
			case "/api/v1/jobs/elsewhere":
				http.Redirect(w, r, s.other.URL+"/api/v1/jobs/1", http.StatusFound)
			case "/api/v1/jobs/moved":
				http.Redirect(w, r, "/api/v1/jobs/here", http.StatusTemporaryRedirect)
			default:
				_, _ = io.WriteString(w, `{"id":"1","status":"queued"}`)
			}
		}))
		t.Cleanup(s.api.Close)
		return s
	}

	tests := []struct {
		name      string
		run       func(ctx context.Context, c *authenta.Client, otherURL string) error
		apiPaths  []string
		otherPath string
	}{
		{"redirect to another port", func(ctx context.Context, c *authenta.Client, _ string) error {
			_, err := c.Jobs.Get(ctx, "elsewhere")
			return err
		}, []string{"/api/v1/jobs/elsewhere"}, "/api/v1/jobs/1"},
		{"redirect on the same origin", func(ctx context.Context, c *authenta.Client, _ string) error {
			_, err := c.Jobs.Get(ctx, "moved")
			return err
		}, []string{"/api/v1/jobs/moved", "/api/v1/jobs/here"}, ""},
		{"presigned upload on another port", func(ctx context.Context, c *authenta.Client, other string) error {
			return c.Jobs.Upload(ctx, authenta.Upload{Slot: "original", URL: other + "/bucket/in?" + presignQuery}, strings.NewReader("data"), 4, "image/jpeg")
		}, nil, "/bucket/in"},
		{"presigned download on another port", func(ctx context.Context, c *authenta.Client, other string) error {
			_, err := c.Jobs.Result(ctx, &authenta.Job{ID: "1", Artifacts: []authenta.Artifact{{Kind: "result", DownloadURL: other + "/bucket/result.json?" + presignQuery}}})
			return err
		}, nil, "/bucket/result.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := start(t)
			au, err := url.Parse(s.api.URL)
			require.NoError(t, err)
			ou, err := url.Parse(s.other.URL)
			require.NoError(t, err)
			require.Equal(t, au.Hostname(), ou.Hostname())
			require.NotEqual(t, au.Port(), ou.Port())
			c, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey), authenta.WithBaseURL(s.api.URL),
				authenta.WithRetryWait(time.Millisecond, 5*time.Millisecond))
			require.NoError(t, err)
			require.NoError(t, tt.run(t.Context(), c, s.other.URL))
			s.mu.Lock()
			defer s.mu.Unlock()
			require.Len(t, s.apiHits, len(tt.apiPaths))
			for i, h := range s.apiHits {
				assert.Equal(t, tt.apiPaths[i], h.path)
				assert.Equal(t, "Bearer "+testAPIKey, h.auth)
			}
			if tt.otherPath == "" {
				assert.Empty(t, s.otherHits)
				return
			}
			require.Len(t, s.otherHits, 1)
			assert.Equal(t, tt.otherPath, s.otherHits[0].path)
			assert.Empty(t, s.otherHits[0].auth, "no Authorization off the API origin")
		})
	}
}

type recordingRT struct {
	mu   sync.Mutex
	auth []string
}

func (rt *recordingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.auth = append(rt.auth, r.Header.Get("Authorization"))
	rt.mu.Unlock()
	return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
}

func TestBearerTransportDoesNotMutateRequest(t *testing.T) {
	t.Parallel()
	base, err := url.Parse("https://api.authenta.test:8443/prefix")
	require.NoError(t, err)
	tests := []struct {
		name       string
		url        string
		header     http.Header
		wantSent   string
		wantCaller string
	}{
		{"API origin", "https://api.authenta.test:8443/prefix/api/v1/jobs", http.Header{"Accept": {"application/json"}}, "Bearer k3y", ""},
		{"API origin, nil header", "https://api.authenta.test:8443/api/v1/jobs", nil, "Bearer k3y", ""},
		{"API origin replaces caller's", "https://api.authenta.test:8443/x", http.Header{"Authorization": {"Bearer other"}}, "Bearer k3y", "Bearer other"},
		{"default port is another origin", "https://api.authenta.test/x", http.Header{}, "", ""},
		{"foreign origin strips caller's", "https://bucket.s3.test/x?" + presignQuery, http.Header{"Authorization": {"Bearer user"}}, "", "Bearer user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recordingRT{}
			rt := authenta.NewBearerTransport(rec, "k3y", base)
			u, err := url.Parse(tt.url)
			require.NoError(t, err)
			req := &http.Request{Method: http.MethodGet, URL: u, Header: tt.header, Host: u.Host}
			var before http.Header
			if tt.header != nil {
				before = tt.header.Clone()
			}
			resp, err := rt.RoundTrip(req)
			require.NoError(t, err)
			_ = resp.Body.Close()
			require.Len(t, rec.auth, 1)
			assert.Equal(t, tt.wantSent, rec.auth[0])
			assert.Equal(t, before, req.Header, "the caller's header map is unchanged")
			assert.Equal(t, tt.wantCaller, req.Header.Get("Authorization"))
		})
	}
}

// ---------------------------------------------------------------------------
// Retry policy through the real request path.

type endpoint struct {
	name       string
	method     string
	url        string // registered without query
	idempotent bool
	ok         httpmock.Responder
	call       func(ctx context.Context, c *authenta.Client) error
}

func endpoints() []endpoint {
	return []endpoint{
		{"Get", http.MethodGet, jobURL("7", ""), true, jsonResponder(200, `{"id":"7","status":"processing"}`),
			func(ctx context.Context, c *authenta.Client) error { _, err := c.Jobs.Get(ctx, "7"); return err }},
		{"List", http.MethodGet, testAPIBase + "/api/v1/jobs", true, jsonResponder(200, `{"data":[]}`),
			func(ctx context.Context, c *authenta.Client) error { _, err := c.Jobs.List(ctx, nil); return err }},
		{"Delete", http.MethodDelete, jobURL("7", ""), true, httpmock.NewStringResponder(204, ""),
			func(ctx context.Context, c *authenta.Client) error { return c.Jobs.Delete(ctx, "7") }},
		{"Upload", http.MethodPut, testBucket + "/in/7", true, httpmock.NewStringResponder(200, ""),
			func(ctx context.Context, c *authenta.Client) error {
				return c.Jobs.Upload(ctx, authenta.Upload{Slot: "original", URL: testBucket + "/in/7?" + presignQuery}, bytes.NewReader([]byte("abcdef")), 6, "image/jpeg")
			}},
		{"Download", http.MethodGet, testBucket + "/out/7/result.json", true, jsonResponder(200, `{"isDeepFake":true}`),
			func(ctx context.Context, c *authenta.Client) error {
				_, err := c.Jobs.Result(ctx, &authenta.Job{ID: "7", Artifacts: []authenta.Artifact{{Kind: "result", DownloadURL: testBucket + "/out/7/result.json?" + presignQuery}}})
				return err
			}},
		{"Create", http.MethodPost, testAPIBase + "/api/v1/jobs", false, jsonResponder(200, createdJSON),
			func(ctx context.Context, c *authenta.Client) error {
				_, err := c.Jobs.Create(ctx, imageJobRequest())
				return err
			}},
		{"Finalize", http.MethodPost, jobURL("7", "/finalize"), false, jsonResponder(200, `{"jobId":7,"status":"queued"}`),
			func(ctx context.Context, c *authenta.Client) error { _, err := c.Jobs.Finalize(ctx, "7"); return err }},
		{"Cancel", http.MethodPost, jobURL("7", "/cancel"), false, jsonResponder(200, `{"jobId":7,"status":"cancelled"}`),
			func(ctx context.Context, c *authenta.Client) error { _, err := c.Jobs.Cancel(ctx, "7"); return err }},
		{"Subjects", http.MethodGet, testAPIBase + authenta.DefaultFacesPath + "/subjects", true, jsonResponder(200, `{"subjects":[]}`),
			func(ctx context.Context, c *authenta.Client) error { _, err := c.Faces.Subjects(ctx); return err }},
		// A search changes nothing: it is retried like a GET.
		{"Search", http.MethodPost, testAPIBase + authenta.DefaultFacesPath + "/search", true, jsonResponder(200, `{"results":[]}`),
			func(ctx context.Context, c *authenta.Client) error {
				_, err := c.Faces.SearchReader(ctx, "probe.jpg", bytes.NewReader([]byte("abcdef")), 6, nil)
				return err
			}},
	}
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	errBody := func(status int) httpmock.Responder {
		return jsonResponder(status, fmt.Sprintf(`{"code":"E%d","message":"status %d"}`, status, status))
	}
	cases := []struct {
		name         string
		resp         httpmock.Responder
		status       int // 0: a transport error
		idem, nonIdm int // attempts with WithMaxRetries(2)
	}{
		// httpmock fails before anything is written: not sent, so POSTs are retried too.
		{"connection error", httpmock.NewErrorResponder(errors.New("dial tcp: connection refused")), 0, 3, 3},
		{"429", errBody(429), 429, 3, 3},
		{"500", errBody(500), 500, 3, 1},
		{"501", errBody(501), 501, 1, 1},
		{"502", errBody(502), 502, 3, 1},
		{"503", errBody(503), 503, 3, 3},
		{"504", errBody(504), 504, 3, 1},
		{"400", errBody(400), 400, 1, 1},
		{"401", errBody(401), 401, 1, 1},
		{"402", errBody(402), 402, 1, 1},
		{"403", errBody(403), 403, 1, 1},
		{"404", errBody(404), 404, 1, 1},
		{"408", errBody(408), 408, 1, 1},
		{"409", errBody(409), 409, 1, 1},
		{"422", errBody(422), 422, 1, 1},
	}
	for _, ep := range endpoints() {
		for _, tc := range cases {
			if ep.name == "Download" && (tc.status == 403 || tc.status == 404) {
				continue // an expired download URL refetches the job: see result_test.go
			}
			t.Run(ep.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				mock := newMock(t)
				mock.RegisterResponder(ep.method, ep.url, tc.resp)
				c := newClient(t, mock, authenta.WithMaxRetries(2))
				err := ep.call(t.Context(), c)
				require.Error(t, err)
				want := tc.nonIdm
				if ep.idempotent {
					want = tc.idem
				}
				assert.Equal(t, want, mock.GetTotalCallCount(), "attempts")
				var ae *authenta.APIError
				if tc.status == 0 {
					assert.False(t, errors.As(err, &ae), "a transport error is no APIError")
					return
				}
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tc.status, ae.StatusCode)
				assert.Equal(t, fmt.Sprintf("E%d", tc.status), ae.Code, "the last response's body is decoded")
			})
		}
		t.Run(ep.name+"/succeeds after retries", func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			first := errBody(503)
			if !ep.idempotent {
				first = errBody(429)
			}
			var log reqLog
			mock.RegisterResponder(ep.method, ep.url, script(&log, first, errBody(503), ep.ok))
			c := newClient(t, mock, authenta.WithMaxRetries(2))
			require.NoError(t, ep.call(t.Context(), c))
			require.Equal(t, 3, log.count())
			reqs := log.list()
			for _, r := range reqs[1:] {
				assert.Equal(t, string(reqs[0].Body), string(r.Body), "each retry re-sends the whole body")
			}
		})
	}
}

func TestRetryCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []authenta.Option
		api     int
		storage int
	}{
		{"default is 3 retries", nil, 4, 4},
		{"WithMaxRetries(0) disables", []authenta.Option{authenta.WithMaxRetries(0)}, 1, 1},
		{"WithMaxRetries(1)", []authenta.Option{authenta.WithMaxRetries(1)}, 2, 2},
		{"WithMaxRetries(5)", []authenta.Option{authenta.WithMaxRetries(5)}, 6, 6},
		{"WithUploadRetries", []authenta.Option{authenta.WithMaxRetries(4), authenta.WithUploadRetries(1)}, 5, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var api, storage reqLog
			mock.RegisterResponder(http.MethodGet, jobURL("7", ""), script(&api, jsonResponder(503, `{}`)))
			mock.RegisterResponder(http.MethodPut, testBucket+"/in/7", script(&storage, httpmock.NewStringResponder(503, "")))
			c := newClient(t, mock, tt.opts...)
			_, err := c.Jobs.Get(t.Context(), "7")
			require.ErrorIs(t, err, authenta.ErrServer)
			err = c.Jobs.Upload(t.Context(), authenta.Upload{URL: testBucket + "/in/7?" + presignQuery}, strings.NewReader("x"), 1, "image/png")
			require.ErrorIs(t, err, authenta.ErrServer)
			assert.Equal(t, tt.api, api.count())
			assert.Equal(t, tt.storage, storage.count())
		})
	}
}

// TestRetryNotAfterPOSTWritten: a server that reads the whole request and
// then drops the connection may have acted on it, so a POST is not sent
// again; a GET or DELETE is.
func TestRetryNotAfterPOSTWritten(t *testing.T) {
	t.Parallel()
	for _, ep := range endpoints() {
		if ep.name == "Upload" || ep.name == "Download" {
			continue
		}
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				_, _ = io.Copy(io.Discard, r.Body)
				conn, _, err := w.(http.Hijacker).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				_ = conn.Close()
			}))
			t.Cleanup(srv.Close)
			c, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey), authenta.WithBaseURL(srv.URL),
				authenta.WithMaxRetries(2), authenta.WithRetryWait(time.Millisecond, 5*time.Millisecond))
			require.NoError(t, err)
			err = ep.call(t.Context(), c)
			require.Error(t, err)
			want := int32(1)
			if ep.idempotent {
				want = 3
			}
			assert.Equal(t, want, n.Load(), "requests received")
			var ae *authenta.APIError
			assert.False(t, errors.As(err, &ae))
		})
	}
}

type countingRT struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (rt *countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.n.Add(1)
	return rt.base.RoundTrip(r)
}

// TestRetryPOSTNotSent: a refused connection never reached the server, so
// even a POST is retried.
func TestRetryPOSTNotSent(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	closedURL := srv.URL
	srv.Close()
	for _, ep := range endpoints() {
		if ep.name == "Upload" || ep.name == "Download" {
			continue
		}
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			rt := &countingRT{base: http.DefaultTransport.(*http.Transport).Clone()}
			c, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey), authenta.WithBaseURL(closedURL),
				authenta.WithHTTPClient(&http.Client{Transport: rt}),
				authenta.WithMaxRetries(2), authenta.WithRetryWait(time.Millisecond, 5*time.Millisecond))
			require.NoError(t, err)
			err = ep.call(t.Context(), c)
			require.Error(t, err)
			assert.Equal(t, int32(3), rt.n.Load())
			assert.NotContains(t, err.Error(), testAPIKey)
		})
	}
}

// TestRetryNotOnCertificateErrors: a server whose certificate is not
// trusted will not become trusted by asking again.
func TestRetryNotOnCertificateErrors(t *testing.T) {
	t.Parallel()
	for _, ep := range endpoints() {
		if ep.name == "Upload" || ep.name == "Download" {
			continue
		}
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			var conns atomic.Int32
			srv := httptest.NewUnstartedServer(http.NotFoundHandler())
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					conns.Add(1)
				}
			}
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			srv.StartTLS()
			t.Cleanup(srv.Close)
			c, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey), authenta.WithBaseURL(srv.URL),
				authenta.WithMaxRetries(2), authenta.WithRetryWait(time.Millisecond, 5*time.Millisecond))
			require.NoError(t, err)
			err = ep.call(t.Context(), c)
			require.Error(t, err)
			var verr *tls.CertificateVerificationError
			assert.ErrorAs(t, err, &verr)
			assert.Equal(t, int32(1), conns.Load(), "one connection: no retry")
		})
	}
}

func TestRetryLastResponseDecoded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		sentinel error
	}{
		{"503", 503, authenta.ErrServer},
		{"429", 429, authenta.ErrRateLimited},
		{"502", 502, authenta.ErrServer},
	}
	for _, tt := range tests {
		for _, ep := range endpoints() {
			if !ep.idempotent && tt.status == 502 {
				continue
			}
			t.Run(tt.name+"/"+ep.name, func(t *testing.T) {
				t.Parallel()
				mock := newMock(t)
				step := func(i int) httpmock.Responder {
					return jsonResponder(tt.status, fmt.Sprintf(`{"code":"UNAVAILABLE_%d","message":"attempt %d of 3"}`, i, i), "X-Request-Id", fmt.Sprintf("req-%d", i))
				}
				mock.RegisterResponder(ep.method, ep.url, script(nil, step(1), step(2), step(3)))
				c := newClient(t, mock, authenta.WithMaxRetries(2))
				err := ep.call(t.Context(), c)
				require.ErrorIs(t, err, tt.sentinel)
				var ae *authenta.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.status, ae.StatusCode)
				assert.Equal(t, "UNAVAILABLE_3", ae.Code)
				assert.Equal(t, "attempt 3 of 3", ae.Message)
				assert.Equal(t, "req-3", ae.RequestID)
				assert.Contains(t, string(ae.Body), "attempt 3 of 3")
				assert.Contains(t, err.Error(), "attempt 3 of 3")
				assert.Equal(t, 3, mock.GetTotalCallCount())
			})
		}
	}
}

func TestRetryAfterTooLongReturnsAtOnce(t *testing.T) {
	t.Parallel()
	hourDate := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		sentinel   error
	}{
		{"429 seconds", 429, "3600", authenta.ErrRateLimited},
		{"503 seconds", 503, "3600", authenta.ErrServer},
		{"429 HTTP-date", 429, hourDate, authenta.ErrRateLimited},
		{"503 HTTP-date", 503, hourDate, authenta.ErrServer},
		{"429 huge", 429, "99999999999999999999999", authenta.ErrRateLimited},
	}
	for _, tt := range tests {
		for _, ep := range endpoints() {
			t.Run(tt.name+"/"+ep.name, func(t *testing.T) {
				t.Parallel()
				mock := newMock(t)
				mock.RegisterResponder(ep.method, ep.url, jsonResponder(tt.status, `{"code":"SLOW_DOWN","message":"come back later"}`, "Retry-After", tt.retryAfter))
				// A capped wait would sleep 2s per retry: returning well under
				// a second tells "at once" apart from "after the max wait".
				c := newClient(t, mock, authenta.WithRetryWait(time.Millisecond, 2*time.Second))
				start := time.Now()
				err := ep.call(t.Context(), c)
				elapsed := time.Since(start)
				require.ErrorIs(t, err, tt.sentinel)
				assert.Less(t, elapsed, time.Second)
				assert.Equal(t, 1, mock.GetTotalCallCount(), "no retry when the server asks for more than the max wait")
				var ae *authenta.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, "SLOW_DOWN", ae.Code)
				if tt.retryAfter == "3600" {
					assert.Equal(t, time.Hour, ae.RetryAfter)
				} else {
					assert.GreaterOrEqual(t, ae.RetryAfter, 59*time.Minute)
				}
			})
		}
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	date := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		clock      authenta.Clock
		atLeast    time.Duration
	}{
		// The clock is 60ms before the date: the server asks for 60ms.
		{"429 HTTP-date", 429, date.Format(http.TimeFormat), fixedClock{date.Add(-60 * time.Millisecond)}, 60 * time.Millisecond},
		{"503 HTTP-date", 503, date.Format(http.TimeFormat), fixedClock{date.Add(-60 * time.Millisecond)}, 60 * time.Millisecond},
		{"429 seconds", 429, "1", nil, time.Second},
		{"date in the past", 503, date.Format(http.TimeFormat), fixedClock{date.Add(time.Minute)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			var log reqLog
			mock.RegisterResponder(http.MethodGet, jobURL("7", ""), script(&log,
				jsonResponder(tt.status, `{}`, "Retry-After", tt.retryAfter),
				jsonResponder(200, `{"id":"7","status":"queued"}`)))
			c := newClient(t, mock, authenta.WithRetryWait(time.Millisecond, 2*time.Second))
			if tt.clock != nil {
				authenta.SetClock(c, tt.clock)
			}
			job, err := c.Jobs.Get(t.Context(), "7")
			require.NoError(t, err)
			assert.Equal(t, "7", job.ID)
			reqs := log.list()
			require.Len(t, reqs, 2)
			gap := reqs[1].At.Sub(reqs[0].At)
			assert.GreaterOrEqual(t, gap, tt.atLeast)
			assert.Less(t, gap, tt.atLeast+time.Second)
		})
	}
}

func TestRetryContextEndsDuringBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		ctx    func(parent context.Context) (context.Context, context.CancelFunc)
		want   error
	}{
		{"cancelled", 503, func(p context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(p)
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline", 429, func(p context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(p, 50*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		for _, ep := range endpoints() {
			t.Run(tt.name+"/"+ep.name, func(t *testing.T) {
				t.Parallel()
				mock := newMock(t)
				mock.RegisterResponder(ep.method, ep.url, jsonResponder(tt.status, `{}`))
				c := newClient(t, mock, authenta.WithRetryWait(5*time.Second, 5*time.Second))
				ctx, cancel := tt.ctx(t.Context())
				defer cancel()
				start := time.Now()
				err := ep.call(ctx, c)
				elapsed := time.Since(start)
				require.ErrorIs(t, err, tt.want)
				assert.Less(t, elapsed, time.Second)
				assert.Equal(t, 1, mock.GetTotalCallCount())
			})
		}
	}
}

func TestRetryNotAfterContextEnds(t *testing.T) {
	t.Parallel()
	for _, ep := range endpoints() {
		t.Run(ep.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			// The context ends while the server answers 503: no retry.
			mock.RegisterResponder(ep.method, ep.url, func(r *http.Request) (*http.Response, error) {
				cancel()
				return httpmock.NewStringResponse(503, `{}`), nil
			})
			c := newClient(t, mock)
			err := ep.call(ctx, c)
			require.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, 1, mock.GetTotalCallCount())
		})
	}
}

// ---------------------------------------------------------------------------
// Errors carry no secrets.

func TestErrorsCarryNoSecrets(t *testing.T) {
	t.Parallel()
	signed := testBucket + "/in/7?" + presignQuery
	artifactJob := &authenta.Job{ID: "7", Artifacts: []authenta.Artifact{{Kind: "result", DownloadURL: testBucket + "/out/7/result.json?" + presignQuery}}}
	upload := func(ctx context.Context, c *authenta.Client) error {
		return c.Jobs.Upload(ctx, authenta.Upload{Slot: "original", URL: signed}, bytes.NewReader([]byte("abc")), 3, "image/jpeg")
	}
	download := func(ctx context.Context, c *authenta.Client) error {
		_, err := c.Jobs.Result(ctx, artifactJob)
		return err
	}
	get := func(ctx context.Context, c *authenta.Client) error {
		_, err := c.Jobs.Get(ctx, "7")
		return err
	}
	tests := []struct {
		name   string
		method string
		url    string
		resp   httpmock.Responder
		call   func(context.Context, *authenta.Client) error
	}{
		{"upload transport error", http.MethodPut, testBucket + "/in/7", httpmock.NewErrorResponder(errors.New("connection reset by peer")), upload},
		{"download transport error", http.MethodGet, testBucket + "/out/7/result.json", httpmock.NewErrorResponder(errors.New("connection reset by peer")), download},
		{"upload error quoting the URL", http.MethodPut, testBucket + "/in/7", httpmock.NewErrorResponder(fmt.Errorf("proxy refused %s", signed)), upload},
		{"upload S3 error echoing the signature", http.MethodPut, testBucket + "/in/7", httpmock.NewStringResponder(403,
			`<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired: `+signed+`</Message></Error>`).
			HeaderSet(http.Header{"Content-Type": {"application/xml"}}), upload},
		{"download 500 quoting the URL", http.MethodGet, testBucket + "/out/7/result.json", httpmock.NewStringResponder(500, "upstream failed for "+testBucket+"/out/7/result.json?"+presignQuery), download},
		{"server echoes the key in JSON", http.MethodGet, jobURL("7", ""), jsonResponder(401, `{"code":"INVALID_API_KEY","message":"API key `+testAPIKey+` is not valid"}`), get},
		{"server echoes the header in text", http.MethodGet, jobURL("7", ""), httpmock.NewStringResponder(400, "bad header: Authorization: Bearer "+testAPIKey), get},
		{"server echoes the key in HTML", http.MethodGet, jobURL("7", ""), httpmock.NewStringResponder(403, "<html><body><h1>Forbidden</h1><p>key="+testAPIKey+"</p></body></html>").
			HeaderSet(http.Header{"Content-Type": {"text/html"}}), get},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			mock.RegisterResponder(tt.method, tt.url, tt.resp)
			if tt.method == http.MethodGet && strings.HasPrefix(tt.url, testBucket) {
				// A 403 on a download refreshes the job: give it the same URL.
				mock.RegisterResponder(http.MethodGet, jobURL("7", ""), jsonResponder(200, `{"id":"7"}`))
			}
			c := newClient(t, mock, authenta.WithMaxRetries(1))
			err := tt.call(t.Context(), c)
			require.Error(t, err)
			assertNoSecrets(t, err.Error())
			assertNoSecrets(t, fmt.Sprintf("%+v", err))
			var ae *authenta.APIError
			if errors.As(err, &ae) {
				assertNoSecrets(t, ae.Message)
				assert.NotContains(t, string(ae.Body), testAPIKey, "the key is scrubbed from the body too")
			}
		})
	}
}

func TestErrorsCarryNoSecretsOverTheWire(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	closed := srv.URL
	srv.Close()
	c, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey), authenta.WithBaseURL(closed),
		authenta.WithMaxRetries(1), authenta.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	err = c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: closed + "/bucket/k?" + presignQuery}, strings.NewReader("abc"), 3, "image/jpeg")
	require.Error(t, err)
	assertNoSecrets(t, err.Error())
	assert.Contains(t, err.Error(), "/bucket/k", "the error still says where")
	_, err = c.Jobs.Result(t.Context(), &authenta.Job{ID: "1", Artifacts: []authenta.Artifact{{Kind: "result", DownloadURL: closed + "/bucket/r?" + presignQuery}}})
	require.Error(t, err)
	assertNoSecrets(t, err.Error())
}

// ---------------------------------------------------------------------------
// Logging.

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		out = append(out, m)
	}
	return out
}

func TestLoggingOneRecordPerAttempt(t *testing.T) {
	t.Parallel()
	var buf lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mock := newMock(t)
	step := func(status int, id string) httpmock.Responder {
		return jsonResponder(status, `{"id":"7","status":"queued"}`, "X-Request-Id", id)
	}
	mock.RegisterResponder(http.MethodGet, jobURL("7", ""), script(nil, step(503, "req-1"), step(502, "req-2"), step(200, "req-3")))
	mock.RegisterResponder(http.MethodPut, testBucket+"/in/7", httpmock.NewStringResponder(200, "").HeaderSet(http.Header{"X-Amz-Request-Id": {"s3-req"}}))
	mock.RegisterResponder(http.MethodPut, testBucket+"/in/8", httpmock.NewErrorResponder(fmt.Errorf("proxy refused %s/in/8?%s", testBucket, presignQuery)))
	mock.RegisterResponder(http.MethodGet, testAPIBase+"/api/v1/jobs", jsonResponder(200, `[]`))
	c := newClient(t, mock, authenta.WithLogger(logger), authenta.WithMaxRetries(2))

	_, err := c.Jobs.Get(t.Context(), "7")
	require.NoError(t, err)
	recs := buf.records(t)
	require.Len(t, recs, 3)
	for i, r := range recs {
		assert.Equal(t, "DEBUG", r["level"])
		assert.Equal(t, "GET", r["method"])
		assert.Equal(t, jobURL("7", ""), r["url"])
		assert.EqualValues(t, i+1, r["attempt"])
		assert.EqualValues(t, []int{503, 502, 200}[i], r["status"])
		assert.Equal(t, fmt.Sprintf("req-%d", i+1), r["request_id"])
		assert.Contains(t, r, "duration")
	}

	require.NoError(t, c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: testBucket + "/in/7?" + presignQuery}, strings.NewReader("abc"), 3, "image/jpeg"))
	err = c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: testBucket + "/in/8?" + presignQuery}, strings.NewReader("abc"), 3, "image/jpeg")
	require.Error(t, err)
	_, err = c.Jobs.List(t.Context(), &authenta.ListOptions{Page: 2, Limit: 10})
	require.NoError(t, err)

	recs = buf.records(t)
	require.Len(t, recs, 3+1+3+1)
	up := recs[3]
	assert.Equal(t, "PUT", up["method"])
	assert.True(t, strings.HasPrefix(up["url"].(string), testBucket+"/in/7"), up["url"])
	assert.EqualValues(t, 200, up["status"])
	assert.EqualValues(t, 1, up["attempt"])
	assert.Equal(t, "s3-req", up["request_id"])
	for i, r := range recs[4:7] {
		assert.EqualValues(t, i+1, r["attempt"])
		assert.Contains(t, r, "error")
		assert.NotContains(t, r, "status")
	}
	list := recs[7]
	assert.NotContains(t, list["url"], "page=")
	assert.NotContains(t, list["url"], "limit=")

	all := buf.String()
	assertNoSecrets(t, all)
	assert.NotContains(t, all, "Bearer")
	assert.NotContains(t, all, "S3CR3T")
}

func TestLoggingDisabled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		logger func(io.Writer) *slog.Logger
	}{
		{"nil logger", func(io.Writer) *slog.Logger { return nil }},
		{"debug disabled", func(w io.Writer) *slog.Logger {
			return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf lockedBuffer
			mock := newMock(t)
			mock.RegisterResponder(http.MethodGet, jobURL("7", ""), script(nil, jsonResponder(503, `{}`), jsonResponder(200, `{"id":"7"}`)))
			mock.RegisterResponder(http.MethodPut, testBucket+"/in/7", httpmock.NewStringResponder(200, ""))
			c := newClient(t, mock, authenta.WithLogger(tt.logger(&buf)))
			_, err := c.Jobs.Get(t.Context(), "7")
			require.NoError(t, err)
			require.NoError(t, c.Jobs.Upload(t.Context(), authenta.Upload{URL: testBucket + "/in/7?" + presignQuery}, strings.NewReader("abc"), 3, "image/jpeg"))
			assert.Empty(t, buf.String())
		})
	}
}

// TestWithHTTPClientKeepsItsPolicies: the base client's redirect policy,
// cookie jar and per-attempt timeout stay in force under the SDK's auth and
// retry layers.
func TestWithHTTPClientKeepsItsPolicies(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/api/v1/jobs/redirect":
			http.Redirect(w, r, "/api/v1/jobs/1", http.StatusFound)
		case "/api/v1/jobs/slow":
			<-r.Context().Done() // until the client gives up
		case "/api/v1/jobs/cookie":
			if c, err := r.Cookie("session"); err != nil || c.Value != "s1" {
				http.Error(w, `{"code":"FORBIDDEN","message":"no cookie"}`, http.StatusForbidden)
				return
			}
			_, _ = io.WriteString(w, `{"id":"cookie","status":"queued"}`)
		default:
			_, _ = io.WriteString(w, `{"id":"1","status":"queued"}`)
		}
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: "s1"}})

	errNoRedirects := errors.New("redirects refused by the caller's policy")
	hc := &http.Client{
		Transport:     srv.Client().Transport,
		Jar:           jar,
		Timeout:       50 * time.Millisecond,
		CheckRedirect: func(*http.Request, []*http.Request) error { return errNoRedirects },
	}
	c, err := authenta.NewClient(authenta.WithAPIKey("k"), authenta.WithBaseURL(srv.URL), authenta.WithHTTPClient(hc),
		authenta.WithMaxRetries(1), authenta.WithRetryWait(time.Millisecond, 2*time.Millisecond), authenta.WithoutEnvironment())
	require.NoError(t, err)
	ctx := t.Context()

	_, err = c.Jobs.Get(ctx, "redirect")
	require.ErrorIs(t, err, errNoRedirects, "CheckRedirect kept")

	job, err := c.Jobs.Get(ctx, "cookie")
	require.NoError(t, err, "Jar kept")
	assert.Equal(t, "cookie", job.ID)

	before := hits.Load()
	start := time.Now()
	_, err = c.Jobs.Get(ctx, "slow")
	require.Error(t, err, "Timeout kept")
	var ne net.Error
	assert.True(t, errors.As(err, &ne) && ne.Timeout(), "a timeout: %v", err)
	assert.Equal(t, int32(2), hits.Load()-before, "the timeout is per attempt: the GET was retried once")
	assert.Less(t, time.Since(start), 5*time.Second)
}

// TestNoOutputWithoutLogger runs failing and retried calls in a child
// process and checks that it writes nothing but the test runner's verdict:
// go-retryablehttp's default logger would print every URL, presigned query
// strings included, to stderr.
func TestNoOutputWithoutLogger(t *testing.T) {
	if os.Getenv("AUTHENTA_OUTPUT_PROBE") == "1" {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				http.Error(w, `{"code":"X","message":"try again"}`, http.StatusServiceUnavailable)
				return
			}
			_, _ = io.WriteString(w, `{"id":"7","status":"queued"}`)
		}))
		defer srv.Close()
		c, err := authenta.NewClient(authenta.WithAPIKey(testAPIKey), authenta.WithBaseURL(srv.URL), authenta.WithoutEnvironment(),
			authenta.WithMaxRetries(2), authenta.WithRetryWait(time.Millisecond, 2*time.Millisecond))
		require.NoError(t, err)
		_, err = c.Jobs.Get(t.Context(), "7") // retried once, then answered
		require.NoError(t, err)
		closed := httptest.NewServer(http.NotFoundHandler())
		closed.Close()
		err = c.Jobs.Upload(t.Context(), authenta.Upload{URL: closed.URL + "/k?" + presignQuery}, strings.NewReader("abc"), 3, "image/jpeg")
		require.Error(t, err) // a network error, retried, then given up
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoOutputWithoutLogger$", "-test.count=1")
	cmd.Env = append(os.Environ(), "AUTHENTA_OUTPUT_PROBE=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	var own []string // lines that are not the test runner's verdict
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line != "PASS" && !strings.HasPrefix(line, "coverage: ") { // -cover adds its line
			own = append(own, line)
		}
	}
	assert.Empty(t, own, "the SDK wrote output of its own")
}

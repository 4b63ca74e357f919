package authenta_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// fakeServer is authentatest with millisecond retry waits, for the wire
// tests of the options a service uses.
func fakeServer(t *testing.T, opts ...authentatest.Option) (*authentatest.Server, *authenta.Client) {
	t.Helper()
	srv := authentatest.NewServer(t, opts...)
	return srv, srv.Client()
}

// callMethods runs every kind of public call with opts against c.
var callMethods = []struct {
	name string
	call func(ctx context.Context, c *authenta.Client, opts ...authenta.CallOption) error
}{
	{"Get", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		_, err := c.Jobs.Get(ctx, "1", o...)
		return err
	}},
	{"List", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		_, err := c.Jobs.List(ctx, nil, o...)
		return err
	}},
	{"All", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		for _, err := range c.Jobs.All(ctx, nil, o...) {
			return err
		}
		return nil
	}},
	{"Create", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		_, err := c.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection,
			Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 3}}}, o...)
		return err
	}},
	{"Finalize", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		_, err := c.Jobs.Finalize(ctx, "1", o...)
		return err
	}},
	{"Cancel", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		_, err := c.Jobs.Cancel(ctx, "1", o...)
		return err
	}},
	{"Delete", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		return c.Jobs.Delete(ctx, "1", o...)
	}},
	{"Wait", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		_, err := c.Jobs.Wait(ctx, "1", nil, o...)
		return err
	}},
	{"Result", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		_, err := c.Jobs.Result(ctx, &authenta.Job{ID: "1", Artifacts: []authenta.Artifact{{Kind: "result", DownloadURL: "http://127.0.0.1:1/r.json"}}}, o...)
		return err
	}},
	{"Upload", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		return c.Jobs.Upload(ctx, authenta.Upload{Slot: "original", URL: "http://127.0.0.1:1/u"}, bytes.NewReader([]byte("png")), 3, "image/png", o...)
	}},
	{"DetectReader", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		_, err := c.DetectReader(ctx, authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, nil, o...)
		return err
	}},
	{"Resume", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
		_, err := c.Resume(ctx, "1", nil, o...)
		return err
	}},
}

// TestCallOptionsRefusedBeforeAnyRequest: an invalid call option fails
// every kind of call with ErrInvalidArgument, and nothing is sent.
func TestCallOptionsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	bad := []struct {
		name string
		opt  authenta.CallOption
	}{
		{"Authorization", authenta.WithCallHeader("Authorization", "Bearer other")},
		{"authorization lower case", authenta.WithCallHeader("authorization", "Bearer other")},
		{"Proxy-Authorization", authenta.WithCallHeader("Proxy-Authorization", "x")},
		{"Host", authenta.WithCallHeader("Host", "evil.test")},
		{"Content-Length", authenta.WithCallHeader("Content-Length", "1")},
		{"CRLF in value", authenta.WithCallHeader("X-Request-Id", "a\r\nAuthorization: Bearer x")},
		{"LF in value", authenta.WithCallHeader("X-Request-Id", "a\nb")},
		{"CR in value", authenta.WithCallHeader("X-Request-Id", "a\rb")},
		{"NUL in value", authenta.WithCallHeader("X-Request-Id", "a\x00b")},
		{"CRLF in name", authenta.WithCallHeader("X-A\r\nB", "v")},
		{"space in name", authenta.WithCallHeader("X Id", "v")},
		{"empty name", authenta.WithCallHeader("", "v")},
		{"negative retries", authenta.WithCallRetries(-1)},
		{"too many retries", authenta.WithCallRetries(1000)},
		{"zero timeout", authenta.WithCallTimeout(0)},
		{"negative timeout", authenta.WithCallTimeout(-time.Second)},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			srv, c := fakeServer(t)
			for _, m := range callMethods {
				err := m.call(t.Context(), c, authenta.WithCallHeader("X-Fine", "ok"), b.opt)
				require.ErrorIs(t, err, authenta.ErrInvalidArgument, m.name)
				assert.NotContains(t, err.Error(), "Bearer other", m.name)
			}
			assert.Zero(t, srv.Count(authentatest.RouteAll), "nothing was sent")
		})
	}
}

// TestCallHeaderReachesAPINotStorage: a call header goes with every API
// request of the call, retries included, and with no storage request
// (where it could break a signature). The client is not changed.
func TestCallHeaderReachesAPINotStorage(t *testing.T) {
	t.Parallel()
	srv, c := fakeServer(t, authentatest.WithSchedule(authentatest.Steps(1, 1)))
	srv.Fail(authentatest.RouteCreate, 503) // a retried request carries it too
	d, err := c.DetectReader(t.Context(), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, nil,
		authenta.WithCallHeader("x-request-id", "inbound-42"), authenta.WithCallHeader("X-Tenant", "acme"))
	require.NoError(t, err)
	require.Equal(t, authenta.StatusCompleted, d.Job.Status)
	var api, storage int
	for _, r := range srv.Requests() {
		switch r.Host {
		case authentatest.HostAPI:
			api++
			assert.Equal(t, "inbound-42", r.Header.Get("X-Request-Id"), "%s %s", r.Method, r.Path)
			assert.Equal(t, "acme", r.Header.Get("X-Tenant"))
			assert.True(t, r.AuthValid, "the call header does not disturb auth")
		case authentatest.HostStorage:
			storage++
			assert.Empty(t, r.Header.Get("X-Request-Id"), "%s %s", r.Method, r.Path)
			assert.Empty(t, r.Header.Get("X-Tenant"))
		}
	}
	assert.Equal(t, 6, api)     // create (twice), finalize, 3 polls
	assert.Equal(t, 2, storage) // upload, result
	// A later call without the option sends no such header.
	srv.ResetRequests()
	_, err = c.Jobs.Get(t.Context(), d.Job.ID)
	require.NoError(t, err)
	assert.Empty(t, srv.Requests()[0].Header.Get("X-Tenant"))
}

// TestCallRetriesAffectsThatCallOnly: two calls run at once on one client;
// the one with WithCallRetries(0) fails on its first 503, the other one
// retries and succeeds.
func TestCallRetriesAffectsThatCallOnly(t *testing.T) {
	t.Parallel()
	var (
		mu       sync.Mutex
		attempts = map[string]int{}
		both     = make(chan struct{})
		arrived  int
	)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who := r.Header.Get("X-Call")
		mu.Lock()
		attempts[who]++
		n := attempts[who]
		if n == 1 {
			arrived++
			if arrived == 2 {
				close(both)
			}
		}
		mu.Unlock()
		if n == 1 {
			<-both // both calls are in flight at once
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"1","status":"queued"}`))
	}))
	t.Cleanup(api.Close)
	c := testClient(t, api.URL)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, name := range []string{"once", "default"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opts := []authenta.CallOption{authenta.WithCallHeader("X-Call", name)}
			if name == "once" {
				opts = append(opts, authenta.WithCallRetries(0))
			}
			_, errs[i] = c.Jobs.Get(context.Background(), "1", opts...)
		}()
	}
	wg.Wait()
	assert.ErrorIs(t, errs[0], authenta.ErrServer)
	assert.NoError(t, errs[1])
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string]int{"once": 1, "default": 2}, attempts)
}

// TestCallTimeoutBoundsRetries: the call's timeout ends a call whose
// retries would go on much longer, waits between them included.
func TestCallTimeoutBoundsRetries(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	n := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(api.Close)
	// 20 retries 200ms apart would take 4s.
	c := testClient(t, api.URL, authenta.WithMaxRetries(20), authenta.WithRetryWait(200*time.Millisecond, 200*time.Millisecond))
	var info authenta.ResponseInfo
	_, err := c.Jobs.Get(context.Background(), "1", authenta.WithCallTimeout(50*time.Millisecond), authenta.WithResponseInfo(&info))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	mu.Lock()
	defer mu.Unlock()
	assert.Less(t, n, 3, "the timeout stopped the retries")
	assert.Equal(t, n, info.Attempts)
	assert.Equal(t, 503, info.StatusCode, "the last response seen")
	// The parent context is not changed: a later call has no deadline.
	assert.NoError(t, context.Background().Err())
}

func TestResponseInfo(t *testing.T) {
	t.Parallel()
	type want struct {
		status   int
		attempts int
		err      error
	}
	tests := []struct {
		name  string
		setup func(srv *authentatest.Server)
		call  func(c *authenta.Client, info *authenta.ResponseInfo) error
		want  want
	}{
		{"success", nil, func(c *authenta.Client, info *authenta.ResponseInfo) error {
			_, err := c.Jobs.List(context.Background(), nil, authenta.WithResponseInfo(info))
			return err
		}, want{200, 1, nil}},
		{"success after a retry", func(srv *authentatest.Server) { srv.Fail(authentatest.RouteList, 503) },
			func(c *authenta.Client, info *authenta.ResponseInfo) error {
				_, err := c.Jobs.List(context.Background(), nil, authenta.WithResponseInfo(info))
				return err
			}, want{200, 2, nil}},
		{"not found", nil, func(c *authenta.Client, info *authenta.ResponseInfo) error {
			_, err := c.Jobs.Get(context.Background(), "404404", authenta.WithResponseInfo(info))
			return err
		}, want{404, 1, authenta.ErrJobNotFound}},
		{"retries exhausted", func(srv *authentatest.Server) { srv.Fail(authentatest.RouteList, 503, 503, 503, 503) },
			func(c *authenta.Client, info *authenta.ResponseInfo) error {
				_, err := c.Jobs.List(context.Background(), nil, authenta.WithResponseInfo(info))
				return err
			}, want{503, 4, authenta.ErrServer}},
		{"stale struct is reset", nil, func(c *authenta.Client, info *authenta.ResponseInfo) error {
			*info = authenta.ResponseInfo{StatusCode: 999, RequestID: "old", Attempts: 77}
			_, err := c.Jobs.List(context.Background(), nil, authenta.WithResponseInfo(info))
			return err
		}, want{200, 1, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := fakeServer(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			var info authenta.ResponseInfo
			err := tt.call(c, &info)
			if tt.want.err != nil {
				require.ErrorIs(t, err, tt.want.err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want.status, info.StatusCode)
			assert.Equal(t, tt.want.attempts, info.Attempts)
			assert.Equal(t, srv.Count(authentatest.RouteAll), info.Attempts)
			if tt.want.status != 503 { // injected faults carry no request id
				assert.True(t, strings.HasPrefix(info.RequestID, "req_"), "request id %q", info.RequestID)
			}
			assert.Positive(t, info.Duration)
		})
	}
}

// TestResponseInfoDetect: for a composite call, Attempts counts every HTTP
// attempt (API and storage), and the last response is described.
func TestResponseInfoDetect(t *testing.T) {
	t.Parallel()
	t.Run("success", func(t *testing.T) {
		t.Parallel()
		srv, c := fakeServer(t)
		srv.Fail(authentatest.RouteUpload, 500)
		var info authenta.ResponseInfo
		_, err := c.DetectReader(t.Context(), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, nil, authenta.WithResponseInfo(&info))
		require.NoError(t, err)
		assert.Equal(t, srv.Count(authentatest.RouteAll), info.Attempts)
		assert.Equal(t, 200, info.StatusCode)
		assert.NotEmpty(t, info.RequestID)
		assert.Positive(t, info.Duration)
	})
	t.Run("failure", func(t *testing.T) {
		t.Parallel()
		srv, c := fakeServer(t)
		srv.Fail(authentatest.RouteFinalize, 402)
		var info authenta.ResponseInfo
		_, err := c.DetectReader(t.Context(), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3, nil, authenta.WithResponseInfo(&info))
		require.ErrorIs(t, err, authenta.ErrInsufficientBalance)
		// The failure, not the removal of the job that followed it.
		assert.Equal(t, 402, info.StatusCode)
		assert.Equal(t, 3, info.Attempts, "create, upload, finalize")
		assert.Equal(t, 1, srv.Count(authentatest.RouteDelete), "the job was still removed")
	})
	t.Run("invalid input sends nothing and fills nothing", func(t *testing.T) {
		t.Parallel()
		srv, c := fakeServer(t)
		info := authenta.ResponseInfo{StatusCode: 1}
		_, err := c.DetectReader(t.Context(), authenta.AIImageDetection, "a.gif", bytes.NewReader([]byte("gif")), 3, nil, authenta.WithResponseInfo(&info))
		require.Error(t, err)
		assert.Zero(t, srv.Count(authentatest.RouteAll))
		assert.Zero(t, info.Attempts)
	})
}

// TestCallOptionNil: a nil CallOption is ignored.
func TestCallOptionNil(t *testing.T) {
	t.Parallel()
	_, c := fakeServer(t)
	_, err := c.Jobs.List(t.Context(), nil, nil)
	require.NoError(t, err)
	assert.False(t, errors.Is(err, authenta.ErrInvalidArgument))
}

package authenta_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestDetectClosesItsHandlesOnFailure: a Detect whose upload fails every
// way (every attempt answered 503 after the body was read, the file shrunk
// before the retry, the context cancelled before the first attempt, the
// storage host gone) leaves no handle on its input open, with and without
// OnUploadProgress; the same for a Detect that succeeded after a retry.
func TestDetectClosesItsHandlesOnFailure(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("counts handles through /proc/self/fd")
	}
	tests := []struct {
		name    string
		prepare func(srv *authentatest.Server, tr *changeOn503, path string, cancel context.CancelFunc, opts *authenta.DetectOptions)
		wantErr bool
	}{
		{"every attempt 503", func(srv *authentatest.Server, _ *changeOn503, _ string, _ context.CancelFunc, _ *authenta.DetectOptions) {
			srv.Fail(authentatest.RouteUpload, 503, 503, 503)
		}, true},
		{"503 then success", func(srv *authentatest.Server, _ *changeOn503, _ string, _ context.CancelFunc, _ *authenta.DetectOptions) {
			srv.Fail(authentatest.RouteUpload, 503)
		}, false},
		{"shrunk before the retry", func(srv *authentatest.Server, tr *changeOn503, path string, _ context.CancelFunc, _ *authenta.DetectOptions) {
			srv.Fail(authentatest.RouteUpload, 503)
			tr.change = func() { _ = os.Truncate(path, 10) }
		}, true},
		{"cancelled before the upload", func(_ *authentatest.Server, _ *changeOn503, _ string, cancel context.CancelFunc, opts *authenta.DetectOptions) {
			opts.OnCreatedJob = func(*authenta.CreatedJob) { cancel() }
		}, true},
		{"storage gone", func(srv *authentatest.Server, _ *changeOn503, _ string, _ context.CancelFunc, _ *authenta.DetectOptions) {
			srv.Inject(authentatest.RouteUpload, authentatest.Fault{Conn: authentatest.Drop},
				authentatest.Fault{Conn: authentatest.Drop}, authentatest.Fault{Conn: authentatest.Drop})
		}, true},
	}
	for _, tt := range tests {
		for _, progress := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{false: "", true: ", with progress"}[progress], func(t *testing.T) {
				t.Parallel()
				dir, err := filepath.EvalSymlinks(t.TempDir())
				require.NoError(t, err)
				path := filepath.Join(dir, "photo.jpg")
				require.NoError(t, os.WriteFile(path, testData(64<<10), 0o600))
				srv := authentatest.NewServer(t)
				tr := &changeOn503{base: srv.HTTPClient().Transport}
				c := srv.Client(authenta.WithHTTPClient(&http.Client{Transport: tr}), authenta.WithMaxRetries(2),
					authenta.WithRetryWait(time.Millisecond, 2*time.Millisecond))
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				opts := &authenta.DetectOptions{Wait: fastWait}
				if progress {
					opts.OnUploadProgress = func(string, int64, int64) {}
				}
				tt.prepare(srv, tr, path, cancel, opts)
				_, err = c.Detect(ctx, authenta.AIImageDetection, path, opts)
				if tt.wantErr {
					require.Error(t, err)
				} else {
					require.NoError(t, err)
				}
				assert.Zero(t, handlesUnder(t, dir), "no handle on the input stays open")
			})
		}
	}
}

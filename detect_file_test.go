package authenta_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// sentFile returns the *os.File that net/http sends with sendfile for a
// request body: the body itself, or the file behind io.NopCloser (which
// net/http unwraps, as it does here); nil for any other body.
func sentFile(b io.ReadCloser) *os.File {
	if f, ok := b.(*os.File); ok {
		return f
	}
	var probe *os.File
	if b != nil && reflect.TypeOf(b) == reflect.TypeOf(io.NopCloser(probe)) {
		f, _ := reflect.ValueOf(b).Field(0).Interface().(*os.File)
		return f
	}
	return nil
}

// detectFileClient is a client of srv whose base transport records every
// upload body it is handed.
func detectFileClient(t *testing.T, srv *authentatest.Server) (*authenta.Client, *authenta.BodyRecorder) {
	t.Helper()
	rec := &authenta.BodyRecorder{Base: srv.HTTPClient().Transport, PutsOnly: true}
	return srv.Client(authenta.WithHTTPClient(&http.Client{Transport: rec})), rec
}

// TestDetectSendsItsFileWithSendfileOnEveryAttempt: Detect's input goes to
// net/http as a file on every attempt (so that it is sent with sendfile),
// the retry from a fresh handle; every attempt sends the file's bytes, and
// no handle on the file is left open afterwards.
func TestDetectSendsItsFileWithSendfileOnEveryAttempt(t *testing.T) {
	t.Parallel()
	const size = 200 << 10
	path, sum := faultImage(t, size)
	srv := authentatest.NewServer(t)
	srv.Inject(authentatest.RouteUpload, authentatest.Status(http.StatusServiceUnavailable))
	c, rec := detectFileClient(t, srv)

	d, err := c.Detect(t.Context(), authenta.AIImageDetection, path, &authenta.DetectOptions{Wait: fastWait})
	require.NoError(t, err)

	puts := srv.RequestsTo(authentatest.RouteUpload)
	require.Len(t, puts, 2, "the 503 and its retry")
	for i, p := range puts {
		assert.Equal(t, int64(size), p.BodyBytes, "attempt %d sent the whole file", i+1)
	}
	up, ok := srv.Upload(d.Job.ID, authenta.SlotOriginal)
	require.True(t, ok)
	assert.Equal(t, sum, up.SHA256)

	var files []*os.File
	for _, b := range rec.Seen() {
		f := sentFile(b)
		require.NotNil(t, f, "an upload body net/http cannot send with sendfile: %T", b)
		files = append(files, f)
	}
	require.Len(t, files, 2)
	assert.NotSame(t, files[0], files[1], "the retry reads a handle of its own")

	if runtime.GOOS == "linux" {
		real, err := filepath.EvalSymlinks(path)
		require.NoError(t, err)
		assert.Zero(t, handlesOn(t, real), "no handle on the file stays open")
	}
}

// TestDetectFileChangesAfterItsChecks changes the file after Detect checked
// it and created the job: before the first upload attempt (in
// OnCreatedJob) or before the retry of a failed one, with and without
// OnUploadProgress (which takes another path to the bytes). A file that
// shrank is never sent short (the job is removed, the error matches
// ErrInvalidArgument), and before the first attempt it is refused before
// anything is sent; one that grew sends exactly the size declared at
// create; one replaced by another file or unlinked still sends the bytes
// Detect opened.
func TestDetectFileChangesAfterItsChecks(t *testing.T) {
	t.Parallel()
	const size = 3000
	data := testData(size)
	sum := sha256.Sum256(data)
	shrink := func(path string) error { return os.Truncate(path, 1000) }
	grow := func(path string) error {
		w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = w.WriteString("appended later")
		return errors.Join(err, w.Close())
	}
	replace := func(path string) error {
		other := filepath.Join(filepath.Dir(path), "other.jpg")
		if err := os.WriteFile(other, testData(size/2), 0o600); err != nil {
			return err
		}
		return os.Rename(other, path)
	}
	tests := []struct {
		name       string
		change     func(path string) error
		beforeSend bool // change it in OnCreatedJob, else when the first PUT is answered 503
		wantErr    bool
	}{
		{"shrinks before the first attempt", shrink, true, true},
		{"shrinks before the retry", shrink, false, true},
		{"grows before the first attempt", grow, true, false},
		{"grows before the retry", grow, false, false},
		{"replaced before the first attempt", replace, true, false},
		{"replaced before the retry", replace, false, false},
		{"unlinked before the first attempt", os.Remove, true, false},
		{"unlinked before the retry", os.Remove, false, false},
	}
	for _, tt := range tests {
		for _, progress := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{false: "", true: ", with progress"}[progress], func(t *testing.T) {
				t.Parallel()
				testDetectFileChange(t, tt.change, tt.beforeSend, progress, tt.wantErr, data, sum)
			})
		}
	}
}

// testDetectFileChange is one case of TestDetectFileChangesAfterItsChecks.
func testDetectFileChange(t *testing.T, change func(string) error, beforeSend, progress, wantErr bool, data []byte, sum [32]byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "photo.jpg")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	srv := authentatest.NewServer(t)
	opts := &authenta.DetectOptions{Wait: fastWait}
	if progress {
		opts.OnUploadProgress = func(string, int64, int64) {}
	}
	if !beforeSend {
		// The first PUT is read whole and answered 503; the file changes
		// when that answer comes back, before the retry.
		srv.Inject(authentatest.RouteUpload, authentatest.Status(http.StatusServiceUnavailable))
	}
	var changeErr error
	d, err := detectChanging(t, srv, path, opts, beforeSend, change, &changeErr)
	require.NoError(t, changeErr)
	puts := srv.RequestsTo(authentatest.RouteUpload)
	if wantErr {
		require.ErrorIs(t, err, authenta.ErrInvalidArgument)
		if beforeSend || !progress {
			// Found by a stat; a retry with progress finds it by reading
			// the body short.
			assert.Contains(t, err.Error(), "1000 bytes")
		}
		assertNoSecrets(t, err.Error())
		var se *authenta.StepError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, authenta.StepUpload, se.Step)
		assert.True(t, se.Removed, "the job is removed")
		for _, p := range puts {
			assert.NotEqual(t, http.StatusOK, p.Status, "no short body was stored")
		}
		if beforeSend {
			assert.Empty(t, puts, "nothing is sent")
		}
		return
	}
	require.NoError(t, err)
	up, ok := srv.Upload(d.Job.ID, authenta.SlotOriginal)
	require.True(t, ok)
	assert.Equal(t, int64(len(data)), up.Bytes, "exactly the declared bytes")
	assert.Equal(t, hex.EncodeToString(sum[:]), up.SHA256, "the bytes Detect opened")
}

// detectChanging runs Detect of path on a client of srv, changing the
// file either in OnCreatedJob (beforeSend), before any byte is sent, or
// when the first 503 answer comes back (through the base transport),
// before the retry.
func detectChanging(t *testing.T, srv *authentatest.Server, path string, opts *authenta.DetectOptions, beforeSend bool, change func(string) error, changeErr *error) (*authenta.Detection, error) {
	t.Helper()
	tr := &changeOn503{base: srv.HTTPClient().Transport}
	if beforeSend {
		opts.OnCreatedJob = func(*authenta.CreatedJob) { *changeErr = change(path) }
	} else {
		tr.change = func() { *changeErr = change(path) }
	}
	c := srv.Client(authenta.WithHTTPClient(&http.Client{Transport: tr}))
	return c.Detect(t.Context(), authenta.AIImageDetection, path, opts)
}

// changeOn503 calls change once, when the first 503 answer comes back.
type changeOn503 struct {
	base   http.RoundTripper
	change func()
	done   bool
}

func (c *changeOn503) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusServiceUnavailable && !c.done && c.change != nil {
		c.done = true
		c.change()
	}
	return resp, err
}

package authenta_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestConcurrentDetectsUnderFaults runs Detects from many goroutines on one
// Client while the fake misbehaves on every step: uploads answered 503 or
// reset mid-body, finalize answered 503 or handled with no answer at all,
// polls reset, result downloads answered 500 or reset. Every call ends
// with its own file stored whole, its own result, and Raw bytes that no
// later call changes (a buffer reused by another call would); half the
// calls report upload progress and half take OnFinalized, so that every
// upload and finalize path runs. No handle on the inputs stays open.
func TestConcurrentDetectsUnderFaults(t *testing.T) {
	t.Parallel()
	const calls = 24
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	srv := authentatest.NewServer(t)
	for range 6 {
		srv.Inject(authentatest.RouteUpload, authentatest.Status(http.StatusServiceUnavailable),
			authentatest.Fault{Conn: authentatest.Reset, DropAfter: 1000})
		srv.Inject(authentatest.RouteFinalize, authentatest.Status(http.StatusServiceUnavailable),
			authentatest.Fault{Conn: authentatest.DropResponse})
		srv.Inject(authentatest.RouteGet, authentatest.Fault{Conn: authentatest.Reset})
		srv.Inject(authentatest.RouteDownload, authentatest.Status(http.StatusInternalServerError),
			authentatest.Fault{Conn: authentatest.Reset})
	}
	c := srv.Client(authenta.WithMaxRetries(16), authenta.WithRetryWait(time.Millisecond, 2*time.Millisecond))

	type outcome struct {
		path, sum string
		d         *authenta.Detection
		raw       []byte // Raw as the call returned it
		err       error
		finalized *authenta.Job
	}
	outs := make([]outcome, calls)
	for i := range outs {
		data := bytes.Repeat([]byte{byte(i)}, 64<<10+i)
		outs[i].path = filepath.Join(dir, fmt.Sprintf("photo%d.jpg", i))
		require.NoError(t, os.WriteFile(outs[i].path, data, 0o600))
		h := sha256.Sum256(data)
		outs[i].sum = hex.EncodeToString(h[:])
	}
	var wg sync.WaitGroup
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := &outs[i]
			dopts := &authenta.DetectOptions{Wait: fastWait}
			if i%2 == 0 {
				dopts.OnUploadProgress = func(string, int64, int64) {}
			} else {
				dopts.OnFinalized = func(j *authenta.Job) { o.finalized = j }
			}
			o.d, o.err = c.Detect(t.Context(), authenta.AIImageDetection, o.path, dopts)
			if o.err == nil {
				o.raw = bytes.Clone(o.d.Result.Raw)
			}
		}()
	}
	wg.Wait()

	for i, o := range outs {
		require.NoError(t, o.err, "call %d", i)
		up, ok := srv.Upload(o.d.Job.ID, authenta.SlotOriginal)
		require.True(t, ok, "call %d", i)
		assert.Equal(t, o.sum, up.SHA256, "call %d stored its own file", i)
		assert.Equal(t, string(o.raw), string(o.d.Result.Raw), "call %d: Raw changed after the call returned", i)
		assert.NotEmpty(t, o.raw, "call %d", i)
		if i%2 == 1 {
			require.NotNil(t, o.finalized, "call %d", i)
			assert.Equal(t, o.d.Job.ID, o.finalized.ID, "call %d", i)
		}
	}
	for _, r := range []authentatest.Route{authentatest.RouteUpload, authentatest.RouteFinalize, authentatest.RouteGet, authentatest.RouteDownload} {
		assert.Zero(t, srv.PendingFaults(r), "every %s fault was met", r)
	}
	assert.Zero(t, handlesUnder(t, dir), "no handle on an input stays open")
}

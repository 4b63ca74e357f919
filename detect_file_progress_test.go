package authenta_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestDetectFileChangesEveryWay changes Detect's input after its checks,
// before the first upload attempt or before the retry of a failed one, with
// and without OnUploadProgress (which takes another path to the bytes): a
// file that shrank is refused before any byte of it is sent (or, before a
// retry, never stored short), and one that was replaced by another file or
// unlinked still sends the bytes Detect opened and declared.
func TestDetectFileChangesEveryWay(t *testing.T) {
	t.Parallel()
	const size = 3000
	data := testData(size)
	sum := sha256.Sum256(data)
	shrink := func(path string) error { return os.Truncate(path, 1000) }
	replace := func(path string) error {
		other := filepath.Join(filepath.Dir(path), "other.jpg")
		if err := os.WriteFile(other, testData(size/2), 0o600); err != nil {
			return err
		}
		return os.Rename(other, path)
	}
	unlink := os.Remove
	tests := []struct {
		name       string
		change     func(path string) error
		beforeSend bool // in OnCreatedJob, else when the first PUT is answered 503
		wantErr    bool
	}{
		{"shrinks before the first attempt", shrink, true, true},
		{"shrinks before the retry", shrink, false, true},
		{"replaced before the first attempt", replace, true, false},
		{"replaced before the retry", replace, false, false},
		{"unlinked before the first attempt", unlink, true, false},
		{"unlinked before the retry", unlink, false, false},
	}
	for _, tt := range tests {
		for _, progress := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{false: "", true: ", with progress"}[progress], func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), "photo.jpg")
				require.NoError(t, os.WriteFile(path, data, 0o600))
				srv := authentatest.NewServer(t)
				opts := &authenta.DetectOptions{Wait: fastWait}
				if progress {
					opts.OnUploadProgress = func(string, int64, int64) {}
				}
				if !tt.beforeSend {
					srv.Inject(authentatest.RouteUpload, authentatest.Status(http.StatusServiceUnavailable))
				}
				var changeErr error
				d, err := detectChanging(t, srv, path, opts, tt.beforeSend, tt.change, &changeErr)
				require.NoError(t, changeErr)
				puts := srv.RequestsTo(authentatest.RouteUpload)
				if tt.wantErr {
					require.ErrorIs(t, err, authenta.ErrInvalidArgument)
					if tt.beforeSend {
						assert.Contains(t, err.Error(), "1000 bytes", "found by a stat, not by a short send")
					}
					var se *authenta.StepError
					require.ErrorAs(t, err, &se)
					assert.Equal(t, authenta.StepUpload, se.Step)
					assert.True(t, se.Removed, "the job is removed")
					for _, p := range puts {
						assert.NotEqual(t, http.StatusOK, p.Status, "no short body was stored")
					}
					if tt.beforeSend {
						assert.Empty(t, puts, "nothing is sent")
					}
					return
				}
				require.NoError(t, err)
				up, ok := srv.Upload(d.Job.ID, authenta.SlotOriginal)
				require.True(t, ok)
				assert.Equal(t, int64(size), up.Bytes)
				assert.Equal(t, hex.EncodeToString(sum[:]), up.SHA256, "the bytes Detect opened")
			})
		}
	}
}

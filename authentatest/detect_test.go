package authentatest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

func TestDetectEveryTaskType(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	for i, tc := range taskCases {
		t.Run(tc.task.Model, func(t *testing.T) {
			t.Parallel()
			data := bytes.Repeat([]byte{byte(i)}, 2048+i)
			opts := &authenta.DetectOptions{Wait: fastWait}
			if tc.task.ID == authenta.FaceIntelligence.ID {
				opts.Checks = authenta.FaceChecks{Liveness: true}
			}
			var d *authenta.Detection
			var err error
			if i%2 == 0 {
				d, err = c.DetectReader(ctxFor(t), tc.task, tc.file, bytes.NewReader(data), int64(len(data)), opts)
			} else {
				d, err = c.Detect(ctxFor(t), tc.task, writeFile(t, tc.file, data), opts)
			}
			require.NoError(t, err)
			assert.Equal(t, authenta.StatusCompleted, d.Job.Status)
			tc.check(t, d.Result)

			info, ok := srv.Job(d.Job.ID)
			require.True(t, ok)
			assert.Equal(t, tc.task.ID, info.TaskType.ID)
			assert.Equal(t, []authenta.Input{{Slot: "original", FileName: tc.file, ContentType: tc.ct, Size: int64(len(data))}}, info.Inputs)
			rec := info.Uploads["original"]
			sum := sha256.Sum256(data)
			assert.Equal(t, hex.EncodeToString(sum[:]), rec.SHA256)
			assert.Equal(t, 1, rec.PUTs)
			assert.Equal(t, 1, srv.CountJob(authentatest.RouteFinalize, d.Job.ID))
		})
	}
}

func TestDetectFaceIntelligence(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()

	t.Run("liveness and similarity with a reference", func(t *testing.T) {
		t.Parallel()
		selfie := writeFile(t, "selfie.jpg", bytes.Repeat([]byte("s"), 4141))
		id := writeFile(t, "id-card.png", bytes.Repeat([]byte("i"), 1202))
		d, err := c.Detect(ctxFor(t), authenta.FaceIntelligence, selfie, &authenta.DetectOptions{
			Reference: id,
			Checks:    authenta.FaceChecks{Liveness: true, Similarity: true},
			Wait:      fastWait,
		})
		require.NoError(t, err)
		ptrBool(t, d.Result.IsLive, true, "isLiveness")
		ptrBool(t, d.Result.IsSimilar, true, "isSimilar")
		require.NotNil(t, d.Result.SimilarityScore)
		assert.InDelta(t, 82.67, *d.Result.SimilarityScore, 1e-9)
		assert.Nil(t, d.Result.IsDeepFake)

		info, _ := srv.Job(d.Job.ID)
		assert.Equal(t, map[string]any{"version": "v1", "isLivenessCheck": true, "isSimilarityCheck": true}, info.Parameters)
		assert.Equal(t, []authenta.Input{
			{Slot: "original", FileName: "selfie.jpg", ContentType: "image/jpeg", Size: 4141},
			{Slot: "reference", FileName: "id-card.png", ContentType: "image/png", Size: 1202},
		}, info.Inputs)
		assert.EqualValues(t, 4141, info.Uploads["original"].Bytes)
		assert.EqualValues(t, 1202, info.Uploads["reference"].Bytes)
		assert.Equal(t, "image/png", info.Uploads["reference"].ContentType)
	})
	t.Run("faceswap and liveness on a video", func(t *testing.T) {
		t.Parallel()
		data := bytes.Repeat([]byte("v"), 9000)
		d, err := c.DetectReader(ctxFor(t), authenta.FaceIntelligence, "clip.mp4", bytes.NewReader(data), int64(len(data)),
			&authenta.DetectOptions{Checks: authenta.FaceChecks{Liveness: true, Faceswap: true}, Wait: fastWait})
		require.NoError(t, err)
		ptrBool(t, d.Result.IsDeepFake, false, "isDeepFake")
		ptrBool(t, d.Result.IsLive, true, "isLiveness")
		assert.Nil(t, d.Result.IsSimilar)
	})
	t.Run("similarity without a reference is refused before any request", func(t *testing.T) {
		t.Parallel()
		// A server of its own, so that its recording is this test's.
		own := authentatest.NewServer(t)
		_, err := own.Client().Detect(ctxFor(t), authenta.FaceIntelligence, writeFile(t, "a.jpg", []byte("a")),
			&authenta.DetectOptions{Checks: authenta.FaceChecks{Similarity: true}})
		assert.ErrorIs(t, err, authenta.ErrInvalidArgument)
		assert.Zero(t, own.Count(authentatest.RouteAll))
	})
}

// stepError returns the *StepError in err.
func stepError(t *testing.T, err error) *authenta.StepError {
	t.Helper()
	var se *authenta.StepError
	require.ErrorAs(t, err, &se)
	return se
}

func TestDetectFailedJobIsCleanedUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		outcome authentatest.Outcome
		want    error
	}{
		{authentatest.Failed("No face detected in the image"), authenta.ErrJobFailed},
		{authentatest.Outcome{Status: authenta.StatusCancelled}, authenta.ErrJobCancelled},
	}
	for _, tt := range tests {
		t.Run(string(tt.outcome.Status), func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t, authentatest.WithOutcome(tt.outcome))
			var created string
			d, err := srv.Client().DetectReader(ctxFor(t), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3,
				&authenta.DetectOptions{Wait: fastWait, OnCreated: func(j *authenta.Job) { created = j.ID }})
			require.Error(t, err)
			assert.Nil(t, d)
			assert.ErrorIs(t, err, tt.want)
			se := stepError(t, err)
			assert.Equal(t, authenta.StepWait, se.Step)
			assert.Equal(t, created, se.JobID)
			assert.True(t, se.Removed)
			if tt.outcome.ErrorMessage != "" {
				assert.Contains(t, err.Error(), tt.outcome.ErrorMessage)
			}

			info, ok := srv.Job(created)
			require.True(t, ok)
			assert.True(t, info.Deleted, "the job was removed")
			assert.Equal(t, 1, srv.CountJob(authentatest.RouteDelete, created))
			assert.Zero(t, srv.Count(authentatest.RouteDownload), "no result to fetch")
		})
	}
}

func TestDetectUploadFailureRemovesTheJob(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		faults []authentatest.Fault
		status int
	}{
		{"storage refuses", []authentatest.Fault{authentatest.Status(403)}, 403},
		{"storage keeps failing", []authentatest.Fault{authentatest.Status(503), authentatest.Status(500), authentatest.Status(502), authentatest.Status(503)}, 503},
		{"connection reset", []authentatest.Fault{{Conn: authentatest.Reset}, {Conn: authentatest.Reset}, {Conn: authentatest.Reset}, {Conn: authentatest.Reset}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t)
			srv.Inject(authentatest.RouteUpload, tt.faults...)
			_, err := srv.Client().DetectReader(ctxFor(t), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3,
				&authenta.DetectOptions{Wait: fastWait})
			require.Error(t, err)
			se := stepError(t, err)
			assert.Equal(t, authenta.StepUpload, se.Step)
			assert.Equal(t, authenta.SlotOriginal, se.Slot)
			assert.True(t, se.Removed)
			if tt.status != 0 {
				var ae *authenta.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.status, ae.StatusCode)
			}
			assert.Zero(t, srv.Count(authentatest.RouteFinalize), "no finalize after a failed upload")
			info, ok := srv.Job(se.JobID)
			require.True(t, ok)
			assert.True(t, info.Deleted)
			assert.Equal(t, authenta.StatusPending, info.Status, "never finalized, never charged")
			assert.Zero(t, info.Charged)
		})
	}
	t.Run("one of two uploads fails", func(t *testing.T) {
		t.Parallel()
		srv := authentatest.NewServer(t)
		// The two inputs upload concurrently: whichever PUT comes first
		// gets the 403.
		srv.Inject(authentatest.RouteUpload, authentatest.Status(403))
		_, err := srv.Client().Detect(ctxFor(t), authenta.FaceIntelligence, writeFile(t, "s.jpg", []byte("selfie")),
			&authenta.DetectOptions{Reference: writeFile(t, "r.jpg", []byte("referen")), Checks: authenta.FaceChecks{Similarity: true}, Wait: fastWait})
		require.Error(t, err)
		se := stepError(t, err)
		assert.Equal(t, authenta.StepUpload, se.Step)
		assert.Contains(t, []string{authenta.SlotOriginal, authenta.SlotReference}, se.Slot)
		assert.True(t, se.Removed)
		assert.Zero(t, srv.Count(authentatest.RouteFinalize))
	})
}

func TestDetectFinalizeFailureRemovesTheJob(t *testing.T) {
	t.Parallel()
	const key = "api_pennyless_key_01"
	srv := authentatest.NewServer(t,
		authentatest.WithKey(authentatest.Key{Token: key, Permissions: authentatest.PermAll, Balance: 0.5}))
	_, err := srv.Client(authenta.WithAPIKey(key)).DetectReader(ctxFor(t), authenta.AIImageDetection, "a.png",
		bytes.NewReader([]byte("png")), 3, &authenta.DetectOptions{Wait: fastWait})
	require.Error(t, err)
	assert.ErrorIs(t, err, authenta.ErrInsufficientBalance)
	se := stepError(t, err)
	assert.Equal(t, authenta.StepFinalize, se.Step)
	assert.True(t, se.Removed)
	info, _ := srv.Job(se.JobID)
	assert.True(t, info.Deleted)
	assert.Equal(t, 1, srv.Count(authentatest.RouteFinalize), "a 402 is not retried")
	assert.InDelta(t, 0.5, srv.Balance(key), 1e-9, "nothing charged")
}

func TestDetectCreateFailure(t *testing.T) {
	t.Parallel()
	const key = "api_readonly_key_02"
	srv := authentatest.NewServer(t, authentatest.WithKey(authentatest.Key{Token: key, Permissions: authentatest.PermRead, Balance: 5}))
	_, err := srv.Client(authenta.WithAPIKey(key)).DetectReader(ctxFor(t), authenta.AIImageDetection, "a.png",
		bytes.NewReader([]byte("png")), 3, nil)
	assert.ErrorIs(t, err, authenta.ErrForbidden)
	se := stepError(t, err)
	assert.Equal(t, authenta.StepCreate, se.Step)
	assert.Empty(t, se.JobID)
	assert.Empty(t, srv.Jobs())
	assert.Equal(t, 1, srv.Count(authentatest.RouteAll))
}

func TestDetectResultFailure(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	srv.Fail(authentatest.RouteDownload, 500, 500, 500, 500)
	_, err := srv.Client().DetectReader(ctxFor(t), authenta.AIImageDetection, "a.png",
		bytes.NewReader([]byte("png")), 3, &authenta.DetectOptions{Wait: fastWait})
	require.Error(t, err)
	se := stepError(t, err)
	assert.Equal(t, authenta.StepResult, se.Step)
	assert.ErrorIs(t, err, authenta.ErrServer)
	assert.Equal(t, 4, srv.Count(authentatest.RouteDownload))
}

func TestDetectResultURLRefreshed(t *testing.T) {
	t.Parallel()
	// The first download gets the 403 of an expired URL: Result gets the
	// job again for a fresh URL.
	srv := authentatest.NewServer(t)
	srv.Fail(authentatest.RouteDownload, 403)
	d, err := srv.Client().DetectReader(ctxFor(t), authenta.AIImageDetection, "a.png",
		bytes.NewReader([]byte("png")), 3, &authenta.DetectOptions{Wait: fastWait})
	require.NoError(t, err)
	ptrBool(t, d.Result.IsDeepFake, false, "isDeepFake")
	assert.Equal(t, 2, srv.Count(authentatest.RouteDownload))
}

func TestDetectLocalChecksSendNothing(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	_, err := c.DetectReader(ctxFor(t), authenta.AIImageDetection, "anim.gif", bytes.NewReader([]byte("gif")), 3, nil)
	assert.ErrorIs(t, err, authenta.ErrUnsupportedMediaType)
	_, err = c.DetectReader(ctxFor(t), authenta.AIImageDetection, "clip.mp4", bytes.NewReader([]byte("mp4")), 3, nil)
	assert.ErrorIs(t, err, authenta.ErrUnsupportedMediaType)
	_, err = c.Detect(ctxFor(t), authenta.AIImageDetection, filepath.Join(t.TempDir(), "missing.png"), nil)
	assert.ErrorIs(t, err, authenta.ErrInvalidArgument)
	assert.Zero(t, srv.Count(authentatest.RouteAll))
}

func TestDetectConcurrent(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	const n = 100
	ctx := ctxFor(t)
	var wg sync.WaitGroup
	errs := make([]error, n)
	ids := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := []byte("image-" + strconv.Itoa(i))
			d, err := c.DetectReader(ctx, authenta.AIImageDetection, "img"+strconv.Itoa(i)+".png",
				bytes.NewReader(data), int64(len(data)),
				&authenta.DetectOptions{Wait: &authenta.WaitOptions{MinInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond}})
			errs[i] = err
			if err == nil {
				ids[i] = d.Job.ID
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		require.NoError(t, errs[i], "detection %d", i)
		seen[ids[i]] = true
	}
	assert.Len(t, seen, n, "distinct jobs")
	assert.Equal(t, n, srv.Count(authentatest.RouteCreate))
	assert.Equal(t, n, srv.Count(authentatest.RouteFinalize))
	assert.Equal(t, n, srv.Count(authentatest.RouteUpload))
	for _, j := range srv.Jobs() {
		assert.Equal(t, authenta.StatusCompleted, j.Status)
		assert.True(t, j.Uploads["original"].OK)
	}
	for _, q := range srv.RequestsTo(authentatest.RouteCreate) {
		var body struct {
			Inputs []struct {
				FileName string `json:"fileName"`
			} `json:"inputs"`
		}
		require.NoError(t, json.Unmarshal(q.Body, &body))
		assert.Regexp(t, `^img\d+\.png$`, body.Inputs[0].FileName)
	}
}

package authenta_test

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

type progressCall struct {
	slot        string
	sent, total int64
}

type progressLog struct {
	mu    sync.Mutex
	calls []progressCall
}

func (l *progressLog) fn(slot string, sent, total int64) {
	l.mu.Lock()
	l.calls = append(l.calls, progressCall{slot, sent, total})
	l.mu.Unlock()
}

// attempts splits one slot's reports into attempts (each starts at 0) and
// checks that each attempt's counts only grow.
func (l *progressLog) attempts(t *testing.T, slot string, total int64) [][]int64 {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out [][]int64
	for _, c := range l.calls {
		if c.slot != slot {
			continue
		}
		require.Equal(t, total, c.total)
		require.True(t, c.sent >= 0 && c.sent <= total, "sent %d of %d", c.sent, total)
		if c.sent == 0 || len(out) == 0 {
			require.Zero(t, c.sent, "an attempt's first report is 0")
			out = append(out, []int64{0})
			continue
		}
		cur := out[len(out)-1]
		require.Greater(t, c.sent, cur[len(cur)-1], "monotonic within an attempt")
		out[len(out)-1] = append(cur, c.sent)
	}
	require.NotEmpty(t, out, "slot %s reported", slot)
	last := out[len(out)-1]
	require.Equal(t, total, last[len(last)-1], "the last report is the total")
	return out
}

// TestUploadProgress: reports are monotonic, throttled, end at the total,
// and restart from 0 on a retried upload.
func TestUploadProgress(t *testing.T) {
	t.Parallel()
	const size = 3<<20 + 17
	data := bytes.Repeat([]byte{0xA5}, size)
	tests := []struct {
		name     string
		body     func() io.Reader
		faults   int
		attempts int
	}{
		{"one attempt", func() io.Reader { return bytes.NewReader(data) }, 0, 1},
		{"retried upload restarts at 0", func() io.Reader { return bytes.NewReader(data) }, 2, 3},
		{"read-once reader", func() io.Reader { return io.MultiReader(bytes.NewReader(data)) }, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t)
			for range tt.faults {
				srv.Fail(authentatest.RouteUpload, 500)
			}
			var log progressLog
			_, err := srv.Client().DetectReader(t.Context(), authenta.AIImageDetection, "a.png", tt.body(), size,
				&authenta.DetectOptions{OnUploadProgress: log.fn})
			require.NoError(t, err)
			att := log.attempts(t, authenta.SlotOriginal, size)
			assert.Len(t, att, tt.attempts)
			last := att[len(att)-1]
			assert.LessOrEqual(t, len(last), 2+size/(256<<10)+1, "throttled: %d reports", len(last))
			assert.Greater(t, len(last), 2, "reports along the way, not only 0 and the total")
		})
	}
}

// TestUploadProgressTwoSlots: every input reports under its own slot.
func TestUploadProgressTwoSlots(t *testing.T) {
	t.Parallel()
	f := newDetectFiles(t)
	srv := authentatest.NewServer(t)
	var log progressLog
	_, err := srv.Client().Detect(t.Context(), authenta.FaceIntelligence, f.photo, &authenta.DetectOptions{
		Reference: f.ref, Checks: authenta.FaceChecks{Similarity: true}, OnUploadProgress: log.fn})
	require.NoError(t, err)
	log.attempts(t, authenta.SlotOriginal, int64(100+len("photo.jpg")))
	log.attempts(t, authenta.SlotReference, int64(100+len("id card.png")))
}

// TestOnFinalized: called once, with the queued job, before the wait.
func TestOnFinalized(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	var got []*authenta.Job
	var polledBefore bool
	d, err := srv.Client().DetectReader(t.Context(), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3,
		&authenta.DetectOptions{OnFinalized: func(j *authenta.Job) {
			got = append(got, j)
			polledBefore = srv.Count(authentatest.RouteGet) > 0
		}})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, d.Job.ID, got[0].ID)
	assert.Equal(t, authenta.StatusQueued, got[0].Status)
	assert.Equal(t, authenta.AIImageDetection.ID, got[0].TaskTypeID, "the created job's fields are kept")
	assert.False(t, polledBefore)
}

// TestOnFinalizedNotCalledWhenFinalizeFails.
func TestOnFinalizedNotCalledWhenFinalizeFails(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	srv.Fail(authentatest.RouteFinalize, 402)
	called := false
	_, err := srv.Client().DetectReader(t.Context(), authenta.AIImageDetection, "a.png", bytes.NewReader([]byte("png")), 3,
		&authenta.DetectOptions{OnFinalized: func(*authenta.Job) { called = true }})
	require.ErrorIs(t, err, authenta.ErrInsufficientBalance)
	assert.False(t, called)
}

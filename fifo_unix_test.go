//go:build unix

package authenta_test

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// Detect on a FIFO named like an image is refused at once, before any
// request: it must not block in open waiting for a writer.
func TestDetectRefusesFIFOWithoutBlocking(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "photo.jpg")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	srv := authentatest.NewServer(t)
	c := srv.Client()
	for _, opts := range []*authenta.DetectOptions{nil, {Checks: authenta.FaceChecks{Similarity: true}, Reference: fifo}} {
		task, path := authenta.AIImageDetection, fifo
		if opts != nil {
			task, path, _ = authenta.FaceIntelligence, "", ""
			path, _ = faultImage(t, 100)
		}
		ctx, cancel := context.WithCancel(context.Background())
		_, err := returnsWithin(t, 5*time.Second, cancel, func() error {
			_, err := c.Detect(ctx, task, path, opts)
			return err
		})
		cancel()
		require.ErrorIs(t, err, authenta.ErrInvalidArgument)
		assert.Contains(t, err.Error(), "not a regular file")
	}
	assert.Zero(t, srv.Count(authentatest.RouteAll))
}

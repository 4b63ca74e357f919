//go:build unix

package authenta_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestFacesRefuseFIFOWithoutBlocking: Enroll and Search on a FIFO named
// like an image are refused at once, before any request, as Detect's are
// (issue 7): they must not block in open waiting for a writer. Should one
// block, the test opens the FIFO for writing to free it, and fails.
func TestFacesRefuseFIFOWithoutBlocking(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "face.jpg")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	srv := authentatest.NewServer(t)
	c := srv.Client()
	ok := writeFile(t, "ok.jpg", authentatest.Portrait(1, 8, 8))
	for name, call := range map[string]func(context.Context) error{
		"Enroll":        func(ctx context.Context) error { _, err := c.Faces.Enroll(ctx, []string{fifo}); return err },
		"Enroll second": func(ctx context.Context) error { _, err := c.Faces.Enroll(ctx, []string{ok, fifo}); return err },
		"Search":        func(ctx context.Context) error { _, err := c.Faces.Search(ctx, fifo, nil); return err },
	} {
		done := make(chan error, 1)
		go func() { done <- call(t.Context()) }()
		select {
		case err := <-done:
			require.ErrorIs(t, err, authenta.ErrInvalidArgument, name)
			assert.Contains(t, err.Error(), "not a regular file", name)
		case <-time.After(5 * time.Second):
			// Free the blocked open: a writer comes, then goes.
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				_ = w.Close()
			}
			<-done
			t.Errorf("%s blocked on a FIFO", name)
		}
	}
	assert.Zero(t, srv.Count(authentatest.RouteAll), "nothing sent")
}

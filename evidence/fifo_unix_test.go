//go:build unix

package evidence_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/evidence"
)

// TestAnnotateFileRefusesFIFO: an input that is a FIFO named like an image
// is refused at once with ErrInvalidArgument: AnnotateFile must not block
// in open waiting for a writer (as Detect must not, issue 7). Should it
// block, the test opens the FIFO for writing to free it, and fails.
func TestAnnotateFileRefusesFIFO(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "frame.png")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.png")
	done := make(chan error, 1)
	go func() { done <- evidence.AnnotateFile(context.Background(), fifo, out, nil, nil) }()
	select {
	case err := <-done:
		if !errors.Is(err, authenta.ErrInvalidArgument) {
			t.Fatalf("AnnotateFile on a FIFO: %v, want an error matching ErrInvalidArgument", err)
		}
	case <-time.After(5 * time.Second):
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			_ = w.Close()
		}
		<-done
		t.Fatal("AnnotateFile blocked on a FIFO")
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("output written: %v", err)
	}
}

//go:build unix

package fsopen_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/phospheneai/authenta-go/internal/fsopen"
)

// TestOpen: a regular file opens and reads as with os.Open; a FIFO with no
// writer opens at once (os.Open would wait for a writer forever) and is
// seen as a FIFO, so callers can refuse it. Should Open block, the test
// opens the FIFO for writing to free it, and fails.
func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	regular := filepath.Join(dir, "photo.jpg")
	if err := os.WriteFile(regular, []byte("jpeg"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.jpg")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		regular bool
	}{
		{"regular file", regular, true},
		{"FIFO without a writer", fifo, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type opened struct {
				f   *os.File
				err error
			}
			done := make(chan opened, 1)
			go func() {
				f, err := fsopen.Open(tt.path)
				done <- opened{f, err}
			}()
			var o opened
			select {
			case o = <-done:
			case <-time.After(5 * time.Second):
				if w, err := os.OpenFile(tt.path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					_ = w.Close()
				}
				<-done
				t.Fatal("Open blocked")
			}
			if o.err != nil {
				t.Fatalf("Open: %v", o.err)
			}
			defer o.f.Close()
			fi, err := o.f.Stat()
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().IsRegular(); got != tt.regular {
				t.Fatalf("regular = %v, want %v (mode %v)", got, tt.regular, fi.Mode())
			}
			if tt.regular {
				b := make([]byte, 8)
				n, err := o.f.Read(b)
				if err != nil || string(b[:n]) != "jpeg" {
					t.Fatalf("Read = %q, %v", b[:n], err)
				}
			}
		})
	}
}

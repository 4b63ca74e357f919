//go:build unix

package authenta

import (
	"os"
	"syscall"
)

// openFile opens a file for reading without blocking, should it be a FIFO
// (os.Open would wait for a writer); the caller then refuses anything but a
// regular file, for which O_NONBLOCK changes nothing.
func openFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

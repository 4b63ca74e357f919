//go:build unix

package fsopen

import (
	"os"
	"syscall"
)

// Open opens a file for reading without blocking, should it be a FIFO
// (os.Open would wait for a writer, past any context); the caller then
// refuses anything but a regular file, for which O_NONBLOCK changes nothing.
func Open(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

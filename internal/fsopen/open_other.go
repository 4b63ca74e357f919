//go:build !unix

package fsopen

import "os"

// Open opens a file for reading (no FIFOs to guard against here).
func Open(path string) (*os.File, error) { return os.Open(path) }

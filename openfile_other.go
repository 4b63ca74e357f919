//go:build !unix

package authenta

import "os"

// openFile opens a file for reading (no FIFOs to guard against here).
func openFile(path string) (*os.File, error) { return os.Open(path) }

//go:build !unix

package authenta_test

import "time"

// cpuTime is not measured on this platform: the CPU figures read 0.
func cpuTime() time.Duration { return 0 }

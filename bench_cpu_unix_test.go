//go:build unix

package authenta_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) the whole process has used.
// Linux computes it from the scheduler's nanosecond runtime, so deltas
// over a few microseconds are meaningful.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

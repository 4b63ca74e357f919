package authenta_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when goroutines outlive its tests: a
// transport, retry or wait loop that keeps running after the call returned,
// a response body left open, an upload goroutine that never ended. Tests
// close their servers and their clients' idle connections (t.Cleanup), so
// nothing is expected to remain and nothing is ignored.
//
// Started by BenchmarkPairedUpload as its child process, the binary serves
// as the benchmark's discard server instead (serveDiscard).
func TestMain(m *testing.M) {
	if os.Getenv(discardServerEnv) == "1" {
		os.Exit(serveDiscard())
	}
	goleak.VerifyTestMain(m)
}

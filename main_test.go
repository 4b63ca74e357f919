package authenta_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when goroutines outlive its tests: a
// transport, retry or wait loop that keeps running after the call returned,
// a response body left open, an upload goroutine that never ended. Tests
// close their servers and their clients' idle connections (t.Cleanup), so
// nothing is expected to remain and nothing is ignored.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

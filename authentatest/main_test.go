package authentatest_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when goroutines outlive its tests: a server
// whose hosts or handlers keep running after Close, a client connection
// left open, a job clock that never stops. Nothing is ignored.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

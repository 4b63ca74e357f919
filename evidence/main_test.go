package evidence_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives its tests, such as
// one copying a killed ffmpeg's error output.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

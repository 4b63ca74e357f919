package main

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when goroutines outlive its tests: run must
// close the fake it starts and every connection its client opened.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

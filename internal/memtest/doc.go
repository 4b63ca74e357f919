// Package memtest holds the SDK's memory tests: uploads of large sparse
// files whose allocations are measured with runtime.MemStats.
//
// MemStats are process-wide, so these tests live in a package of their own:
// `go test ./...` runs them in a test binary where no other package's tests
// (and no t.Parallel test) allocate at the same time. No test here calls
// t.Parallel, so they also run one after another.
//
// The 1 GiB measurement runs only with AUTHENTA_BIG=1; scripts/memprofile.sh
// runs it under /usr/bin/time -v for the peak RSS.
package memtest

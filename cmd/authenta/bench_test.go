//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/phospheneai/authenta-go/authentatest"
)

// BenchmarkBatch runs the built command over small files on a fake
// platform in the test process, with a journal, at several -j. One
// iteration is one whole batch; it reports files per second and the
// command's peak RSS. Run it briefly:
//
//	go test -run '^$' -bench BenchmarkBatch -benchtime 3x ./cmd/authenta
func BenchmarkBatch(b *testing.B) {
	for _, tc := range []struct{ files, j int }{{1000, 1}, {1000, 8}, {1000, 64}, {4000, 64}} {
		b.Run(fmt.Sprintf("files=%d/j=%d", tc.files, tc.j), func(b *testing.B) {
			srv := authentatest.NewServer(b)
			env := cleanEnv([]string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL})
			dir := b.TempDir()
			for i := range tc.files {
				p := filepath.Join(dir, fmt.Sprintf("d%02d", i%50), fmt.Sprintf("f%05d.jpg", i))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(fmt.Sprintf("image %d", i)), 0o644); err != nil {
					b.Fatal(err)
				}
			}
			var maxRSS int64
			var took time.Duration
			b.ResetTimer()
			for i := range b.N {
				journal := filepath.Join(b.TempDir(), fmt.Sprintf("run%d.ndjson", i))
				cmd := exec.Command(bin, args(fast, []string{"batch", "-j", fmt.Sprint(tc.j), "-o", journal, dir})...)
				cmd.Env = env
				start := time.Now()
				out, err := cmd.CombinedOutput()
				took += time.Since(start)
				if err != nil {
					b.Fatalf("%v: %s", err, out[max(0, len(out)-2000):])
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					maxRSS = max(maxRSS, int64(ru.Maxrss)) // KiB on Linux
				}
			}
			b.ReportMetric(float64(tc.files*b.N)/took.Seconds(), "files/s")
			b.ReportMetric(float64(maxRSS)/1024, "peak-RSS-MiB")
		})
	}
}

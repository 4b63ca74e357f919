package authenta_test

// The machinery of the paired benchmarks (bench_test.go): a runner that
// alternates the SDK and a raw net/http client in one loop and measures
// each side's wall time, CPU time and allocations; a transport that
// answers at once, so that a figure is the client's cost alone; and a
// discard server in a child process, so that the client's CPU time does not
// include the server's.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchSide is one implementation in a paired benchmark.
type benchSide struct {
	name string
	call func() error

	wall, cpu time.Duration // summed over the timed blocks
	calls     int
}

// runPaired warms every side, measures each side's allocations per call
// over allocCalls calls, then runs the sides in turn under b.Loop, block
// calls each per iteration, rotating which goes first, timing the wall
// clock and the process's CPU time of every block. On a busy machine every
// side sees the same load, so the ratios are steadier than those of
// separate benchmarks.
//
// Metrics, per side: <side>-ns/op (wall), <side>-cpu-ns/op, <side>-allocs/op
// and <side>-B/op; and the first side against the second:
// <a>/<b>-wall, <a>/<b>-cpu and <a>/<b>-allocs, ratios of the totals; and
// <a>/<b>-wall-med, the median over iterations of the ratio of the two
// sides' blocks, which a busy machine's descheduling of one block does not
// move (nor, though, the garbage collections that fall in few blocks: the
// totals count those). The benchmark's own ns/op is the time of one
// iteration: block calls of every side.
func runPaired(b *testing.B, block, allocCalls int, sides ...*benchSide) {
	b.Helper()
	for _, s := range sides {
		if err := s.call(); err != nil {
			b.Fatalf("%s: %v", s.name, err)
		}
	}
	allocs := make([][2]float64, len(sides))
	for i, s := range sides {
		allocs[i] = measureAllocs(b, s, allocCalls)
	}
	n := 0
	var pairs []float64 // per iteration: wall of sides[0] / wall of sides[1]
	walls := make([]time.Duration, len(sides))
	for b.Loop() {
		for k := range sides {
			i := (n + k) % len(sides)
			s := sides[i]
			t0, c0 := time.Now(), cpuTime()
			for range block {
				if err := s.call(); err != nil {
					b.Fatalf("%s: %v", s.name, err)
				}
			}
			s.cpu += cpuTime() - c0
			walls[i] = time.Since(t0)
			s.wall += walls[i]
			s.calls += block
		}
		if len(sides) >= 2 && walls[1] > 0 {
			pairs = append(pairs, float64(walls[0])/float64(walls[1]))
		}
		n++
	}
	for i, s := range sides {
		b.ReportMetric(float64(s.wall.Nanoseconds())/float64(s.calls), s.name+"-ns/op")
		b.ReportMetric(float64(s.cpu.Nanoseconds())/float64(s.calls), s.name+"-cpu-ns/op")
		b.ReportMetric(allocs[i][0], s.name+"-allocs/op")
		b.ReportMetric(allocs[i][1], s.name+"-B/op")
	}
	if len(sides) >= 2 {
		a, r := sides[0], sides[1]
		pre := a.name + "/" + r.name
		b.ReportMetric(float64(a.wall)/float64(r.wall), pre+"-wall")
		if len(pairs) > 0 {
			slices.Sort(pairs)
			b.ReportMetric(pairs[len(pairs)/2], pre+"-wall-med")
		}
		if r.cpu > 0 {
			b.ReportMetric(float64(a.cpu)/float64(r.cpu), pre+"-cpu")
		}
		b.ReportMetric(allocs[0][0]/allocs[1][0], pre+"-allocs")
	}
}

// measureAllocs returns the heap allocations and bytes per call of s over
// n calls. MemStats are process-wide: any other goroutine of the process
// that allocates meanwhile (an in-process server) counts too.
func measureAllocs(b *testing.B, s *benchSide, n int) [2]float64 {
	b.Helper()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range n {
		if err := s.call(); err != nil {
			b.Fatalf("%s: %v", s.name, err)
		}
	}
	runtime.ReadMemStats(&m1)
	return [2]float64{float64(m1.Mallocs-m0.Mallocs) / float64(n), float64(m1.TotalAlloc-m0.TotalAlloc) / float64(n)}
}

// runConcurrent runs every side from callers goroutines at once
// (b.RunParallel), each goroutine calling the sides in turn, and reports
// the latency of single calls, per side: <side>-p50-us and <side>-p99-us,
// each call timed on its own (not the inverse of the throughput).
func runConcurrent(b *testing.B, callers int, sides ...*benchSide) {
	b.Helper()
	for _, s := range sides {
		if err := s.call(); err != nil {
			b.Fatalf("%s: %v", s.name, err)
		}
	}
	b.SetParallelism(max(1, callers/runtime.GOMAXPROCS(0)))
	var (
		mu      sync.Mutex
		lat     = make([][]time.Duration, len(sides))
		failed  atomic.Pointer[error]
		started atomic.Int64
	)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		mine := make([][]time.Duration, len(sides))
		k := int(started.Add(1))
		for pb.Next() {
			for j := range sides {
				i := (k + j) % len(sides)
				t0 := time.Now()
				if err := sides[i].call(); err != nil {
					err = fmt.Errorf("%s: %w", sides[i].name, err)
					failed.CompareAndSwap(nil, &err)
					return
				}
				mine[i] = append(mine[i], time.Since(t0))
			}
			k++
		}
		mu.Lock()
		for i := range mine {
			lat[i] = append(lat[i], mine[i]...)
		}
		mu.Unlock()
	})
	b.StopTimer()
	if e := failed.Load(); e != nil {
		b.Fatal(*e)
	}
	p50 := make([]float64, len(sides))
	for i, s := range sides {
		d := lat[i]
		if len(d) == 0 {
			continue
		}
		slices.Sort(d)
		p50[i] = float64(percentile(d, 50).Nanoseconds()) / 1e3
		b.ReportMetric(p50[i], s.name+"-p50-us")
		b.ReportMetric(float64(percentile(d, 99).Nanoseconds())/1e3, s.name+"-p99-us")
	}
	if len(sides) >= 2 && p50[1] > 0 {
		b.ReportMetric(p50[0]/p50[1], sides[0].name+"/"+sides[1].name+"-p50")
	}
}

// percentile returns the p-th percentile (nearest rank) of sorted d.
func percentile(d []time.Duration, p int) time.Duration {
	i := (len(d)*p + 99) / 100 // ceil(len·p/100), 1-based
	return d[min(max(i, 1), len(d))-1]
}

// instantAnswer is one prebuilt response.
type instantAnswer struct {
	status int
	header http.Header
	body   []byte
}

// instantTransport answers every request at once from prebuilt answers,
// without a network, so that what a benchmark measures is the client's
// own cost. It reads and closes request bodies, checking their length
// against ContentLength, and gives every response a fresh header map and
// body reader, as a real transport would.
type instantTransport struct {
	answer func(r *http.Request) *instantAnswer
}

func (t *instantTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		n, err := io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, err
		}
		if r.ContentLength >= 0 && n != r.ContentLength {
			return nil, fmt.Errorf("instant transport: body of %d bytes, declared %d", n, r.ContentLength)
		}
	}
	a := t.answer(r)
	if a == nil {
		a = &instantAnswer{status: http.StatusNotFound, body: []byte(`{"message":"no route"}`)}
	}
	return &http.Response{
		Status:        strconv.Itoa(a.status) + " " + http.StatusText(a.status),
		StatusCode:    a.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        a.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(a.body)),
		ContentLength: int64(len(a.body)),
		Request:       r,
	}, nil
}

// jsonAnswer is a 200 (or status) JSON answer.
func jsonAnswer(status int, body string) *instantAnswer {
	return &instantAnswer{
		status: status,
		header: http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Request-Id": {"req_1"}},
		body:   []byte(body),
	}
}

// discardServerEnv makes the test binary, run as a child process by
// startDiscardServer, serve as the discard server instead of running tests
// (see TestMain).
const discardServerEnv = "AUTHENTA_BENCH_DISCARD_SERVER"

// serveDiscard is the child process's work: an HTTP server on 127.0.0.1
// that reads and discards every request body, and answers GET /received
// with the number of body bytes it has read. It prints its address on
// stdout and serves until stdin is closed.
func serveDiscard() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var received atomic.Int64
	srv := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Path == "/received" {
				_, _ = io.WriteString(w, strconv.FormatInt(received.Load(), 10))
				return
			}
			n, _ := io.Copy(io.Discard, r.Body)
			received.Add(n)
		}),
	}
	go func() { _ = srv.Serve(ln) }()
	fmt.Println(ln.Addr().String())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = srv.Close()
	return 0
}

// startDiscardServer runs serveDiscard in a child process (this test
// binary) for the benchmark, and returns its base URL and a function that
// asks it how many body bytes it has read.
func startDiscardServer(tb testing.TB) (string, func() int64) {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), discardServerEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("discard server: %v", err)
	}
	base := "http://" + strings.TrimSpace(line)
	tr := &http.Transport{}
	tb.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	return base, func() int64 {
		resp, err := hc.Get(base + "/received")
		if err != nil {
			tb.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		n, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			tb.Fatalf("discard server answered %q", b)
		}
		return n
	}
}

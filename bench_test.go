package authenta_test

// Benchmarks of the SDK's request paths against raw net/http doing the same
// work over the same loopback server and the same kind of transport. The
// figures and how to run them are in BENCHMARKS.md; scripts/bench.sh runs
// the set with -count=6 and benchstat.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// benchJobBody is a Get-job answer of the shape the working SDKs parse
// (wire reference §1.6, variant B): a completed AC-1 job with its input and
// result artifacts.
const benchJobBody = `{"id":"3140","tenantId":"t_8f2d","taskTypeId":"1","status":"completed","cost":1,` +
	`"createdAt":"2026-11-27T10:00:00.525Z","updatedAt":"2026-11-27T10:00:04.123Z","result":null,` +
	`"artifacts":[` +
	`{"id":"a1","kind":"input","slotName":"original","status":"ready","contentType":"image/jpeg","metadata":{},` +
	`"downloadUrl":"https://authenta-storage.s3.us-east-1.amazonaws.com/t/3140/original.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261127%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T100004Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",` +
	`"createdAt":"2026-11-27T10:00:00.600Z"},` +
	`{"id":"a2","kind":"result","slotName":null,"status":"ready","contentType":"application/json","metadata":{},` +
	`"downloadUrl":"https://authenta-storage.s3.us-east-1.amazonaws.com/t/3140/result.json?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261127%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T100004Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",` +
	`"createdAt":"2026-11-27T10:00:04.100Z"}],` +
	`"taskType":{"id":"1","slug":"ai-image-detection","displayName":"AI Image Detector","description":"",` +
	`"inputSlots":[{"name":"original","mimes":["image/jpeg","image/png"]}],"status":"active",` +
	`"createdAt":"2025-01-01T00:00:00.000Z","updatedAt":"2025-01-01T00:00:00.000Z"}}`

// rawJob is what a hand-written client would unmarshal benchJobBody into:
// the same information as authenta.Job, with plain encoding/json types.
type rawJob struct {
	ID         string    `json:"id"`
	TaskTypeID string    `json:"taskTypeId"`
	Status     string    `json:"status"`
	Cost       *float64  `json:"cost"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
	Result     json.RawMessage
	Artifacts  []struct {
		ID          string          `json:"id"`
		Kind        string          `json:"kind"`
		SlotName    *string         `json:"slotName"`
		Status      string          `json:"status"`
		ContentType string          `json:"contentType"`
		DownloadURL string          `json:"downloadUrl"`
		CreatedAt   time.Time       `json:"createdAt"`
		Metadata    json.RawMessage `json:"metadata"`
	} `json:"artifacts"`
	TaskType struct {
		ID   string `json:"id"`
		Slug string `json:"slug"`
	} `json:"taskType"`
}

// benchTransport is the transport both sides get: a clone of
// http.DefaultTransport that keeps enough idle connections for every
// benchmark goroutine, so neither side pays for new connections.
func benchTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 512
	t.MaxIdleConnsPerHost = 512
	return t
}

// benchClient returns an SDK client for baseURL over its own benchTransport.
func benchClient(tb testing.TB, baseURL string) *authenta.Client {
	tb.Helper()
	tr := benchTransport()
	tb.Cleanup(tr.CloseIdleConnections)
	c, err := authenta.NewClient(
		authenta.WithAPIKey("api_bench_0123456789"),
		authenta.WithBaseURL(baseURL),
		authenta.WithHTTPClient(&http.Client{Transport: tr}),
		authenta.WithoutEnvironment(),
	)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// jobServer serves benchJobBody to every request.
func jobServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	body := []byte(benchJobBody)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// sdkGetter returns one Jobs.Get against srv, checked.
func sdkGetter(tb testing.TB, srv *httptest.Server) func() error {
	c := benchClient(tb, srv.URL)
	ctx := context.Background()
	return func() error {
		job, err := c.Jobs.Get(ctx, "3140")
		if err != nil {
			return err
		}
		if job.Status != authenta.StatusCompleted || len(job.Artifacts) != 2 {
			return fmt.Errorf("decoded %+v", job)
		}
		return nil
	}
}

// rawGetter returns one raw GET of the same job against srv, with the same
// headers, over its own benchTransport, decoded with json.Unmarshal.
func rawGetter(tb testing.TB, srv *httptest.Server) func() error {
	tr := benchTransport()
	tb.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	ctx := context.Background()
	u := srv.URL + "/api/v1/jobs/3140"
	return func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer api_bench_0123456789")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", "raw/1.0")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return errors.New(resp.Status)
		}
		var job rawJob
		if err := json.Unmarshal(b, &job); err != nil {
			return err
		}
		if job.Status != "completed" || len(job.Artifacts) != 2 {
			return fmt.Errorf("decoded %+v", job)
		}
		return nil
	}
}

// BenchmarkJobsGet compares Jobs.Get with a raw GET + json.Unmarshal of the
// same body into rawJob, against one loopback server. Both send the same
// headers and read the whole body. Each sub-benchmark warms its connection
// first.
func BenchmarkJobsGet(b *testing.B) {
	srv := jobServer(b)
	for _, impl := range []struct {
		name string
		get  func(testing.TB, *httptest.Server) func() error
	}{{"sdk", sdkGetter}, {"raw", rawGetter}} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			get := impl.get(b, srv)
			if err := get(); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := get(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkJobsGetPaired runs one SDK Get and one raw Get per iteration,
// alternating, and reports the time of each and their ratio: on a busy
// machine the two sides see the same load, so the ratio is steadier than
// the ratio of two separate benchmarks. Its ns/op is the sum of both.
func BenchmarkJobsGetPaired(b *testing.B) {
	srv := jobServer(b)
	sdk, raw := sdkGetter(b, srv), rawGetter(b, srv)
	var sdkT, rawT time.Duration
	pair(b, sdk, raw, &sdkT, &rawT)
}

// pair runs sdk and raw alternately under b.Loop, timing each, and reports
// sdk-ns/op, raw-ns/op and sdk/raw. It returns the number of pairs run.
func pair(b *testing.B, sdk, raw func() error, sdkT, rawT *time.Duration) int {
	b.Helper()
	for _, f := range []func() error{sdk, raw} { // warm both connections
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	n := 0
	for b.Loop() {
		fs := [2]func() error{sdk, raw}
		ts := [2]*time.Duration{sdkT, rawT}
		if n%2 == 1 { // alternate which goes first
			fs[0], fs[1], ts[0], ts[1] = fs[1], fs[0], ts[1], ts[0]
		}
		for i, f := range fs {
			t0 := time.Now()
			if err := f(); err != nil {
				b.Fatal(err)
			}
			*ts[i] += time.Since(t0)
		}
		n++
	}
	b.ReportMetric(float64(sdkT.Nanoseconds())/float64(n), "sdk-ns/op")
	b.ReportMetric(float64(rawT.Nanoseconds())/float64(n), "raw-ns/op")
	b.ReportMetric(float64(*sdkT)/float64(*rawT), "sdk/raw")
	return n
}

// BenchmarkJobsGetDecode isolates the decoding half of BenchmarkJobsGet: the
// SDK's lenient Job decoder against json.Unmarshal into rawJob.
func BenchmarkJobsGetDecode(b *testing.B) {
	body := []byte(benchJobBody)
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var j authenta.Job
			if err := json.Unmarshal(body, &j); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var j rawJob
			if err := json.Unmarshal(body, &j); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchUploadSize is the file BenchmarkUpload sends on every iteration.
const benchUploadSize = 64 << 20

// discardServer answers every request with 200 after reading and counting
// its body.
func discardServer(tb testing.TB) (*httptest.Server, *atomic.Int64) {
	tb.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := io.Copy(io.Discard, r.Body)
		n.Add(c)
	}))
	tb.Cleanup(srv.Close)
	return srv, &n
}

// benchFile writes a file of size bytes (real data, not a sparse hole, so
// that both sides read the same page-cache pages) and returns its path.
func benchFile(tb testing.TB, size int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "media.mp4")
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i*7 + i>>8)
	}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	for w := 0; w < size; w += len(buf) {
		if _, err := f.Write(buf[:min(len(buf), size-w)]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// sdkUploader returns one Jobs.Upload of the file at path to u. The file
// stays open: Upload reads it through io.ReaderAt, from offset 0 each time.
func sdkUploader(tb testing.TB, srv *httptest.Server, path, u string, size int64) func() error {
	c := benchClient(tb, srv.URL)
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = f.Close() })
	up := authenta.Upload{Slot: authenta.SlotOriginal, URL: u}
	ctx := context.Background()
	return func() error { return c.Jobs.Upload(ctx, up, f, size, "video/mp4") }
}

// rawUploader returns one raw PUT of the file at path to u: http.NewRequest
// with the *os.File as body (opened per request: the transport closes it)
// and an explicit ContentLength, over its own benchTransport.
func rawUploader(tb testing.TB, path, u string, size int64) func() error {
	tr := benchTransport()
	tb.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	ctx := context.Background()
	return func() error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, f)
		if err != nil {
			_ = f.Close()
			return err
		}
		req.ContentLength = size
		req.Header.Set("Content-Type", "video/mp4")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errors.New(resp.Status)
		}
		return nil
	}
}

const benchUploadURL = "/authenta-storage/t/1/original.mp4?X-Amz-Signature=abc&X-Amz-Expires=3600"

// BenchmarkUpload compares Jobs.Upload of a 64 MiB file with a raw PUT of
// the same file to the same loopback server, which discards the body.
func BenchmarkUpload(b *testing.B) {
	path := benchFile(b, benchUploadSize)
	srv, got := discardServer(b)
	u := srv.URL + benchUploadURL
	for _, impl := range []struct {
		name string
		up   func() error
	}{
		{"sdk", sdkUploader(b, srv, path, u, benchUploadSize)},
		{"raw", rawUploader(b, path, u, benchUploadSize)},
	} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			if err := impl.up(); err != nil { // warm the connection
				b.Fatal(err)
			}
			got.Store(0)
			b.SetBytes(benchUploadSize)
			b.ReportAllocs()
			n := int64(0)
			for b.Loop() {
				if err := impl.up(); err != nil {
					b.Fatal(err)
				}
				n++
			}
			if want := n * benchUploadSize; got.Load() != want {
				b.Fatalf("server read %d bytes, want %d", got.Load(), want)
			}
		})
	}
}

// BenchmarkUploadPaired alternates one SDK upload and one raw upload per
// iteration (see BenchmarkJobsGetPaired) and reports both rates in MB/s.
func BenchmarkUploadPaired(b *testing.B) {
	path := benchFile(b, benchUploadSize)
	srv, _ := discardServer(b)
	u := srv.URL + benchUploadURL
	var sdkT, rawT time.Duration
	n := float64(pair(b, sdkUploader(b, srv, path, u, benchUploadSize), rawUploader(b, path, u, benchUploadSize), &sdkT, &rawT))
	b.ReportMetric(n*benchUploadSize/1e6/sdkT.Seconds(), "sdk-MB/s")
	b.ReportMetric(n*benchUploadSize/1e6/rawT.Seconds(), "raw-MB/s")
}

// detectWait polls as fast as the server allows: BenchmarkDetect measures
// the SDK and the fake, not the poll schedule (BenchmarkWaitPolling does).
var detectWait = &authenta.WaitOptions{MinInterval: time.Microsecond, MaxInterval: time.Microsecond}

// BenchmarkDetect runs Client.Detect end to end against authentatest (create,
// upload a 64 KiB JPEG, finalize, wait, download the result), with one
// caller and with 64 concurrent callers sharing one client. Jobs complete at
// their first poll (authentatest.Steps(0, 0)). The fake server runs in the
// same process, so B/op and allocs/op count its allocations too.
func BenchmarkDetect(b *testing.B) {
	path := filepath.Join(b.TempDir(), "face.jpg")
	img := make([]byte, 64<<10)
	copy(img, "\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, callers := range []int{1, 64} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			srv := authentatest.NewServer(b, authentatest.WithSchedule(authentatest.Steps(0, 0)))
			c := srv.Client()
			detect := func() error {
				d, err := c.Detect(ctx, authenta.AIImageDetection, path, &authenta.DetectOptions{Wait: detectWait})
				if err != nil {
					return err
				}
				if d.Result == nil || d.Result.IsDeepFake == nil {
					return fmt.Errorf("no result: %+v", d.Result)
				}
				return nil
			}
			if err := detect(); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			if callers == 1 {
				for b.Loop() {
					if err := detect(); err != nil {
						b.Fatal(err)
					}
				}
			} else {
				// RunParallel starts parallelism×GOMAXPROCS goroutines.
				b.SetParallelism(max(1, callers/runtime.GOMAXPROCS(0)))
				var failed atomic.Pointer[error]
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := detect(); err != nil {
							failed.CompareAndSwap(nil, &err)
							return
						}
					}
				})
				if e := failed.Load(); e != nil {
					b.Fatal(*e)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
		})
	}
}

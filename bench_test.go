package authenta_test

// Benchmarks of the SDK's request paths against a hand-written raw
// net/http client doing the same work, paired in one loop (runPaired,
// bench_paired_test.go). The figures and how to run them are in
// BENCHMARKS.md; scripts/bench.sh runs the set with -count=6 and benchstat.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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

// benchKey is the API key of the benchmarks' clients.
const benchKey = "api_bench_0123456789"

// The API and storage hosts of the instant transport: never dialled.
const (
	instantBase    = "http://127.0.0.1:1"
	instantStorage = "http://127.0.0.1:2"
)

// sdkClient returns an SDK client for base over hc.
func sdkClient(tb testing.TB, base string, hc *http.Client) *authenta.Client {
	tb.Helper()
	c, err := authenta.NewClient(
		authenta.WithAPIKey(benchKey),
		authenta.WithBaseURL(base),
		authenta.WithHTTPClient(hc),
		authenta.WithoutEnvironment(),
	)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// benchClient returns an SDK client for base over its own clone of
// http.DefaultTransport, with enough idle connections for any benchmark.
func benchClient(tb testing.TB, base string) *authenta.Client {
	tb.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 512
	tb.Cleanup(tr.CloseIdleConnections)
	return sdkClient(tb, base, &http.Client{Transport: tr})
}

// sdkGetter returns one Jobs.Get of job 3140, checked.
func sdkGetter(c *authenta.Client) func() error {
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

// rawGetter returns what a hand-written client does for the same call: a
// GET with the same headers, io.ReadAll and json.Unmarshal into rawJob.
func rawGetter(hc *http.Client, base string) func() error {
	ctx := context.Background()
	u := base + "/api/v1/jobs/3140"
	return func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+benchKey)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", "raw/1.0")
		var job rawJob
		if err := rawDo(hc, req, &job); err != nil {
			return err
		}
		if job.Status != "completed" || len(job.Artifacts) != 2 {
			return fmt.Errorf("decoded %+v", job)
		}
		return nil
	}
}

// rawDo sends req, reads the whole answer, fails on a non-2xx status, and
// unmarshals the body into out unless out is nil.
func rawDo(hc *http.Client, req *http.Request, out any) error {
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// BenchmarkPairedJobsGet is the client-side cost of Jobs.Get against a raw
// GET + json.Unmarshal of the same answer, with no network: both clients
// use the same instantTransport, which answers benchJobBody at once.
// Blocks of 20 calls per side (see runPaired).
func BenchmarkPairedJobsGet(b *testing.B) {
	ans := jsonAnswer(http.StatusOK, benchJobBody)
	rt := &instantTransport{answer: func(*http.Request) *instantAnswer { return ans }}
	c := sdkClient(b, instantBase, &http.Client{Transport: rt})
	runPaired(b, 20, 200,
		&benchSide{name: "sdk", call: sdkGetter(c)},
		&benchSide{name: "raw", call: rawGetter(&http.Client{Transport: rt}, instantBase)})
}

// The answers of the five requests of a detection, as authentatest sends
// them (AC-1, one input). {storage} stands for the storage host.
const (
	benchCreatedBody = `{"job":{"id":"1","tenantId":"tenant_authentatest","taskTypeId":"1","status":"waiting_for_finalize","cost":1,` +
		`"createdAt":"2026-11-30T16:24:13.868Z","updatedAt":"2026-11-30T16:24:13.868Z","result":null},` +
		`"inputs":[{"slotName":"original","uploadUrl":"{storage}/authenta-storage/jobs/1/inputs/original/face.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256\u0026X-Amz-Credential=AKIAAUTHENTATEST0000%2F20261130%2Fus-east-1%2Fs3%2Faws4_request\u0026X-Amz-Date=20261130T162413Z\u0026X-Amz-Expires=3600\u0026X-Amz-Signature=461453485bca60d9a415ddfc1f80257f6925f20b81cc5c17f0a0d7a1f6ec2f2d\u0026X-Amz-SignedHeaders=content-type%3Bhost",` +
		`"uploadUrlExpiresAt":"2126-11-30T17:24:13.000Z"}]}`
	benchFinalizedBody = `{"id":"1","message":"Job successfully queued for processing","queuedAt":"2026-11-30T16:24:13.869Z","status":"queued","taskTypeId":"1","updatedAt":"2026-11-30T16:24:13.869Z"}`
	benchCompletedBody = `{"id":"1","tenantId":"tenant_authentatest","taskTypeId":"1","status":"completed","cost":1,"createdAt":"2026-11-30T16:24:13.868Z","updatedAt":"2026-11-30T16:24:13.869Z","completedAt":"2026-11-30T16:24:13.869Z","result":null,` +
		`"inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"face.jpg","sizeBytes":1048576}],` +
		`"artifacts":[{"id":"art_1_1","kind":"input","slotName":"original","status":"ready","contentType":"image/jpeg","metadata":{"fileName":"face.jpg","sizeBytes":1048576},"downloadUrl":"{storage}/authenta-storage/jobs/1/inputs/original/face.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256\u0026X-Amz-Credential=AKIAAUTHENTATEST0000%2F20261130%2Fus-east-1%2Fs3%2Faws4_request\u0026X-Amz-Date=20261130T162413Z\u0026X-Amz-Expires=900\u0026X-Amz-Signature=10c829b4f0d93e4bd93a93e009e50ef7d372ee1c04d14f05826a258d71762954\u0026X-Amz-SignedHeaders=host","createdAt":"2026-11-30T16:24:13.869Z"},` +
		`{"id":"art_1_2","kind":"result","slotName":null,"status":"ready","contentType":"application/json","metadata":{},"downloadUrl":"{storage}/authenta-storage/jobs/1/result.json?X-Amz-Algorithm=AWS4-HMAC-SHA256\u0026X-Amz-Credential=AKIAAUTHENTATEST0000%2F20261130%2Fus-east-1%2Fs3%2Faws4_request\u0026X-Amz-Date=20261130T162413Z\u0026X-Amz-Expires=900\u0026X-Amz-Signature=c6d40da0dc5db360ea6cbfbf4e6aec44afe1771c92d4e5cf79a679228a8fe3db\u0026X-Amz-SignedHeaders=host","createdAt":"2026-11-30T16:24:13.869Z"},` +
		`{"id":"art_1_3","kind":"heatmap","slotName":null,"status":"ready","contentType":"image/png","metadata":{"width":64,"height":64},"downloadUrl":"{storage}/authenta-storage/jobs/1/heatmap.png?X-Amz-Algorithm=AWS4-HMAC-SHA256\u0026X-Amz-Credential=AKIAAUTHENTATEST0000%2F20261130%2Fus-east-1%2Fs3%2Faws4_request\u0026X-Amz-Date=20261130T162413Z\u0026X-Amz-Expires=900\u0026X-Amz-Signature=dbac36681433bf4d78f19eb6cb24f15968575a667dd3e1da3e1f956caa4ce5ea\u0026X-Amz-SignedHeaders=host","createdAt":"2026-11-30T16:24:13.869Z"}],` +
		`"taskType":{"id":"1","slug":"ai-image-detection","displayName":"AI Image Detector","description":"AI Image Detector (AC-1)","inputSlots":[{"name":"original","mimes":["image/jpeg","image/png"]}],"status":"active","createdAt":"2025-01-01T00:00:00.000Z","updatedAt":"2025-01-01T00:00:00.000Z"}}`
	benchResultBody = `{"resultType":"image","isDeepFake":false,"RealConfidencePercent":97.4}`
)

// detectFlow answers the five requests of a detection of job 1 at once.
func detectFlow() func(r *http.Request) *instantAnswer {
	fill := func(s string) string { return strings.ReplaceAll(s, "{storage}", instantStorage) }
	created := jsonAnswer(http.StatusCreated, fill(benchCreatedBody))
	finalized := jsonAnswer(http.StatusOK, benchFinalizedBody)
	completed := jsonAnswer(http.StatusOK, fill(benchCompletedBody))
	result := &instantAnswer{status: http.StatusOK, body: []byte(benchResultBody),
		header: http.Header{"Content-Type": {"application/json"}, "Server": {"AmazonS3"}, "X-Amz-Request-Id": {"F87CB07E48DFEC18"}}}
	stored := &instantAnswer{status: http.StatusOK,
		header: http.Header{"Etag": {`"03335f368d61e4555d4ca5412518814d"`}, "Server": {"AmazonS3"}, "X-Amz-Request-Id": {"9290A27E48DFEC18"}}}
	storageHost := strings.TrimPrefix(instantStorage, "http://")
	return func(r *http.Request) *instantAnswer {
		switch p := r.URL.Path; {
		case r.URL.Host == storageHost && r.Method == http.MethodPut && p == "/authenta-storage/jobs/1/inputs/original/face.jpg":
			return stored
		case r.URL.Host == storageHost && r.Method == http.MethodGet && p == "/authenta-storage/jobs/1/result.json":
			return result
		case r.Method == http.MethodPost && p == "/api/v1/jobs":
			return created
		case r.Method == http.MethodPost && p == "/api/v1/jobs/1/finalize":
			return finalized
		case r.Method == http.MethodGet && p == "/api/v1/jobs/1":
			return completed
		}
		return nil
	}
}

// pollWait is the smallest poll delay, on both sides of a detection
// benchmark: a timer of 1 ns before each poll.
var pollWait = &authenta.WaitOptions{MinInterval: time.Nanosecond, MaxInterval: time.Nanosecond}

// sdkDetector returns one Client.Detect of path with AIImageDetection,
// checked.
func sdkDetector(c *authenta.Client, path string) func() error {
	ctx := context.Background()
	opts := &authenta.DetectOptions{Wait: pollWait}
	return func() error {
		d, err := c.Detect(ctx, authenta.AIImageDetection, path, opts)
		if err != nil {
			return err
		}
		if d.Result == nil || d.Result.IsDeepFake == nil {
			return fmt.Errorf("no result: %+v", d.Result)
		}
		return nil
	}
}

type (
	rawInput struct {
		SlotName    string `json:"slotName"`
		ContentType string `json:"contentType"`
		FileName    string `json:"fileName"`
		SizeBytes   int64  `json:"sizeBytes"`
	}
	rawCreateRequest struct {
		TaskTypeID string     `json:"taskTypeId"`
		Inputs     []rawInput `json:"inputs"`
	}
	rawCreated struct {
		Job struct {
			ID string `json:"id"`
		} `json:"job"`
		Inputs []struct {
			SlotName  string `json:"slotName"`
			UploadURL string `json:"uploadUrl"`
		} `json:"inputs"`
	}
	rawResult struct {
		ResultType            string  `json:"resultType"`
		IsDeepFake            *bool   `json:"isDeepFake"`
		RealConfidencePercent float64 `json:"RealConfidencePercent"`
	}
)

// rawDetector returns what a hand-written client does for one detection
// of the JPEG at path: open and stat the file, create the job, PUT the
// file (the *os.File itself as the body, which net/http sends with
// sendfile, and a GetBody that opens it again for a retry), finalize, poll
// after a 1 ns timer until completed, and GET the result artifact.
func rawDetector(hc *http.Client, base, key, path string) func() error {
	ctx := context.Background()
	api := func(method, p string, body []byte, out any) error {
		var r io.Reader
		if body != nil {
			r = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, base+p, r)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", "raw/1.0")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return rawDo(hc, req, out)
	}
	return func() error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		fi, err := f.Stat()
		if err != nil {
			_ = f.Close()
			return err
		}
		body, err := json.Marshal(rawCreateRequest{TaskTypeID: "1", Inputs: []rawInput{{SlotName: "original", ContentType: "image/jpeg", FileName: filepath.Base(path), SizeBytes: fi.Size()}}})
		if err != nil {
			_ = f.Close()
			return err
		}
		var created rawCreated
		if err := api(http.MethodPost, "/api/v1/jobs", body, &created); err != nil {
			_ = f.Close()
			return err
		}
		if len(created.Inputs) != 1 || created.Job.ID == "" {
			_ = f.Close()
			return fmt.Errorf("created %+v", created)
		}
		put, err := http.NewRequestWithContext(ctx, http.MethodPut, created.Inputs[0].UploadURL, f)
		if err != nil {
			_ = f.Close()
			return err
		}
		put.ContentLength = fi.Size()
		put.GetBody = func() (io.ReadCloser, error) { return os.Open(path) }
		put.Header.Set("Content-Type", "image/jpeg")
		put.Header.Set("User-Agent", "raw/1.0")
		if err := rawDo(hc, put, nil); err != nil {
			return err
		}
		jobPath := "/api/v1/jobs/" + created.Job.ID
		var queued struct{ Status string }
		if err := api(http.MethodPost, jobPath+"/finalize", nil, &queued); err != nil {
			return err
		}
		var job rawJob
		for job.Status != "completed" {
			t := time.NewTimer(time.Nanosecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
			job = rawJob{}
			if err := api(http.MethodGet, jobPath, nil, &job); err != nil {
				return err
			}
			if job.Status == "failed" || job.Status == "cancelled" {
				return fmt.Errorf("job %s", job.Status)
			}
		}
		for _, a := range job.Artifacts {
			if a.Kind != "result" {
				continue
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.DownloadURL, nil)
			if err != nil {
				return err
			}
			req.Header.Set("User-Agent", "raw/1.0")
			var res rawResult
			if err := rawDo(hc, req, &res); err != nil {
				return err
			}
			if res.IsDeepFake == nil {
				return fmt.Errorf("no result: %+v", res)
			}
			return nil
		}
		return errors.New("no result artifact")
	}
}

// BenchmarkPairedDetect is the client-side cost of Client.Detect of a
// 1 MiB JPEG, the whole flow (create, upload, finalize, one poll, result),
// against rawDetector doing the same five requests, with no network: both
// use one instantTransport that plays the flow (and reads the uploaded
// bytes, the same for both).
func BenchmarkPairedDetect(b *testing.B) {
	path := benchFile(b, "face.jpg", 1<<20)
	rt := &instantTransport{answer: detectFlow()}
	c := sdkClient(b, instantBase, &http.Client{Transport: rt})
	runPaired(b, 1, 50,
		&benchSide{name: "sdk", call: sdkDetector(c, path)},
		&benchSide{name: "raw", call: rawDetector(&http.Client{Transport: rt}, instantBase, benchKey, path)})
}

// BenchmarkDetectFake runs the same detections against authentatest, as a
// user's tests do: create, upload a 64 KiB JPEG, finalize, wait (jobs
// complete at their first poll: authentatest.Steps(0, 0)), result.
//
// With one caller it pairs the SDK and the raw client on the fake with the
// raw client on the instant transport ("nofake"): raw − nofake is what the
// fake and its loopback connections cost per detection. The allocations
// of the fake-backed sides include the fake's (same process).
//
// With 64 callers sharing one client (and the raw side its own), every
// goroutine alternates the SDK and the raw flow, and the metrics are the
// latency percentiles of single calls.
func BenchmarkDetectFake(b *testing.B) {
	path := benchFile(b, "face.jpg", 64<<10)
	for _, callers := range []int{1, 64} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			srv := authentatest.NewServer(b, authentatest.WithSchedule(authentatest.Steps(0, 0)))
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.MaxIdleConnsPerHost = 512
			b.Cleanup(tr.CloseIdleConnections)
			sdk := &benchSide{name: "sdk", call: sdkDetector(srv.Client(), path)}
			raw := &benchSide{name: "raw", call: rawDetector(&http.Client{Transport: tr}, srv.URL, srv.APIKey(), path)}
			if callers > 1 {
				runConcurrent(b, callers, sdk, raw)
				return
			}
			nofake := &benchSide{name: "nofake", call: rawDetector(&http.Client{Transport: &instantTransport{answer: detectFlow()}}, instantBase, benchKey, path)}
			runPaired(b, 1, 50, sdk, raw, nofake)
			b.ReportMetric(float64((raw.wall-nofake.wall).Nanoseconds())/float64(raw.calls), "fake-ns/op")
			b.ReportMetric(float64((raw.cpu-nofake.cpu).Nanoseconds())/float64(raw.calls), "fake-cpu-ns/op")
		})
	}
}

// benchFile writes a file of size bytes (real data, not a sparse hole, so
// that both sides read the same page-cache pages) and returns its path.
func benchFile(tb testing.TB, name string, size int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i*7 + i>>8)
	}
	copy(buf, "\xff\xd8\xff\xe0\x00\x10JFIF\x00")
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

const benchUploadPath = "/authenta-storage/t/1/original.mp4?X-Amz-Signature=abc&X-Amz-Expires=3600"

// BenchmarkPairedUpload compares Jobs.Upload of a 16 MiB and a 256 MiB file
// (an open *os.File, which Upload re-reads from its offset on a retry) with
// a raw PUT of the same file (a fresh *os.File per request as the body,
// which net/http sends with sendfile, with an explicit Content-Length and a
// GetBody that opens the file again for a retry), to one loopback server
// in a child process that discards the bodies (startDiscardServer), so
// that the CPU figures are the client's alone. The server's count of the
// bytes it read is checked. Metrics add <side>-MB/s. The 256 MiB case does
// not run under -short. The cases named "progress" upload with a progress
// callback, as Detect's OnUploadProgress gives one.
func BenchmarkPairedUpload(b *testing.B) {
	for _, bc := range []struct {
		size     int64
		progress bool
	}{{16 << 20, false}, {256 << 20, false}, {16 << 20, true}, {256 << 20, true}} {
		size := bc.size
		name := fmt.Sprintf("size=%dMiB", size>>20)
		if bc.progress {
			name += ",progress"
		}
		b.Run(name, func(b *testing.B) {
			if testing.Short() && size > 16<<20 {
				b.Skip("not under -short")
			}
			path := benchFile(b, "media.mp4", int(size))
			base, received := startDiscardServer(b)
			u := base + benchUploadPath

			tr := http.DefaultTransport.(*http.Transport).Clone()
			b.Cleanup(tr.CloseIdleConnections)
			c := sdkClient(b, base, &http.Client{Transport: tr})
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = f.Close() })
			ctx := context.Background()
			up := authenta.Upload{Slot: authenta.SlotOriginal, URL: u}
			sdk := &benchSide{name: "sdk", call: func() error { return c.Jobs.Upload(ctx, up, f, size, "video/mp4") }}
			if bc.progress {
				var reports atomic.Int64
				sdk.call = func() error {
					return authenta.UploadWithProgress(ctx, c, up, f, size, "video/mp4", func(string, int64, int64) { reports.Add(1) })
				}
				b.Cleanup(func() {
					if reports.Load() == 0 {
						b.Error("no progress reported")
					}
				})
			}

			rtr := http.DefaultTransport.(*http.Transport).Clone()
			b.Cleanup(rtr.CloseIdleConnections)
			hc := &http.Client{Transport: rtr}
			raw := &benchSide{name: "raw", call: func() error {
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
				req.GetBody = func() (io.ReadCloser, error) { return os.Open(path) }
				req.Header.Set("Content-Type", "video/mp4")
				return rawDo(hc, req, nil)
			}}

			allocCalls := 2
			if size > 16<<20 {
				allocCalls = 1
			}
			start := received()
			runPaired(b, 1, allocCalls, sdk, raw)
			if got, want := received()-start, int64(2+2*allocCalls+sdk.calls+raw.calls)*size; got != want {
				b.Fatalf("the server read %d bytes, want %d", got, want)
			}
			for _, s := range []*benchSide{sdk, raw} {
				b.ReportMetric(float64(size)*float64(s.calls)/1e6/s.wall.Seconds(), s.name+"-MB/s")
			}
		})
	}
}

// BenchmarkPairedJobDecode isolates the decoding half of Jobs.Get, paired:
// the SDK's lenient Job decoder, called as Client.do calls it, against
// json.Unmarshal of the same body into rawJob.
func BenchmarkPairedJobDecode(b *testing.B) {
	body := []byte(benchJobBody)
	runPaired(b, 50, 200,
		&benchSide{name: "sdk", call: func() error {
			var j authenta.Job
			return j.UnmarshalJSON(body)
		}},
		&benchSide{name: "raw", call: func() error {
			var j rawJob
			return json.Unmarshal(body, &j)
		}})
}

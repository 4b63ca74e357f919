package authenta_test

// Faults and leaks (issue 4): each test turns one promise of the SDK into a
// check that fails if the promise breaks. Servers are authentatest or
// 127.0.0.1 httptest servers; handlers only record (channels, atomics,
// mutex-guarded state) and the test goroutine asserts.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// faultImage writes size random bytes to a .jpg file in a temporary
// directory and returns its path and SHA-256 (hex).
func faultImage(t *testing.T, size int) (path, sum string) {
	t.Helper()
	data := make([]byte, size)
	_, _ = rand.Read(data)
	path = filepath.Join(t.TempDir(), "photo.jpg")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	h := sha256.Sum256(data)
	return path, hex.EncodeToString(h[:])
}

// returnsWithin runs call on its own goroutine and returns its error, or
// fails the test if call has not returned after limit. cancel is called in
// that case so that the goroutine can end.
func returnsWithin(t *testing.T, limit time.Duration, cancel context.CancelFunc, call func() error) (time.Duration, error) {
	t.Helper()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- call() }()
	tm := time.NewTimer(limit)
	defer tm.Stop()
	select {
	case err := <-done:
		return time.Since(start), err
	case <-tm.C:
		cancel()
		<-done
		t.Fatalf("the call did not return within %v", limit)
		return 0, nil
	}
}

// ---------------------------------------------------------------------------
// 1. Many concurrent calls on one Client reuse connections and leave no
// goroutines behind.

// connStats counts the connections a transport dials and, per request,
// whether the connection it got was a reused one.
type connStats struct {
	dials, reused, fresh atomic.Int64
}

// connTracer adds an httptrace.ClientTrace to every request that counts
// GotConn by Reused. It composes with the SDK's own trace.
type connTracer struct {
	base  http.RoundTripper
	stats *connStats
}

func (ct *connTracer) RoundTrip(r *http.Request) (*http.Response, error) {
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		if i.Reused {
			ct.stats.reused.Add(1)
		} else {
			ct.stats.fresh.Add(1)
		}
	}}
	return ct.base.RoundTrip(r.WithContext(httptrace.WithClientTrace(r.Context(), trace)))
}

// TestConcurrentDetectsReuseConnections runs 1,000 Detect calls at once on
// one Client against authentatest. All succeed, connections are reused and
// no goroutine outlives the test.
//
// The base transport is a clone of http.DefaultTransport that allows at
// most connsPerHost connections per host (and keeps as many idle), and
// counts dials. The 1,000 calls share the two hosts (API and storage), so
// at most 2×connsPerHost connections can be open at once: every one that
// the SDK spoiled (a response body closed before EOF, an error body left
// unread) is closed by net/http and has to be dialled again. Dials ≤
// 2×connsPerHost (128 here) therefore proves that no connection was thrown
// away in 5,000 requests; without draining and closing bodies the count
// would be near one dial per request. A body that was never closed would
// keep its connection busy for good and, with the per-host cap, stall the
// calls: the context deadline turns that into a failure rather than a hang.
//
// Not parallel: it checks the process's goroutines against the baseline
// taken at its start (parallel tests are paused while it runs), on top of
// the package-wide goleak check in TestMain.
func TestConcurrentDetectsReuseConnections(t *testing.T) {
	baseline := goleak.IgnoreCurrent()                   // the goroutines alive now, taken now
	t.Cleanup(func() { goleak.VerifyNone(t, baseline) }) // registered first: runs last
	const (
		calls        = 1000
		connsPerHost = 64
		perCall      = 5 // create, upload, finalize, one poll, result download
	)
	// Steps(0, 0): a finalized job is done at its first poll, so every
	// Detect makes exactly one (the fewest requests, to keep the test fast
	// under -race).
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Steps(0, 0)))

	stats := &connStats{}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.MaxConnsPerHost = connsPerHost
	tr.MaxIdleConns = 0 // no overall limit
	tr.MaxIdleConnsPerHost = connsPerHost
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		stats.dials.Add(1)
		return dialer.DialContext(ctx, network, addr)
	}
	t.Cleanup(tr.CloseIdleConnections) // before the server closes (cleanups run last-in first-out)
	c := srv.Client(authenta.WithHTTPClient(&http.Client{Transport: &connTracer{base: tr, stats: stats}}))

	path, _ := faultImage(t, 2<<10)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	opts := &authenta.DetectOptions{Wait: &authenta.WaitOptions{MinInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond}}

	errs := make([]error, calls)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := c.Detect(ctx, authenta.AIImageDetection, path, opts)
			if err == nil && (d.Job.Status != authenta.StatusCompleted || d.Result == nil) {
				err = fmt.Errorf("detection %+v without a completed job and a result", d)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	failed := 0
	for i, err := range errs {
		if err != nil {
			if failed < 5 {
				t.Errorf("call %d: %v", i, err)
			}
			failed++
		}
	}
	require.Zero(t, failed, "failed calls")

	// Exactly the requests of 1,000 clean detections: no retries.
	assert.Equal(t, calls, srv.Count(authentatest.RouteCreate))
	assert.Equal(t, calls, srv.Count(authentatest.RouteUpload))
	assert.Equal(t, calls, srv.Count(authentatest.RouteFinalize))
	assert.Equal(t, calls, srv.Count(authentatest.RouteGet))
	assert.Equal(t, calls, srv.Count(authentatest.RouteDownload))
	assert.Equal(t, perCall*calls, srv.Count(authentatest.RouteAll))

	dials, reused, fresh := stats.dials.Load(), stats.reused.Load(), stats.fresh.Load()
	t.Logf("%d detections in %v: %d requests, %d dials, %d on reused connections, %d on new ones",
		calls, elapsed.Round(time.Millisecond), perCall*calls, dials, reused, fresh)
	// Two hosts, connsPerHost each. Under heavy load the transport now and
	// then replaces a connection it found closed (seen once: 129 of 128), so
	// a little slack; the reuse bound below is what fails if connections
	// are not reused.
	assert.LessOrEqual(t, dials, int64(2*connsPerHost+connsPerHost/8), "connections dialled")
	assert.Equal(t, int64(perCall*calls), reused+fresh, "one connection per request")
	assert.GreaterOrEqual(t, reused, int64(perCall*calls-2*connsPerHost), "requests on reused connections")
}

// ---------------------------------------------------------------------------
// 2. A connection reset in the middle of an upload is retried, and the
// storage host gets the whole body exactly once.

func TestUploadResetMidBodyIsRetried(t *testing.T) {
	t.Parallel()
	const size = 1 << 20
	path, sum := faultImage(t, size)
	srv := authentatest.NewServer(t)
	// The storage host reads half of the first PUT's body, then resets the
	// connection (RST) while the client is still sending.
	srv.Inject(authentatest.RouteUpload, authentatest.Fault{Conn: authentatest.Reset, DropAfter: size / 2})
	c := srv.Client()

	d, err := c.Detect(t.Context(), authenta.AIImageDetection, path, &authenta.DetectOptions{
		Wait: &authenta.WaitOptions{MinInterval: time.Millisecond},
	})
	require.NoError(t, err)

	puts := srv.RequestsTo(authentatest.RouteUpload)
	require.Len(t, puts, 2, "the reset PUT and its retry")
	assert.True(t, puts[0].Dropped, "the first PUT was cut off")
	assert.Equal(t, int64(size/2), puts[0].BodyBytes, "the first PUT got half the body")
	assert.Equal(t, http.StatusOK, puts[1].Status)
	assert.Equal(t, int64(size), puts[1].BodyBytes, "the retry sent the whole body")
	complete := 0
	for _, p := range puts {
		if p.BodyBytes == size {
			complete++
		}
	}
	assert.Equal(t, 1, complete, "one complete body reached the storage host")

	rec, ok := srv.Upload(d.Job.ID, authenta.SlotOriginal)
	require.True(t, ok)
	assert.True(t, rec.OK)
	assert.Equal(t, int64(size), rec.Bytes)
	assert.Equal(t, sum, rec.SHA256, "the stored bytes are the file's")
}

// putRecord is what resetStorage saw of one PUT.
type putRecord struct {
	n   int64
	sum string
}

// resetStorage is a storage host that reads half of the first PUT's body
// and then resets the connection; later PUTs are read whole and answered
// 200. It records what every PUT delivered.
type resetStorage struct {
	half int64
	mu   sync.Mutex
	puts []putRecord
}

func (s *resetStorage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	first := len(s.puts) == 0
	s.puts = append(s.puts, putRecord{})
	i := len(s.puts) - 1
	s.mu.Unlock()
	h := sha256.New()
	if first {
		n, _ := io.CopyN(h, r.Body, s.half)
		s.mu.Lock()
		s.puts[i].n = n
		s.mu.Unlock()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST
		}
		_ = conn.Close()
		return
	}
	n, err := io.Copy(h, r.Body)
	s.mu.Lock()
	s.puts[i] = putRecord{n: n, sum: hex.EncodeToString(h.Sum(nil))}
	s.mu.Unlock()
	if err != nil || n != r.ContentLength {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *resetStorage) records() []putRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]putRecord(nil), s.puts...)
}

// TestUploadResetMidBodyOnPlainStorage is the same promise against a bare
// storage server, through JobsService.Upload: a body that is an io.ReaderAt
// is sent again whole after the reset; any other reader is sent once and
// the error returned.
func TestUploadResetMidBodyOnPlainStorage(t *testing.T) {
	t.Parallel()
	const size = 1 << 20
	data := make([]byte, size)
	_, _ = rand.Read(data)
	want := sha256.Sum256(data)

	t.Run("ReaderAt is retried", func(t *testing.T) {
		t.Parallel()
		st := &resetStorage{half: size / 2}
		ts := httptest.NewServer(st)
		t.Cleanup(ts.Close)
		c := testClient(t, "https://api.authenta.test")
		u := authenta.Upload{Slot: authenta.SlotOriginal, URL: ts.URL + "/bucket/in/1?X-Amz-Signature=0123abcd"}
		require.NoError(t, c.Jobs.Upload(t.Context(), u, bytes.NewReader(data), size, "image/jpeg"))

		puts := st.records()
		require.Len(t, puts, 2)
		assert.Equal(t, int64(size/2), puts[0].n, "the first PUT was cut off half way")
		assert.Equal(t, int64(size), puts[1].n, "the retry sent every byte")
		assert.Equal(t, hex.EncodeToString(want[:]), puts[1].sum, "the retry sent the right bytes")
	})
	t.Run("plain reader is sent once", func(t *testing.T) {
		t.Parallel()
		st := &resetStorage{half: size / 2}
		ts := httptest.NewServer(st)
		t.Cleanup(ts.Close)
		c := testClient(t, "https://api.authenta.test")
		u := authenta.Upload{Slot: authenta.SlotOriginal, URL: ts.URL + "/bucket/in/1?X-Amz-Signature=0123abcd"}
		body := io.MultiReader(bytes.NewReader(data)) // hides io.ReaderAt
		err := c.Jobs.Upload(t.Context(), u, body, size, "image/jpeg")
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "0123abcd")
		assert.Len(t, st.records(), 1, "a body that cannot be re-read is not retried")
	})
}

// ---------------------------------------------------------------------------
// 3. A server that never sends headers is cut off by the transport's
// response-header timeout.

func TestResponseHeaderTimeout(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	done := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		select { // never answer; end when the client hangs up or the test ends
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(done) }) // runs first: unblocks handlers so Close can return

	// The default transport (no WithHTTPClient), one retry.
	c := testClient(t, ts.URL, authenta.WithResponseHeaderTimeout(100*time.Millisecond), authenta.WithMaxRetries(1))

	t.Run("GET is retried once", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		requests.Store(0)
		took, err := returnsWithin(t, 5*time.Second, cancel, func() error {
			_, err := c.Jobs.Get(ctx, "1")
			return err
		})
		t.Logf("Get gave up after %v: %v", took.Round(time.Millisecond), err)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "timeout awaiting response headers")
		assert.NotErrorIs(t, err, context.Canceled)
		assert.EqualValues(t, 2, requests.Load(), "the first attempt and one retry")
	})
	t.Run("POST is not resent", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		requests.Store(0)
		req := &authenta.JobRequest{
			TaskType: authenta.AIImageDetection,
			Inputs:   []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.jpg", ContentType: "image/jpeg", Size: 10}},
		}
		took, err := returnsWithin(t, 5*time.Second, cancel, func() error {
			_, err := c.Jobs.Create(ctx, req)
			return err
		})
		t.Logf("Create gave up after %v: %v", took.Round(time.Millisecond), err)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "timeout awaiting response headers")
		assert.EqualValues(t, 1, requests.Load(), "a create that reached the server may have happened: never resent")
	})
}

// ---------------------------------------------------------------------------
// 4. A huge error body is read only as far as APIError keeps it.

func TestHugeErrorBodyIsBounded(t *testing.T) {
	t.Parallel()
	const bodySize = 10 << 20
	tests := []struct {
		name        string
		status      int
		contentType string
		prefix      string // then filler up to bodySize
		requests    int32
	}{
		{"400 text", http.StatusBadRequest, "text/plain", "", 1},
		{"400 JSON", http.StatusBadRequest, "application/json", `{"code":"BAD_REQUEST","message":"`, 1},
		{"400 HTML", http.StatusBadRequest, "text/html", "<html><head><title>Bad request</title></head><body><p>", 1},
		{"500 text, retried", http.StatusInternalServerError, "text/plain", "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type written struct {
				n   int64
				err error
			}
			results := make(chan written, 8)
			var requests atomic.Int32
			line := []byte("the server went on and on about what was wrong with the request\n")
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				w.Header().Set("Content-Type", tt.contentType)
				w.Header().Set("Content-Length", fmt.Sprint(bodySize))
				w.WriteHeader(tt.status)
				n, err := io.WriteString(w, tt.prefix)
				total := int64(n)
				for err == nil && total < bodySize {
					chunk := line[:min(int64(len(line)), bodySize-total)]
					n, err = w.Write(chunk)
					total += int64(n)
				}
				if err == nil {
					err = http.NewResponseController(w).Flush()
				}
				results <- written{total, err}
			}))
			t.Cleanup(ts.Close)
			c := testClient(t, ts.URL, authenta.WithMaxRetries(2))

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			took, err := returnsWithin(t, 10*time.Second, cancel, func() error {
				_, err := c.Jobs.Get(ctx, "1")
				return err
			})
			var ae *authenta.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.LessOrEqual(t, len(ae.Body), 64<<10, "APIError.Body is bounded")
			assert.NotEmpty(t, ae.Body)
			assert.NotEmpty(t, ae.Message)
			assert.NotContains(t, ae.Message, "\n", "Message is one line")
			assert.LessOrEqual(t, len(ae.Message), 1<<10, "Message is short")
			assert.NotContains(t, err.Error(), "\n", "Error() is one line")
			assert.EqualValues(t, tt.requests, requests.Load())

			// The client stopped reading: the last answer could not be
			// written whole. What the kernel buffers on loopback is far
			// below 10 MiB.
			t.Logf("returned after %v; Body %d bytes, Message %d bytes", took.Round(time.Millisecond), len(ae.Body), len(ae.Message))
			for i := range tt.requests {
				select {
				case w := <-results:
					t.Logf("answer %d: the server wrote %d of %d bytes, then: %v", i+1, w.n, bodySize, w.err)
					assert.Error(t, w.err, "the server's write failed: the client closed the connection")
					assert.Less(t, w.n, int64(bodySize))
				case <-time.After(10 * time.Second):
					t.Fatal("a handler is still writing: the client kept reading")
				}
			}
		})
	}
}

// ---------------------------------------------------------------------------
// 5. A redirect loop stops, and is not retried.

func TestRedirectLoopStops(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Redirect(w, r, r.URL.Path, http.StatusFound) // to itself, forever
	}))
	t.Cleanup(ts.Close)
	c := testClient(t, ts.URL) // the default 3 retries: a retried loop would take 40+ requests

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := returnsWithin(t, 10*time.Second, cancel, func() error {
		_, err := c.Jobs.Get(ctx, "1")
		return err
	})
	require.Error(t, err)
	t.Logf("%d requests: %v", requests.Load(), err)
	assert.Contains(t, err.Error(), "redirects")
	n := requests.Load()
	assert.True(t, n == 10 || n == 11, "the first request and its redirects, once: got %d requests", n)
}

// ---------------------------------------------------------------------------
// 6. A Retry-After longer than the SDK's longest wait is reported at once.

func TestLongRetryAfterReturnsAtOnce(t *testing.T) {
	t.Parallel()
	hourDate := func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) }
	tests := []struct {
		name       string
		route      authentatest.Route
		status     int
		retryAfter func() string
		sentinel   error
	}{
		{"429 on GET", authentatest.RouteGet, http.StatusTooManyRequests, func() string { return "3600" }, authenta.ErrRateLimited},
		{"503 on GET", authentatest.RouteGet, http.StatusServiceUnavailable, func() string { return "3600" }, authenta.ErrServer},
		{"429 on create", authentatest.RouteCreate, http.StatusTooManyRequests, func() string { return "3600" }, authenta.ErrRateLimited},
		{"503 on create", authentatest.RouteCreate, http.StatusServiceUnavailable, func() string { return "3600" }, authenta.ErrServer},
		{"429 HTTP-date", authentatest.RouteGet, http.StatusTooManyRequests, hourDate, authenta.ErrRateLimited},
		{"503 HTTP-date", authentatest.RouteGet, http.StatusServiceUnavailable, hourDate, authenta.ErrServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t)
			// The SDK's default waits (500ms to 8s) and retries: honouring the
			// header, even capped at the max wait, would take 8s.
			c := srv.Client(authenta.WithRetryWait(500*time.Millisecond, 8*time.Second), authenta.WithMaxRetries(3))
			srv.Inject(tt.route, authentatest.Fault{Status: tt.status, RetryAfter: tt.retryAfter()})

			start := time.Now()
			var err error
			if tt.route == authentatest.RouteCreate {
				_, err = c.Jobs.Create(t.Context(), &authenta.JobRequest{
					TaskType: authenta.AIImageDetection,
					Inputs:   []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.jpg", ContentType: "image/jpeg", Size: 10}},
				})
			} else {
				_, err = c.Jobs.Get(t.Context(), "1")
			}
			took := time.Since(start)
			require.ErrorIs(t, err, tt.sentinel)
			var ae *authenta.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.InDelta(t, float64(time.Hour), float64(ae.RetryAfter), float64(2*time.Second), "RetryAfter is what the server asked")
			if tt.retryAfter() == "3600" {
				assert.Equal(t, time.Hour, ae.RetryAfter)
			}
			assert.Equal(t, 1, srv.Count(tt.route), "one request, not retried")
			assert.Less(t, took, 2*time.Second, "returned at once (took %v)", took)
		})
	}
}

// ---------------------------------------------------------------------------
// 7. A context cancelled while the SDK sleeps ends the sleep at once.
//
// The promise is "within 50 ms of the cancel"; the assertion allows 250 ms
// because under -race on two cores, with other packages' tests running in
// parallel processes, merely scheduling the goroutine that observes the
// cancellation can take tens of milliseconds. A sleep that ignored the
// context would take seconds (the backoff is 2s, the poll interval 2s), so
// 250 ms still tells the two apart; the measured latency is logged.

const cancelTolerance = 250 * time.Millisecond

// cancelLatency runs call, cancels its context once ready has been closed
// and settle has passed, and returns call's error and how long after the
// cancel it returned.
func cancelLatency(t *testing.T, ready <-chan struct{}, settle time.Duration, call func(ctx context.Context) error) (time.Duration, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type result struct {
		err error
		at  time.Time
	}
	done := make(chan result, 1)
	go func() {
		err := call(ctx)
		done <- result{err, time.Now()}
	}()
	select {
	case <-ready:
	case r := <-done:
		t.Fatalf("the call returned before it was cancelled: %v", r.err)
	case <-time.After(10 * time.Second):
		t.Fatal("the call never got going")
	}
	time.Sleep(settle) // let it reach its sleep
	cancelled := time.Now()
	cancel()
	select {
	case r := <-done:
		return r.at.Sub(cancelled), r.err
	case <-time.After(10 * time.Second):
		t.Fatal("the call did not return after its context was cancelled")
		return 0, nil
	}
}

func TestCancelDuringRetryBackoff(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	first := make(chan struct{})
	var once sync.Once
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"code":"UNAVAILABLE","message":"try later"}`)
		_ = http.NewResponseController(w).Flush()
		once.Do(func() { close(first) })
	}))
	t.Cleanup(ts.Close)
	c := testClient(t, ts.URL, authenta.WithRetryWait(2*time.Second, 4*time.Second), authenta.WithMaxRetries(3))

	latency, err := cancelLatency(t, first, 50*time.Millisecond, func(ctx context.Context) error {
		_, err := c.Jobs.Get(ctx, "1")
		return err
	})
	t.Logf("returned %v after the cancel (promise: 50ms; backoff: 2s)", latency)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, latency, cancelTolerance)
	assert.EqualValues(t, 1, requests.Load(), "cancelled during the first backoff")
}

func TestCancelDuringWaitSleep(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	cj, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{
		TaskType: authenta.AIImageDetection,
		Inputs:   []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.jpg", ContentType: "image/jpeg", Size: 10}},
	})
	require.NoError(t, err)

	ready := make(chan struct{})
	close(ready)
	latency, err := cancelLatency(t, ready, 100*time.Millisecond, func(ctx context.Context) error {
		_, err := c.Jobs.Wait(ctx, cj.Job.ID, &authenta.WaitOptions{MinInterval: 2 * time.Second})
		return err
	})
	t.Logf("returned %v after the cancel (promise: 50ms; poll interval: 2s)", latency)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, latency, cancelTolerance)
	assert.Zero(t, srv.Count(authentatest.RouteGet), "cancelled before the first poll")
}

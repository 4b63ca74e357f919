package authenta_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// artifactRig is an API host that serves one job and a storage host that
// serves its artifacts at presigned-looking URLs. URLs with v=1 are the
// ones the test starts with; the job the API serves carries v=2 URLs.
type artifactRig struct {
	t          *testing.T
	api, store *httptest.Server
	c          *authenta.Client

	objects map[string][]byte // object path → body
	arts    []authenta.Artifact

	expire    func(r *http.Request) bool // answer 403 "Request has expired"
	serve     func(w http.ResponseWriter, r *http.Request, body []byte) bool
	jobGets   atomic.Int32
	storeHits atomic.Int32
	inflight  atomic.Int32
	maxFlight atomic.Int32
	authSeen  atomic.Bool
	mu        sync.Mutex
	omitIDs   bool // the API's job lists its artifacts without ids
}

func newArtifactRig(t *testing.T, objects map[string][]byte, arts []authenta.Artifact) *artifactRig {
	t.Helper()
	rg := &artifactRig{t: t, objects: objects, arts: arts}
	rg.store = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rg.storeHits.Add(1)
		cur := rg.inflight.Add(1)
		defer rg.inflight.Add(-1)
		for {
			m := rg.maxFlight.Load()
			if cur <= m || rg.maxFlight.CompareAndSwap(m, cur) {
				break
			}
		}
		if r.Header.Get("Authorization") != "" {
			rg.authSeen.Store(true)
		}
		if rg.expire != nil && rg.expire(r) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`)
			return
		}
		body, ok := rg.objects[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if rg.serve != nil && rg.serve(w, r, body) {
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	t.Cleanup(rg.store.Close)
	rg.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/api/v1/jobs/7" {
			http.NotFound(w, r)
			return
		}
		rg.jobGets.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(rg.jobJSON(2))
	}))
	t.Cleanup(rg.api.Close)
	c, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(testAPIKey),
		authenta.WithBaseURL(rg.api.URL), authenta.WithRetryWait(time.Millisecond, 2*time.Millisecond), authenta.WithMaxRetries(2))
	require.NoError(t, err)
	rg.c = c
	return rg
}

// url is an artifact's presigned URL in version v.
func (rg *artifactRig) url(path string, v int) string {
	return rg.store.URL + path + "?X-Amz-Credential=AKIASECRETCRED&X-Amz-Signature=SIGSECRET0123&v=" + strconv.Itoa(v)
}

// job is the job the test starts with: every artifact at its v=1 URL.
func (rg *artifactRig) job() *authenta.Job {
	j := &authenta.Job{ID: "7", Status: authenta.StatusCompleted}
	for _, a := range rg.arts {
		a.DownloadURL = rg.url(a.DownloadURL, 1)
		j.Artifacts = append(j.Artifacts, a)
	}
	return j
}

func (rg *artifactRig) jobJSON(v int) []byte {
	type art struct {
		ID          string `json:"id,omitempty"`
		Kind        string `json:"kind"`
		SlotName    string `json:"slotName,omitempty"`
		ContentType string `json:"contentType"`
		DownloadURL string `json:"downloadUrl"`
	}
	var arts []art
	for _, a := range rg.arts {
		id := a.ID
		if rg.omitIDs {
			id = ""
		}
		arts = append(arts, art{id, a.Kind, a.Slot, a.ContentType, rg.url(a.DownloadURL, v)})
	}
	b, err := json.Marshal(map[string]any{"id": "7", "status": "completed", "artifacts": arts})
	require.NoError(rg.t, err)
	return b
}

// assertErrNoSecrets checks that an error's text carries no part of a
// presigned query, nor the key.
func assertErrNoSecrets(t *testing.T, err error) {
	t.Helper()
	assertNoSecrets(t, err.Error())
	assertNoSecrets(t, fmt.Sprintf("%+v", err))
}

func heatmapRig(t *testing.T, body []byte) *artifactRig {
	return newArtifactRig(t, map[string][]byte{"/b/jobs/7/heatmap.png": body},
		[]authenta.Artifact{{ID: "art_7_3", Kind: "heatmap", ContentType: "image/png", DownloadURL: "/b/jobs/7/heatmap.png"}})
}

func TestDownloadStreamsWithoutAuthorization(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte("heatmap-bytes."), 50_000)
	rg := heatmapRig(t, body)
	job := rg.job()
	var out bytes.Buffer
	n, err := rg.c.Jobs.Download(t.Context(), job, job.Artifacts[0], &out)
	require.NoError(t, err)
	assert.Equal(t, int64(len(body)), n)
	assert.Equal(t, body, out.Bytes())
	assert.False(t, rg.authSeen.Load(), "no Authorization header on storage")
	assert.Zero(t, rg.jobGets.Load(), "nothing to refresh")
}

func TestDownloadRefreshesAnExpiredURLOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		expire    func(r *http.Request) bool
		omitIDs   bool
		wantErr   bool
		wantGets  int32
		wantStore int32
	}{
		{"first URL expired, fresh one works", func(r *http.Request) bool { return r.URL.Query().Get("v") == "1" }, false, false, 1, 2},
		{"matched by kind and slot without ids", func(r *http.Request) bool { return r.URL.Query().Get("v") == "1" }, true, false, 1, 2},
		{"fresh one expired too: one refresh only", func(*http.Request) bool { return true }, false, true, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rg := heatmapRig(t, []byte("png"))
			rg.expire, rg.omitIDs = tt.expire, tt.omitIDs
			job := rg.job()
			var out bytes.Buffer
			n, err := rg.c.Jobs.Download(t.Context(), job, job.Artifacts[0], &out)
			if tt.wantErr {
				require.Error(t, err)
				var ae *authenta.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, 403, ae.StatusCode)
				assert.ErrorIs(t, err, authenta.ErrUploadURLExpired, "storage said the URL expired")
				assertErrNoSecrets(t, err)
				assert.Zero(t, n)
			} else {
				require.NoError(t, err)
				assert.Equal(t, "png", out.String())
			}
			assert.Equal(t, tt.wantGets, rg.jobGets.Load(), "job GETs")
			assert.Equal(t, tt.wantStore, rg.storeHits.Load(), "storage GETs (403 is not retried)")
		})
	}
}

func TestDownloadRefreshNeedsTheSameArtifact(t *testing.T) {
	t.Parallel()
	// Two heatmaps without ids or slots: after a refresh, which one is
	// which cannot be told, so the download fails rather than guess.
	objects := map[string][]byte{"/b/h1.png": []byte("one"), "/b/h2.png": []byte("two")}
	rg := newArtifactRig(t, objects, []authenta.Artifact{
		{Kind: "heatmap", ContentType: "image/png", DownloadURL: "/b/h1.png"},
		{Kind: "heatmap", ContentType: "image/png", DownloadURL: "/b/h2.png"},
	})
	rg.expire = func(r *http.Request) bool { return r.URL.Query().Get("v") == "1" }
	job := rg.job()
	_, err := rg.c.Jobs.Download(t.Context(), job, job.Artifacts[1], io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no longer lists it")
	assertErrNoSecrets(t, err)
}

func TestDownloadCutBodyIsAnErrorAndNotRetried(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte{0xAB}, 100_000)
	rg := heatmapRig(t, body)
	rg.serve = func(w http.ResponseWriter, _ *http.Request, body []byte) bool {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body[:40_000])
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return true
	}
	job := rg.job()
	var out bytes.Buffer
	n, err := rg.c.Jobs.Download(t.Context(), job, job.Artifacts[0], &out)
	require.Error(t, err)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Contains(t, err.Error(), "body cut after")
	assert.Equal(t, int64(out.Len()), n, "n counts what reached w")
	assert.Less(t, n, int64(len(body)))
	assert.Equal(t, body[:n], out.Bytes())
	assert.Equal(t, int32(1), rg.storeHits.Load(), "not retried once bytes were written")
	assertErrNoSecrets(t, err)
}

type failingWriter struct{ after int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= w.after {
		w.after -= len(p)
		return len(p), nil
	}
	n := w.after
	w.after = 0
	return n, errDiskFull
}

func TestDownloadWriterError(t *testing.T) {
	t.Parallel()
	rg := heatmapRig(t, bytes.Repeat([]byte("x"), 100_000))
	job := rg.job()
	n, err := rg.c.Jobs.Download(t.Context(), job, job.Artifacts[0], &failingWriter{after: 10})
	require.ErrorIs(t, err, errDiskFull)
	assert.Contains(t, err.Error(), "write after 10 bytes")
	assert.Equal(t, int64(10), n)
}

func TestDownloadChecksArgumentsFirst(t *testing.T) {
	t.Parallel()
	rg := heatmapRig(t, []byte("png"))
	job := rg.job()
	a := job.Artifacts[0]
	for name, call := range map[string]func() error{
		"nil job":    func() error { _, err := rg.c.Jobs.Download(t.Context(), nil, a, io.Discard); return err },
		"nil writer": func() error { _, err := rg.c.Jobs.Download(t.Context(), job, a, nil); return err },
		"no URL": func() error {
			_, err := rg.c.Jobs.Download(t.Context(), job, authenta.Artifact{Kind: "heatmap"}, io.Discard)
			return err
		},
		"nil context": func() error { _, err := rg.c.Jobs.Download(callCtx(t, true), job, a, io.Discard); return err },
		"bad call option": func() error {
			_, err := rg.c.Jobs.Download(t.Context(), job, a, io.Discard, authenta.WithCallRetries(-1))
			return err
		},
		"save nil job":     func() error { _, err := rg.c.Jobs.SaveArtifacts(t.Context(), nil, t.TempDir()); return err },
		"save empty dir":   func() error { _, err := rg.c.Jobs.SaveArtifacts(t.Context(), job, ""); return err },
		"save nil context": func() error { _, err := rg.c.Jobs.SaveArtifacts(callCtx(t, true), job, t.TempDir()); return err },
	} {
		assert.ErrorIs(t, call(), authenta.ErrInvalidArgument, name)
	}
	assert.Zero(t, rg.storeHits.Load()+rg.jobGets.Load(), "nothing sent")
}

// listDir returns the names in dir.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestSaveArtifactsHostileNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 1000)
	arts := []authenta.Artifact{
		{ID: "art_7_1", Kind: "input", Slot: "original", ContentType: "image/jpeg", DownloadURL: "/b/in.jpg"},
		{ID: "art_7_2", Kind: "result", ContentType: "application/json", DownloadURL: "/b/result.json"},
		{ID: "../../../etc/passwd", Kind: "heatmap", ContentType: "image/png", DownloadURL: "/b/h1.png"},
		{ID: "/abs/path", Kind: "../../x", Slot: "/etc", ContentType: "text/plain", DownloadURL: "/b/t.txt"},
		{ID: "nul\x00byte", Kind: "heatmap", ContentType: "image/png; charset=binary", DownloadURL: "/b/h2.png"},
		{ID: long, Kind: long, Slot: long, ContentType: "application/x-" + long, DownloadURL: "/b/long"},
		{ID: "..", Kind: "..", ContentType: "video/mp4", DownloadURL: "/b/v.mp4"},
		{Kind: "heatmap", ContentType: "image/png", DownloadURL: "/b/h3.png"},
		{Kind: "heatmap", ContentType: "image/png", DownloadURL: "/b/h4.png"},
	}
	objects := map[string][]byte{}
	for i, a := range arts {
		objects[a.DownloadURL] = []byte("artifact " + strconv.Itoa(i))
	}
	rg := newArtifactRig(t, objects, arts)
	root := t.TempDir()
	dir := filepath.Join(root, "out", "nested")
	paths, err := rg.c.Jobs.SaveArtifacts(t.Context(), rg.job(), dir)
	require.NoError(t, err)
	require.Len(t, paths, len(arts))
	seen := map[string]bool{}
	for i, p := range paths {
		assert.Equal(t, dir, filepath.Dir(p), "%q is directly in dir", p)
		name := filepath.Base(p)
		assert.LessOrEqual(t, len(name), 255, name)
		assert.False(t, strings.HasPrefix(name, "."), "%q is not hidden", name)
		assert.NotContains(t, name, "\x00")
		assert.True(t, strings.HasPrefix(name, "7_"), "%q starts with the job id", name)
		assert.False(t, seen[name], "%q is unique", name)
		seen[name] = true
		got, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, "artifact "+strconv.Itoa(i), string(got))
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	assert.Equal(t, "7_input_original_art_7_1.jpg", filepath.Base(paths[0]))
	assert.Equal(t, "7_result_art_7_2.json", filepath.Base(paths[1]))
	assert.True(t, strings.HasSuffix(paths[4], ".png"), "content type parameters ignored")
	assert.ElementsMatch(t, []string{"out"}, listDir(t, root), "nothing written outside dir")
	assert.Len(t, listDir(t, dir), len(arts), "no temporary files left")
	assert.False(t, rg.authSeen.Load())
}

func TestSaveArtifactsTwoJobsNeverCollide(t *testing.T) {
	t.Parallel()
	arts := []authenta.Artifact{{ID: "h", Kind: "heatmap", ContentType: "image/png", DownloadURL: "/b/h.png"}}
	rg := newArtifactRig(t, map[string][]byte{"/b/h.png": []byte("png")}, arts)
	dir := t.TempDir()
	var all []string
	for _, id := range []string{"a_b", "a-b", "a/b", "a b", "7", "A-b", "a-B"} {
		job := rg.job()
		job.ID = id
		paths, err := rg.c.Jobs.SaveArtifacts(t.Context(), job, dir)
		require.NoError(t, err)
		all = append(all, paths...)
	}
	assert.Len(t, listDir(t, dir), len(all), "one file per job: %v", all)
	folded := map[string]bool{}
	for _, p := range all {
		folded[strings.ToLower(p)] = true
	}
	assert.Len(t, folded, len(all), "distinct on case-insensitive file systems too: %v", all)
}

// heatmapsRig serves n heatmaps, each body its own path.
func heatmapsRig(t *testing.T, n int) *artifactRig {
	var arts []authenta.Artifact
	objects := map[string][]byte{}
	for i := range n {
		p := "/b/h" + strconv.Itoa(i) + ".png"
		arts = append(arts, authenta.Artifact{ID: "h" + strconv.Itoa(i), Kind: "heatmap", ContentType: "image/png", DownloadURL: p})
		objects[p] = []byte(p)
	}
	return newArtifactRig(t, objects, arts)
}

func TestSaveArtifactsConcurrentAndBounded(t *testing.T) {
	t.Parallel()
	rg := heatmapsRig(t, 10)
	// Hold the first requests until four are in flight at once (or a
	// second has passed, which fails the test below).
	var arrived atomic.Int32
	rg.serve = func(w http.ResponseWriter, _ *http.Request, body []byte) bool {
		if arrived.Add(1) <= 4 {
			deadline := time.Now().Add(time.Second)
			for rg.maxFlight.Load() < 4 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
		}
		_, _ = w.Write(body)
		return true
	}
	paths, err := rg.c.Jobs.SaveArtifacts(t.Context(), rg.job(), t.TempDir())
	require.NoError(t, err)
	assert.Len(t, paths, 10)
	assert.Equal(t, int32(4), rg.maxFlight.Load(), "four downloads at once, never more")
	for _, p := range paths {
		got, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Contains(t, p, strings.TrimSuffix(filepath.Base(string(got)), ".png"))
	}
}

func TestSaveArtifactsSharesOneRefresh(t *testing.T) {
	t.Parallel()
	rg := heatmapsRig(t, 6)
	rg.expire = func(r *http.Request) bool { return r.URL.Query().Get("v") == "1" }
	paths, err := rg.c.Jobs.SaveArtifacts(t.Context(), rg.job(), t.TempDir())
	require.NoError(t, err)
	assert.Len(t, paths, 6)
	assert.Equal(t, int32(1), rg.jobGets.Load(), "one job GET for every expired URL")
}

func TestSaveArtifactsAtomic(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte("z"), 64<<10)
	rg := heatmapRig(t, body)
	dir := t.TempDir()
	var during []string
	rg.serve = func(w http.ResponseWriter, _ *http.Request, body []byte) bool {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		time.Sleep(20 * time.Millisecond) // let the client write the first half
		rg.mu.Lock()
		during = listDir(t, dir)
		rg.mu.Unlock()
		_, _ = w.Write(body[len(body)/2:])
		return true
	}
	paths, err := rg.c.Jobs.SaveArtifacts(t.Context(), rg.job(), dir)
	require.NoError(t, err)
	rg.mu.Lock()
	defer rg.mu.Unlock()
	require.Len(t, during, 1)
	assert.True(t, strings.HasPrefix(during[0], ".authenta-") && strings.HasSuffix(during[0], ".part"),
		"while downloading only a temporary file exists: %v", during)
	assert.Equal(t, []string{filepath.Base(paths[0])}, listDir(t, dir))
}

func TestSaveArtifactsFailureLeavesNoPartialFiles(t *testing.T) {
	t.Parallel()
	arts := []authenta.Artifact{
		{ID: "ok", Kind: "result", ContentType: "application/json", DownloadURL: "/b/ok.json"},
		{ID: "cut", Kind: "heatmap", ContentType: "image/png", DownloadURL: "/b/cut.png"},
		{ID: "gone", Kind: "heatmap", ContentType: "image/png", DownloadURL: "/b/missing.png"},
	}
	rg := newArtifactRig(t, map[string][]byte{"/b/ok.json": []byte(`{}`), "/b/cut.png": bytes.Repeat([]byte("c"), 50_000)}, arts)
	rg.serve = func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.URL.Path != "/b/cut.png" {
			return false
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body[:1000])
		w.(http.Flusher).Flush()
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
		return true
	}
	dir := t.TempDir()
	paths, err := rg.c.Jobs.SaveArtifacts(t.Context(), rg.job(), dir, authenta.WithCallRetries(0))
	require.Error(t, err)
	assertErrNoSecrets(t, err)
	for _, name := range listDir(t, dir) {
		assert.False(t, strings.HasSuffix(name, ".part"), "temporary file %q left behind", name)
	}
	assert.Subset(t, []string{filepath.Join(dir, "7_result_ok.json")}, paths, "only whole files are returned")
	for _, p := range paths {
		got, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, `{}`, string(got))
	}
}

// cancelWriter cancels the call's context on its first write.
type cancelWriter struct {
	cancel context.CancelFunc
	n      int
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	w.cancel()
	return len(p), nil
}

func TestDownloadBlockedBodyEndsWithTheContext(t *testing.T) {
	t.Parallel()
	rg := heatmapRig(t, bytes.Repeat([]byte("b"), 4096))
	rg.serve = func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		w.Header().Set("Content-Length", "1000000")
		_, _ = w.Write(body)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the rest never comes
		return true
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	job := rg.job()
	w := &cancelWriter{cancel: cancel}
	n, err := rg.c.Jobs.Download(ctx, job, job.Artifacts[0], w)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, int64(w.n), n)
	assert.Equal(t, int32(1), rg.storeHits.Load())
}

func TestDownloadStorageErrorsEchoNoSecrets(t *testing.T) {
	t.Parallel()
	rg := heatmapRig(t, []byte("png"))
	rg.serve = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message>`+
			`<SignatureProvided>SIGSECRET0123</SignatureProvided><CanonicalRequest>GET `+r.URL.RequestURI()+`</CanonicalRequest></Error>`)
		return true
	}
	job := rg.job()
	var info authenta.ResponseInfo
	_, err := rg.c.Jobs.Download(t.Context(), job, job.Artifacts[0], io.Discard, authenta.WithResponseInfo(&info))
	require.Error(t, err)
	var ae *authenta.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "SignatureDoesNotMatch", ae.Code)
	assertErrNoSecrets(t, err)
	assert.Equal(t, int32(1), rg.jobGets.Load(), "a 403 is taken for an expired URL: one refresh")
	assert.Equal(t, 403, info.StatusCode)
	assert.Equal(t, 3, info.Attempts, "storage, job, storage")
}

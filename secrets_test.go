package authenta_test

// Secrets (issue 4): neither the API key nor any presigned query string
// reaches the debug log, an error's text (every fmt verb), or the printed
// form of the client and the values it returns, across a successful Detect
// and a range of failures against authentatest.

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

const (
	secretKey   = "api_S3cretFullKey_0123456789abcdef"
	readOnlyKey = "api_S3cretReadOnly_0123456789abcd"
	brokeKey    = "api_S3cretNoCredit_0123456789abcd"
	wrongKey    = "api_S3cretUnknownKey_0123456789ab"
)

// secretSet collects the strings that must never be shown: API keys and
// every part of every presigned query string the test has seen.
type secretSet struct {
	mu  sync.Mutex
	set map[string]bool
}

func (s *secretSet) add(v string) {
	if len(v) < 6 { // short values (an algorithm name, "host") are not secrets
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set == nil {
		s.set = map[string]bool{}
	}
	s.set[v] = true
	if esc := url.QueryEscape(v); esc != v {
		s.set[esc] = true
	}
}

// addURL adds a presigned URL's secrets: its whole query, the signature,
// the credential and the access key id in it. X-Amz-Date, X-Amz-Expires
// and the signed header names are not secret.
func (s *secretSet) addURL(raw string) {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return
	}
	s.add(u.RawQuery)
	q := u.Query()
	s.add(q.Get("X-Amz-Signature"))
	cred := q.Get("X-Amz-Credential")
	s.add(cred)
	if id, _, ok := strings.Cut(cred, "/"); ok {
		s.add(id)
	}
}

func (s *secretSet) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.set)+2)
	for v := range s.set {
		out = append(out, v)
	}
	// The parameter names: a query string that leaks partly redacted still
	// shows them.
	return append(out, "X-Amz-Signature", "X-Amz-Credential")
}

// secretTexts is every text a failing call exposes: Error(), the common
// fmt verbs, and the URL of any *url.Error in its chain (what a caller who
// unwraps the error and logs the URL would print).
func secretTexts(err error) []string {
	texts := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%s", err)}
	var ue *url.Error
	if errors.As(err, &ue) {
		texts = append(texts, ue.URL, ue.Error(), fmt.Sprintf("%#v", ue))
	}
	var ae *authenta.APIError
	if errors.As(err, &ae) {
		texts = append(texts, ae.Message, ae.Code, ae.RequestID, fmt.Sprintf("%#v", *ae))
	}
	var je *authenta.JobError
	if errors.As(err, &je) {
		texts = append(texts, je.Message, fmt.Sprintf("%#v", *je))
	}
	return texts
}

func TestNoSecretsInLogsErrorsOrPrints(t *testing.T) {
	t.Parallel()
	secrets := &secretSet{}
	for _, k := range []string{secretKey, readOnlyKey, brokeKey, wrongKey} {
		secrets.add(k)
	}
	var logs lockedBuffer // client_test.go
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	// The storage host's clock can be moved on to expire upload URLs.
	var skew atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	srv := authentatest.NewServer(t,
		authentatest.WithKey(authentatest.Key{Token: secretKey, Permissions: authentatest.PermAll, Balance: 1e6}),
		authentatest.WithKey(authentatest.Key{Token: readOnlyKey, Permissions: authentatest.PermRead, Balance: 1e6}),
		authentatest.WithKey(authentatest.Key{Token: brokeKey, Permissions: authentatest.PermAll, Balance: 0}),
		authentatest.WithClock(clock),
	)
	client := func(key string) *authenta.Client {
		return srv.Client(authenta.WithAPIKey(key), authenta.WithLogger(logger))
	}
	c := client(secretKey)
	photo, _ := faultImage(t, 4<<10)
	fast := &authenta.DetectOptions{Wait: &authenta.WaitOptions{MinInterval: time.Millisecond}}
	ctx := t.Context()

	newJob := func(t *testing.T) *authenta.CreatedJob {
		t.Helper()
		cj, err := c.Jobs.Create(ctx, &authenta.JobRequest{
			TaskType: authenta.AIImageDetection,
			Inputs:   []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "photo.jpg", ContentType: "image/jpeg", Size: 5}},
		})
		require.NoError(t, err)
		for _, u := range cj.Uploads {
			secrets.addURL(u.URL)
		}
		return cj
	}

	// A full successful Detect, and the job it made, with its presigned
	// artifact URLs.
	d, err := c.Detect(ctx, authenta.AIImageDetection, photo, fast)
	require.NoError(t, err)
	job, err := c.Jobs.Get(ctx, d.Job.ID)
	require.NoError(t, err)
	require.NotEmpty(t, job.Artifacts)
	for _, a := range job.Artifacts {
		require.NotEmpty(t, a.DownloadURL)
		secrets.addURL(a.DownloadURL)
	}
	cj := newJob(t)
	require.NotEmpty(t, cj.Uploads)

	// Failing calls, each with its error and what it must match.
	type failure struct {
		name string
		err  error
		is   error // nil: any error
	}
	var failures []failure
	fail := func(name string, is error, err error) {
		failures = append(failures, failure{name, err, is})
	}

	_, err = client(wrongKey).Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection,
		Inputs: []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.jpg", ContentType: "image/jpeg", Size: 5}}})
	fail("401 unknown key", authenta.ErrInvalidAPIKey, err)
	_, err = client(wrongKey).Detect(ctx, authenta.AIImageDetection, photo, fast)
	fail("401 unknown key, Detect", authenta.ErrInvalidAPIKey, err)
	_, err = client(readOnlyKey).Detect(ctx, authenta.AIImageDetection, photo, fast)
	fail("403 read-only key", authenta.ErrForbidden, err)
	_, err = client(brokeKey).Detect(ctx, authenta.AIImageDetection, photo, fast)
	fail("402 no credit", authenta.ErrInsufficientBalance, err)
	_, err = c.Jobs.Get(ctx, "987654321")
	fail("404 unknown job", authenta.ErrJobNotFound, err)

	// The storage host echoes the signature it was given, as S3 does.
	wrongType := newJob(t)
	err = c.Jobs.Upload(ctx, wrongType.Uploads[0], strings.NewReader("hello"), 5, "image/png")
	fail("upload 403 SignatureDoesNotMatch", nil, err)
	var sigErr *authenta.APIError
	require.ErrorAs(t, err, &sigErr)
	require.Equal(t, http.StatusForbidden, sigErr.StatusCode)
	require.Equal(t, "SignatureDoesNotMatch", sigErr.Code)
	sig := mustQuery(t, wrongType.Uploads[0].URL).Get("X-Amz-Signature")
	require.Contains(t, string(sigErr.Body), sig, "the body echoes the signature: this case tests something")

	// An upload URL that expired on the storage host (the client was not
	// told when it expires, so only the host can refuse it).
	expiring := newJob(t)
	skew.Store(int64(2 * time.Hour))
	u := expiring.Uploads[0]
	u.ExpiresAt = time.Time{}
	err = c.Jobs.Upload(ctx, u, strings.NewReader("hello"), 5, "image/jpeg")
	skew.Store(0)
	fail("upload 403 expired on the host", nil, err)
	require.ErrorAs(t, err, new(*authenta.APIError))
	// The same URL refused by the client's own expiry check.
	u.ExpiresAt = time.Now().Add(-time.Minute)
	err = c.Jobs.Upload(ctx, u, strings.NewReader("hello"), 5, "image/jpeg")
	fail("upload URL expired, client check", authenta.ErrUploadURLExpired, err)

	// A presigned URL on a port where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedAddr := l.Addr().String()
	require.NoError(t, l.Close())
	pu, err := url.Parse(cj.Uploads[0].URL)
	require.NoError(t, err)
	pu.Host = closedAddr
	err = c.Jobs.Upload(ctx, authenta.Upload{Slot: authenta.SlotOriginal, URL: pu.String()}, strings.NewReader("hello"), 5, "image/jpeg")
	fail("upload to a closed port", nil, err)
	_, err = c.Jobs.Result(ctx, &authenta.Job{ID: job.ID, Status: authenta.StatusCompleted, Artifacts: []authenta.Artifact{{Kind: "result", DownloadURL: pu.String()}}})
	fail("download from a closed port", nil, err)

	// Error pages that quote the URL they were asked for, query and all:
	// every attempt (1 + 3 retries) gets one.
	echoURL := cj.Uploads[0].URL
	htmlEcho := "<html><body><h1>500 Internal Server Error</h1><p>While handling PUT <a href=\"" + strings.ReplaceAll(echoURL, "&", "&amp;") +
		"\">" + echoURL + "</a></p></body></html>"
	for range 4 {
		srv.Inject(authentatest.RouteUpload, authentatest.Fault{Status: 500, RawBody: htmlEcho, ContentType: "text/html"})
	}
	err = c.Jobs.Upload(ctx, cj.Uploads[0], strings.NewReader("hello"), 5, "image/jpeg")
	fail("upload 500 HTML echoing the URL", authenta.ErrServer, err)
	srv.ClearFaults()
	for range 4 {
		srv.Inject(authentatest.RouteUpload, authentatest.Fault{Status: 500, RawBody: htmlEcho, ContentType: "text/html"})
	}
	_, err = c.Detect(ctx, authenta.AIImageDetection, photo, fast)
	fail("Detect: upload 500 HTML echoing a URL", authenta.ErrServer, err)
	srv.ClearFaults()
	var resultURL string
	for _, a := range job.Artifacts {
		if a.Kind == "result" {
			resultURL = a.DownloadURL
		}
	}
	require.NotEmpty(t, resultURL)
	for range 4 {
		srv.Inject(authentatest.RouteDownload, authentatest.Fault{Status: 500, ContentType: "text/plain",
			RawBody: "upstream error fetching " + resultURL + "\nX-Amz-Signature=" + mustQuery(t, resultURL).Get("X-Amz-Signature")})
	}
	_, err = c.Jobs.Result(ctx, job)
	fail("download 500 text echoing the URL", authenta.ErrServer, err)
	srv.ClearFaults()
	s3Echo := `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message>` +
		`<SignatureProvided>` + sig + `</SignatureProvided><CanonicalRequest>PUT ` + strings.ReplaceAll(echoURL, "&", "&amp;") + `</CanonicalRequest></Error>`
	srv.Inject(authentatest.RouteUpload, authentatest.Fault{Status: 403, RawBody: s3Echo, ContentType: "application/xml"})
	_, err = c.Detect(ctx, authenta.AIImageDetection, photo, fast)
	fail("Detect: upload 403 S3 XML echoing the signature", nil, err)

	// Servers that echo the API key: in the message, the code, a request id
	// header, a text or HTML page, with and without "Bearer".
	echoes := []authentatest.Fault{
		{Status: 400, ContentType: "application/json", RawBody: `{"code":"BAD_REQUEST","message":"key ` + secretKey + ` may not do this"}`},
		{Status: 401, ContentType: "application/json", RawBody: `{"error":{"code":"INVALID_API_KEY","message":"Authorization: Bearer ` + secretKey + ` rejected"}}`},
		{Status: 400, ContentType: "application/json", RawBody: `{"code":"` + secretKey + `","message":"bad key"}`},
		{Status: 400, ContentType: "text/plain", RawBody: "Bearer " + secretKey + " is not valid here"},
		{Status: 403, ContentType: "text/html", RawBody: "<html><body><pre>Authorization: Bearer " + secretKey + "</pre></body></html>"},
		{Status: 400, ContentType: "application/json", RawBody: `{"message":"bad request"}`, Header: http.Header{"X-Request-Id": {secretKey}}},
	}
	for i, f := range echoes {
		srv.Inject(authentatest.RouteGet, f)
		_, err = c.Jobs.Get(ctx, job.ID)
		fail(fmt.Sprintf("GET echoing the key (%d)", i), nil, err)
	}
	// A job whose server-side failure message quotes the key and a
	// presigned URL.
	require.NoError(t, srv.SetOutcome(authentatest.Failed("worker could not fetch "+echoURL+" with key "+secretKey)))
	_, err = c.Detect(ctx, authenta.AIImageDetection, photo, fast)
	fail("job failed, message echoing key and URL", authenta.ErrJobFailed, err)
	require.NoError(t, srv.SetOutcome(authentatest.Outcome{}))

	// Every presigned URL the storage host was asked for counts too.
	for _, r := range srv.Requests() {
		if r.Host == authentatest.HostStorage && len(r.Query) > 0 {
			secrets.addURL("http://storage" + r.Path + "?" + r.Query.Encode())
			secrets.add(r.Query.Get("X-Amz-Signature"))
			secrets.add(r.Query.Get("X-Amz-Credential"))
		}
	}
	forbidden := secrets.list()

	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			require.Error(t, f.err)
			if f.is != nil {
				assert.ErrorIs(t, f.err, f.is)
			}
			texts := secretTexts(f.err)
			for _, text := range append(texts, slogged(f.err)...) {
				for _, s := range forbidden {
					assert.NotContains(t, text, s)
				}
			}
			t.Log(f.err)
		})
	}

	t.Run("printed values", func(t *testing.T) {
		values := map[string]any{
			"client":       c,
			"*client":      *c,
			"client.Jobs":  c.Jobs,
			"*client.Jobs": *c.Jobs,
			"CreatedJob":   cj,
			"*CreatedJob":  *cj,
			"Uploads":      cj.Uploads,
			"Upload":       cj.Uploads[0],
			"Job":          job,
			"*Job":         *job,
			"Artifacts":    job.Artifacts,
			"Artifact":     job.Artifacts[0],
			"Detection":    d,
			"*Detection":   *d,
			"Result":       d.Result,
		}
		for name, v := range values {
			// A []Upload too: slog's JSON handler marshals a slice with
			// encoding/json, and an Upload's JSON is redacted.
			texts := slogged(v)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				texts = append(texts, fmt.Sprintf(verb, v))
			}
			for _, text := range texts {
				for _, s := range forbidden {
					assert.NotContains(t, text, s, "%s: %s", name, text)
				}
			}
		}
	})

	t.Run("debug log", func(t *testing.T) {
		out := logs.String()
		require.Contains(t, out, `"level":"DEBUG"`, "the logger was used")
		require.Contains(t, out, "/api/v1/jobs", "API requests were logged")
		require.Contains(t, out, `"status":403`, "failed storage requests were logged")
		for _, s := range forbidden {
			assert.NotContains(t, out, s)
		}
	})
}

// slogged is v logged by slog's JSON and text handlers, as a value and,
// for an error, under the conventional "err" key.
func slogged(v any) []string {
	var out []string
	for _, h := range []func(*strings.Builder) slog.Handler{
		func(b *strings.Builder) slog.Handler { return slog.NewJSONHandler(b, nil) },
		func(b *strings.Builder) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		var b strings.Builder
		slog.New(h(&b)).Info("value", "v", v, "err", v)
		out = append(out, b.String())
	}
	return out
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Query()
}

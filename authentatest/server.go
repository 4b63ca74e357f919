package authentatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	authenta "github.com/phospheneai/authenta-go"
)

// Server is an in-process fake of the Authenta platform: an API host and a
// storage host, each an HTTP server on 127.0.0.1. It is safe for
// concurrent use by many clients and by the test that inspects it.
type Server struct {
	// URL is the API host's base URL, for authenta.WithBaseURL.
	URL string
	// StorageURL is the storage host's base URL; presigned upload and
	// download URLs point there.
	StorageURL string

	api, storage *httptest.Server
	transport    *http.Transport
	httpClient   *http.Client
	tb           testing.TB
	cfg          config
	secret       []byte
	done         chan struct{}
	closeOnce    sync.Once
	reqIDs       atomic.Uint64 // X-Request-Id of API answers
	faces        faceStore     // face indexing, under its own lock

	mu       sync.Mutex // guards what follows
	keys     map[string]*Key
	jobs     map[string]*job
	order    []*job // every job ever created, oldest first
	nextID   uint64
	faults   map[Route][]Fault
	latency  map[Route]time.Duration
	schedule Schedule
	outcome  Outcome

	recMu sync.Mutex // guards the recording
	rec   recorder
	seq   int
}

// NewServer starts a Server for a test or benchmark and closes it when the
// test ends (t.Cleanup). An invalid option fails the test. Server.Client
// then reports its own errors through tb as well, so call it from the test
// goroutine.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatalf("authentatest: %v", err)
		return nil
	}
	s.tb = tb
	tb.Cleanup(s.Close)
	return s
}

// Start starts a Server outside of a test, for examples, demos and
// programs; Close it when done.
func Start(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	cfg.faces = cfg.facesDefaults()
	s := &Server{
		cfg:      cfg,
		done:     make(chan struct{}),
		keys:     make(map[string]*Key, len(cfg.keys)),
		jobs:     make(map[string]*job),
		nextID:   cfg.firstID,
		rec:      newRecorder(cfg.recordLimit),
		faults:   make(map[Route][]Fault),
		latency:  make(map[Route]time.Duration, len(cfg.latency)),
		schedule: cfg.schedule,
		outcome:  cfg.outcome,
	}
	if s.outcome.Status == "" {
		s.outcome.Status = authenta.StatusCompleted
	}
	for r, d := range cfg.latency {
		s.latency[r] = d
	}
	for _, k := range cfg.keys {
		k := k
		s.keys[k.Token] = &k
	}
	s.secret = make([]byte, 32)
	_, _ = rand.Read(s.secret)

	s.api = newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(HostAPI, w, r) }))
	s.storage = newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(HostStorage, w, r) }))
	// The URLs are set before either host serves: a handler reads them, and
	// a client in another process (a command line under test) gives the
	// race detector no other order between the two.
	s.URL, s.StorageURL = "http://"+s.api.Listener.Addr().String(), "http://"+s.storage.Listener.Addr().String()
	s.api.Start()
	s.storage.Start()

	s.transport = &http.Transport{
		Proxy:                 nil, // never a proxy for 127.0.0.1
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          0, // no overall limit
		MaxIdleConnsPerHost:   512,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: time.Minute,
		DisableCompression:    true,
	}
	s.httpClient = &http.Client{Transport: s.transport}
	return s, nil
}

func newHTTPServer(h http.Handler) *httptest.Server {
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ReadHeaderTimeout = 10 * time.Second
	ts.Config.ErrorLog = nil
	return ts // started by Start, once the URLs are known
}

// Close stops both hosts and closes the client connections. Requests in
// flight are answered or dropped first. Close is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.transport.CloseIdleConnections()
		s.api.CloseClientConnections()
		s.storage.CloseClientConnections()
		s.api.Close()
		s.storage.Close()
		s.transport.CloseIdleConnections()
	})
}

// HTTPClient returns the HTTP client wired to the server: plain HTTP to
// 127.0.0.1, no proxy, enough idle connections for many concurrent
// clients. Give it to authenta.WithHTTPClient.
func (s *Server) HTTPClient() *http.Client { return s.httpClient }

// APIKey returns DefaultAPIKey, the key with every permission.
func (s *Server) APIKey() string { return DefaultAPIKey }

// ClientOptions returns the options Client uses: the default key, the
// API URL, the server's HTTP client, fast retries (1ms to 10ms) and no
// environment variables. Use them to build a client your own way.
func (s *Server) ClientOptions() []authenta.Option {
	return []authenta.Option{
		authenta.WithoutEnvironment(),
		authenta.WithAPIKey(DefaultAPIKey),
		authenta.WithBaseURL(s.URL),
		authenta.WithHTTPClient(s.httpClient),
		authenta.WithRetryWait(time.Millisecond, 10*time.Millisecond),
		// The fake runs a job in a few polls: poll at millisecond scale,
		// so tests of code that waits are fast without wait settings of
		// their own. A WithWaitOptions in opts, or a call's WaitOptions,
		// overrides it.
		authenta.WithWaitOptions(authenta.WaitOptions{MinInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond}),
	}
}

// NewClient returns an *authenta.Client wired to the server
// (ClientOptions), with opts applied after, so they override. For a server
// made with NewServer, the client is closed (Client.Close: its background
// job removals waited for) when the test ends.
func (s *Server) NewClient(opts ...authenta.Option) (*authenta.Client, error) {
	c, err := authenta.NewClient(append(s.ClientOptions(), opts...)...)
	if err == nil && s.tb != nil {
		s.tb.Cleanup(func() { _ = c.Close(context.Background()) })
	}
	return c, err
}

// Client is NewClient that cannot fail: an error fails the test the server
// was made for with NewServer (call it from the test goroutine), or
// panics for a server made with Start.
func (s *Server) Client(opts ...authenta.Option) *authenta.Client {
	c, err := s.NewClient(opts...)
	if err != nil {
		if s.tb != nil {
			s.tb.Helper()
			s.tb.Fatalf("authentatest: new client: %v", err)
			return nil
		}
		panic(fmt.Sprintf("authentatest: new client: %v", err))
	}
	return c
}

// serve is the entry point of both hosts: it matches the route, records
// the request, applies latency and injected faults, and hands the request
// to the host's handler.
func (s *Server) serve(host HostKind, w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	q := Request{
		Time:             s.now(),
		Host:             host,
		Method:           r.Method,
		Path:             r.URL.Path,
		Query:            r.URL.Query(),
		Header:           r.Header, // no handler changes it; copied below when it holds a key
		ContentLength:    r.ContentLength,
		TransferEncoding: append([]string(nil), r.TransferEncoding...),
	}
	if _, ok := r.Header["Authorization"]; ok {
		auth := r.Header.Get("Authorization")
		q.HadAuth = auth != ""
		q.AuthValid = q.HadAuth && s.lookupKey(auth) != nil
		q.Header = r.Header.Clone()
		q.Header.Del("Authorization")
	}
	var rt routeMatch
	if host == HostAPI {
		rt = matchAPI(r.Method, r.URL.Path)
		if rt.route == "" && rt.id == "" {
			rt = s.matchFaces(r.Method, r.URL.Path)
		}
	} else {
		rt = matchStorage(r.Method, r.URL.EscapedPath())
		if rt.route == "" && rt.object == objNone {
			rt = matchFaceStorage(r.Method, r.URL.EscapedPath())
		}
	}
	q.Route, q.JobID = rt.route, rt.id
	body := &countingBody{rc: r.Body, keep: host == HostAPI}
	r.Body = body
	sw := &statusWriter{ResponseWriter: w}
	var once sync.Once
	sw.commit = func() {
		once.Do(func() {
			q.Status, q.Dropped = sw.status, sw.dropped
			q.BodyBytes = body.n
			if body.buf.Len() > 0 {
				q.Body = bytes.Clone(body.buf.Bytes())
			}
			q.Duration = time.Since(start)
			s.record(&q)
		})
	}
	defer sw.commit()

	f, hasFault, latency := s.nextFault(rt.route)
	if !s.sleep(r.Context(), latency+f.Delay) {
		dropConn(sw, false) // the client left, or the server is closing
		return
	}
	handle := func(w http.ResponseWriter) {
		if host == HostAPI {
			s.serveAPI(w, r, rt)
		} else {
			s.serveStorage(w, r, rt)
		}
	}
	if hasFault {
		q.Fault = f.Status != 0 || f.Conn != ConnOK
		switch f.Conn {
		case Drop, Reset:
			if f.DropAfter > 0 {
				_, _ = io.CopyN(io.Discard, r.Body, f.DropAfter)
			}
			dropConn(sw, f.Conn == Reset)
			return
		case DropResponse:
			rec := httptest.NewRecorder()
			handle(rec)
			sw.status = rec.Code
			dropConn(sw, false)
			return
		}
		if f.Status != 0 {
			s.writeFault(sw, r, host, f)
			return
		}
	}
	handle(sw)
}

// sleep waits d, or less if the request or the server ends first; it
// reports whether the whole wait passed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// dropConn closes the request's connection without an answer, with a TCP
// reset when reset is set.
func dropConn(sw *statusWriter, reset bool) {
	sw.dropped = true
	sw.commit()
	conn, _, err := http.NewResponseController(sw.ResponseWriter).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): abort the handler, which resets the stream.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// writeFault answers with an injected error.
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, host HostKind, f Fault) {
	if r.Method == http.MethodPut || r.Method == http.MethodPost {
		// Read the body first, so that the client sees the answer rather
		// than a connection closed while it was still sending.
		_, _ = io.Copy(io.Discard, r.Body)
	}
	h := w.Header()
	for k, vs := range f.Header {
		h[k] = append([]string(nil), vs...)
	}
	if f.RetryAfter != "" {
		h.Set("Retry-After", f.RetryAfter)
	}
	kind := f.Body
	if kind == BodyDefault {
		kind = BodyJSON
		if host == HostStorage {
			kind = BodyXML
		}
	}
	text := http.StatusText(f.Status)
	if text == "" {
		text = "Status " + strconv.Itoa(f.Status)
	}
	switch {
	case f.RawBody != "":
		ct := f.ContentType
		if ct == "" {
			ct = "text/plain; charset=utf-8"
		}
		h.Set("Content-Type", ct)
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.RawBody)
	case kind == BodyJSON:
		code := strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_", "'", "").Replace(text))
		s.writeAPIError(w, f.Status, code, text)
	case kind == BodyXML:
		writeS3Error(w, f.Status, s3Error{Code: s3Code(f.Status), Message: text})
	case kind == BodyHTML:
		h.Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(f.Status)
		fmt.Fprintf(w, htmlErrorPage, f.Status, text, f.Status, text)
	case kind == BodyText:
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(f.Status)
		fmt.Fprintf(w, "%d %s: upstream connect error or disconnect/reset before headers\n", f.Status, text)
	default: // BodyEmpty
		h.Set("Content-Length", "0")
		w.WriteHeader(f.Status)
	}
}

const htmlErrorPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>%d %s | platform.authenta.ai</title>
<style>body{font-family:sans-serif}</style></head>
<body>
<div id="cf-wrapper"><h1>Error %d</h1><p>%s</p>
<p>The web server reported an error. Please try again in a few minutes.</p></div>
</body>
</html>
`

func s3Code(status int) string {
	switch status {
	case 400:
		return "BadRequest"
	case 403:
		return "AccessDenied"
	case 404:
		return "NoSuchKey"
	case 500:
		return "InternalError"
	case 501:
		return "NotImplemented"
	case 503:
		return "SlowDown"
	}
	return strings.ReplaceAll(http.StatusText(status), " ", "")
}

// now is the server's clock.
func (s *Server) now() time.Time { return s.cfg.now() }

// lookupKey returns the key an Authorization header names, or nil.
func (s *Server) lookupKey(auth string) *Key {
	scheme, tok, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	tok = strings.TrimSpace(tok)
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[tok]; ok {
		cp := *k
		return &cp
	}
	return nil
}

// AddKey adds an API key, or replaces the one with the same token.
func (s *Server) AddKey(k Key) error {
	if !validKeyFormat(k.Token) {
		return errors.New("authentatest: the key does not look like an API key")
	}
	s.mu.Lock()
	s.keys[k.Token] = &k
	s.mu.Unlock()
	return nil
}

// RevokeKey makes the server refuse a key (401 INVALID_API_KEY).
func (s *Server) RevokeKey(token string) {
	s.mu.Lock()
	delete(s.keys, token)
	s.mu.Unlock()
}

// SetBalance sets a key's credit balance.
func (s *Server) SetBalance(token string, credits float64) {
	s.mu.Lock()
	if k, ok := s.keys[token]; ok {
		k.Balance = credits
	}
	s.mu.Unlock()
}

// Balance returns a key's credit balance (0 for an unknown key).
func (s *Server) Balance(token string) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[token]; ok {
		return k.Balance
	}
	return 0
}

// SetSchedule changes the schedule of jobs created from now on.
func (s *Server) SetSchedule(sc Schedule) error {
	if err := sc.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	s.schedule = sc
	s.mu.Unlock()
	return nil
}

// SetOutcome changes the outcome of jobs created from now on.
func (s *Server) SetOutcome(o Outcome) error {
	o, err := o.normalized()
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.outcome = o
	s.mu.Unlock()
	return nil
}

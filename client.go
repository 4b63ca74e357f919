package authenta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/phospheneai/authenta-go/internal/retry"
)

// Client talks to the Authenta platform. Create one with NewClient and
// share it: a *Client is safe for concurrent use by many goroutines, and
// keeps its connections for reuse.
type Client struct {
	// Jobs creates, uploads, finalizes, waits for and fetches detection jobs.
	Jobs *JobsService
	// Faces enrols faces and searches them (face indexing).
	Faces *FacesService

	base      *url.URL // API base URL, path prefix without a trailing slash
	baseStr   string
	key       *secret // a pointer: fmt prints it as an address when it dumps a Client by reflection
	userAgent string
	logger    *slog.Logger

	api     *retryablehttp.Client // with auth: platform endpoints
	storage *retryablehttp.Client // without auth: presigned URLs
	auth    *bearerTransport      // the api client's
	// presetAuth: do sets the key's header itself, so that auth sends the
	// request without a copy; not with middleware, which must not see it.
	presetAuth bool

	// The retries of a request when its call does not set them.
	apiRetries, storageRetries int

	clock clock

	wait     WaitOptions // WithWaitOptions
	cleanups *cleanups   // Detect's background removals of jobs (see Close)
	// ownTransport is the transport NewClient made, if it made one: Close
	// closes its idle connections.
	ownTransport *http.Transport
}

// NewClient returns a Client configured by opts. Without WithAPIKey it
// reads $AUTHENTA_API_KEY, and without WithBaseURL $AUTHENTA_BASE_URL
// (unless WithoutEnvironment is given). A missing key is an error matching
// ErrMissingAPIKey; every invalid option is an error, and no request is
// ever sent by NewClient.
func NewClient(opts ...Option) (*Client, error) {
	s := defaultSettings()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if !s.noEnvironment {
		if !s.keySet {
			s.apiKey = os.Getenv(EnvAPIKey)
		}
		if !s.urlSet {
			s.baseURL = os.Getenv(EnvBaseURL)
		}
	}
	if s.baseURL == "" {
		s.baseURL = DefaultBaseURL
	}
	if err := checkAPIKey(s.apiKey); err != nil {
		return nil, err
	}
	base, err := parseBaseURL(s.baseURL)
	if err != nil {
		return nil, err
	}

	key := secret(s.apiKey)
	c := &Client{
		base:      base,
		baseStr:   base.String(),
		key:       &key,
		userAgent: userAgent(s.userAgent),
		logger:    s.logger,
		clock:     realClock{},
		wait:      s.wait,
		cleanups:  new(cleanups),
	}

	hc := s.httpClient
	var baseRT http.RoundTripper
	if hc != nil && hc.Transport != nil {
		baseRT = hc.Transport
	} else {
		baseRT = defaultTransport(s.headerTimeout)
		c.ownTransport, _ = baseRT.(*http.Transport)
	}
	lower := &sdkTransport{base: baseRT, logger: s.logger, key: key, readIdle: s.readIdle}
	uploadRetries := s.uploadRetries
	if uploadRetries < 0 {
		uploadRetries = s.maxRetries
	}
	c.apiRetries, c.storageRetries = s.maxRetries, uploadRetries
	// Each attempt goes down: retries, rate limit (API only), middleware,
	// auth (API only), sdkTransport, the base transport. Middleware sits
	// above auth so that it never sees the key.
	c.auth = newBearerTransport(lower, s.apiKey, base)
	c.presetAuth = len(s.middleware) == 0
	apiRT := withRateLimit(withMiddleware(c.auth, s.middleware), s.rate)
	c.api = c.retryClient(hc, apiRT, s, s.maxRetries)
	c.storage = c.retryClient(hc, withMiddleware(lower, s.middleware), s, uploadRetries)
	c.Jobs = &JobsService{c: c}
	c.Faces = &FacesService{c: c, path: s.facesPath}
	return c, nil
}

// defaultTransport is a clone of http.DefaultTransport that keeps enough
// idle connections per host for concurrent use and never waits forever for
// a response's headers.
func defaultTransport(headerTimeout time.Duration) http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok { // replaced by the program; use it as it is
		return http.DefaultTransport
	}
	t = t.Clone()
	t.ResponseHeaderTimeout = headerTimeout
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 128
	return t
}

// retryClient layers retries over rt. The inner http.Client keeps the
// user's redirect policy, cookie jar and timeout. rt deliberately has no
// CloseIdleConnections method, so a failed call does not close the pooled
// connections of every other call in flight (retryablehttp would).
func (c *Client) retryClient(user *http.Client, rt http.RoundTripper, s settings, retries int) *retryablehttp.Client {
	inner := &http.Client{Transport: rt}
	if user != nil {
		inner.CheckRedirect, inner.Jar, inner.Timeout = user.CheckRedirect, user.Jar, user.Timeout
	}
	p := &retry.Policy{MaxWait: s.retryWaitMax, Now: func() time.Time { return c.clock.Now() }, Final: quotaUsedUp}
	rc := &retryablehttp.Client{
		HTTPClient:   inner,
		Logger:       nil, // its logger prints presigned URLs; we log from sdkTransport
		RetryWaitMin: s.retryWaitMin,
		RetryWaitMax: s.retryWaitMax,
		RetryMax:     max(retries, maxCallRetries), // each request carries its own budget (send)
		CheckRetry:   p.CheckRetry,
		Backoff:      p.Backoff,
		ErrorHandler: lastResponse,
		PrepareRetry: rewindBody,
	}
	// Count the attempts of each request (retry budget, logs, ResponseInfo).
	rc.RequestLogHook = func(_ retryablehttp.Logger, r *http.Request, i int) {
		if st := retry.From(r.Context()); st != nil {
			st.Begin(i)
		}
	}
	return rc
}

// lastResponse is the retry client's ErrorHandler. When the attempts ran
// out on an error status it hands back the last response, so that its error
// body is decoded rather than drained. When they ended on an error (a
// network failure, a redirect loop, a cancelled context, a body that could
// not be replayed) it returns that error, which send sanitizes (see
// sanitizeError), and closes any response that came with it (net/http returns the last 3xx
// of a redirect loop beside its error; a failed rewind comes after the last
// response was already drained).
func lastResponse(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err == nil {
		return resp, nil
	}
	if resp != nil {
		drainClose(resp.Body)
	}
	return nil, err // send sanitizes it (see sanitizeError)
}

// errNotReplayable stops a retry of a body that has been consumed and has
// no GetBody to make another.
var errNotReplayable = errors.New("authenta: request body cannot be replayed")

// rewindBody is the retry client's PrepareRetry: every retry gets a fresh
// body from GetBody (a new reader over the same bytes or file section).
func rewindBody(r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	if r.GetBody == nil {
		return &retry.Permanent{Err: errNotReplayable}
	}
	b, err := r.GetBody()
	if err != nil {
		return &retry.Permanent{Err: err}
	}
	r.Body = b
	return nil
}

func userAgent(product string) string {
	ua := "authenta-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if product != "" {
		ua = product + " " + ua
	}
	return ua
}

// String describes the client without its key.
func (c Client) String() string {
	return "authenta.Client{BaseURL: " + c.baseStr + ", APIKey: " + redacted + "}"
}

// Format prints the client the same way for every verb (%v, %+v, %#v, %s),
// whether it is given as a value or a pointer, so that no verb reaches the
// unexported key.
func (c Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// BaseURL returns the API base URL the client sends requests to.
func (c *Client) BaseURL() string { return c.baseStr }

// call describes one platform request for Client.do.
type call struct {
	method string
	path   string // escaped, relative to the base URL, starting with "/"
	url    string // optional: the base URL followed by path, built by the caller
	query  url.Values
	body   any         // JSON-encoded when non-nil
	stream *streamBody // a body that is not JSON, streamed (instead of body)
	scope  errScope
	mark   retry.Mark
	cs     *callSettings // nil: no call options

	attempts int // set by do: the attempts the request took
}

// requestState is a request's retry state together with the values of the
// headers the SDK sets on it: one allocation for all, where each header
// would take one of its own. Each header's slice of vals is capped at its
// length, so an append by middleware copies rather than overwrites its
// neighbour.
type requestState struct {
	retry.Request
	vals [4]string
}

// value sets vals[i] to v and returns it as a header's values.
func (s *requestState) value(i int, v string) []string {
	s.vals[i] = v
	return s.vals[i : i+1 : i+1]
}

// streamBody is a request body sent as it is read, with an exact length.
type streamBody struct {
	contentType string
	size        int64
	// open returns the body afresh for every attempt; with a retry mark of
	// retry.Once it is called once.
	open func() (io.ReadCloser, error)
}

// maxResponseBody bounds the JSON the SDK decodes from a success response.
const maxResponseBody = 32 << 20

// do is the one request path of every platform endpoint: build the
// request, send it through auth and retries, decode an error into an
// *APIError, and decode a success body into out (nil: discard it).
func (c *Client) do(ctx context.Context, cl *call, out any) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrInvalidArgument)
	}
	cs := cl.cs
	if cs == nil {
		cs = noCall
	}
	u := cl.url
	if u == "" {
		u = c.baseStr + cl.path
	}
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body io.Reader
	if cl.body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(cl.body); err != nil {
			return fmt.Errorf("authenta: encode %s request: %w", cl.path, err)
		}
		body = bytes.NewReader(buf.Bytes())
	}
	rs := &requestState{Request: retry.Request{Mark: cl.mark, Max: -1}}
	st := &rs.Request
	if out != nil {
		st.Buffer = maxResponseBody // read inside the attempt (sdkTransport)
	}
	rctx := retry.With(ctx, st)
	if tracesWrites(cl.method) {
		rctx = st.TraceWrites(rctx) // once here, not per attempt (sdkTransport)
	}
	req, err := http.NewRequestWithContext(rctx, cl.method, u, body)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidArgument, redactURLs(err.Error()))
	}
	for k, v := range cs.header {
		req.Header[k] = v
	}
	// The fixed headers' values live in the request's state (see
	// requestState).
	req.Header["Accept"] = rs.value(0, "application/json")
	req.Header["User-Agent"] = rs.value(1, c.userAgent) // send keeps it as it is
	if c.presetAuth {
		req.Header["Authorization"] = rs.value(2, string(c.auth.header)) // once here, not on a copy per attempt
	}
	if body != nil {
		req.Header["Content-Type"] = rs.value(3, "application/json")
	}
	if sb := cl.stream; sb != nil {
		if req.Body, err = sb.open(); err != nil {
			return err
		}
		req.GetBody, req.ContentLength = sb.open, sb.size
		req.Header.Set("Content-Type", sb.contentType)
	}
	resp, err := c.send(c.api, req, cl.scope, cs)
	cl.attempts = st.Attempts()
	if err != nil {
		var cut *bodyReadError
		if cl.mark != retry.Idempotent && errors.As(err, &cut) {
			// Not retried: the request was answered, so it happened.
			return &answerLostError{err: err}
		}
		return err
	}
	drainClose(resp.Body) // read already, when out is set
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	b := st.Body()
	if b = bytes.TrimSpace(b); len(b) == 0 {
		return nil // an empty 2xx body is a success with nothing to decode
	}
	// The SDK's response types validate their input themselves; calling
	// them directly saves encoding/json a scan of the whole body.
	switch u := out.(type) {
	case ownedDecoder: // b is this call's own buffer: kept, not copied
		err = u.decodeOwned(b)
	case json.Unmarshaler:
		err = u.UnmarshalJSON(b)
	default:
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		return fmt.Errorf("authenta: %s %s: decode response (HTTP %d): %w", cl.method, cl.path, resp.StatusCode, err)
	}
	return nil
}

// errTooLarge reports a response body over the SDK's bound.
var errTooLarge = errors.New("response body too large")

// send runs req through rc (retries, and auth for the API client) with
// the call's retry budget, and notes the outcome in the call's
// ResponseInfo. A response with an error status becomes an *APIError; on
// success the caller owns resp.Body. The request's context may carry a
// *retry.Request (its retry mark); send adds one when it does not.
func (c *Client) send(rc *retryablehttp.Client, req *http.Request, scope errScope, cs *callSettings) (*http.Response, error) {
	if cs == nil {
		cs = noCall
	}
	if v := req.Header["User-Agent"]; len(v) != 1 || v[0] != c.userAgent {
		req.Header.Set("User-Agent", c.userAgent)
	}
	ctx := req.Context()
	st := retry.From(ctx)
	if st == nil {
		st = &retry.Request{Mark: retry.Idempotent}
		req = req.WithContext(retry.With(ctx, st))
	}
	switch {
	case cs.retries >= 0:
		st.Max = cs.retries
	case rc == c.api:
		st.Max = c.apiRetries
	default:
		st.Max = c.storageRetries
	}
	resp, err := rc.Do(&retryablehttp.Request{Request: req})
	if err != nil {
		if cs.info != nil {
			status, id := st.Last() // of an attempt before the error, if any
			cs.record(status, cleanRequestID(id, *c.key), st.Attempts())
		}
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return nil, fmt.Errorf("authenta: %s %s: %w", req.Method, redactURL(req.URL), sanitizeError(err, *c.key))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := decodeAPIError(resp, scope, c.clock.Now(), *c.key)
		cs.record(e.StatusCode, e.RequestID, st.Attempts())
		return nil, e
	}
	if cs.info != nil {
		cs.record(resp.StatusCode, cleanRequestID(responseRequestID(resp.Header), *c.key), st.Attempts())
	}
	return resp, nil
}

// scrubJob removes the API key and URL query strings from the server's
// text in a job, should the server echo them there, as Face.Error and
// JobError.Message are: a program that prints the field (the CLI's job
// table) shows no presigned signature.
func (c *Client) scrubJob(j *Job) {
	j.ErrorMessage = redactURLs(c.scrubKey(j.ErrorMessage))
	j.Message = redactURLs(c.scrubKey(j.Message))
}

// scrubKey returns server text with the API key redacted.
func (c *Client) scrubKey(s string) string { return c.key.scrubFrom(s) }

// drainClose reads a little of what is left of a body, so the connection
// can be reused, and closes it.
func drainClose(b io.ReadCloser) {
	if b == http.NoBody { // read already inside the attempt
		return
	}
	_, _ = io.CopyN(io.Discard, b, 4<<10)
	_ = b.Close()
}

// clock is the time source of waits and polls; tests swap in a fake one.
type clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends, whichever is first.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

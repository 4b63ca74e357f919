package authenta

// Test hooks for the tests in package authenta_test. This file is compiled
// only by "go test", so nothing here is part of the public API.

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"sync"
)

// Clock is the client's time source (the unexported clock interface):
// Now, and Sleep(ctx, d) that returns early with ctx's error. A test type
// with these two methods satisfies it.
type Clock = clock

// SetClock swaps the time source of c: Wait's schedule, HTTP-date
// Retry-After, and upload expiry. Call it before c sends any request.
func SetClock(c *Client, clk Clock) { c.clock = clk }

// NewBearerTransport returns the auth layer the API client uses, over base,
// for the API origin of apiBase.
func NewBearerTransport(base http.RoundTripper, key string, apiBase *url.URL) http.RoundTripper {
	return newBearerTransport(base, key, apiBase)
}

// DecodeJobList decodes a list answer as JobsService.List does.
func DecodeJobList(b []byte) (*JobList, error) {
	var l JobList
	err := (*wireList)(&l).UnmarshalJSON(b)
	return &l, err
}

// DecodeCreated decodes a create answer as JobsService.Create does.
func DecodeCreated(b []byte) error {
	var w wireCreated
	return w.UnmarshalJSON(b)
}

// StorageGet sends a GET to a presigned URL through the storage client, as
// a streamed artifact download does, and hands over the body unread.
func StorageGet(ctx context.Context, c *Client, rawURL string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	return c.send(c.storage, req, scopeStorage, nil)
}

// UploadWithProgress is Jobs.Upload reporting each attempt's progress to
// fn, as Detect's OnUploadProgress does.
func UploadWithProgress(ctx context.Context, c *Client, u Upload, body io.Reader, size int64, contentType string, fn func(slot string, sent, total int64)) error {
	return c.Jobs.uploadWith(ctx, u, body, size, contentType, nil, newProgress(fn, u.Slot, size), nil)
}

// BodyRecorder is a base transport that keeps every request body it is
// handed (only those of PUTs, the uploads, with PutsOnly), as net/http's
// transport below it (Base) gets it: an *os.File body is what net/http
// sends with sendfile.
type BodyRecorder struct {
	Base     http.RoundTripper
	PutsOnly bool

	mu     sync.Mutex
	bodies []io.ReadCloser
}

func (b *BodyRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if !b.PutsOnly || r.Method == http.MethodPut {
		b.mu.Lock()
		b.bodies = append(b.bodies, r.Body)
		b.mu.Unlock()
	}
	return b.Base.RoundTrip(r)
}

// Seen returns the bodies recorded so far.
func (b *BodyRecorder) Seen() []io.ReadCloser {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]io.ReadCloser(nil), b.bodies...)
}

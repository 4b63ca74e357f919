package authenta_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// storageServer is a presigned-URL endpoint on loopback that records what
// arrives on the wire and answers with statuses in turn (the last one
// repeating).
type storageServer struct {
	*httptest.Server
	mu       sync.Mutex
	reqs     []storedRequest
	statuses []int
	errBody  string
	header   http.Header
}

type storedRequest struct {
	method           string
	path, rawQuery   string
	contentLength    int64
	transferEncoding []string
	contentType      string
	auth             []string
	body             []byte
	readErr          error // the body ended before Content-Length
}

func newStorageServer(t *testing.T, statuses ...int) *storageServer {
	t.Helper()
	s := &storageServer{statuses: statuses, header: http.Header{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, storedRequest{
			method: r.Method, path: r.URL.Path, rawQuery: r.URL.RawQuery,
			contentLength: r.ContentLength, transferEncoding: r.TransferEncoding,
			contentType: r.Header.Get("Content-Type"), auth: r.Header.Values("Authorization"), body: body, readErr: err,
		})
		status := 200
		if len(s.statuses) > 0 {
			status = s.statuses[min(len(s.reqs), len(s.statuses))-1]
		}
		errBody, hdr := s.errBody, s.header.Clone()
		s.mu.Unlock()
		for k, v := range hdr {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		if status >= 300 {
			_, _ = io.WriteString(w, errBody)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *storageServer) requests() []storedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]storedRequest(nil), s.reqs...)
}

func (s *storageServer) signedURL(path string) string { return s.URL + path + "?" + presignQuery }

// storageClient talks to no API at all: only presigned URLs are used.
func storageClient(t *testing.T, opts ...authenta.Option) *authenta.Client {
	t.Helper()
	return testClient(t, testAPIBase, append([]authenta.Option{authenta.WithMaxRetries(2)}, opts...)...)
}

func testData(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i*7%26)
	}
	return b
}

func tempFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

// readerAtOnly is an io.ReaderAt (and io.Reader) that cannot seek.
type readerAtOnly struct{ *bytes.Reader }

func (r readerAtOnly) Read(p []byte) (int, error)              { return r.Reader.Read(p) }
func (r readerAtOnly) ReadAt(p []byte, off int64) (int, error) { return r.Reader.ReadAt(p, off) }

type uploadBody struct {
	name      string
	open      func(t *testing.T, data []byte) (io.Reader, int64, []byte) // body, size, the bytes expected on the wire
	retryable bool
}

func uploadBodies() []uploadBody {
	return []uploadBody{
		{"bytes.Reader", func(_ *testing.T, d []byte) (io.Reader, int64, []byte) { return bytes.NewReader(d), int64(len(d)), d }, true},
		{"bytes.Reader partly read", func(t *testing.T, d []byte) (io.Reader, int64, []byte) {
			r := bytes.NewReader(d)
			_, err := io.CopyN(io.Discard, r, 10)
			require.NoError(t, err)
			return r, int64(len(d) - 10), d[10:]
		}, true},
		{"strings.Reader", func(_ *testing.T, d []byte) (io.Reader, int64, []byte) {
			return strings.NewReader(string(d)), int64(len(d)), d
		}, true},
		{"*os.File", func(t *testing.T, d []byte) (io.Reader, int64, []byte) {
			f, err := os.Open(tempFile(t, "in.bin", d))
			require.NoError(t, err)
			t.Cleanup(func() { _ = f.Close() })
			return f, int64(len(d)), d
		}, true},
		{"*os.File at offset 300", func(t *testing.T, d []byte) (io.Reader, int64, []byte) {
			f, err := os.Open(tempFile(t, "in.bin", d))
			require.NoError(t, err)
			t.Cleanup(func() { _ = f.Close() })
			_, err = f.Seek(300, io.SeekStart)
			require.NoError(t, err)
			return f, int64(len(d) - 300), d[300:]
		}, true},
		{"io.SectionReader", func(_ *testing.T, d []byte) (io.Reader, int64, []byte) {
			return io.NewSectionReader(bytes.NewReader(d), 100, 500), 500, d[100:600]
		}, true},
		{"io.SectionReader partly read", func(t *testing.T, d []byte) (io.Reader, int64, []byte) {
			sr := io.NewSectionReader(bytes.NewReader(d), 100, 500)
			_, err := sr.Seek(50, io.SeekCurrent)
			require.NoError(t, err)
			return sr, 450, d[150:600]
		}, true},
		{"ReaderAt without Seek", func(_ *testing.T, d []byte) (io.Reader, int64, []byte) {
			return readerAtOnly{bytes.NewReader(d)}, int64(len(d)), d
		}, true},
		{"io.MultiReader", func(_ *testing.T, d []byte) (io.Reader, int64, []byte) {
			return io.MultiReader(bytes.NewReader(d[:10]), bytes.NewReader(d[10:])), int64(len(d)), d
		}, false},
		{"struct wrapping a file", func(t *testing.T, d []byte) (io.Reader, int64, []byte) {
			f, err := os.Open(tempFile(t, "in.bin", d))
			require.NoError(t, err)
			t.Cleanup(func() { _ = f.Close() })
			return struct{ io.Reader }{f}, int64(len(d)), d
		}, false},
		{"longer reader, size bounds it", func(_ *testing.T, d []byte) (io.Reader, int64, []byte) {
			return io.MultiReader(bytes.NewReader(d)), 400, d[:400]
		}, false},
	}
}

func TestUploadOnTheWire(t *testing.T) {
	t.Parallel()
	data := testData(1000)
	for _, b := range uploadBodies() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			srv := newStorageServer(t)
			c := storageClient(t)
			body, size, want := b.open(t, data)
			err := c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: srv.signedURL("/bucket/job/original.png")}, body, size, "image/png")
			require.NoError(t, err)
			reqs := srv.requests()
			require.Len(t, reqs, 1)
			r := reqs[0]
			assert.Equal(t, http.MethodPut, r.method)
			assert.Equal(t, "/bucket/job/original.png", r.path)
			assert.Equal(t, presignQuery, r.rawQuery, "the presigned query is sent as given")
			assert.Equal(t, size, r.contentLength, "explicit Content-Length")
			assert.Empty(t, r.transferEncoding, "never chunked")
			assert.NoError(t, r.readErr)
			assert.Equal(t, want, r.body, "exact bytes")
			assert.Equal(t, "image/png", r.contentType)
			assert.Empty(t, r.auth, "no Authorization on a presigned URL")
		})
	}
}

func TestUploadRetriesReaderAtOnly(t *testing.T) {
	t.Parallel()
	data := testData(1000)
	for _, b := range uploadBodies() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			srv := newStorageServer(t, 503, 200)
			srv.errBody = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
			c := storageClient(t)
			body, size, want := b.open(t, data)
			err := c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: srv.signedURL("/k")}, body, size, "image/jpeg")
			reqs := srv.requests()
			if !b.retryable {
				require.ErrorIs(t, err, authenta.ErrServer)
				require.Len(t, reqs, 1, "a plain reader is sent once")
				var ae *authenta.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, "SlowDown", ae.Code)
				return
			}
			require.NoError(t, err)
			require.Len(t, reqs, 2)
			for i, r := range reqs {
				assert.Equal(t, size, r.contentLength, "attempt %d", i+1)
				assert.Empty(t, r.transferEncoding)
				assert.NoError(t, r.readErr)
				assert.Equal(t, want, r.body, "attempt %d re-sends the whole body from the right offset", i+1)
			}
		})
	}
}

func TestUploadLeavesFileOpen(t *testing.T) {
	t.Parallel()
	data := testData(64)
	f, err := os.Open(tempFile(t, "in.bin", data))
	require.NoError(t, err)
	defer f.Close()
	srv := newStorageServer(t, 503, 200)
	c := storageClient(t)
	require.NoError(t, c.Jobs.Upload(t.Context(), authenta.Upload{URL: srv.signedURL("/k")}, f, int64(len(data)), "image/png"))
	// The caller's file is still open, at the offset it had.
	off, err := f.Seek(0, io.SeekCurrent)
	require.NoError(t, err)
	assert.Zero(t, off)
	got, err := io.ReadAll(f)
	require.NoError(t, err)
	assert.Equal(t, data, got)
}

func TestUploadEmptyBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body io.Reader
	}{
		{"nil", nil},
		{"ReaderAt", strings.NewReader("")},
		{"plain reader", io.MultiReader()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newStorageServer(t)
			c := storageClient(t)
			require.NoError(t, c.Jobs.Upload(t.Context(), authenta.Upload{URL: srv.signedURL("/k")}, tt.body, 0, "image/png"))
			reqs := srv.requests()
			require.Len(t, reqs, 1)
			assert.Zero(t, reqs[0].contentLength)
			assert.Empty(t, reqs[0].transferEncoding)
			assert.Empty(t, reqs[0].body)
		})
	}
}

func TestUploadShortBodyFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body io.Reader
	}{
		{"ReaderAt", bytes.NewReader([]byte("short"))},
		{"plain reader", io.MultiReader(strings.NewReader("short"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newStorageServer(t)
			c := storageClient(t)
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			err := c.Jobs.Upload(ctx, authenta.Upload{URL: srv.signedURL("/k")}, tt.body, 100, "image/png")
			require.Error(t, err)
			assert.NoError(t, ctx.Err(), "fails at once, does not hang")
			assertNoSecrets(t, err.Error())
			for _, r := range srv.requests() {
				assert.Equal(t, int64(100), r.contentLength, "the declared length is kept")
				assert.Error(t, r.readErr, "the server never sees a complete body")
			}
		})
	}
}

func TestUploadInvalidSendsNothing(t *testing.T) {
	t.Parallel()
	srv := newStorageServer(t)
	past := time.Now().Add(-time.Minute)
	tests := []struct {
		name   string
		nilCtx bool // call with a nil context
		u      authenta.Upload
		body   io.Reader
		size   int64
		ct     string
		want   error
	}{
		{"empty URL", false, authenta.Upload{Slot: "original"}, strings.NewReader("x"), 1, "image/png", authenta.ErrInvalidArgument},
		{"blank URL", false, authenta.Upload{URL: "  "}, strings.NewReader("x"), 1, "image/png", authenta.ErrInvalidArgument},
		{"relative URL", false, authenta.Upload{URL: "/bucket/k?" + presignQuery}, strings.NewReader("x"), 1, "image/png", authenta.ErrInvalidArgument},
		{"ftp URL", false, authenta.Upload{URL: "ftp://bucket/k"}, strings.NewReader("x"), 1, "image/png", authenta.ErrInvalidArgument},
		{"negative size", false, authenta.Upload{URL: srv.signedURL("/k")}, strings.NewReader("x"), -1, "image/png", authenta.ErrInvalidArgument},
		{"nil body", false, authenta.Upload{URL: srv.signedURL("/k")}, nil, 1, "image/png", authenta.ErrInvalidArgument},
		{"empty content type", false, authenta.Upload{URL: srv.signedURL("/k")}, strings.NewReader("x"), 1, "", authenta.ErrInvalidArgument},
		{"blank content type", false, authenta.Upload{URL: srv.signedURL("/k")}, strings.NewReader("x"), 1, " ", authenta.ErrInvalidArgument},
		{"expired", false, authenta.Upload{Slot: "original", URL: srv.signedURL("/k"), ExpiresAt: past}, strings.NewReader("x"), 1, "image/png", authenta.ErrUploadURLExpired},
		{"nil context", true, authenta.Upload{URL: srv.signedURL("/k")}, strings.NewReader("x"), 1, "image/png", authenta.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := storageClient(t)
			ctx := callCtx(t, tt.nilCtx)
			err := c.Jobs.Upload(ctx, tt.u, tt.body, tt.size, tt.ct)
			require.ErrorIs(t, err, tt.want)
			assertNoSecrets(t, err.Error())
		})
	}
	assert.Empty(t, srv.requests(), "nothing is sent")
}

func TestUploadExpiryUsesTheClientClock(t *testing.T) {
	t.Parallel()
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		now  time.Time
		want error
	}{
		{"before", exp.Add(-time.Second), nil},
		{"at", exp, authenta.ErrUploadURLExpired},
		{"after", exp.Add(time.Second), authenta.ErrUploadURLExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newStorageServer(t)
			c := storageClient(t)
			authenta.SetClock(c, fixedClock{tt.now})
			err := c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: srv.signedURL("/k"), ExpiresAt: exp}, strings.NewReader("x"), 1, "image/png")
			if tt.want == nil {
				require.NoError(t, err)
				assert.Len(t, srv.requests(), 1)
				return
			}
			require.ErrorIs(t, err, tt.want)
			assert.Empty(t, srv.requests())
		})
	}
}

const s3SignatureMismatch = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>` +
	`<AWSAccessKeyId>AKIASECRETCRED</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256
20260614T180153Z
20260614/us-east-1/s3/aws4_request</StringToSign><SignatureProvided>SIGSECRET0123</SignatureProvided>` +
	`<CanonicalRequest>PUT
/k
X-Amz-Algorithm=AWS4-HMAC-SHA256&amp;X-Amz-Credential=AKIASECRETCRED&amp;X-Amz-Signature=SIGSECRET0123
content-type:image/png</CanonicalRequest><RequestId>4442587FB7D0A2F9</RequestId></Error>`

func TestUploadS3SignatureError(t *testing.T) {
	t.Parallel()
	srv := newStorageServer(t, 403)
	srv.errBody = s3SignatureMismatch
	srv.header.Set("Content-Type", "application/xml")
	srv.header.Set("X-Amz-Request-Id", "4442587FB7D0A2F9")
	c := storageClient(t)
	err := c.Jobs.Upload(t.Context(), authenta.Upload{Slot: "original", URL: srv.signedURL("/k")}, strings.NewReader("abc"), 3, "image/png")
	require.Error(t, err)
	var ae *authenta.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 403, ae.StatusCode)
	assert.Equal(t, "SignatureDoesNotMatch", ae.Code)
	assert.Equal(t, "4442587FB7D0A2F9", ae.RequestID)
	assert.NotEmpty(t, ae.Message)
	assertNoSecrets(t, err.Error())
	assertNoSecrets(t, ae.Message)
	assert.Contains(t, string(ae.Body), "SIGSECRET0123", "the body keeps the details")
	assert.False(t, errors.Is(err, authenta.ErrForbidden), "a storage 403 is not about the API key")
	assert.Len(t, srv.requests(), 1, "a 403 is not retried")
}

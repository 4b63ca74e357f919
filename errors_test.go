package authenta

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testNow is the clock readAPIError is given in these tests.
var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// newErrorResponse builds a response as the transport would hand it over.
// header is a list of name, value pairs.
// readAPIError is decodeAPIError for a client without a key to scrub.
func readAPIError(resp *http.Response, scope errScope, now time.Time) *APIError {
	return decodeAPIError(resp, scope, now, "")
}

func newErrorResponse(status int, contentType, body string, header ...string) *http.Response {
	rec := httptest.NewRecorder()
	if contentType != "" {
		rec.Header().Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		rec.Header().Add(header[i], header[i+1])
	}
	rec.WriteHeader(status)
	_, _ = rec.WriteString(body)
	return rec.Result()
}

// allSentinels lists every sentinel APIError.Is may match.
var allSentinels = []error{
	ErrMissingAPIKey, ErrInvalidAPIKey, ErrForbidden, ErrInsufficientBalance,
	ErrQuotaExceeded, ErrInvalidTaskType, ErrUnsupportedMediaType, ErrJobNotFound,
	ErrConflict, ErrRateLimited, ErrServer, ErrJobFailed, ErrJobCancelled,
	ErrInvalidArgument, ErrNoResult, ErrUploadURLExpired,
}

// assertOnlySentinel checks that err matches want (nil: none) and no other
// sentinel.
func assertOnlySentinel(t *testing.T, err error, want error) {
	t.Helper()
	for _, s := range allSentinels {
		assert.Equal(t, s == want, errors.Is(err, s), "errors.Is(%v, %q)", err, s)
	}
}

func TestAPIErrorSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		code   string // "" sends no code
		scope  errScope
		want   error // nil: no sentinel
	}{
		{"INVALID_API_KEY", 401, "INVALID_API_KEY", scopeAPI, ErrInvalidAPIKey},
		{"IAM001", 401, "IAM001", scopeAPI, ErrInvalidAPIKey},
		{"401 without code", 401, "", scopeAPI, ErrInvalidAPIKey},
		{"FORBIDDEN", 403, "FORBIDDEN", scopeAPI, ErrForbidden},
		{"IAM002", 403, "IAM002", scopeAPI, ErrForbidden},
		{"403 without code", 403, "", scopeJobs, ErrForbidden},
		{"403 from storage", 403, "", scopeStorage, nil},
		{"403 AccessDenied from storage", 403, "AccessDenied", scopeStorage, nil},
		{"INSUFFICIENT_BALANCE", 402, "INSUFFICIENT_BALANCE", scopeAPI, ErrInsufficientBalance},
		{"U007 at 400", 400, "U007", scopeAPI, ErrInsufficientBalance},
		{"402 without code", 402, "", scopeAPI, ErrInsufficientBalance},
		{"AA001 at 429 is quota, not rate limit", 429, "AA001", scopeAPI, ErrQuotaExceeded},
		{"INVALID_TASK_TYPE", 400, "INVALID_TASK_TYPE", scopeJobs, ErrInvalidTaskType},
		{"UNSUPPORTED_MEDIA_TYPE", 400, "UNSUPPORTED_MEDIA_TYPE", scopeJobs, ErrUnsupportedMediaType},
		{"415 without code", 415, "", scopeJobs, ErrUnsupportedMediaType},
		{"JOB_NOT_FOUND", 404, "JOB_NOT_FOUND", scopeJobs, ErrJobNotFound},
		{"404 without code from jobs", 404, "", scopeJobs, ErrJobNotFound},
		{"404 without code from storage", 404, "", scopeStorage, nil},
		{"404 without code from the API", 404, "", scopeAPI, nil},
		{"409", 409, "", scopeJobs, ErrConflict},
		{"422", 422, "", scopeJobs, ErrConflict},
		{"FaceSim conflict", 409, "conflict", scopeAPI, ErrConflict},
		{"429", 429, "", scopeAPI, ErrRateLimited},
		{"500", 500, "", scopeAPI, ErrServer},
		{"502", 502, "", scopeAPI, ErrServer},
		{"503", 503, "", scopeAPI, ErrServer},
		{"504", 504, "", scopeAPI, ErrServer},
		{"lower-case forbidden", 403, "forbidden", scopeAPI, ErrForbidden},
		{"lower-case code overrides status", 400, "invalid_api_key", scopeAPI, ErrInvalidAPIKey},
		{"padded code", 401, " IAM001 ", scopeAPI, ErrInvalidAPIKey},
		{"unknown code falls back to 503", 503, "WHATEVER", scopeAPI, ErrServer},
		{"unknown code falls back to 429", 429, "not_a_code", scopeAPI, ErrRateLimited},
		{"unknown code at 400", 400, "validation_error", scopeAPI, nil},
		{"FaceSim storage_error at 502", 502, "storage_error", scopeAPI, ErrServer},
		{"400 without code", 400, "", scopeAPI, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := `{"message":"m"}`
			if tt.code != "" {
				body = fmt.Sprintf(`{"code":%q,"message":"m"}`, tt.code)
			}
			e := readAPIError(newErrorResponse(tt.status, "application/json", body), tt.scope, testNow)
			require.Equal(t, tt.status, e.StatusCode)
			assertOnlySentinel(t, e, tt.want)

			var err error = e
			wrapped := fmt.Errorf("authenta: get job: %w", err)
			assertOnlySentinel(t, wrapped, tt.want)
			var got *APIError
			require.ErrorAs(t, wrapped, &got)
			assert.Same(t, e, got)
		})
	}
}

func TestReadAPIErrorEnvelopes(t *testing.T) {
	t.Parallel()
	const (
		jsonCT = "application/json"
		htmlCT = "text/html; charset=UTF-8"
	)
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantCode    string
		wantMessage string
	}{
		{"v1", 402, jsonCT,
			`{"code":"INSUFFICIENT_BALANCE","statusCode":402,"message":"Insufficient balance. Please top up or enable pay-as-you-go billing"}`,
			"INSUFFICIENT_BALANCE", "Insufficient balance. Please top up or enable pay-as-you-go billing"},
		{"legacy", 401, jsonCT,
			`{"code":"IAM001","type":"UNAUTHENTICATED","message":"You are not authenticated"}`,
			"IAM001", "You are not authenticated"},
		{"FaceSim nested", 422, jsonCT,
			`{"error":{"code":"no_face_detected","message":"No face was detected in the image"}}`,
			"no_face_detected", "No face was detected in the image"},
		{"error and message", 400, jsonCT,
			`{"error":"Bad Request","message":"taskTypeId must be a string"}`,
			"", "taskTypeId must be a string"},
		{"NestJS message array", 400, jsonCT,
			`{"statusCode":400,"message":["fileName must be a string","taskTypeId should not be empty"],"error":"Bad Request"}`,
			"", "fileName must be a string; taskTypeId should not be empty"},
		{"NestJS error only", 401, jsonCT, `{"statusCode":401,"error":"Unauthorized"}`, "", "Unauthorized"},
		{"FastAPI detail array", 422, jsonCT,
			`{"detail":[{"loc":["body","image"],"msg":"field required","type":"value_error.missing"},{"loc":["body","items",0],"msg":"value is not a valid integer"}]}`,
			"", "body.image: field required; body.items.0: value is not a valid integer"},
		{"FastAPI detail string", 404, jsonCT, `{"detail":"Not Found"}`, "", "Not Found"},
		{"numeric code", 402, jsonCT, `{"code":402,"message":"pay up"}`, "402", "pay up"},
		{"code in name", 429, jsonCT, `{"name":"AA001","type":"CLIENT_ERROR","message":"API limit reached"}`, "AA001", "API limit reached"},
		{"code wins over name", 400, jsonCT, `{"name":"ValidationError","code":"INVALID_TASK_TYPE","message":"m"}`, "INVALID_TASK_TYPE", "m"},
		{"name nested", 401, jsonCT, `{"error":{"name":"IAM001","message":"You are not authenticated"}}`, "IAM001", "You are not authenticated"},
		{"wrong types ignored", 400, jsonCT,
			`{"code":true,"message":{"unexpected":1},"statusCode":"four hundred","error":"Bad Request"}`,
			"", "Bad Request"},
		{"message object", 400, jsonCT, `{"message":{"message":"inner","error":"Bad Request"}}`, "", "inner"},
		{"unknown fields ignored", 409, jsonCT,
			`{"timestamp":"2026-01-01T00:00:00Z","path":"/api/v1/jobs/1/cancel","code":"CONFLICT","message":"Job is processing"}`,
			"CONFLICT", "Job is processing"},
		{"JSON served as HTML", 401, htmlCT, `{"code":"INVALID_API_KEY","message":"API key authentication failed"}`,
			"INVALID_API_KEY", "API key authentication failed"},
		{"JSON with BOM and blank lines", 403, jsonCT, "\uFEFF\n\n{\"code\":\"FORBIDDEN\",\"message\":\"no\"}\n",
			"FORBIDDEN", "no"},
		{"multi-line message", 400, jsonCT, `{"message":"first line\r\n\tsecond   line\u0000end"}`, "", "first line second line end"},
		{"multi-line code", 400, jsonCT, `{"code":"A\nB","message":"m"}`, "A B", "m"},
		{"top-level string", 400, jsonCT, `"just a string"`, "", "just a string"},
		{"top-level array", 400, jsonCT, `["a must be set","b must be set"]`, "", "a must be set; b must be set"},
		{"truncated JSON keeps leading fields", 400, jsonCT, `{"code":"X1","message":"kept","extra":"aaaa`, "X1", "kept"},
		{"JSON followed by junk", 400, jsonCT, `{"code":"X2","message":"kept"} trailing`, "X2", "kept"},
		{"JSON without a message", 502, jsonCT, `{"foo":"bar"}`, "", "Bad Gateway"},
		{"code without a message", 404, jsonCT, `{"code":"JOB_NOT_FOUND"}`, "JOB_NOT_FOUND", "Not Found"},
		{"RFC 9457 problem", 429, "application/problem+json", `{"type":"about:blank","title":"Too Many Requests","status":429}`, "", "Too Many Requests"},
		{"HTML with title", 403, htmlCT, cloudflarePage, "", "Attention Required! | Cloudflare"},
		{"nginx 413", 413, htmlCT,
			"<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
			"", "413 Request Entity Too Large"},
		{"HTML without title", 502, htmlCT,
			`<!DOCTYPE html><html><head><style>body{color:red}</style><script>var secret="x";</script></head><body><h1>Bad&nbsp;gateway</h1><!-- hidden --><p>Try again &amp; again.</p></body></html>`,
			"", "Bad gateway Try again & again."},
		{"HTML fragment served as text", 500, "text/plain", "<h1>Oops</h1>\n<p>Something broke</p>", "", "Oops Something broke"},
		{"S3 XML", 403, "application/xml", s3SignatureError, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your key and signing method."},
		{"S3 XML without content type", 404, "", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a/b.png</Key></Error>`,
			"NoSuchKey", "The specified key does not exist."},
		{"XML in another charset", 403, "application/xml", `<?xml version="1.0" encoding="ISO-8859-1"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>900</X-Amz-Expires></Error>`,
			"AccessDenied", "Request has expired"},
		{"XML without Code or Message", 403, "application/xml", `<Error><StringToSign>SECRETSIG</StringToSign></Error>`, "", "Forbidden"},
		{"plain text", 502, "text/plain", "upstream connect error\nor disconnect/reset before headers.\n  reset reason: overflow\n", "",
			"upstream connect error or disconnect/reset before headers. reset reason: overflow"},
		{"empty body", 503, "", "", "", "Service Unavailable"},
		{"blank body", 500, jsonCT, " \n\t ", "", "Internal Server Error"},
		{"binary body", 500, "application/octet-stream", "\x1f\x8b\x08\x00\x00\x00\x00\x00", "", "Internal Server Error"},
		{"unknown status", 599, "", "", "", "HTTP 599"},
		{"invalid UTF-8", 400, "text/plain", "bad \xff\xfe bytes", "", "bad \uFFFD bytes"},
		{"bidi controls dropped", 400, jsonCT, `{"message":"abc\u202Edef"}`, "", "abcdef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := readAPIError(newErrorResponse(tt.status, tt.contentType, tt.body), scopeAPI, testNow)
			assert.Equal(t, tt.wantCode, e.Code)
			assert.Equal(t, tt.wantMessage, e.Message)
			assert.Equal(t, []byte(tt.body), e.Body)
		})
	}
}

const cloudflarePage = `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<html class="no-js" lang="en-US">
<head>
<title>Attention Required! | Cloudflare</title>
<meta charset="UTF-8" />
<style>#cf-wrapper{display:none}</style>
<script>(function(){window._cf_chl_opt={cvId: '3'};})();</script>
</head>
<body><div id="cf-wrapper"><h1>Sorry, you have been blocked</h1>
<p>You are unable to access platform.authenta.ai</p></div></body></html>`

const s3SignatureError = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>AKIAEXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256
20261127T120000Z
20261127/us-east-1/s3/aws4_request
SECRETSIG-string-to-sign</StringToSign><SignatureProvided>SECRETSIG0123456789abcdef</SignatureProvided><StringToSignBytes>41 57 53</StringToSignBytes><CanonicalRequest>PUT
/uploads/a.png
X-Amz-Algorithm=AWS4-HMAC-SHA256&amp;X-Amz-Signature=SECRETSIG
host:bucket.s3.amazonaws.com</CanonicalRequest><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></Error>`

func TestReadAPIErrorS3KeepsSignatureOutOfMessage(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"application/xml", "text/html", "", "text/plain"} {
		t.Run(ct, func(t *testing.T) {
			t.Parallel()
			e := readAPIError(newErrorResponse(403, ct, s3SignatureError, "X-Amz-Request-Id", "4442587FB7D0A2F9"), scopeStorage, testNow)
			assert.Equal(t, "SignatureDoesNotMatch", e.Code)
			assert.NotContains(t, e.Message, "SECRETSIG")
			assert.NotContains(t, e.Error(), "SECRETSIG")
			assert.NotContains(t, e.Error(), "AKIAEXAMPLE")
			assert.Contains(t, string(e.Body), "SECRETSIG")
			assert.Equal(t, "4442587FB7D0A2F9", e.RequestID)
			assertOnlySentinel(t, e, nil)
		})
	}
}

func TestAPIErrorErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		body        string
		header      []string
		contains    []string
		notContains []string
	}{
		{
			name:     "status code message and request id",
			status:   403,
			body:     `{"code":"FORBIDDEN","message":"You don't have permission\nto access this"}`,
			header:   []string{"X-Request-Id", "req-123"},
			contains: []string{"403", "FORBIDDEN", "You don't have permission to access this", "req-123"},
		},
		{
			name:     "retry after",
			status:   429,
			body:     `{"message":"slow down"}`,
			header:   []string{"Retry-After", "7"},
			contains: []string{"429", "slow down", "7s"},
		},
		{
			name:        "presigned URL echoed in the message",
			status:      403,
			body:        `{"code":"UPLOAD_FAILED","message":"PUT https://bucket.s3.amazonaws.com/k?X-Amz-Signature=SECRET&X-Amz-Credential=AKIA failed: expired"}`,
			contains:    []string{"https://bucket.s3.amazonaws.com/k?[REDACTED] failed: expired"},
			notContains: []string{"SECRET", "AKIA", "X-Amz-Signature"},
		},
		{
			name:        "presigned URL in plain text",
			status:      400,
			body:        "Request https://bucket.s3.amazonaws.com/k?X-Amz-Signature=SECRET\nhas expired",
			contains:    []string{"https://bucket.s3.amazonaws.com/k?[REDACTED] has expired"},
			notContains: []string{"SECRET"},
		},
		{
			name:        "URL in a code",
			status:      400,
			body:        `{"code":"see https://x.example/a?token=SECRET","message":"m"}`,
			notContains: []string{"SECRET"},
		},
		{
			name:        "long message",
			status:      400,
			body:        `{"message":"` + strings.Repeat("word ", 200) + `https://h.example/p?X-Amz-Signature=SECRET"}`,
			contains:    []string{"…"},
			notContains: []string{"SECRET"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := readAPIError(newErrorResponse(tt.status, "application/json", tt.body, tt.header...), scopeAPI, testNow)
			s := e.Error()
			assert.NotContains(t, s, "\n")
			assert.NotContains(t, s, "\r")
			assert.True(t, strings.HasPrefix(s, "authenta: "+strconv.Itoa(tt.status)), s)
			assert.LessOrEqual(t, len(e.Message), maxMessageLen)
			for _, want := range tt.contains {
				assert.Contains(t, s, want)
			}
			for _, unwanted := range tt.notContains {
				assert.NotContains(t, s, unwanted)
			}
		})
	}
}

func TestRedactURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"no query here", "no query here"},
		{"what? no", "what? no"},
		{"a=b but no URL", "a=b but no URL"},
		{"https://host/path?X-Amz-Signature=abc", "https://host/path?[REDACTED]"},
		{"PUT https://host/path?a=1&b=2 failed", "PUT https://host/path?[REDACTED] failed"},
		{"(see https://host/p?a=1).", "(see https://host/p?[REDACTED])."},
		{`"https://host/p?a=1"`, `"https://host/p?[REDACTED]"`},
		{"<https://host/p?a=1>", "<https://host/p?[REDACTED]>"},
		{"two: http://a/x?s=1, http://b/y?t=2", "two: http://a/x?[REDACTED], http://b/y?[REDACTED]"},
		{"bucket.s3.amazonaws.com/k?X-Amz-Signature=abc", "bucket.s3.amazonaws.com/k?[REDACTED]"},
		{"/uploads/a.png?X-Amz-Date=1", "/uploads/a.png?[REDACTED]"},
		{"https://host/empty? next", "https://host/empty? next"},
		{"X-Amz-Algorithm=AWS4&X-Amz-Signature=abc&X-Amz-Date=1", "X-Amz-Algorithm=AWS4&[REDACTED]&X-Amz-Date=1"},
		{"x-amz-signature=abc", "[REDACTED]"},
		{"Signature=abc\nnext", "[REDACTED]\nnext"},
		{"AWSAccessKeyId=AKIA&Expires=1", "[REDACTED]&Expires=1"},
		{"https://h/p?a=1\tafter", "https://h/p?[REDACTED]\tafter"},
		{"ünïcode https://h/p?ä=ö end", "ünïcode https://h/p?[REDACTED] end"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := redactURLs(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, redactURLs(got), "redacting twice changes nothing")
			if tt.in == tt.want && tt.in != "" {
				// Nothing redacted: the very same string comes back, no copy made.
				assert.Equal(t, unsafe.StringData(tt.in), unsafe.StringData(got))
			}
		})
	}
}

// countingBody is an endless body that counts what is read from it.
type countingBody struct {
	size   int64 // bytes it holds
	read   int64
	closed bool
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.read >= b.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), b.size-b.read))
	for i := range p[:n] {
		p[i] = 'x'
	}
	b.read += int64(n)
	return n, nil
}

func (b *countingBody) Close() error {
	b.closed = true
	return nil
}

func TestReadAPIErrorBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		size          int64
		contentLength int64
		wantBody      int
		wantRead      int64
	}{
		{"10 MiB, unknown length", 10 << 20, -1, maxErrorBody, maxErrorBody + maxErrorDrain},
		{"10 MiB, declared", 10 << 20, 10 << 20, maxErrorBody, maxErrorBody + maxErrorDrain},
		{"100 KiB is drained", 100 << 10, -1, maxErrorBody, 100 << 10},
		{"exactly the limit", maxErrorBody, maxErrorBody, maxErrorBody, maxErrorBody},
		{"small", 10, 10, 10, 10},
		{"short declared length", 1000, 10, 1000, 1000},
		{"empty", 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := &countingBody{size: tt.size}
			resp := &http.Response{StatusCode: 500, Header: http.Header{}, Body: body, ContentLength: tt.contentLength}
			e := readAPIError(resp, scopeAPI, testNow)
			assert.Len(t, e.Body, tt.wantBody)
			assert.Equal(t, tt.wantRead, body.read)
			assert.LessOrEqual(t, body.read, int64(maxErrorBody+maxErrorDrain))
			assert.True(t, body.closed, "body closed")
			assert.LessOrEqual(t, len(e.Message), maxMessageLen)
		})
	}
	t.Run("no body", func(t *testing.T) {
		t.Parallel()
		e := readAPIError(&http.Response{StatusCode: 502}, scopeAPI, testNow)
		assert.Equal(t, "Bad Gateway", e.Message)
		assert.Empty(t, e.Body)
	})
}

func TestReadAPIErrorRequestID(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("r", 500)
	tests := []struct {
		name   string
		header []string
		want   string
	}{
		{"none", nil, ""},
		{"X-Request-Id", []string{"X-Request-Id", "abc-1"}, "abc-1"},
		{"lower-case name", []string{"x-request-id", "abc-2"}, "abc-2"},
		{"Request-Id", []string{"Request-Id", "abc-3"}, "abc-3"},
		{"X-Amz-Request-Id", []string{"X-Amz-Request-Id", "4442587FB7D0A2F9"}, "4442587FB7D0A2F9"},
		{"X-Request-Id first", []string{"X-Amz-Request-Id", "amz", "Request-Id", "plain", "X-Request-Id", "x"}, "x"},
		{"Request-Id before X-Amz-Request-Id", []string{"X-Amz-Request-Id", "amz", "Request-Id", "plain"}, "plain"},
		{"blank falls through", []string{"X-Request-Id", "   ", "Request-Id", "next"}, "next"},
		{"trimmed", []string{"X-Request-Id", "  abc  "}, "abc"},
		{"control characters", []string{"X-Request-Id", "a\x00b\x1bc"}, "a b c"},
		{"capped", []string{"X-Request-Id", long}, long[:maxRequestIDLen-len("…")] + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(""))}
			for i := 0; i+1 < len(tt.header); i += 2 {
				resp.Header.Add(tt.header[i], tt.header[i+1])
			}
			e := readAPIError(resp, scopeAPI, testNow)
			assert.Equal(t, tt.want, e.RequestID)
			assert.LessOrEqual(t, len(e.RequestID), maxRequestIDLen)
			if tt.want != "" {
				assert.Contains(t, e.Error(), "(request id "+tt.want+")")
			}
		})
	}
}

func TestReadAPIErrorRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		value  string
		want   time.Duration
	}{
		{"absent", 429, "", 0},
		{"seconds", 429, "120", 120 * time.Second},
		{"seconds on 503", 503, " 3 ", 3 * time.Second},
		{"seconds on any status", 400, "5", 5 * time.Second},
		{"HTTP date", 429, testNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"past HTTP date", 503, testNow.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"garbage", 429, "soon", 0},
		{"negative", 429, "-1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var header []string
			if tt.value != "" {
				header = []string{"Retry-After", tt.value}
			}
			e := readAPIError(newErrorResponse(tt.status, "", "", header...), scopeAPI, testNow)
			assert.Equal(t, tt.want, e.RetryAfter)
		})
	}
}

func BenchmarkReadAPIError(b *testing.B) {
	body := `{"code":"INSUFFICIENT_BALANCE","statusCode":402,"message":"Insufficient balance. Please top up or enable pay-as-you-go billing"}`
	header := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req-1"}}
	b.ReportAllocs()
	for b.Loop() {
		resp := &http.Response{StatusCode: 402, Header: header, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
		if e := readAPIError(resp, scopeAPI, testNow); e.Code == "" {
			b.Fatal("no code")
		}
	}
}

func BenchmarkRedactURLs(b *testing.B) {
	for _, s := range []string{
		"Insufficient balance. Please top up or enable pay-as-you-go billing",
		"PUT https://bucket.s3.amazonaws.com/k?X-Amz-Signature=abc&X-Amz-Date=1 failed",
	} {
		b.Run(strconv.Itoa(len(s)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = redactURLs(s)
			}
		})
	}
}

// TestStorageExpiredURL: S3 answers an expired presigned URL with 403
// AccessDenied "Request has expired"; that is ErrUploadURLExpired, not a
// matter of the API key, while other storage 403s match no sentinel.
func TestStorageExpiredURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		scope      errScope
		want       error
	}{
		{"expired", `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>3600</X-Amz-Expires></Error>`, scopeStorage, ErrUploadURLExpired},
		{"denied", `<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`, scopeStorage, nil},
		{"expired wording from the API is a 403 like any other", `{"code":"FORBIDDEN","message":"key expired"}`, scopeAPI, ErrForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := readAPIError(newErrorResponse(403, "application/xml", tc.body), tc.scope, testNow)
			assertOnlySentinel(t, e, tc.want)
		})
	}
}

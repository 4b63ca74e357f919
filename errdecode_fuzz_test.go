package authenta

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzErrorSeeds are the envelopes readAPIError must read; more seeds are
// in testdata/fuzz/FuzzReadAPIError.
var fuzzErrorSeeds = []struct {
	status      int
	contentType string
	body        string
}{
	{402, "application/json", `{"code":"INSUFFICIENT_BALANCE","statusCode":402,"message":"Insufficient balance"}`},
	{401, "application/json", `{"code":"IAM001","type":"UNAUTHENTICATED","message":"You are not authenticated"}`},
	{422, "application/json", `{"error":{"code":"invalid_image","message":"bad image"}}`},
	{400, "application/json", `{"error":"Bad Request","message":"taskTypeId must be a string"}`},
	{400, "application/json", `{"statusCode":400,"message":["a must be a string","b must not be empty"],"error":"Bad Request"}`},
	{422, "application/json", `{"detail":[{"loc":["body","image"],"msg":"field required"},{"loc":["query",0],"msg":"x"}]}`},
	{404, "application/json", `{"detail":"Not Found"}`},
	{402, "application/json", `{"code":402,"message":"numeric code"}`},
	{400, "application/json", `{"code":"X","message":"cut`},
	{403, "text/html", cloudflarePage},
	{413, "text/html", "<html><head><title>413 Request Entity Too Large</title></head><body><h1>413</h1></body></html>"},
	{502, "", "<!DOCTYPE html><script>x</script><style>y</style><p>a &amp; b</p>"},
	{403, "application/xml", s3SignatureError},
	{500, "text/plain", "line one\nline two\r\n\tline three"},
	{503, "", ""},
	{400, "text/plain", "see https://bucket.s3.amazonaws.com/k?X-Amz-Signature=SECRETSIG&a=b"},
	{599, "application/octet-stream", "\x00\x01\x02"},
}

// dropBidi removes the characters oneLine drops, so that a test can tell
// what text a message may be made of.
func dropBidi(s string) string {
	return strings.Map(func(r rune) rune {
		if isBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

func FuzzReadAPIError(f *testing.F) {
	for _, s := range fuzzErrorSeeds {
		f.Add(s.status, s.contentType, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		resp := &http.Response{
			StatusCode: status,
			Header: http.Header{
				"Content-Type": {contentType},
				"Request-Id":   {contentType},
				"Retry-After":  {contentType},
			},
			Body: io.NopCloser(bytes.NewReader(body)),
		}
		e := readAPIError(resp, scopeAPI, testNow)
		checkAPIError(t, e, body)

		// The same text, as the Message of an S3 error whose other elements
		// hold a secret: the secret stays out of Message, Code and Error().
		if strings.Contains(dropBidi(string(body)), "SECRETSIG") || strings.Contains(dropBidi(contentType), "SECRETSIG") {
			return
		}
		var doc bytes.Buffer
		doc.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>`)
		_ = xml.EscapeText(&doc, []byte(contentType))
		doc.WriteString(`</Code><Message>`)
		_ = xml.EscapeText(&doc, body)
		doc.WriteString(`</Message><StringToSign>SECRETSIG</StringToSign><SignatureProvided>SECRETSIG</SignatureProvided></Error>`)
		resp = &http.Response{
			StatusCode: status,
			Header:     http.Header{"Content-Type": {"application/xml"}},
			Body:       io.NopCloser(bytes.NewReader(doc.Bytes())),
		}
		e = readAPIError(resp, scopeStorage, testNow)
		checkAPIError(t, e, doc.Bytes())
		if strings.Contains(e.Error(), "SECRETSIG") {
			t.Fatalf("Error() %q holds a secret from another element of %q", e.Error(), doc.Bytes())
		}
	})
}

// checkAPIError checks what holds for any error readAPIError returns for
// body.
func checkAPIError(t *testing.T, e *APIError, body []byte) {
	t.Helper()
	if e.Message == "" {
		t.Fatal("empty Message")
	}
	for name, s := range map[string]string{"Message": e.Message, "Code": e.Code, "RequestID": e.RequestID, "Error()": e.Error()} {
		if strings.ContainsAny(s, "\r\n") {
			t.Fatalf("%s is not one line: %q", name, s)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("%s is not UTF-8: %q", name, s)
		}
	}
	for name, s := range map[string]string{"Message": e.Message, "Code": e.Code} {
		if containsFold(s, "x-amz-signature=") {
			t.Fatalf("%s holds a signature: %q", name, s)
		}
	}
	if len(e.Message) > maxMessageLen || len(e.Code) > maxCodeLen || len(e.RequestID) > maxRequestIDLen {
		t.Fatalf("too long: message %d, code %d, request id %d bytes", len(e.Message), len(e.Code), len(e.RequestID))
	}
	if len(e.Body) > maxErrorBody || !bytes.Equal(e.Body, body[:min(len(body), maxErrorBody)]) {
		t.Fatalf("Body is not the first %d bytes of the body: %d bytes", maxErrorBody, len(e.Body))
	}
}

func FuzzRedactURLs(f *testing.F) {
	for _, s := range []string{
		"",
		"plain text",
		"https://host/path?X-Amz-Signature=abc",
		"PUT https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4&X-Amz-Signature=abc failed.",
		"X-Amz-Algorithm=AWS4&X-Amz-Signature=abc&X-Amz-Date=1",
		"x-amz-X-Amz-Signature=X-Amz-Signature=",
		"(https://h/p?a=1).",
		"a/sig=x&y?q=1",
		"/p?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := redactURLs(s)
		if containsFold(got, "x-amz-signature=") {
			t.Fatalf("redactURLs(%q) = %q holds a signature", s, got)
		}
		if again := redactURLs(got); again != got {
			t.Fatalf("redactURLs is not idempotent: %q -> %q -> %q", s, got, again)
		}
		if !strings.ContainsAny(s, "?=") && got != s {
			t.Fatalf("redactURLs(%q) = %q changed a string without a query", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("redactURLs(%q) = %q broke UTF-8", s, got)
		}
	})
}

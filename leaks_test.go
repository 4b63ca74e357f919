package authenta_test

// Secrets in every way a value leaves the process (issue 7): slog (JSON and
// text handlers), encoding/json, every fmt verb and Error(). The values
// hold presigned URLs whose signatures must never show; CreatedJob is the
// one that keeps its upload URLs in JSON, on purpose.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

const (
	leakSig   = "5e1f0a9c4b3d2e1f00aa11bb22cc33dd"
	leakCred  = "AKIALEAKEDCREDENTIAL"
	leakQuery = "X-Amz-Credential=" + leakCred + "%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=" + leakSig
)

func leakURL(path string) string { return "https://bucket.s3.test/" + path + "?" + leakQuery }

// leakValues are values of every type that holds a URL, each holding
// presigned ones.
func leakValues() map[string]any {
	cost := 1.5
	job := &authenta.Job{
		ID: "42", TaskTypeID: 1, Status: authenta.StatusCompleted, RawStatus: "PROCESSED",
		CreatedAt:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		ErrorMessage: "see " + leakURL("log.txt"),
		Message:      "queued, upload to " + leakURL("in/original"),
		Cost:         &cost,
		Inputs:       []authenta.Input{{Slot: "original", FileName: "a.jpg", ContentType: "image/jpeg", Size: 10}},
		Artifacts: []authenta.Artifact{
			{ID: "a1", Kind: "result", ContentType: "application/json", DownloadURL: leakURL("out/result.json"), Metadata: json.RawMessage(`{"thumb":"` + leakURL("t.png") + `"}`)},
			{ID: "a2", Kind: "heatmap", DownloadURL: leakURL("out/heat.png")},
		},
		InlineResult: json.RawMessage(`{"isDeepFake":true,"heatmap":"` + leakURL("h.png") + `"}`),
		Raw:          json.RawMessage(`{"id":"42","artifacts":[{"downloadUrl":"` + leakURL("out/result.json") + `"}]}`),
	}
	yes := true
	res := &authenta.Result{Raw: json.RawMessage(`{"isDeepFake":true,"url":"` + leakURL("r.json") + `","u2":"https:\/\/x.test\/p?X-Amz-Signature=` + leakSig + `"}`), IsDeepFake: &yes}
	up := authenta.Upload{Slot: "original", URL: leakURL("in/original"), ExpiresAt: time.Date(2026, 1, 2, 4, 0, 0, 0, time.UTC)}
	ae := &authenta.APIError{StatusCode: 403, Code: "SignatureDoesNotMatch", Message: "mismatch", RequestID: "r1",
		Body: []byte(`<Error><Code>SignatureDoesNotMatch</Code><Signature>` + leakSig + `</Signature></Error>`)}
	// A test double's error, built by hand, its text quoting presigned URLs.
	echo := &authenta.APIError{StatusCode: 403, Code: "Denied " + leakURL("c"), Message: "denied " + leakURL("in/original"), RequestID: "r " + leakURL("id")}
	face := authenta.Face{ID: "f1", Name: "a.jpg", Status: authenta.FaceFailed, Error: "fetch " + leakURL("faces/f1"), ImageURL: leakURL("faces/f1")}
	subject := &authenta.Subject{ID: "s1", Faces: []authenta.Face{face, face}}
	return map[string]any{
		"Job":          job,
		"JobValue":     *job,
		"Artifact":     job.Artifacts[0],
		"Upload":       up,
		"CreatedJob":   &authenta.CreatedJob{Job: job, Uploads: []authenta.Upload{up}},
		"Detection":    &authenta.Detection{Job: job, Result: res},
		"Result":       res,
		"JobList":      &authenta.JobList{Jobs: []*authenta.Job{job, job}, Page: 1, Total: 2},
		"APIError":     ae,
		"APIErrorV":    *ae,
		"StepError":    &authenta.StepError{Step: authenta.StepResult, JobID: "42", Job: job, Err: ae},
		"JobError":     &authenta.JobError{Job: job, Message: job.ErrorMessage},
		"ResultError":  &authenta.ResultError{Job: job, Name: "OutOfMemoryError", Message: "see " + leakURL("oom.log")},
		"APIErrorEcho": echo,
		"StepErrorText": &authenta.StepError{Step: authenta.StepUpload, Slot: "original", JobID: "42", Job: job,
			Err: fmt.Errorf("put %s: reset", leakURL("in/original")), Cleanup: errors.New("delete failed, see " + leakURL("d"))},
		"JobErrorText": &authenta.JobError{Job: job, Message: "worker fetched " + leakURL("in/original")},
		"Face":         face,
		"Subject":      subject,
		"Match":        authenta.Match{Rank: 1, SubjectID: "s1", FaceID: "f1", Name: "a.jpg", Similarity: 0.9, ImageURL: leakURL("faces/f1")},
		"Matches":      []authenta.Match{{Rank: 1, ImageURL: leakURL("faces/f1")}},
		"EnrollError":  &authenta.EnrollError{Subject: subject, FaceID: "f1", Name: "a.jpg", Reason: "no_face_detected in " + leakURL("faces/f1"), Failed: 1},
	}
}

func assertNoLeak(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range []string{leakSig, leakCred, "X-Amz-Signature=", "X-Amz-Credential="} {
		assert.NotContains(t, s, sec, "%s: %s", what, s)
	}
}

func TestSlogNeverPrintsPresignedQueries(t *testing.T) {
	t.Parallel()
	for name, v := range leakValues() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, h := range []struct {
				name string
				new  func(io.Writer) slog.Handler
			}{
				{"json", func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) }},
				{"text", func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) }},
			} {
				var buf bytes.Buffer
				slog.New(h.new(&buf)).Info("value", "v", v)
				out := buf.String()
				assertNoLeak(t, h.name, out)
				assert.Equal(t, 1, strings.Count(out, "\n"), "one line: %s", out)
				if h.name == "json" {
					assert.True(t, json.Valid(buf.Bytes()), out)
				}
			}
		})
	}
	// Errors wrapped by the caller still log redacted (their Error()).
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Error("failed", "err", fmt.Errorf("detect: %w", leakValues()["StepError"].(error)))
	assertNoLeak(t, "wrapped", buf.String())
}

func TestJSONRedactsPresignedQueries(t *testing.T) {
	t.Parallel()
	vals := leakValues()
	for _, name := range []string{"Job", "JobValue", "Artifact", "Detection", "Result", "JobList",
		"APIErrorEcho", "StepErrorText", "JobErrorText", "ResultError", "Face", "Subject", "EnrollError"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(vals[name])
			require.NoError(t, err)
			assert.True(t, json.Valid(b))
			assertNoLeak(t, name, string(b))
			assert.Contains(t, string(b), "[REDACTED]")
			var m map[string]any
			require.NoError(t, json.Unmarshal(b, &m))
			for k := range m {
				assert.Regexp(t, `^[a-z][A-Za-z]*$`, k, "camelCase key")
			}
		})
	}
	b, err := json.Marshal(vals["Job"])
	require.NoError(t, err)
	for _, k := range []string{`"id":"42"`, `"status":"completed"`, `"rawStatus":"PROCESSED"`, `"taskTypeId":1`, `"downloadUrl":"https://bucket.s3.test/out/result.json?[REDACTED]"`, `"artifacts":[`, `"inputs":[{"slot":"original"`, `"createdAt":"2026-01-02T03:04:05Z"`, `"cost":1.5`} {
		assert.Contains(t, string(b), k)
	}
	// What a Job marshals to decodes back into the same job, URLs redacted.
	var back authenta.Job
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, "42", back.ID)
	assert.Equal(t, authenta.StatusCompleted, back.Status)
	require.Len(t, back.Artifacts, 2)
	assert.Equal(t, "https://bucket.s3.test/out/result.json?[REDACTED]", back.Artifacts[0].DownloadURL)
	assert.Equal(t, vals["Job"].(*authenta.Job).Inputs, back.Inputs)

	rb, err := json.Marshal(vals["Result"])
	require.NoError(t, err)
	assert.Contains(t, string(rb), `"isDeepFake":true`)
	assert.Contains(t, string(rb), `"raw":{`)

	// CreatedJob keeps its upload URLs: another process uploads with them.
	cb, err := json.Marshal(vals["CreatedJob"])
	require.NoError(t, err)
	var created struct {
		Job     map[string]any `json:"job"`
		Uploads []struct{ Slot, URL, ExpiresAt string }
	}
	require.NoError(t, json.Unmarshal(cb, &created))
	require.Len(t, created.Uploads, 1)
	assert.Equal(t, "original", created.Uploads[0].Slot)
	assert.Equal(t, leakURL("in/original"), created.Uploads[0].URL, "the whole presigned URL")
	assert.Equal(t, "2026-01-02T04:00:00Z", created.Uploads[0].ExpiresAt)
	assert.Contains(t, string(cb), `"uploads":[{"slot":"original","url":"https://bucket.s3.test/in/original?X-Amz-Credential=`)
	assert.NotContains(t, string(cb), "out/result.json?X-Amz", "the job inside is still redacted")
}

// Every fmt verb, on values and pointers, and Error().
func TestFmtVerbsNeverPrintPresignedQueries(t *testing.T) {
	t.Parallel()
	for name, v := range leakValues() {
		if name == "CreatedJob" {
			continue // checked below: its uploads print redacted too
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			assertNoLeak(t, name+" "+verb, fmt.Sprintf(verb, v))
		}
		if err, ok := v.(error); ok {
			assertNoLeak(t, name+" Error()", err.Error())
		}
	}
	cj := leakValues()["CreatedJob"]
	for _, verb := range []string{"%v", "%+v", "%s"} {
		assertNoLeak(t, "CreatedJob "+verb, fmt.Sprintf(verb, cj))
	}
}

// %#v of an *APIError never dumps its body, in any encoding.
func TestAPIErrorGoStringHidesTheBody(t *testing.T) {
	t.Parallel()
	ae := leakValues()["APIError"].(*authenta.APIError)
	for _, s := range []string{fmt.Sprintf("%#v", ae), fmt.Sprintf("%#v", *ae), fmt.Sprintf("%v", *ae), fmt.Sprintf("%+v", *ae)} {
		assert.NotContains(t, s, leakSig)
		assert.NotContains(t, s, "0x3c", "no hex dump of the body")
		assert.NotContains(t, s, "60, 69", "no decimal dump of the body")
	}
	assert.Contains(t, fmt.Sprintf("%#v", ae), "StatusCode:403")
}

// An echoed API key is scrubbed before any text is cut: no prefix of it
// survives, wherever the cut falls.
func TestEchoedKeyIsScrubbedBeforeCutting(t *testing.T) {
	t.Parallel()
	const key = "api_EchoedKeyMustNeverShow_0123456789abcdef"
	longQuery := "https://x.test/p?" + strings.Repeat("q", 2000)
	for _, lead := range []int{250, 270, 280, 290, 295, 1180, 1190, 1195} {
		for _, ct := range []string{"application/json", "text/plain"} {
			for _, prefix := range []string{"", longQuery + " "} {
				msg := prefix + strings.Repeat("m", lead) + key + " tail"
				t.Run(fmt.Sprintf("%d %s %d", lead, ct, len(prefix)), func(t *testing.T) {
					t.Parallel()
					ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						w.Header().Set("Content-Type", ct)
						w.Header().Set("X-Request-Id", strings.Repeat("r", lead%100)+key)
						w.WriteHeader(http.StatusBadRequest)
						if ct == "text/plain" {
							_, _ = io.WriteString(w, msg)
							return
						}
						_ = json.NewEncoder(w).Encode(map[string]string{"code": "BAD", "message": msg})
					}))
					t.Cleanup(ts.Close)
					c, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(key), authenta.WithBaseURL(ts.URL))
					require.NoError(t, err)
					var info authenta.ResponseInfo
					_, err = c.Jobs.Get(t.Context(), "1", authenta.WithResponseInfo(&info))
					var ae *authenta.APIError
					require.ErrorAs(t, err, &ae)
					for _, s := range []string{err.Error(), ae.Message, ae.RequestID, info.RequestID, string(ae.Body)} {
						for n := 8; n <= len(key); n++ {
							require.NotContains(t, s, key[:n], "a %d-byte prefix of the key survived", n)
						}
					}
				})
			}
		}
	}
}

// A key cut by the 64 KiB bound of APIError.Body leaves no prefix at its end.
func TestEchoedKeyCutAtTheBodyBound(t *testing.T) {
	t.Parallel()
	const key = "api_EchoedKeyMustNeverShow_0123456789abcdef"
	for _, keep := range []int{6, 12, 30, len(key) - 1} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, strings.Repeat("x", 64<<10-keep)+key+" and more")
		}))
		t.Cleanup(ts.Close)
		c, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(key), authenta.WithBaseURL(ts.URL))
		require.NoError(t, err)
		_, err = c.Jobs.Get(t.Context(), "1")
		var ae *authenta.APIError
		require.ErrorAs(t, err, &ae)
		for n := 6; n <= len(key); n++ {
			require.NotContains(t, string(ae.Body), key[:n], "%d bytes of the key kept: a %d-byte prefix survived", keep, n)
		}
	}
}

// A request id that quotes a URL does not bring its query into Error().
func TestRequestIDQuotingAURLIsRedacted(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusBadRequest, http.StatusOK} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "req-1 via "+leakURL("trace")+"\r")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{"id":"1","status":"queued"}`)
		}))
		t.Cleanup(ts.Close)
		c := testClient(t, ts.URL)
		var info authenta.ResponseInfo
		_, err := c.Jobs.Get(t.Context(), "1", authenta.WithResponseInfo(&info))
		assertNoLeak(t, "ResponseInfo", info.RequestID)
		assert.Contains(t, info.RequestID, "req-1")
		if status != http.StatusOK {
			require.Error(t, err)
			assertNoLeak(t, "Error()", err.Error())
			var ae *authenta.APIError
			require.ErrorAs(t, err, &ae)
			assertNoLeak(t, "RequestID", ae.RequestID)
		}
	}
}

// Every server string that reaches an error is one clean line: no line
// break, no bidirectional control that could forge a log line.
func TestServerStringsInErrorsAreOneLine(t *testing.T) {
	t.Parallel()
	forged := "7\n2026-01-01T00:00:00Z level=ERROR msg=\"forged\" \u202egnp.exe\u2066"
	job := &authenta.Job{ID: forged, Status: authenta.StatusFailed, ErrorMessage: "bad\r\ninput\u202e"}
	errs := []error{
		&authenta.JobError{Job: job, Message: job.ErrorMessage},
		&authenta.StepError{Step: authenta.StepWait, JobID: forged, Err: &authenta.JobError{Job: job}},
		&authenta.StepError{Step: "upload\noriginal", JobID: forged, Err: errors.New("x"), Cleanup: errors.New("y\nz")},
		&authenta.APIError{StatusCode: 500, Code: "E\nX", Message: "line1\nline2\u202e", RequestID: "r\n1"},
		&authenta.ResultError{Job: job, Name: "Out\nOfMemory", Message: "m\u202e"},
	}
	for _, err := range errs {
		s := err.Error()
		assert.NotContains(t, s, "\n", s)
		assert.NotContains(t, s, "\r", s)
		for _, r := range []string{"\u202e", "\u2066"} {
			assert.NotContains(t, s, r, s)
		}
	}

	// The same through Wait, on a server that answers with a forged id.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": forged, "status": "failed", "errorMessage": "boom\nlevel=INFO msg=ok"})
	}))
	t.Cleanup(ts.Close)
	c := testClient(t, ts.URL)
	_, err := c.Jobs.Wait(t.Context(), "7", fastWait)
	require.ErrorIs(t, err, authenta.ErrJobFailed)
	assert.NotContains(t, err.Error(), "\n")
	assert.NotContains(t, err.Error(), "\u202e")

	// A server id with bidi controls (which the request path allows,
	// escaped) stays out of the wait's and the result's errors.
	bidi := "7\u202egpj.exe"
	_, err = c.Jobs.Result(t.Context(), &authenta.Job{ID: bidi, Status: authenta.StatusCompleted})
	require.ErrorIs(t, err, authenta.ErrNoResult)
	assert.NotContains(t, err.Error(), "\u202e")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = c.Jobs.Wait(ctx, bidi, fastWait)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "\u202e")
}

func TestZeroErrorsDoNotPanic(t *testing.T) {
	t.Parallel()
	for _, err := range []error{&authenta.StepError{}, &authenta.JobError{}, &authenta.APIError{}, &authenta.ResultError{}} {
		assert.NotPanics(t, func() { _ = err.Error() })
		assert.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v", err, err, err) })
		assert.NotPanics(t, func() { slog.New(slog.NewJSONHandler(io.Discard, nil)).Info("x", "err", err) })
		assert.NotPanics(t, func() { _ = errors.Is(err, authenta.ErrJobFailed) })
	}
	for _, v := range []any{&authenta.Job{}, &authenta.Detection{}, &authenta.CreatedJob{}, &authenta.Result{}, &authenta.JobList{}} {
		assert.NotPanics(t, func() { _, _ = json.Marshal(v) })
		assert.NotPanics(t, func() { slog.New(slog.NewTextHandler(io.Discard, nil)).Info("x", "v", v) })
		assert.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v", v, v, v) })
	}
}

// A call that ends in a network error after an answer with a request id
// (a 503, then a reset) reports that id in ResponseInfo as every other
// path does: the key scrubbed, URL queries redacted, one line, cut to
// length. ResponseInfo has no MarshalJSON of its own.
func TestResponseInfoOfAFailedCallIsClean(t *testing.T) {
	t.Parallel()
	const key = "api_EchoedKeyMustNeverShow_0123456789abcdef"
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("X-Request-Id", "req "+leakURL("id")+" by "+key+" "+strings.Repeat("r", 400))
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	t.Cleanup(ts.Close)
	c, err := authenta.NewClient(authenta.WithoutEnvironment(), authenta.WithAPIKey(key), authenta.WithBaseURL(ts.URL),
		authenta.WithMaxRetries(1), authenta.WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	var info authenta.ResponseInfo
	_, err = c.Jobs.Get(t.Context(), "1", authenta.WithResponseInfo(&info))
	require.Error(t, err)
	require.NotErrorAs(t, err, new(*authenta.APIError), "the call ended on the reset, not the 503")
	require.Equal(t, http.StatusServiceUnavailable, info.StatusCode)
	require.Contains(t, info.RequestID, "req https://bucket.s3.test/id?[REDACTED]")
	b, err := json.Marshal(info)
	require.NoError(t, err)
	for _, s := range []string{info.RequestID, string(b), fmt.Sprintf("%+v", info)} {
		assertNoLeak(t, "ResponseInfo", s)
		assert.NotContains(t, s, key[:8])
	}
	assert.LessOrEqual(t, len(info.RequestID), 200, "cut to length")
}

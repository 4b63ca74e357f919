package authenta_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

func f64(v float64) *float64 { return &v }

func TestJobUnmarshalVariants(t *testing.T) {
	t.Parallel()
	ts := time.Date(2025, 12, 2, 19, 39, 27, 525e6, time.UTC)
	tests := []struct {
		name string
		in   string
		want authenta.Job
	}{
		{"get, variant B (id, artifacts, taskType object)",
			`{"id":"3140","tenantId":"t1","taskTypeId":"1","status":"completed","cost":1.5,` +
				`"createdAt":"2025-12-02T19:39:27.525Z","updatedAt":"2025-12-02T19:39:27.525Z","result":{"isDeepFake":true},` +
				`"artifacts":[{"id":"a1","kind":"input","slotName":"original","status":"ready","contentType":"image/jpeg","metadata":{"w":1},"downloadUrl":"https://s3.test/in?sig=1","createdAt":"2025-12-02T19:39:27.525Z"},` +
				`{"id":"a2","kind":"result","slotName":null,"contentType":"application/json","downloadUrl":"https://s3.test/r?sig=2","metadata":null}],` +
				`"taskType":{"id":"1","slug":"ai-image-detection","inputSlots":[{"name":"original","mimes":["image/jpeg"]}]}}`,
			authenta.Job{ID: "3140", TaskTypeID: 1, TaskTypeSlug: "ai-image-detection", Status: authenta.StatusCompleted, RawStatus: "completed",
				CreatedAt: ts, UpdatedAt: ts, Cost: f64(1.5),
				Artifacts: []authenta.Artifact{
					{ID: "a1", Kind: "input", Slot: "original", Status: "ready", ContentType: "image/jpeg", DownloadURL: "https://s3.test/in?sig=1", CreatedAt: ts, Metadata: json.RawMessage(`{"w":1}`)},
					{ID: "a2", Kind: "result", ContentType: "application/json", DownloadURL: "https://s3.test/r?sig=2"},
				},
				InlineResult: json.RawMessage(`{"isDeepFake":true}`)}},
		{"get, variant A (jobId number, inputs, errorMessage)",
			`{"jobId":469,"taskTypeId":1,"taskTypeSlug":"ai-image-detection","status":"failed","errorMessage":"model crashed",` +
				`"completedAt":"2025-12-02T19:39:27.525Z","inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"real.jpg","sizeBytes":"414241"}]}`,
			authenta.Job{ID: "469", TaskTypeID: 1, TaskTypeSlug: "ai-image-detection", Status: authenta.StatusFailed, RawStatus: "failed",
				ErrorMessage: "model crashed", CompletedAt: ts,
				Inputs: []authenta.Input{{Slot: "original", FileName: "real.jpg", ContentType: "image/jpeg", Size: 414241}}}},
		{"create, nested job with upload-only inputs",
			`{"job":{"id":"3140","status":"initiated","taskTypeId":"8","cost":"2"},"inputs":[{"slotName":"original","uploadUrl":"https://s3.test/o","uploadUrlExpiresAt":"2026-06-14T18:01:53.402Z"}]}`,
			authenta.Job{ID: "3140", TaskTypeID: 8, Status: authenta.StatusPending, RawStatus: "initiated", Cost: f64(2)}},
		{"nested job with described inputs",
			`{"job":{"id":5},"inputs":[{"slotName":"original","fileName":"a.png","contentType":"image/png","sizeBytes":3}]}`,
			authenta.Job{ID: "5", Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 3}}}},
		{"data wrapper",
			`{"data":{"jobId":"77","status":"QUEUED"}}`,
			authenta.Job{ID: "77", Status: authenta.StatusQueued, RawStatus: "QUEUED"}},
		{"legacy media record",
			`{"mid":"64a0f0c2e4b0a1b2c3d4e5f6","status":"PROCESSED","resultURL":"https://s3.test/result.json?sig=3"}`,
			authenta.Job{ID: "64a0f0c2e4b0a1b2c3d4e5f6", Status: authenta.StatusCompleted, RawStatus: "PROCESSED",
				Artifacts: []authenta.Artifact{{Kind: "result", ContentType: "application/json", DownloadURL: "https://s3.test/result.json?sig=3"}}}},
		{"id above 2^53 stays exact", `{"id":9007199254740993}`, authenta.Job{ID: "9007199254740993"}},
		{"jobId above 2^64 stays exact", `{"jobId":123456789012345678901234567890}`, authenta.Job{ID: "123456789012345678901234567890"}},
		{"id wins over jobId", `{"id":"a","jobId":"b"}`, authenta.Job{ID: "a"}},
		{"create answer keyed taskId", `{"taskId":"7f3c2a9e-1b2c","status":"QUEUED"}`, authenta.Job{ID: "7f3c2a9e-1b2c", Status: authenta.StatusQueued, RawStatus: "QUEUED"}},
		{"taskId in a job wrapper", `{"job":{"taskId":12},"inputs":[]}`, authenta.Job{ID: "12"}},
		{"error string", `{"id":1,"status":"error","error":"boom"}`, authenta.Job{ID: "1", Status: authenta.StatusFailed, RawStatus: "error", ErrorMessage: "boom"}},
		{"error object", `{"id":1,"status":"ERROR","error":{"code":"X","message":"boom"}}`, authenta.Job{ID: "1", Status: authenta.StatusFailed, RawStatus: "ERROR", ErrorMessage: "boom"}},
		{"unix seconds and millis",
			`{"id":1,"createdAt":1764704367,"updatedAt":1764704367525}`,
			authenta.Job{ID: "1", CreatedAt: time.Unix(1764704367, 0).UTC(), UpdatedAt: time.UnixMilli(1764704367525).UTC()}},
		{"space-separated time without zone",
			`{"id":1,"createdAt":"2025-12-02 19:39:27.525"}`,
			authenta.Job{ID: "1", CreatedAt: ts}},
		{"artifact url key",
			`{"id":1,"artifacts":{"kind":"result","url":"https://s3.test/r"}}`,
			authenta.Job{ID: "1", Artifacts: []authenta.Artifact{{Kind: "result", DownloadURL: "https://s3.test/r"}}}},
		{"wrong types are skipped, not fatal",
			`{"id":{"x":1},"jobId":"5","status":5,"inputs":"x","artifacts":[1,"a",null],"createdAt":"not a date","taskTypeId":"abc","cost":"free","errorMessage":[1]}`,
			authenta.Job{ID: "5", Status: "5", RawStatus: "5"}},
		{"null fields", `{"id":null,"jobId":3,"status":null,"result":null,"artifacts":null,"inputs":null}`, authenta.Job{ID: "3"}},
		{"null", `null`, authenta.Job{}},
		{"empty object", `{}`, authenta.Job{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got authenta.Job
			require.NoError(t, json.Unmarshal([]byte(tt.in), &got))
			if tt.in != `null` {
				assert.JSONEq(t, tt.in, string(got.Raw), "Raw is the whole answer")
			}
			got.Raw = nil
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestJobUnmarshalDeepWrappers: only a few {"job": ...} / {"data": ...}
// wrappers are unwrapped (one is documented), so a deeply nested answer
// decodes in time linear in its size rather than re-decoding the document
// once per level.
func TestJobUnmarshalDeepWrappers(t *testing.T) {
	t.Parallel()
	nest := func(depth int, key string) string {
		return strings.Repeat(`{"`+key+`":`, depth) + `{"id":"deep","status":"completed"}` + strings.Repeat(`}`, depth)
	}
	tests := []struct {
		name   string
		in     string
		wantID string
	}{
		{"one job wrapper", nest(1, "job"), "deep"},
		{"one data wrapper", nest(1, "data"), "deep"},
		{"data in job", `{"job":{"data":{"id":"deep"}}}`, "deep"},
		{"thousands of wrappers", nest(9000, "job"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			var j authenta.Job
			require.NoError(t, json.Unmarshal([]byte(tt.in), &j))
			assert.Equal(t, tt.wantID, j.ID)
			assert.Less(t, time.Since(start), 2*time.Second, "%d bytes", len(tt.in))
			// The same through the list decoder.
			var l struct{ Data []authenta.Job }
			require.NoError(t, json.Unmarshal([]byte(`{"data":[`+tt.in+`]}`), &l))
		})
	}
}

func TestJobUnmarshalRejectsNonObjects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`[1,2]`, `"job"`, `42`, `{"id":`, `{"id":1,}`} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			var j authenta.Job
			assert.Error(t, json.Unmarshal([]byte(in), &j))
		})
	}
}

func TestJobUnmarshalResetsPreviousValue(t *testing.T) {
	t.Parallel()
	j := authenta.Job{ID: "old", ErrorMessage: "old error", Inputs: []authenta.Input{{Slot: "x"}}}
	require.NoError(t, json.Unmarshal([]byte(`{"id":"new","status":"queued"}`), &j))
	assert.Equal(t, authenta.Job{ID: "new", Status: authenta.StatusQueued, RawStatus: "queued", Raw: json.RawMessage(`{"id":"new","status":"queued"}`)}, j)
}

func TestStatusNormalisation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw      string
		want     authenta.Status
		terminal bool
	}{
		{"initiated", authenta.StatusPending, false},
		{"created", authenta.StatusPending, false},
		{"waiting_for_finalize", authenta.StatusPending, false},
		{"Waiting-For-Finalize", authenta.StatusPending, false},
		{"waiting for finalize", authenta.StatusPending, false},
		{"pending", authenta.StatusPending, false},
		{"PENDING", authenta.StatusPending, false},
		{"UPLOADING", authenta.StatusPending, false},
		{"INITED", authenta.StatusPending, false},
		{"queued", authenta.StatusQueued, false},
		{"UPLOADED", authenta.StatusQueued, false},
		{"processing", authenta.StatusProcessing, false},
		{"PROCESSING", authenta.StatusProcessing, false},
		{"in-progress", authenta.StatusProcessing, false},
		{"completed", authenta.StatusCompleted, true},
		{"COMPLETED", authenta.StatusCompleted, true},
		{"processed", authenta.StatusCompleted, true},
		{"PROCESSED", authenta.StatusCompleted, true},
		{" Completed ", authenta.StatusCompleted, true},
		{"failed", authenta.StatusFailed, true},
		{"FAILED", authenta.StatusFailed, true},
		{"error", authenta.StatusFailed, true},
		{"ERROR", authenta.StatusFailed, true},
		{"cancelled", authenta.StatusCancelled, true},
		{"canceled", authenta.StatusCancelled, true},
		{"CANCELED", authenta.StatusCancelled, true},
		{"archived", authenta.Status("archived"), false},
		{"Expired", authenta.Status("expired"), false},
		{"completed_with_warnings", authenta.Status("completed_with_warnings"), false},
		{"", authenta.Status(""), false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, authenta.NormalizeStatus(tt.raw))
			assert.Equal(t, tt.terminal, authenta.NormalizeStatus(tt.raw).Terminal())
			var j authenta.Job
			b, err := json.Marshal(map[string]any{"id": "1", "status": tt.raw})
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &j))
			assert.Equal(t, tt.want, j.Status)
			assert.Equal(t, tt.raw, j.RawStatus, "the raw status is kept as sent")
			assert.Equal(t, tt.terminal, j.Status.Terminal())
		})
	}
}

func TestStatusTerminal(t *testing.T) {
	t.Parallel()
	tests := map[authenta.Status]bool{
		authenta.StatusPending: false, authenta.StatusQueued: false, authenta.StatusProcessing: false,
		authenta.StatusCompleted: true, authenta.StatusFailed: true, authenta.StatusCancelled: true,
		"": false, "unknown": false, "COMPLETED": false,
	}
	for s, want := range tests {
		t.Run(string(s), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, want, s.Terminal())
		})
	}
}

// TestPresignedURLsPrintRedacted: Artifact and Upload URLs are secrets;
// every fmt verb prints them without their query.
func TestPresignedURLsPrintRedacted(t *testing.T) {
	t.Parallel()
	signed := testBucket + "/k?" + presignQuery
	a := authenta.Artifact{ID: "a1", Kind: "result", DownloadURL: signed}
	u := authenta.Upload{Slot: "original", URL: signed, ExpiresAt: time.Now()}
	job := &authenta.Job{ID: "1", Artifacts: []authenta.Artifact{a}}
	cj := &authenta.CreatedJob{Job: job, Uploads: []authenta.Upload{u}}
	values := map[string]any{"artifact": a, "*artifact": &a, "upload": u, "*upload": &u, "job": job, "*job": *job, "created": cj, "uploads": cj.Uploads,
		"detection": &authenta.Detection{Job: job, Result: &authenta.Result{}}, "list": &authenta.JobList{Jobs: []*authenta.Job{job}},
		"jobError": &authenta.JobError{Job: job}}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			t.Run(name+"/"+verb, func(t *testing.T) {
				t.Parallel()
				s := fmt.Sprintf(verb, v)
				assertNoSecrets(t, s)
			})
		}
	}
	assert.Contains(t, fmt.Sprint(a), testBucket+"/k")
	assert.Contains(t, fmt.Sprint(u), "original")
	assert.Contains(t, fmt.Sprintf("%s", job), "ID:1", "a job still prints its fields")
}

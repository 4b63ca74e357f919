package authenta_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	authenta "github.com/phospheneai/authenta-go"
)

// documentedTerminal are the terminal statuses of the wire reference
// (§1.11), after lower-casing and mapping '-' and ' ' to '_'. Any other
// status, however it is spelled, must not end a wait.
var documentedTerminal = map[string]bool{
	"completed": true, "processed": true, "succeeded": true, "success": true, "done": true,
	"failed": true, "error": true, "errored": true,
	"cancelled": true, "canceled": true,
}

func statusKey(raw string) string {
	k := strings.ToLower(strings.TrimSpace(raw))
	return strings.NewReplacer("-", "_", " ", "_").Replace(k)
}

// FuzzJobUnmarshal: decoding a job never panics, whatever the input; a
// decoded job's Status is the normalised RawStatus and is terminal only
// for a documented terminal status; a numeric id survives exactly in every
// id field of every §1.18 variant, far above 2^53; a status string is kept
// as sent in RawStatus.
func FuzzJobUnmarshal(f *testing.F) {
	seeds := []string{
		// create, variant B (PM, TS, PY): nested job, string id.
		`{"job":{"id":"3140","tenantId":"t1","taskTypeId":"1","status":"initiated","cost":1,"createdAt":"2026-06-14T17:01:53.402Z","result":null},` +
			`"inputs":[{"slotName":"original","uploadUrl":"https://s3.test/o?X-Amz-Signature=x","uploadUrlExpiresAt":"2026-06-14T18:01:53.402Z"}]}`,
		// create, variant A (REF): flat, numeric jobId.
		`{"jobId":469,"taskTypeId":1,"status":"waiting_for_finalize","createdAt":"2025-12-02T19:39:27.525Z",` +
			`"inputs":[{"slotName":"original","uploadUrl":"https://s3.test/o","contentType":"image/jpeg","fileName":"real.jpg","sizeBytes":414241}]}`,
		// get, variant A: jobId, result inline, errorMessage.
		`{"jobId":"469","taskTypeId":1,"taskTypeSlug":"ai-image-detection","status":"failed","errorMessage":"boom","completedAt":"2025-12-02T19:40:00Z",` +
			`"inputs":[{"slotName":"original","contentType":"image/jpeg","fileName":"real.jpg","sizeBytes":"414241"}],"result":{"isDeepFake":"True"}}`,
		// get, variant B: id, artifacts, taskType object.
		`{"id":"3140","status":"PROCESSED","artifacts":[{"id":"a","kind":"result","slotName":null,"contentType":"application/json","downloadUrl":"https://s3.test/r","metadata":{}}],` +
			`"taskType":{"id":"1","slug":"ai-image-detection","inputSlots":[{"name":"original","mimes":["image/jpeg"]}]}}`,
		// finalize and cancel answers.
		`{"jobId":7,"taskTypeId":1,"status":"queued","queuedAt":"2025-12-02T19:39:28Z","message":"Job successfully queued for processing"}`,
		`{"jobId":7,"status":"cancelled","message":"Job successfully cancelled"}`,
		// the transient task shape and legacy media.
		`{"data":{"jobId":"6f1c2a9e-0b7d-4c55-9a53-1c2d3e4f5a6b","status":"UPLOADING"}}`,
		`{"mid":"64a0f0c2e4b0a1b2c3d4e5f6","status":"INITED","resultURL":"https://s3.test/result.json","type":"Image"}`,
		// ids above 2^53 and 2^64, odd types, errors.
		`{"id":9007199254740993,"status":"ERROR","error":{"message":"x"}}`,
		`{"jobId":123456789012345678901234567890,"status":"canceled"}`,
		`{"id":{"nested":1},"jobId":[1],"status":5,"inputs":"x","artifacts":[1,"a",null],"createdAt":1e300,"cost":"free"}`,
		`{"job":{"job":{"job":{"id":1}}}}`,
		`[]`, `null`, `""`, `{`, `{"id":}`, "{\"status\":\"\xff\"}",
	}
	statuses := []string{"initiated", "waiting_for_finalize", "Queued", "PROCESSING", "processed", "error", "canceled", "archived", "", "in-progress", "Completed With Warnings"}
	ids := []uint64{0, 469, 1 << 53, 1<<53 + 1, 1<<63 + 12345, 18446744073709551615}
	for i, s := range seeds {
		f.Add([]byte(s), ids[i%len(ids)], statuses[i%len(statuses)])
	}

	f.Fuzz(func(t *testing.T, data []byte, id uint64, status string) {
		// 1. Arbitrary bytes: no panic; a decoded job is consistent.
		var j authenta.Job
		if err := json.Unmarshal(data, &j); err == nil {
			checkStatus(t, &j)
		}

		// 2. Every id field of every variant keeps a numeric id exactly.
		want := strconv.FormatUint(id, 10)
		big := "1" + want + "000000000000" // far above 2^64
		st, err := json.Marshal(status)
		if err != nil {
			t.Fatal(err)
		}
		var sent string // the status as it comes back from JSON
		if err := json.Unmarshal(st, &sent); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{want, big} {
			docs := []string{
				`{"id":` + n + `,"status":` + string(st) + `}`,
				`{"jobId":` + n + `,"status":` + string(st) + `}`,
				`{"id":"` + n + `","status":` + string(st) + `}`,
				`{"mid":` + n + `,"status":` + string(st) + `}`,
				`{"job":{"id":` + n + `,"status":` + string(st) + `},"inputs":[{"slotName":"original","uploadUrl":"https://s3.test/o"}]}`,
				`{"data":{"jobId":` + n + `,"status":` + string(st) + `}}`,
			}
			for _, doc := range docs {
				var j authenta.Job
				if err := json.Unmarshal([]byte(doc), &j); err != nil {
					t.Fatalf("%s: %v", doc, err)
				}
				if j.ID != n {
					t.Fatalf("%s: ID %q, want %q", doc, j.ID, n)
				}
				if j.RawStatus != sent {
					t.Fatalf("%s: RawStatus %q, want %q", doc, j.RawStatus, sent)
				}
				checkStatus(t, &j)
			}
		}

		// 3. The status on its own.
		s := authenta.NormalizeStatus(status)
		if s.Terminal() != documentedTerminal[statusKey(status)] {
			t.Fatalf("NormalizeStatus(%q) = %q, Terminal() = %v", status, s, s.Terminal())
		}
	})
}

func checkStatus(t *testing.T, j *authenta.Job) {
	t.Helper()
	if j.Status != authenta.NormalizeStatus(j.RawStatus) {
		t.Fatalf("Status %q is not NormalizeStatus(%q) = %q", j.Status, j.RawStatus, authenta.NormalizeStatus(j.RawStatus))
	}
	if j.Status.Terminal() && !documentedTerminal[statusKey(j.RawStatus)] {
		t.Fatalf("status %q (raw %q) is terminal but not a documented terminal status", j.Status, j.RawStatus)
	}
	if !j.Status.Terminal() && documentedTerminal[statusKey(j.RawStatus)] {
		t.Fatalf("documented terminal status %q is not terminal", j.RawStatus)
	}
}

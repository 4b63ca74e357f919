package authenta

import (
	"encoding/json"
	"strings"
	"testing"
)

// budgetBenchBody is a job as Get returns it: two artifacts with presigned
// URLs, an input, timestamps.
var budgetBenchBody = []byte(`{"id":"3140","taskTypeId":"1","status":"completed","cost":1,` +
	`"createdAt":"2026-11-27T10:00:00.525Z","updatedAt":"2026-11-27T10:00:04.123Z","result":null,` +
	`"inputs":[{"slotName":"original","fileName":"photo.jpg","contentType":"image/jpeg","sizeBytes":414241}],` +
	`"artifacts":[` + strings.Repeat(`{"id":"a1","kind":"result","slotName":null,"status":"ready","contentType":"application/json",`+
	`"downloadUrl":"https://bucket.s3.amazonaws.com/out/3140.json?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261127%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=0f3a9c"},`, 2) +
	`{"id":"a3","kind":"input","slotName":"original"}]}`)

// BenchmarkCheckJobBudget is the cost of the budget pass before a job is
// decoded, beside the decode itself.
func BenchmarkCheckJobBudget(b *testing.B) {
	b.Run("budget", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(budgetBenchBody)))
		for b.Loop() {
			if err := checkJobBudget(budgetBenchBody); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(budgetBenchBody)))
		for b.Loop() {
			var j Job
			if err := json.Unmarshal(budgetBenchBody, &j); err != nil {
				b.Fatal(err)
			}
		}
	})
}

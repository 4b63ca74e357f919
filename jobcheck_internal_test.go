package authenta

import (
	"strings"
	"testing"
)

// jobCheckSeeds are job documents of every kind the decoders meet: the
// documented shapes, wrappers, odd field types, non-objects, broken JSON
// and documents over the budget.
var jobCheckSeeds = []string{
	`{"id":"7","status":"queued"}`,
	`{"jobId":7,"status":"queued","message":"Job successfully queued for processing"}`,
	`{"job":{"id":"7"}}`, `{"data":{"job":{"data":{"job":{"id":1}}}}}`, `{"job":"7"}`, `{"job":[1,2]}`,
	`{"id":[1],"status":{"a":1},"artifacts":"x","inputs":7,"taskType":[]}`,
	`{"artifacts":[null,{},{"kind":1}],"inputs":[null,{"sizeBytes":"x"}]}`,
	`null`, ` null `, `{}`, `[]`, `[{"id":"7"}]`, `"7"`, `7`, `true`, ``, ` `,
	`{`, `{"id":"7"`, `{"id":"7"}}`, `{"id":"7"} x`, `not json`, `<html>`, "\xff",
	`{"id":"\ud800"}`, `{"a":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
	`{"artifacts":[` + strings.Repeat(`{},`, 30000) + `{}]}`,
	"\ufeff{}", `{"id":"7"}{"id":"8"}`, `nullx`, "{}\x00", `{"id":"7","id":"8"}`, `{"a":1e999}`,
	`{"a":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
	strings.Repeat(`{"job":`, 200) + `{}` + strings.Repeat(`}`, 200),
}

// FuzzJobCheckedAgreesWithJob: jobChecked, which Detect uses for a
// finalize answer nobody reads, fails on exactly the documents Job's
// decoder fails on.
func FuzzJobCheckedAgreesWithJob(f *testing.F) {
	for _, s := range jobCheckSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		jobErr := new(Job).decodeOwned(append([]byte(nil), b...))
		checkErr := jobChecked{}.decodeOwned(append([]byte(nil), b...))
		if (jobErr == nil) != (checkErr == nil) {
			t.Fatalf("%.80q: Job's decoder: %v; jobChecked: %v", b, jobErr, checkErr)
		}
	})
}

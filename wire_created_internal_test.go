package authenta

import (
	"reflect"
	"testing"
)

// FuzzCreatedOnePass: the create answer decoded in one pass (the
// documented wrapper) gives the same job and uploads as decoding the
// wrapper's job on its own (decodeOther), for every document.
func FuzzCreatedOnePass(f *testing.F) {
	for _, s := range []string{
		`{"job":{"id":"1","status":"waiting_for_finalize","cost":1,"createdAt":"2026-11-30T16:24:13.868Z"},"inputs":[{"slotName":"original","uploadUrl":"http://s/u?X=1","uploadUrlExpiresAt":"2126-11-30T17:24:13.000Z"}]}`,
		`{"job":{"jobId":7,"inputs":[{"slotName":"original","fileName":"a.jpg","sizeBytes":3}]},"inputs":[{"slot":"original","url":"http://s/u"}]}`,
		`{"id":"9","job":{"id":"1"},"inputs":[]}`, `{"jobId":9,"job":{"id":"1"}}`, `{"taskId":"t","job":{}}`,
		`{"job":{"job":{"job":{"id":"3"}}},"inputs":[null]}`, `{"job":{"data":{"id":"4"}}}`, `{"data":{"id":"5"},"job":{"id":"6"}}`,
		`{"job":null,"data":{"id":"5"}}`, `{"job":"7","inputs":[{"uploadUrl":"http://s/u"}]}`, `{"job":[1]}`,
		`{"job":{"id":"1","artifacts":"none"},"inputs":[{"slotName":"original","uploadUrl":"http://s/u"}]}`,
		`{"job":{"id":"1"},"inputs":{"slotName":"original"}}`, `{"job":{"id":"1","taskType":{"id":"2","slug":"x"}}}`,
		`{"job":{},"inputs":[{"slotName":1,"uploadUrl":2}]}`, `{}`, `null`, `[]`, `{"job":{"id":"1"`,
		// A key given twice (in any case, or escaped): the last one is the
		// job, with nothing of the first (encoding/json decodes a repeated
		// object into the same struct, merging the two).
		`{"job":{"id":"1","status":"completed"},"job":{"id":"2"}}`,
		`{"job":{"id":"1","inputs":[{"slotName":"original","fileName":"a.jpg"}]},"Job":{"id":"2"}}`,
		`{"\u006aob":{"id":"1","status":"failed","cost":3},"JOB":{"id":"2"}}`,
		`{"job":{"id":"1","artifacts":[{"kind":"result","url":"http://s/r"}]},"jo\u0062":{"id":"1"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var one, other wireCreated
		errOne := one.decode(append([]byte(nil), b...))
		errOther := other.decodeOther(append([]byte(nil), b...))
		if (errOne == nil) != (errOther == nil) {
			t.Fatalf("%.100q: one pass: %v; on its own: %v", b, errOne, errOther)
		}
		if errOne == nil && !reflect.DeepEqual(one, other) {
			t.Fatalf("%.100q:\none pass:    %+v\non its own:  %+v", b, one, other)
		}
	})
}

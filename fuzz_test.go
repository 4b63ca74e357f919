package authenta

// Fuzz targets for the task-type parser and the result and list decoders.
// Their seed corpora are files in testdata/fuzz/<FuzzName>/ covering every
// variant of the wire reference (§1.18); `go test` runs the seeds, and
// `go test -run=^$ -fuzz=^FuzzX$ -fuzztime=60s .` explores further (see
// BENCHMARKS.md). The error and job decoders have their own targets
// (FuzzReadAPIError, FuzzJobUnmarshal).

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseTaskType: ParseTaskType never panics; a success is one of
// TaskTypes(), exactly, and parsing its ID, slug or model code gives it
// back; a failure matches ErrInvalidTaskType and returns the zero TaskType.
func FuzzParseTaskType(f *testing.F) {
	f.Add("AC-1")
	all := TaskTypes()
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTaskType(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidTaskType) {
				t.Fatalf("ParseTaskType(%q) error %v does not match ErrInvalidTaskType", s, err)
			}
			if !reflect.DeepEqual(got, TaskType{}) {
				t.Fatalf("ParseTaskType(%q) failed but returned %v", s, got)
			}
			return
		}
		if got.ID < 1 || got.ID > len(all) || !reflect.DeepEqual(got, all[got.ID-1]) {
			t.Fatalf("ParseTaskType(%q) = %#v, not one of TaskTypes()", s, got)
		}
		k := strings.TrimSpace(s)
		if id, err := strconv.Atoi(k); (err != nil || id != got.ID) && !strings.EqualFold(k, got.Slug) && !strings.EqualFold(k, got.Model) {
			t.Fatalf("ParseTaskType(%q) = %v, which has neither that ID, slug nor model code", s, got)
		}
		for _, name := range []string{strconv.Itoa(got.ID), got.Slug, got.Model, strings.ToLower(got.Model), strings.ToUpper(got.Slug)} {
			again, err := ParseTaskType(name)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("ParseTaskType(%q) = %v, %v; want %v (from %q)", name, again, err, got, s)
			}
		}
	})
}

// FuzzParseResult: ParseResult never panics; on success Raw is set (the
// input without surrounding space, valid JSON), and IsLive and IsSpoof are
// never both set to the same value (one is the negation of the other).
func FuzzParseResult(f *testing.F) {
	f.Add([]byte(`{"isDeepFake":true,"RealConfidencePercent":0.0}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := ParseResult(raw)
		if err != nil {
			if r != nil {
				t.Fatalf("ParseResult failed (%v) but returned %+v", err, r)
			}
			return
		}
		if len(r.Raw) == 0 {
			t.Fatalf("ParseResult(%q): Raw not set", raw)
		}
		if !bytes.Equal(r.Raw, bytes.TrimSpace(raw)) || !json.Valid(r.Raw) {
			t.Fatalf("ParseResult(%q): Raw = %q", raw, r.Raw)
		}
		if r.IsLive != nil && r.IsSpoof != nil && *r.IsLive == *r.IsSpoof {
			t.Fatalf("ParseResult(%q): IsLive and IsSpoof both %v", raw, *r.IsLive)
		}
		for _, v := range r.FaceVector {
			if v != v { // NaN
				t.Fatalf("ParseResult(%q): NaN in FaceVector", raw)
			}
		}
	})
}

// FuzzListDecode decodes a list body as List does (wireList, the decoder
// of every list envelope): it never panics, never yields more jobs than the
// input has JSON objects, never a nil job, and never negative paging.
func FuzzListDecode(f *testing.F) {
	f.Add([]byte(`{"data":[{"jobId":469,"status":"completed"}],"pagination":{"page":1,"limit":10,"total":1,"pages":1}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var l JobList
		if err := json.Unmarshal(raw, (*wireList)(&l)); err != nil {
			return
		}
		if objs := fuzzCountObjects(t, raw); len(l.Jobs) > objs {
			t.Fatalf("decoded %d jobs from %d objects: %q", len(l.Jobs), objs, raw)
		}
		for i, j := range l.Jobs {
			if j == nil {
				t.Fatalf("job %d is nil: %q", i, raw)
			}
		}
		if l.Page < 0 || l.Limit < 0 || l.Total < 0 || l.Pages < 0 {
			t.Fatalf("negative paging %+v: %q", l, raw)
		}
	})
}

// fuzzCountObjects counts the JSON objects in a valid JSON document.
func fuzzCountObjects(t *testing.T, raw []byte) int {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // 1e400 is valid JSON, but no float64
	n := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("json.Unmarshal accepted %q but the tokenizer did not: %v", raw, err)
		}
		if tok == json.Delim('{') {
			n++
		}
	}
}

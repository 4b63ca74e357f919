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

// FuzzResultVerdict: Verdict, FakeProbability and Similarity never panic;
// the verdict is one of the three; scores are in 0..1; Verdict is Unknown
// only when no verdict field is present (judged independently, from the
// document decoded as a map: a verdict flag given once as a JSON boolean
// always decides), and not Unknown only when one is. A document that
// ParseResult calls failed has no verdict flag.
func FuzzResultVerdict(f *testing.F) {
	for _, seed := range []string{
		`{"resultType":"video","identityPredictions":[{"identityId":0,"isDeepFake":true}]}`,
		`{"resultType":"image","isDeepFake":false,"RealConfidencePercent":97.4}`,
		`{"boundingBoxes":{"0":{"boundingBox":{"0":[1,2,3,4]},"class":{"isDeepFake":null,"isLiveness":false}}}}`,
		`{"identityDetails":{"face_0":{"boundingBox":[1,2,3,4],"class":"fake","confidence":93}}}`,
		`{"isSimilar":false,"similarityScore":82.67}`,
		`{"error":"OutOfMemoryError","message":"CUDA out of memory"}`,
		`{"faces":2,"deepFakes":1,"participants":[{"id":0,"fake":true}]}`,
		`{"isFake":"True","isTampered":false,"confidence":0.95}`,
		`{"isSpoof":true,"isLiveness":true}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := ParseResult(raw)
		flag := fuzzVerdictFlag(raw)
		var re *ResultError
		if errors.As(err, &re) {
			if flag {
				t.Fatalf("ParseResult(%q) reports a failure, but the document has a verdict flag", raw)
			}
			if !errors.Is(err, ErrJobFailed) {
				t.Fatalf("ParseResult(%q): %v does not match ErrJobFailed", raw, err)
			}
			return
		}
		if err != nil {
			return
		}
		v := r.Verdict()
		switch v {
		case VerdictReal, VerdictFake, VerdictUnknown:
		default:
			t.Fatalf("Verdict of %q is %q", raw, v)
		}
		if v == VerdictUnknown && flag {
			t.Fatalf("Verdict of %q is unknown, but it has a verdict flag", raw)
		}
		if v != VerdictUnknown && !fuzzVerdictField(raw) {
			t.Fatalf("Verdict of %q is %s without any verdict field", raw, v)
		}
		if p, ok := r.FakeProbability(); ok && !(p >= 0 && p <= 1) {
			t.Fatalf("FakeProbability of %q is %v", raw, p)
		}
		if s, ok := r.Similarity(); ok && !(s >= 0 && s <= 1) {
			t.Fatalf("Similarity of %q is %v", raw, s)
		}
	})
}

// The fields a verdict may come from: the flags, and the fields that hold
// faces or counts.
var (
	fuzzFlagNames     = []string{"isDeepFake", "fake", "isAIGenerated", "isFake", "isTampered", "isLiveness", "isLive", "isSpoof"}
	fuzzFaceFlagNames = []string{"isDeepFake", "fake", "isFake", "isLiveness", "isLive", "isSpoof"}
	fuzzFieldNames    = append([]string{"identityPredictions", "participants", "boundingBoxes", "identityDetails", "deepFakes", "class", "RealConfidencePercent"}, fuzzFlagNames...)
)

// fuzzVerdictFlag reports whether a document has, at its top level or in
// an element of identityPredictions, a verdict flag given once (no other
// key equal to it but for case) as a JSON boolean.
func fuzzVerdictFlag(raw []byte) bool {
	top, ok := fuzzObject(raw)
	if !ok {
		return false
	}
	if fuzzHasFlag(top, fuzzFlagNames) {
		return true
	}
	if k, ok := fuzzOnlyKey(top, "identityPredictions"); ok {
		items, _ := top[k].([]any)
		for _, it := range items {
			if o, ok := it.(map[string]any); ok && fuzzHasFlag(o, fuzzFaceFlagNames) {
				return true
			}
		}
	}
	return false
}

func fuzzHasFlag(o map[string]any, names []string) bool {
	for _, name := range names {
		if k, ok := fuzzOnlyKey(o, name); ok {
			if _, isBool := o[k].(bool); isBool {
				return true
			}
		}
	}
	return false
}

// fuzzVerdictField reports whether a document has any field a verdict may
// come from, whatever its value.
func fuzzVerdictField(raw []byte) bool {
	top, ok := fuzzObject(raw)
	if !ok {
		return false
	}
	for k := range top {
		for _, name := range fuzzFieldNames {
			if strings.EqualFold(k, name) {
				return true
			}
		}
	}
	return false
}

// fuzzObject decodes a JSON object, numbers kept as text (1e400 is valid
// JSON, but no float64).
func fuzzObject(raw []byte) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var top map[string]any
	return top, dec.Decode(&top) == nil && top != nil
}

// fuzzOnlyKey returns the one key of o equal to name but for case.
func fuzzOnlyKey(o map[string]any, name string) (string, bool) {
	var found string
	n := 0
	for k := range o {
		if strings.EqualFold(k, name) {
			found = k
			n++
		}
	}
	return found, n == 1
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

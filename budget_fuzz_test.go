package authenta_test

// Decoding budgets (issue 7): what a job, list or create answer may make the
// decoder allocate is bounded by a fixed multiple of the body's size. These
// tests read process-wide MemStats on one goroutine; they are not parallel
// (parallel tests are paused while a sequential test runs, and fuzz targets
// run after every test).

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

const (
	// allocPerByte and allocFloor bound what decoding a document of n
	// bytes may allocate: allocPerByte*n + allocFloor.
	allocPerByte = 48
	allocFloor   = 384 << 10
)

// allocated returns the bytes f allocates (TotalAlloc: GC does not lower it).
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// decoders are the three documents the jobs API answers with.
var decoders = []struct {
	name   string
	decode func([]byte) error
}{
	{"job", func(b []byte) error { var j authenta.Job; return json.Unmarshal(b, &j) }},
	{"list", func(b []byte) error { _, err := authenta.DecodeJobList(b); return err }},
	{"create", authenta.DecodeCreated},
}

// hostile builds a document of n copies of elem inside one of the shapes
// the decoders read.
func hostile(shape uint8, n int, elem string) string {
	items := strings.TrimSuffix(strings.Repeat(elem+",", n), ",")
	switch shape % 8 {
	case 0:
		return `{"id":"1","artifacts":[` + items + `]}`
	case 1:
		return `{"id":"1","inputs":[` + items + `]}`
	case 2:
		return `[` + items + `]`
	case 3:
		return `{"data":[` + items + `],"pagination":{"page":1}}`
	case 4:
		return `{"job":{"data":{"artifacts":[` + items + `]}},"inputs":[` + items + `]}`
	case 5:
		job := `{"id":1,"artifacts":[` + strings.TrimSuffix(strings.Repeat(elem+",", 60), ",") + `]}`
		return `{"items":[` + strings.TrimSuffix(strings.Repeat(job+",", max(n/60, 1)), ",") + `]}`
	case 6:
		return `{"id":"1","artifacts":[` + items + `],"taskType":5}` // fails the fast path late
	default:
		return `{"jobs":[` + strings.TrimSuffix(strings.Repeat(`{"inputs":[`+elem+`]},`, n), ",") + `]}`
	}
}

// TestHostileDocumentReproduction is the report's document: 878 KiB of
// empty artifact objects, which raised the heap by 179 MiB. It is refused
// with a clear error, having allocated almost nothing.
func TestHostileDocumentReproduction(t *testing.T) {
	body := []byte(hostile(0, 878<<10/3, "{}"))
	var err error
	n := allocated(func() {
		var j authenta.Job
		err = json.Unmarshal(body, &j)
	})
	t.Logf("%d KiB body: %d bytes allocated (%.2fx): %v", len(body)>>10, n, float64(n)/float64(len(body)), err)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "budget")
	assert.Less(t, n, uint64(len(body)), "refused before decoding")
}

// TestBudgetsKeepRealDocuments: documents of the sizes the service sends
// decode whole.
func TestBudgetsKeepRealDocuments(t *testing.T) {
	artifact := `{"id":"a1","kind":"heatmap","slotName":"original","status":"ready","contentType":"image/png","downloadUrl":"https://s3.test/h.png?X-Amz-Signature=abc"}`
	var j authenta.Job
	require.NoError(t, json.Unmarshal([]byte(hostile(0, 500, artifact)), &j))
	assert.Len(t, j.Artifacts, 500)

	job := `{"id":"1","status":"completed","inputs":[{"slotName":"original","fileName":"a.jpg","contentType":"image/jpeg","sizeBytes":10}],"artifacts":[` + artifact + `,` + artifact + `]}`
	l, err := authenta.DecodeJobList([]byte(hostile(3, 100, job)))
	require.NoError(t, err)
	assert.Len(t, l.Jobs, 100)
	l, err = authenta.DecodeJobList([]byte(hostile(2, 100, `{"id":1}`)))
	require.NoError(t, err, "a page of minimal jobs")
	assert.Len(t, l.Jobs, 100)

	_, err = authenta.DecodeJobList([]byte(hostile(2, 1001, job)))
	require.ErrorContains(t, err, "jobs in a page")
	err = json.Unmarshal([]byte(hostile(1, 101, `{"slotName":"s","fileName":"a.jpg","contentType":"image/jpeg","sizeBytes":10}`)), &j)
	require.ErrorContains(t, err, "inputs of a job")
}

// FuzzDecodeBudget feeds hostile job, list and create documents (n copies
// of an element in one of several shapes, and raw documents) to every
// decoder, and checks that decoding allocates at most allocPerByte times
// the body's size plus allocFloor, whether it succeeds or fails.
func FuzzDecodeBudget(f *testing.F) {
	for _, s := range []struct {
		shape uint8
		n     uint16
		elem  string
	}{
		{0, 20000, "{}"}, {1, 20000, "{}"}, {2, 20000, "{}"}, {3, 20000, "{}"},
		{4, 5000, "{}"}, {5, 20000, "{}"}, {6, 20000, "{}"}, {7, 20000, "{}"},
		{0, 20000, "null"}, {0, 5000, `{"id":1}`}, {2, 3000, `{"artifacts":[{}]}`},
		{0, 2000, `{"metadata":{"a":[{},{},{}]}}`}, {2, 500, `{"job":{"job":{"job":{"job":{}}}}}`},
		{1, 2000, `{"slotName":"s","fileName":"f","sizeBytes":1}`}, {0, 100, `{"Artifacts":[{},{},{}]}`},
		{2, 300, `{"ArtifactS":[{},{},{},{},{},{},{},{}]}`}, {2, 300, `{"artifact\u0073":[{},{},{},{},{},{},{},{}]}`},
	} {
		f.Add(s.shape, s.n, s.elem)
	}
	f.Fuzz(func(t *testing.T, shape uint8, n uint16, elem string) {
		if len(elem) > 256 {
			elem = elem[:256]
		}
		docs := []string{elem, hostile(shape, int(n)%30000, elem)}
		for _, doc := range docs {
			body := []byte(doc)
			for _, d := range decoders {
				got := allocated(func() { _ = d.decode(body) })
				if limit := uint64(allocPerByte*len(body) + allocFloor); got > limit {
					t.Fatalf("%s: %d-byte document (%.60q...) allocated %d bytes, over %d (%dx + %d)", d.name, len(body), doc, got, limit, allocPerByte, allocFloor)
				}
			}
		}
	})
}

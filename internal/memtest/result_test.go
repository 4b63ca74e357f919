package memtest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
)

// TestParseResultMemoryIsBoundedByTheDocument parses result documents
// shaped to amplify memory (many frames of one face, many empty faces, many
// predictions) and checks that parsing allocates a bounded multiple of the
// document's size: faces and boxes cost a fixed amount per byte of JSON
// that describes them, and faces past maxIdentities (boxes past maxBoxes)
// are skipped (still read for the verdict). Asserted: under 32 times the
// document plus 2 MiB (up to 4096 faces of ~250 B). Measured at these
// 20,000 items (-v logs it): 4x to 22x, the document's own copy (Raw) and
// the capped faces included.
func TestParseResultMemoryIsBoundedByTheDocument(t *testing.T) {
	const n = 20_000
	build := func(prefix string, item func(i int) string, suffix string) []byte {
		var b strings.Builder
		b.WriteString(prefix)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(item(i))
		}
		b.WriteString(suffix)
		return []byte(b.String())
	}
	docs := map[string][]byte{
		"frames of one face":   build(`{"boundingBoxes":{"0":{"class":"fake","boundingBox":{`, func(i int) string { return `"` + strconv.Itoa(i) + `":[1,2,3,4]` }, `}}}}`),
		"empty faces":          build(`{"boundingBoxes":{`, func(i int) string { return `"` + strconv.Itoa(i) + `":{}` }, `}}`),
		"predictions":          build(`{"identityPredictions":[`, func(int) string { return `{}` }, `]}`),
		"numbered predictions": build(`{"identityPredictions":[`, func(i int) string { return `{"identityId":` + strconv.Itoa(i) + `,"isDeepFake":0}` }, `]}`),
		"frame objects":        build(`{"identityDetails":{"0":{"boundingBox":[`, func(int) string { return `{"box":[1,2,3,4],"class":"x"}` }, `]}}}`),
		"faces with a box":     build(`{"boundingBoxes":{`, func(i int) string { return `"` + strconv.Itoa(i) + `":{"boundingBox":[1,2,3,4]}` }, `}}`),
		"a real DF-1 video": build(`{"resultType":"video","isDeepFake":false,"RealConfidencePercent":95.2,"identityPredictions":[{"identityId":0,"isDeepFake":false},{"identityId":1,"isDeepFake":true}],"boundingBoxes":{"0":{"class":"real","confidence":0.97,"boundingBox":{`,
			func(i int) string { return `"` + strconv.Itoa(i) + `":[112.5,64,208,180.25]` }, `}},"1":{"class":"fake","confidence":0.91,"boundingBox":{"0":[300,80,380,178]}}}}`),
	}
	for name, doc := range docs {
		got := measure(t, func() error {
			r, err := authenta.ParseResult(doc)
			if err == nil {
				_ = r.Verdict()
			}
			return err
		})
		ratio := float64(got.bytes) / float64(len(doc))
		t.Logf("%s: %d KiB document, TotalAlloc %d KiB (%.1fx), %d objects", name, len(doc)>>10, got.bytes>>10, ratio, got.objects)
		require.Less(t, got.bytes, uint64(32*len(doc)+2*mib), "%s: at most 32 times the document, and a constant (the capped faces)", name)
	}
}

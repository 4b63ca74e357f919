package authenta

import (
	"testing"
	"testing/iotest"
)

// TestOwnedBodyReads: an *ownedBody reads as its bytes, and ownedBytes
// hands them over without a copy.
func TestOwnedBodyReads(t *testing.T) {
	t.Parallel()
	for _, b := range [][]byte{nil, []byte("{}"), []byte(`{"isDeepFake":true,"RealConfidencePercent":97.4}`)} {
		if err := iotest.TestReader(newOwnedBody(b), b); err != nil {
			t.Fatalf("%q: %v", b, err)
		}
		if got := ownedBytes(newOwnedBody(b)); len(b) > 0 && &got[0] != &b[0] {
			t.Fatalf("%q: ownedBytes copied", b)
		}
	}
}

package authenta

import (
	"strconv"
	"testing"
)

func TestCountMembers(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		`{}`: 0, `[]`: 0, ` `: 0, `5`: 0, `"a,b"`: 0,
		`[1]`: 1, `[1,2,3]`: 3, `{"a":1}`: 1, `{"a":[1,2],"b":{"c":1,"d":2}}`: 2,
		`["a,b","c\",d"]`: 2, `[[],{}]`: 2, `[ ]`: 0, `[{}]`: 1, `{"0":[1,2,3,4],"1":[5,6,7,8]}`: 2,
	} {
		if got := countMembers([]byte(in)); got != want {
			t.Errorf("countMembers(%s) = %d, want %d", in, got, want)
		}
	}
}

func TestIdentitiesAreCapped(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"identityPredictions":[`)
	for i := range maxIdentities + 50 {
		if i > 0 {
			doc = append(doc, ',')
		}
		doc = append(doc, `{"identityId":`...)
		doc = strconv.AppendInt(doc, int64(i), 10)
		doc = append(doc, `,"isDeepFake":false}`...)
	}
	doc = append(doc, `],"boundingBoxes":{"999999":{"class":"fake","boundingBox":[1,2,3,4]}}}`...)
	r, err := ParseResult(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Identities) != maxIdentities {
		t.Fatalf("%d identities, want the cap %d", len(r.Identities), maxIdentities)
	}
	if r.Verdict() != VerdictFake {
		t.Fatalf("verdict %s: the fake face past the cap is lost", r.Verdict())
	}
}

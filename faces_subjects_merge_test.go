package authenta_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestFacesSubjectsMergeAtScale: a subjects answer whose entries repeat
// subject and face IDs many times over merges as the contract says
// (subjects and faces in the order first seen, a face listed again keeps
// its last entry), also for many faces: one subject with 20,000 faces,
// each listed twice across three entries of the subject, and a second
// subject interleaved. (The merge used to scan the subject's faces for
// each face: quadratic, seconds for a document of this size.)
func TestFacesSubjectsMergeAtScale(t *testing.T) {
	t.Parallel()
	const n = 20000
	var b strings.Builder
	entry := func(subject string, from, to int, status string) {
		fmt.Fprintf(&b, `{"subject_id":%q,"faces":[`, subject)
		for i := from; i < to; i++ {
			if i > from {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"face_id":"f%d","status":%q}`, i, status)
		}
		b.WriteString(`]},`)
	}
	b.WriteString(`{"subjects":[`)
	entry("s1", 0, n, "pending")
	entry("s2", 0, 3, "processed")
	entry("s1", n/2, n, "processing")
	entry("s1", 0, n/2, "processed")
	entry("s2", 1, 2, "failed")
	b.WriteString(`{"subject_id":"s3","faces":[]}]}`)
	r := newFacesRig(t)
	r.handle(func(w http.ResponseWriter, q *http.Request) { writeJSON(w, 200, b.String()) }, nil)
	got, err := r.c.Faces.Subjects(t.Context())
	require.NoError(t, err)
	require.Len(t, got, 3)
	require.Equal(t, []string{"s1", "s2", "s3"}, []string{got[0].ID, got[1].ID, got[2].ID})
	require.Len(t, got[0].Faces, n)
	for i, f := range got[0].Faces {
		want := authenta.FaceProcessed
		if i >= n/2 {
			want = authenta.FaceProcessing
		}
		if f.ID != fmt.Sprintf("f%d", i) || f.Status != want {
			t.Fatalf("face %d: %+v, want f%d %s", i, f, i, want)
		}
	}
	require.Equal(t, []authenta.Face{{ID: "f0", Status: authenta.FaceProcessed}, {ID: "f1", Status: authenta.FaceFailed}, {ID: "f2", Status: authenta.FaceProcessed}}, got[1].Faces)
	require.Empty(t, got[2].Faces)
}

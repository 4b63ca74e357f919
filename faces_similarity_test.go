package authenta_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFacesMatchSimilarityIsOnTheUnitScale: the contract gives
// Match.Similarity on 0..1. A search answer on a percentage scale (as FI-1
// reports similarityScore, 82.67) is read as Result.Similarity reads it: a
// score above 1 is a percentage, and a score outside 0..100 is no score.
func TestFacesMatchSimilarityIsOnTheUnitScale(t *testing.T) {
	t.Parallel()
	r := newFacesRig(t)
	r.handle(func(w http.ResponseWriter, q *http.Request) {
		writeJSON(w, 200, `{"count":5,"results":[`+
			`{"subject_id":"s1","face_id":"f1","similarity_score":82.67},`+
			`{"subject_id":"s2","face_id":"f2","similarity_score":"91%"},`+
			`{"subject_id":"s3","face_id":"f3","similarity_score":0.5},`+
			`{"subject_id":"s4","face_id":"f4","similarity_score":150},`+
			`{"subject_id":"s5","face_id":"f5","similarity_score":-0.2}]}`)
	}, nil)
	img := []byte("\xff\xd8\xff\xd9")
	matches, err := r.c.Faces.SearchReader(t.Context(), "probe.jpg", bytes.NewReader(img), int64(len(img)), nil)
	require.NoError(t, err)
	got := map[string]float64{}
	for i, m := range matches {
		require.Equal(t, i+1, m.Rank)
		require.GreaterOrEqual(t, m.Similarity, 0.0, "%+v", m)
		require.LessOrEqual(t, m.Similarity, 1.0, "%+v", m)
		got[m.SubjectID] = m.Similarity
	}
	require.InDeltaMapValues(t, map[string]float64{"s1": 0.8267, "s2": 0.91, "s3": 0.5, "s4": 0, "s5": 0}, got, 1e-9)
	require.Equal(t, []string{"s2", "s1", "s3"}, []string{matches[0].SubjectID, matches[1].SubjectID, matches[2].SubjectID}, "highest first")
}

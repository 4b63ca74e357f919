package authenta_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestJobArtifactsNullEntries: null entries of a job's artifacts are
// skipped, an empty object is an (empty) artifact, and a list of nulls
// alone leaves Artifacts nil, as no list does.
func TestJobArtifactsNullEntries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		doc   string
		kinds []string // nil: Artifacts is nil
	}{
		{"none", `{"id":"7"}`, nil},
		{"empty list", `{"id":"7","artifacts":[]}`, nil},
		{"only nulls", `{"id":"7","artifacts":[null,null]}`, nil},
		{"nulls between", `{"id":"7","artifacts":[null,{"kind":"result"},null,{"kind":"heatmap"}]}`, []string{"result", "heatmap"}},
		{"an empty object", `{"id":"7","artifacts":[{},{"kind":"result"}]}`, []string{"", "result"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var j authenta.Job
			require.NoError(t, json.Unmarshal([]byte(tt.doc), &j))
			if tt.kinds == nil {
				assert.Nil(t, j.Artifacts)
				return
			}
			var kinds []string
			for _, a := range j.Artifacts {
				kinds = append(kinds, a.Kind)
			}
			assert.Equal(t, tt.kinds, kinds)
		})
	}
}

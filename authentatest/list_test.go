package authentatest

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// seed creates n AC-1 jobs (ids 1..n) and completes every third one.
func seed(t *testing.T, srv *Server, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		id, _ := createRaw(t, srv, "1", nil, imageInput(1))
		require.Equal(t, strconv.Itoa(i), id)
		if i%3 == 0 {
			require.NoError(t, srv.SetJobStatus(id, authenta.StatusCompleted, ""))
		}
	}
}

type refPage struct {
	Data []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"data"`
	Pagination struct{ Page, Limit, Total, Pages int } `json:"pagination"`
}

func ids(p refPage) []string {
	out := []string{}
	for _, j := range p.Data {
		out = append(out, j.ID)
	}
	return out
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	seed(t, srv, 25)
	require.Equal(t, 204, call(t, srv, "DELETE", jobURL(srv, "25", ""), DefaultAPIKey, nil).Status)

	tests := []struct {
		query      string
		wantIDs    []string // nil: only check counts
		wantCount  int
		wantPaging [4]int // page, limit, total, pages
	}{
		{"", []string{"24", "23", "22", "21", "20", "19", "18", "17", "16", "15"}, 10, [4]int{1, 10, 24, 3}},
		{"?page=3", []string{"4", "3", "2", "1"}, 4, [4]int{3, 10, 24, 3}},
		{"?page=2&limit=5", []string{"19", "18", "17", "16", "15"}, 5, [4]int{2, 5, 24, 5}},
		{"?page=9", []string{}, 0, [4]int{9, 10, 24, 3}},
		{"?limit=500", nil, 24, [4]int{1, 100, 24, 1}},
		{"?pageSize=7", nil, 7, [4]int{1, 7, 24, 4}},
		{"?limit=5&offset=10", []string{"14", "13", "12", "11", "10"}, 5, [4]int{3, 5, 24, 5}},
		{"?status=completed", []string{"24", "21", "18", "15", "12", "9", "6", "3"}, 8, [4]int{1, 10, 8, 1}},
		{"?status=COMPLETED&limit=3&page=3", []string{"6", "3"}, 2, [4]int{3, 3, 8, 3}},
		{"?status=processed", nil, 8, [4]int{1, 10, 8, 1}},
		{"?status=waiting_for_finalize&limit=100", nil, 16, [4]int{1, 100, 16, 1}},
		{"?status=pending&limit=100", nil, 16, [4]int{1, 100, 16, 1}},
		{"?status=failed", []string{}, 0, [4]int{1, 10, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, "GET", srv.URL+"/api/v1/jobs"+tt.query, DefaultAPIKey, nil)
			require.Equal(t, 200, r.Status, "%s", r.Body)
			var p refPage
			require.NoError(t, json.Unmarshal(r.Body, &p))
			assert.Len(t, p.Data, tt.wantCount)
			if tt.wantIDs != nil {
				assert.Equal(t, tt.wantIDs, ids(p))
			}
			pg := p.Pagination
			assert.Equal(t, tt.wantPaging, [4]int{pg.Page, pg.Limit, pg.Total, pg.Pages})
		})
	}
	for _, bad := range []string{"?limit=abc", "?page=-1", "?limit=1.5"} {
		t.Run(bad, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, "GET", srv.URL+"/api/v1/jobs"+bad, DefaultAPIKey, nil)
			assert.Equal(t, 400, r.Status)
			assert.Equal(t, "VALIDATION_ERROR", r.JSON(t)["code"])
		})
	}
}

func TestListEnvelopes(t *testing.T) {
	t.Parallel()
	// Three jobs, the third completed; page 1 of 2 jobs per page.
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"REF", nil,
			`{"data":[{"id":"3","taskTypeId":"1","status":"completed"},{"id":"2","taskTypeId":"1","status":"waiting_for_finalize"}],"pagination":{"page":1,"limit":2,"total":3,"pages":2}}`},
		{"items", []Option{WithListEnvelope(ListItems)},
			`{"items":[{"id":"3","taskTypeId":"1","status":"completed"},{"id":"2","taskTypeId":"1","status":"waiting_for_finalize"}],"total":3,"page":1,"pageSize":2}`},
		{"legacy", []Option{WithListEnvelope(ListLegacy), WithStatusVocabulary(VocabUpper)},
			`{"limit":2,"offset":0,"total":3,"data":[{"id":"3","taskTypeId":"1","status":"PROCESSED"},{"id":"2","taskTypeId":"1","status":"INITED"}]}`},
		{"array", []Option{WithListEnvelope(ListArray), WithStatusVocabulary(VocabTS)},
			`[{"id":"3","taskTypeId":"1","status":"processed"},{"id":"2","taskTypeId":"1","status":"initiated"}]`},
		{"jobId numeric", []Option{WithJobShape(JobByJobID), WithIDStyle(IDNumber)},
			`{"data":[{"jobId":3,"taskTypeId":1,"status":"completed"},{"jobId":2,"taskTypeId":1,"status":"waiting_for_finalize"}],"pagination":{"page":1,"limit":2,"total":3,"pages":2}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := NewServer(t, tt.opts...)
			seed(t, srv, 3)
			r := call(t, srv, "GET", srv.URL+"/api/v1/jobs?page=1&limit=2", DefaultAPIKey, nil)
			require.Equal(t, 200, r.Status)
			assert.JSONEq(t, tt.want, withoutTimes(t, r.Body))
		})
	}
}

// withoutTimes removes createdAt and updatedAt from list items, checking
// that they were there, so that the expected documents stay short.
func withoutTimes(t *testing.T, body []byte) string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(body, &v))
	items, _ := v.([]any)
	if m, ok := v.(map[string]any); ok {
		for _, k := range []string{"data", "items"} {
			if it, ok := m[k].([]any); ok {
				items = it
			}
		}
	}
	for _, it := range items {
		m := it.(map[string]any)
		assert.NotEmpty(t, m["createdAt"])
		assert.NotEmpty(t, m["updatedAt"])
		delete(m, "createdAt")
		delete(m, "updatedAt")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

package authentatest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecordIsBounded: a long test's record does not grow without bound;
// the counts still count every request.
func TestRecordIsBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		limit    int
		requests int
		kept     int
	}{
		{"under the limit", 5, 3, 3},
		{"at the limit", 3, 3, 3},
		{"over the limit", 3, 8, 3},
		{"limit one", 1, 4, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := NewServer(t, WithRecordLimit(tt.limit))
			id := readyJob(t, srv) // create + upload: 2 requests
			srv.ResetRequests()
			for range tt.requests {
				r := call(t, srv, http.MethodGet, jobURL(srv, id, ""), DefaultAPIKey, nil)
				require.Equal(t, http.StatusOK, r.Status)
			}
			got := srv.Requests()
			require.Len(t, got, tt.kept)
			for i := 1; i < len(got); i++ {
				assert.Equal(t, got[i-1].Seq+1, got[i].Seq, "oldest first, consecutive")
			}
			assert.Equal(t, tt.requests-tt.kept, srv.Dropped())
			assert.Equal(t, tt.requests, srv.Count(RouteAll))
			assert.Equal(t, tt.requests, srv.Count(RouteGet))
			assert.Equal(t, tt.requests, srv.CountJob(RouteGet, id))
			assert.Equal(t, tt.requests, srv.CountJob(RouteAll, id))
			assert.Len(t, srv.RequestsTo(RouteGet), tt.kept)
			assert.Empty(t, srv.RequestsTo(RouteCreate))
			srv.ResetRequests()
			assert.Empty(t, srv.Requests())
			assert.Zero(t, srv.Dropped())
			assert.Zero(t, srv.Count(RouteAll))
		})
	}
}

func TestRecordLimitInvalid(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, -1} {
		_, err := Start(WithRecordLimit(n))
		assert.Error(t, err, "limit %d", n)
	}
}

// TestRecordDefaultLimit: without the option the record keeps
// DefaultRecordLimit requests.
func TestRecordDefaultLimit(t *testing.T) {
	t.Parallel()
	r := newRecorder(0) // WithRecordLimit not given
	for i := range DefaultRecordLimit + 10 {
		r.add(Request{Seq: i + 1, Route: RouteGet})
	}
	assert.Len(t, r.ring, DefaultRecordLimit)
	assert.Equal(t, 10, r.dropped)
	first := true
	r.all(func(q *Request) {
		if first {
			assert.Equal(t, 11, q.Seq)
			first = false
		}
	})
}

package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go/authentatest"
)

// TestBatchRateLimitsCreations: -rate R allows at most R job creations a
// second, whatever -j: n creations span at least (n-2)/R (one interval of
// slack for the network's jitter; a slow machine only spreads them more).
// Without -rate, the same run sends its 8 creations within a few
// milliseconds.
func TestBatchRateLimitsCreations(t *testing.T) {
	t.Parallel()
	const n, perSec = 8, 20.0
	srv := authentatest.NewServer(t, authentatest.WithJobHook(offlineVerdicts))
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}
	dir := t.TempDir()
	for i := range n {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%d.jpg", i)), fmt.Sprintf("image %d", i))
	}
	r := cli(t, env, args(fast, []string{"batch", "-j", "8", "-rate", fmt.Sprint(perSec), "-o", filepath.Join(t.TempDir(), "j.ndjson"), dir})...)
	require.Equal(t, exitOK, r.code, r.stderr)
	creates := srv.RequestsTo(authentatest.RouteCreate)
	require.Len(t, creates, n)
	span := creates[n-1].Time.Sub(creates[0].Time)
	atLeast := time.Duration(float64(n-2) / perSec * float64(time.Second))
	assert.GreaterOrEqual(t, span, atLeast, "-rate %v: %d creations in %v", perSec, n, span)
}

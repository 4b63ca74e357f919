package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJournalLineLimitIsOne: a line as long as maxLine (newline included)
// loads; one byte more is damage; and the journal never writes a line a
// rerun would take for damage (a created line lost so would lose its job).
func TestJournalLineLimitIsOne(t *testing.T) {
	t.Parallel()
	line := func(n int) string {
		head, tail := `{"file":"`, `","state":"created","jobId":"1"}`+"\n"
		return head + strings.Repeat("a", n-len(head)-len(tail)) + tail
	}
	for _, tc := range []struct {
		n         int
		lines, bd int
	}{{maxLine, 1, 0}, {maxLine + 1, 0, 1}} {
		j := &journal{idx: map[fileKey]entry{}}
		var st journalStats
		n, err := j.load(strings.NewReader(line(tc.n)), &st)
		require.NoError(t, err)
		assert.Equal(t, int64(tc.n), n)
		assert.Equal(t, tc.lines, st.lines, "a line of %d bytes", tc.n)
		assert.Equal(t, tc.bd, st.bad, "a line of %d bytes", tc.n)
	}

	path := filepath.Join(t.TempDir(), "j.ndjson")
	j, _, err := openJournal(path)
	require.NoError(t, err)
	require.Error(t, j.write(record{File: strings.Repeat("a", maxLine), State: stateCreated, JobID: "1"}, true))
	require.NoError(t, j.close())
	body, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Empty(t, body, "nothing a rerun could not read back is written")
}

type fillReader byte

func (f fillReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f)
	}
	return len(p), nil
}

// TestJournalHugeLineMemory: a 256 MiB line with no newline in a journal
// costs the reader's buffer, not its length. (Not parallel: it reads
// process-wide MemStats.)
func TestJournalHugeLineMemory(t *testing.T) {
	const huge = 256 << 20
	good := `{"file":"a.jpg","jobId":"1","state":"created","size":1,"modTime":"m"}` + "\n"
	in := io.MultiReader(strings.NewReader(good), io.LimitReader(fillReader('{'), huge), strings.NewReader("\n"+good))
	j := &journal{idx: map[fileKey]entry{}}
	var st journalStats
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n, err := j.load(in, &st)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	assert.Equal(t, int64(2*len(good)+huge+1), n)
	assert.Equal(t, 2, st.lines)
	assert.Equal(t, 1, st.bad)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "a %d-byte line was held in memory", huge)
}

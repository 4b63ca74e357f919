package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
)

func TestEntryPlan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    record
		want next
	}{
		{"created", record{State: stateCreated, JobID: "7"}, doResume},
		{"created without a job ID", record{State: stateCreated}, doNew},
		{"judged real", record{State: stateJudged, JobID: "7", Verdict: authenta.VerdictReal}, doSkip},
		{"judged unknown", record{State: stateJudged, JobID: "7", Verdict: authenta.VerdictUnknown}, doSkip},
		{"failed, job kept", record{State: stateFailed, JobID: "7", Next: nextResume}, doResume},
		{"failed, resume without a job", record{State: stateFailed, Next: nextResume}, doSkip},
		{"failed before create", record{State: stateFailed, Next: nextAgain}, doNew},
		{"failed, job removed", record{State: stateFailed, JobID: "7", Next: nextAgain}, doNew},
		{"failed on the server", record{State: stateFailed, JobID: "7", Status: authenta.StatusFailed}, doSkip},
		{"failed, unknown next", record{State: stateFailed, JobID: "7", Next: "later"}, doSkip},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, entryOf(tc.r).plan())
		})
	}
}

func TestJournalLastLineWins(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j.ndjson")
	j, st, err := openJournal(path)
	require.NoError(t, err)
	assert.Zero(t, st)
	r := record{File: "a.jpg", Size: 3, ModTime: "2026-01-01T00:00:00Z", State: stateCreated, JobID: "1"}
	require.NoError(t, j.write(r, true))
	r.State, r.Verdict = stateJudged, authenta.VerdictFake
	require.NoError(t, j.write(r, false))
	other := record{File: "a.jpg", Size: 4, ModTime: r.ModTime, State: stateCreated, JobID: "2"}
	require.NoError(t, j.write(other, false))

	// A second run on the same journal is refused while the first holds it.
	_, _, err = openJournal(path)
	require.ErrorContains(t, err, "another run")
	require.NoError(t, j.close())

	j2, st, err := openJournal(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = j2.close() })
	assert.Equal(t, 3, st.lines)
	e, ok := j2.lookup(keyOf("a.jpg", 3, r.ModTime))
	require.True(t, ok)
	assert.Equal(t, doSkip, e.plan())
	assert.True(t, e.fake)
	e, ok = j2.lookup(keyOf("a.jpg", 4, r.ModTime))
	require.True(t, ok, "a file of another size is another file")
	assert.Equal(t, doResume, e.plan())
	assert.Equal(t, "2", e.jobID)
	_, ok = j2.lookup(keyOf("a.jpg", 3, "2026-01-02T00:00:00Z"))
	assert.False(t, ok, "a file with another modification time is another file")
}

func TestJournalLoadHostile(t *testing.T) {
	t.Parallel()
	good := `{"file":"a.jpg","jobId":"1","state":"created","size":1,"modTime":"m"}` + "\n"
	tests := []struct {
		name      string
		body      string
		lines     int
		bad       int
		goodBytes int
	}{
		{"empty", "", 0, 0, 0},
		{"one line", good, 1, 0, len(good)},
		{"torn tail", good + `{"file":"b.j`, 1, 0, len(good)},
		{"torn tail of zeros", good + "\x00\x00\x00", 1, 0, len(good)},
		{"blank lines", "\n\n" + good + "\n", 1, 0, len(good) + 3},
		{"not JSON", "hello\n" + good, 1, 1, len(good) + 6},
		{"JSON without file", `{"state":"created"}` + "\n", 0, 1, len(`{"state":"created"}`) + 1},
		{"unknown state", `{"file":"a","state":"dreaming"}` + "\n", 0, 1, len(`{"file":"a","state":"dreaming"}`) + 1},
		{"a line longer than the reader's buffer", strings.Repeat("x", 200<<10) + "\n" + good, 1, 1, 200<<10 + 1 + len(good)},
		{"a line over the limit", `{"file":"` + strings.Repeat("y", maxLine) + `","state":"created"}` + "\n", 0, 1, maxLine + 30},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := &journal{idx: map[fileKey]entry{}}
			var st journalStats
			n, err := j.load(strings.NewReader(tc.body), &st)
			require.NoError(t, err)
			assert.Equal(t, tc.lines, st.lines)
			assert.Equal(t, tc.bad, st.bad)
			assert.Equal(t, int64(tc.goodBytes), n)
		})
	}
}

func TestJournalCutsATornTail(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j.ndjson")
	line := `{"file":"a.jpg","jobId":"1","state":"created","size":1,"modTime":"m"}` + "\n"
	const torn = `{"file":"b.jpg","jobId":"2","sta`
	require.NoError(t, os.WriteFile(path, []byte(line+torn), 0o644))
	j, st, err := openJournal(path)
	require.NoError(t, err)
	assert.Equal(t, int64(len(torn)), st.torn)
	require.NoError(t, j.write(record{File: "c.jpg", State: stateCreated, JobID: "3"}, true))
	require.NoError(t, j.close())
	body, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	require.Len(t, lines, 2, "the new line starts on a line of its own")
	assert.Contains(t, lines[1], `"file":"c.jpg"`)
}

// FuzzJournalLoad: any bytes load without a panic; the kept prefix ends at
// a line boundary, and loading it again finds the same lines and nothing
// torn.
func FuzzJournalLoad(f *testing.F) {
	f.Add([]byte(`{"file":"a.jpg","jobId":"1","state":"created","size":1,"modTime":"m"}` + "\n"))
	f.Add([]byte(`{"verdict":"fake","file":"a","jobId":"1","state":"judged"}` + "\n" + `{"file":"b","st`))
	f.Add([]byte("\n\n\x00{}\n[1,2]\nnull\n"))
	f.Add([]byte(`{"file":"a","state":"failed","next":"again","jobId":9007199254740993}` + "\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		j := &journal{idx: map[fileKey]entry{}}
		var st journalStats
		n, err := j.load(bytes.NewReader(body), &st)
		if err != nil {
			t.Fatal(err)
		}
		if n < 0 || n > int64(len(body)) || (n > 0 && body[n-1] != '\n') {
			t.Fatalf("kept %d of %d bytes, not at a line end", n, len(body))
		}
		if bytes.IndexByte(body[n:], '\n') >= 0 {
			t.Fatalf("a complete line after the kept prefix")
		}
		j2 := &journal{idx: map[fileKey]entry{}}
		var st2 journalStats
		n2, err := j2.load(bytes.NewReader(body[:n]), &st2)
		if err != nil || n2 != n || st2 != st || len(j2.idx) != len(j.idx) {
			t.Fatalf("reload: %d %v %+v %+v", n2, err, st2, st)
		}
		for k, e := range j.idx {
			if j2.idx[k] != e {
				t.Fatalf("entry differs on reload")
			}
			_ = e.plan()
		}
	})
}

// TestJournalKeepsUploadsPrivately: a created line's upload URL survives a
// reopen (for the rerun that finishes a cut upload); the journal is its
// owner's only, and an existing one others could read is narrowed.
func TestJournalKeepsUploadsPrivately(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "j.ndjson")
	j, _, err := openJournal(path)
	require.NoError(t, err)
	u := authenta.Upload{Slot: authenta.SlotOriginal, URL: "https://bucket.test/in/a.jpg?X-Amz-Signature=abc", ExpiresAt: time.Date(2026, 11, 30, 19, 0, 0, 0, time.UTC)}
	ref := authenta.Upload{Slot: authenta.SlotReference, URL: "https://bucket.test/in/ref.png?X-Amz-Signature=def"}
	at := "2026-11-30T18:00:00.5Z"
	require.NoError(t, j.write(record{File: "a.jpg", Size: 1, State: stateCreated, JobID: "1", Uploads: journalUploads([]authenta.Upload{ref, u}), At: at}, true))
	require.NoError(t, j.write(record{File: "b.jpg", Size: 1, State: stateCreated, JobID: "2", Uploads: journalUploads([]authenta.Upload{u})}, true))
	require.NoError(t, j.write(record{File: "b.jpg", Size: 1, State: stateJudged, JobID: "2", Verdict: authenta.VerdictReal}, true))
	require.NoError(t, j.close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	require.NoError(t, os.Chmod(path, 0o644))
	j, st, err := openJournal(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.close() })
	assert.True(t, st.narrowed)
	assert.True(t, st.first.Equal(time.Date(2026, 11, 30, 18, 0, 0, 5e8, time.UTC)), "%v", st.first)
	fi, err = os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	e, ok := j.lookup(keyOf("a.jpg", 1, ""))
	require.True(t, ok)
	assert.Equal(t, u.URL, e.upload.URL, "the original's upload, not the reference's")
	assert.True(t, u.ExpiresAt.Equal(e.upload.ExpiresAt))
	e, ok = j.lookup(keyOf("b.jpg", 1, ""))
	require.True(t, ok)
	assert.Empty(t, e.upload.URL, "an ended file keeps no URL in memory")
	assert.Equal(t, map[string]bool{"1": true}, j.jobIDs())
}

func TestPrinterNeverPrintsUploads(t *testing.T) {
	t.Parallel()
	r := record{File: "a.jpg", JobID: "1", State: stateCreated, Uploads: []journalUpload{{Slot: authenta.SlotOriginal, URL: "https://bucket.test/a?X-Amz-Signature=abc"}}}
	for _, asJSON := range []bool{true, false} {
		var out bytes.Buffer
		require.NoError(t, newPrinter(&out, asJSON).print(r))
		assert.NotContains(t, out.String(), "X-Amz-Signature")
		assert.NotContains(t, out.String(), "bucket.test")
	}
}

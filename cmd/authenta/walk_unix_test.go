//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBatchOverHostileTree: a FIFO, a link to itself, a dangling link, a
// link to the folder it is in, a folder nobody may list and a file nobody
// may read. The walk never blocks nor loops; each is counted as skipped,
// except the unreadable file, which fails on its own line (no job made,
// judged again next time) while the batch goes on.
func TestBatchOverHostileTree(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.jpg"), "a photo")
	require.NoError(t, syscall.Mkfifo(filepath.Join(root, "fifo.jpg"), 0o600))
	require.NoError(t, os.Symlink("loop.jpg", filepath.Join(root, "loop.jpg")))
	require.NoError(t, os.Symlink("missing.jpg", filepath.Join(root, "dangling.jpg")))
	require.NoError(t, os.Symlink(root, filepath.Join(root, "up")))
	asRoot := os.Geteuid() == 0 // permissions do not stop root
	closed := filepath.Join(root, "closed")
	writeFile(t, filepath.Join(closed, "b.jpg"), "another photo")
	secret := filepath.Join(root, "secret.jpg")
	writeFile(t, secret, "a private photo")
	if !asRoot {
		require.NoError(t, os.Chmod(closed, 0))
		require.NoError(t, os.Chmod(secret, 0))
		t.Cleanup(func() { _ = os.Chmod(closed, 0o755) }) // so TempDir can remove it
	}

	var sk skipped
	var taken []string
	w := &walker{warn: func(string, ...any) {}}
	require.NoError(t, w.walk(t.Context(), []string{root}, &sk, func(it item) error {
		taken = append(taken, it.rel)
		return nil
	}))
	assert.Equal(t, 2, sk.special, "the FIFO and the link to a folder")
	if asRoot {
		assert.Equal(t, []string{"a.jpg", "closed/b.jpg", "secret.jpg"}, taken)
		assert.Equal(t, 2, sk.unreadable, "the two broken links")
		return
	}
	assert.Equal(t, []string{"a.jpg", "secret.jpg"}, taken)
	assert.Equal(t, 3, sk.unreadable, "the two broken links and the closed folder")

	journal := filepath.Join(t.TempDir(), "j.ndjson")
	r := cli(t, nil, append(append([]string{"-offline"}, fast...), "batch", "-json", "-o", journal, root)...)
	require.Equal(t, exitFailed, r.code, r.stderr)
	assert.Contains(t, r.stderr, "1 judged (0 fake), 1 failed")
	assert.Contains(t, r.stderr, "skipped 5 (2 not regular files, 3 unreadable)")
	recs := ndjson(t, r.stdout)
	require.Len(t, recs, 2)
	for _, rec := range recs {
		if rec.File == secret {
			assert.Equal(t, stateFailed, rec.State)
			assert.Empty(t, rec.JobID, "no job is made for a file that cannot be read")
			assert.Equal(t, nextAgain, rec.Next)
			assert.Contains(t, rec.Error, "permission denied")
		} else {
			assert.Equal(t, stateJudged, rec.State, rec.File)
		}
	}
}

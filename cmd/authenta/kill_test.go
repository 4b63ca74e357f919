//go:build unix

package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go/authentatest"
)

// TestKillNineNeverPaysTwice kills the batch with SIGKILL at random moments,
// reruns the same command until it finishes, and checks that every file
// was judged exactly once, by exactly one job, the only job the journal
// ever names for it: a kill mid-upload is finished on the same job. The
// only other jobs are the ones no client can account for: created by the
// server, killed before the journal named them (at most -j per kill),
// never uploaded to, never finalized, never charged. The fake platform
// runs in the test process, so that it outlives every run of the command.
func TestKillNineNeverPaysTwice(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t,
		authentatest.WithJobHook(offlineVerdicts),
		// Uploads and creates take a little while, so that kills land
		// inside them too, not only between calls.
		authentatest.WithLatency(authentatest.RouteUpload, 3*time.Millisecond),
		authentatest.WithLatency(authentatest.RouteCreate, time.Millisecond),
	)
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}
	dir := t.TempDir()
	files := makeFiles(t, dir, 120, 10)
	journal := filepath.Join(t.TempDir(), "results.ndjson")

	const kills, workers = 8, 8
	killed, runs := 0, 0
	var last result
	for ; runs < kills+20; runs++ {
		cmd := exec.Command(bin, args(fast, []string{"batch", "-j", strconv.Itoa(workers), "-o", journal, dir})...)
		cmd.Env = cleanEnv(env)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		require.NoError(t, cmd.Start())
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		var err error
		if runs < kills {
			select {
			case err = <-exited:
			case <-time.After(time.Duration(3+rand.IntN(40)) * time.Millisecond):
				_ = cmd.Process.Signal(syscall.SIGKILL)
				err = <-exited
			}
		} else {
			err = <-exited
		}
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed++
			continue
		}
		last = result{out.String(), errOut.String(), cmd.ProcessState.ExitCode()}
		assert.NotContains(t, last.stderr, "X-Amz-Signature", "stderr shows no presigned URL")
		assert.NotContains(t, last.stdout, "X-Amz-Signature", "stdout shows no upload URL")
		if err == nil || last.code == exitFake {
			break
		}
		t.Logf("run %d ended %d: %s", runs, last.code, last.stderr)
	}
	require.Positive(t, killed, "no run was killed: the test proved nothing")
	if last.code != exitFake {
		b, _ := os.ReadFile(journal)
		t.Logf("journal:\n%s", b)
	}
	require.Equal(t, exitFake, last.code, "the last run finishes with every file judged (some fake): %s", last.stderr)
	t.Logf("%d runs, %d killed", runs+1, killed)
	fi, err := os.Stat(journal)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the journal holds upload URLs: its owner's only")

	// The journal: every file judged exactly once, judged last, and no
	// line ever names a second job for it (nothing failed, nothing was
	// replaced).
	body, err := os.ReadFile(journal)
	require.NoError(t, err)
	judged := map[string][]string{} // file -> job IDs of its judged lines
	named := map[string]map[string]bool{}
	lastState := map[string]string{}
	journaled := map[string]bool{} // job IDs the journal names
	for _, r := range ndjson(t, string(body)) {
		assert.NotEqual(t, stateFailed, r.State, "%s failed: %s", r.File, r.Error)
		if r.State == stateJudged {
			judged[r.File] = append(judged[r.File], r.JobID)
		}
		if r.State == stateCreated {
			assert.NotEmpty(t, r.Uploads, "%s: the created line keeps the upload URL", r.File)
		}
		if named[r.File] == nil {
			named[r.File] = map[string]bool{}
		}
		named[r.File][r.JobID] = true
		journaled[r.JobID] = true
		lastState[r.File] = r.State
	}
	for _, f := range files {
		assert.Len(t, judged[f], 1, "%s judged %d times", f, len(judged[f]))
		assert.Len(t, named[f], 1, "%s: the journal names one job only", f)
		assert.Equal(t, stateJudged, lastState[f], f)
	}

	// The platform: exactly one finalized (paid) job per file, the one the
	// journal names. Every other job is an orphan of a kill that beat the
	// create answer to the journal: unnamed, never uploaded to, never
	// finalized, never charged, and left alone (not deleted).
	finalized := map[string][]authentatest.JobInfo{}
	orphans := 0
	for _, j := range srv.Jobs() {
		name := j.Inputs[0].FileName
		puts := 0
		for _, u := range j.Uploads {
			puts += u.PUTs
		}
		assert.False(t, j.Deleted, "job %s was deleted: only a replaced job is, and none should be", j.ID)
		if j.Finalized {
			finalized[name] = append(finalized[name], j)
			continue
		}
		orphans++
		assert.False(t, journaled[j.ID], "job %s is named by the journal but never finalized", j.ID)
		assert.Zero(t, puts, "job %s got an upload but was never finalized", j.ID)
		assert.Zero(t, j.Charged, "job %s was charged without being finalized", j.ID)
	}
	for _, f := range files {
		fin := finalized[filepath.Base(f)]
		require.Len(t, fin, 1, "%s: %d paid jobs", f, len(fin))
		assert.Equal(t, fin[0].ID, judged[f][0], "%s: the journal names the paid job", f)
		assert.Positive(t, fin[0].Charged)
	}
	assert.LessOrEqual(t, orphans, killed*workers, "each kill orphans at most the -j creates in flight")
	// The last run names the orphans of files it found with no job (only
	// those: a file a killed rerun took up has a job by now), and nothing
	// else.
	if _, named, ok := strings.Cut(last.stderr, "`authenta jobs delete ID` for each of "); ok {
		named, _, _ = strings.Cut(named, "\n")
		for _, id := range strings.Fields(named) {
			info, ok := srv.Job(id)
			assert.True(t, ok && !info.Finalized && !info.Deleted, "job %s named as an orphan", id)
		}
		t.Logf("the last run named %d orphans", len(strings.Fields(named)))
	}
	assert.Len(t, srv.Jobs(), len(files)+orphans)

	// Window (a) at work: a job sent its file after a rerun's GET found it
	// pending with its upload cut.
	require.Zero(t, srv.Dropped())
	got := map[string]bool{}
	sentAgain := map[string]bool{}
	for _, q := range srv.Requests() {
		switch q.Route {
		case authentatest.RouteGet:
			got[q.JobID] = true
		case authentatest.RouteUpload:
			if got[q.JobID] {
				sentAgain[q.JobID] = true
			}
		}
	}
	t.Logf("%d orphans (created, killed before the journal named them; never uploaded to, never charged) over %d kills; %d cut uploads sent again to the same job", orphans, killed, len(sentAgain))
}

// TestInterruptKeepsJobsForTheNextRun: SIGINT stops the batch promptly,
// keeps the jobs in flight (their "created" lines stand), and the next run
// finishes them without making new ones.
func TestInterruptKeepsJobsForTheNextRun(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithSchedule(authentatest.Schedule{ProcessingFor: 300 * time.Millisecond}))
	env := []string{"AUTHENTA_API_KEY=" + srv.APIKey(), "AUTHENTA_BASE_URL=" + srv.URL}
	dir := t.TempDir()
	files := makeFiles(t, dir, 12, 0)
	journal := filepath.Join(t.TempDir(), "j.ndjson")

	cmd := exec.Command(bin, args(fast, []string{"batch", "-j", "4", "-o", journal, dir})...)
	cmd.Env = cleanEnv(env)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	require.NoError(t, cmd.Start())
	// Wait until jobs are in flight: four created lines.
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(journal)
		return bytes.Count(b, []byte(`"state":"created"`)) >= 4
	}, 10*time.Second, 2*time.Millisecond)
	start := time.Now()
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	require.Error(t, err)
	assert.Equal(t, exitFailed, cmd.ProcessState.ExitCode(), errOut.String())
	assert.Less(t, time.Since(start), 2*time.Second, "an interrupt stops the batch promptly")
	assert.Contains(t, errOut.String(), "run the same command again to resume")
	for _, j := range srv.Jobs() {
		// An interrupt removes only jobs caught in their upload (never
		// finalized); the journal names the others.
		assert.True(t, !j.Deleted || !j.Finalized, "job %s", j.ID)
	}
	require.NotEmpty(t, srv.Jobs())
	judgedBefore := len(judgedFiles(t, journal))

	r := cli(t, env, args(fast, []string{"batch", "-j", "4", "-json", "-o", journal, dir})...)
	require.Equal(t, exitOK, r.code, r.stderr)
	paid := map[string]int{}
	for _, j := range srv.Jobs() {
		if j.Finalized {
			paid[j.Inputs[0].FileName]++
		} else {
			assert.True(t, j.Deleted, "job %s was left behind", j.ID)
		}
	}
	assert.Len(t, paid, len(files))
	for f, n := range paid {
		assert.Equal(t, 1, n, "%s paid %d times", f, n)
	}
	assert.Len(t, ndjson(t, r.stdout), len(files)-judgedBefore)
	judged := judgedFiles(t, journal)
	assert.Len(t, judged, len(files))
	for f, n := range judged {
		assert.Equal(t, 1, n, "%s judged %d times", f, n)
	}
}

// judgedFiles counts the judged lines of a journal by file.
func judgedFiles(t *testing.T, journal string) map[string]int {
	t.Helper()
	b, err := os.ReadFile(journal)
	require.NoError(t, err)
	seen := map[string]int{}
	for _, r := range ndjson(t, string(b)) {
		if r.State == stateJudged {
			seen[r.File]++
		}
	}
	return seen
}

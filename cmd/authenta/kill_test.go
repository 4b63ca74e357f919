//go:build unix

package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go/authentatest"
)

// TestKillNineNeverPaysTwice kills the batch with SIGKILL at random moments,
// reruns the same command until it finishes, and checks that every file
// was judged exactly once and paid for exactly once. The fake platform
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

	const kills = 8
	killed, runs := 0, 0
	var last result
	for ; runs < kills+20; runs++ {
		cmd := exec.Command(bin, args(fast, []string{"batch", "-j", "8", "-o", journal, dir})...)
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

	// The journal: every file judged exactly once, and judged last. A
	// failed line is only ever one a rerun takes up again (a job replaced
	// after a kill caught it mid-upload).
	body, err := os.ReadFile(journal)
	require.NoError(t, err)
	judged := map[string][]string{} // file -> job IDs of its judged lines
	lastState := map[string]string{}
	for _, r := range ndjson(t, string(body)) {
		if r.State == stateFailed {
			assert.Equal(t, nextAgain, r.Next, "%s failed for good: %s", r.File, r.Error)
		}
		if r.State == stateJudged {
			judged[r.File] = append(judged[r.File], r.JobID)
		}
		lastState[r.File] = r.State
	}
	for _, f := range files {
		assert.Len(t, judged[f], 1, "%s judged %d times", f, len(judged[f]))
		assert.Equal(t, stateJudged, lastState[f], f)
	}

	// The platform: exactly one finalized (paid) job per file, the one the
	// journal names. Any other job of a file was never finalized, so never
	// charged: one the kill caught mid-upload (the rerun removed it and made
	// a new one), or one whose create answer the kill beat to the journal.
	finalized := map[string][]authentatest.JobInfo{}
	extra, orphans := 0, 0
	for _, j := range srv.Jobs() {
		name := j.Inputs[0].FileName
		if j.Finalized {
			finalized[name] = append(finalized[name], j)
			continue
		}
		extra++
		if !j.Deleted {
			orphans++
		}
		assert.Zero(t, j.Charged, "job %s was charged without being finalized", j.ID)
	}
	for _, f := range files {
		fin := finalized[filepath.Base(f)]
		require.Len(t, fin, 1, "%s: %d paid jobs", f, len(fin))
		assert.Equal(t, fin[0].ID, judged[f][0], "%s: the journal names the paid job", f)
		assert.Positive(t, fin[0].Charged)
	}
	t.Logf("%d jobs that were never finalized (never charged): %d removed by a rerun, %d left pending (the kill beat the create answer to the journal)", extra, extra-orphans, orphans)
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

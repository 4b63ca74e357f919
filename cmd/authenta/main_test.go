package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// bin is the command built once for the package's tests: they run the
// real binary, as a user would, not main() in process.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "authenta-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "authenta")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// cli runs the binary with args; env entries ("K=V") are added to an
// environment cleared of every AUTHENTA_ and JOB_COMPLETION_INDEX
// variable. Neither stream is a terminal.
func cli(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = cleanEnv(env)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %v: %v", args, err)
	}
	return result{out.String(), errOut.String(), code}
}

func cleanEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AUTHENTA_") || strings.HasPrefix(kv, envShardIndex+"=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// ndjson parses every line of s as a record; it fails the test on a line
// that is not one.
func ndjson(t *testing.T, s string) []record {
	t.Helper()
	var recs []record
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("not a JSON line: %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}

// sample is a file of examples/testdata.
func sample(name string) string { return filepath.Join("..", "..", "examples", "testdata", name) }

// makeFiles writes n small media files under dir (images, videos, audio
// and PDFs in turn, one in fakeEvery named "fake"), spread over
// subfolders, plus files no task takes. It returns the media files' paths.
func makeFiles(t *testing.T, dir string, n, fakeEvery int) []string {
	t.Helper()
	exts := []string{".jpg", ".png", ".mp4", ".wav", ".pdf", ".mp3"}
	var paths []string
	for i := range n {
		name := fmt.Sprintf("f%04d", i)
		if fakeEvery > 0 && i%fakeEvery == 0 {
			name += "-fake"
		}
		p := filepath.Join(dir, fmt.Sprintf("d%d", i%7), name+exts[i%len(exts)])
		writeFile(t, p, fmt.Sprintf("media %d %s", i, strings.Repeat("x", i%50)))
		paths = append(paths, p)
	}
	writeFile(t, filepath.Join(dir, "README.txt"), "not media")
	writeFile(t, filepath.Join(dir, "d1", "anim.gif"), "GIF89a")
	writeFile(t, filepath.Join(dir, "d2", "empty.jpg"), "")
	return paths
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fast are the global flags that make a run against a fake poll at
// millisecond scale.
var fast = []string{"-poll", "1ms", "-poll-max", "5ms"}

func args(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

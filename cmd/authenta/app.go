package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/phospheneai/authenta-go"
)

// Exit statuses. A usage error wins over everything; then a failed file;
// then a file judged fake.
const (
	exitOK     = 0
	exitFailed = 1 // any file failed, or the command could not complete
	exitUsage  = 2 // bad flags or arguments, or no API key
	exitFake   = 3 // every file judged, at least one fake
)

// env is what the process gives the command: the environment, the
// standard streams and whether they are terminals. Tests build their own.
type env struct {
	getenv         func(string) string
	stdout, stderr io.Writer
	stdoutTTY      bool // print the human table with padding
	stderrTTY      bool // draw progress bars
	// sameTTY: stdout and stderr are one terminal, so that results must be
	// printed above the progress bars, not through them.
	sameTTY bool
}

func newEnv() env {
	e := env{
		getenv:    os.Getenv,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
	if e.stdoutTTY && e.stderrTTY {
		o, oerr := os.Stdout.Stat()
		r, rerr := os.Stderr.Stat()
		e.sameTTY = oerr == nil && rerr == nil && os.SameFile(o, r)
	}
	return e
}

// app is one run of the command: the global flags and the connection.
type app struct {
	env
	offline bool
	wait    authenta.WaitOptions
	verbose bool
	// bars, while progress bars are drawn: notes, logs and (on the same
	// terminal) results are printed above them, not through them.
	drawing atomic.Pointer[bars]
}

// errOut is where notes and logs go: stderr, above the bars if any.
func (a *app) errOut() io.Writer {
	if b := a.drawing.Load(); b != nil {
		return b
	}
	return a.stderr
}

// stderrWriter is errOut as an io.Writer that follows the bars' coming
// and going (for the SDK's logger, made before the bars).
type stderrWriter struct{ a *app }

func (w stderrWriter) Write(p []byte) (int, error) { return w.a.errOut().Write(p) }

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// command is a subcommand: its name, a one-line summary for the root
// usage, and what runs it. run returns the exit status; an error is
// printed on stderr (a usage error with exit status 2).
type command struct {
	name, summary string
	run           func(ctx context.Context, a *app, args []string) (int, error)
}

func commands() []command {
	return []command{
		{"detect", "run one file through a detection model and print the verdict", runDetect},
		{"batch", "run folders of files, resumably, with a journal, progress and shards", runBatch},
		{"jobs", "list, get, wait for, fetch the result of, cancel or delete jobs", runJobs},
		{"faces", "enrol faces as subjects, list them, search a photo against them", runFaces},
		{"tasks", "list the task types (models) and the file types they take", runTasks},
	}
}

// run parses the global flags, finds the command and runs it. It returns
// the process exit status.
func run(ctx context.Context, args []string, e env) int {
	a := &app{env: e}
	fs := flag.NewFlagSet("authenta", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&a.offline, "offline", false, "use the embedded fake platform (package authentatest): no key, no network, no credits")
	fs.DurationVar(&a.wait.MinInterval, "poll", 0, "first delay between polls of a job (default 500ms; 2ms with -offline)")
	fs.DurationVar(&a.wait.MaxInterval, "poll-max", 0, "longest delay between polls of a job (default 5s; 20ms with -offline)")
	fs.BoolVar(&a.verbose, "v", false, "log each request on stderr (never the key or presigned URLs)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			rootUsage(e.stdout, fs)
			return exitOK
		}
		fmt.Fprintln(e.stderr, "authenta:", err)
		rootUsage(e.stderr, fs)
		return exitUsage
	}
	if a.wait.MinInterval < 0 || a.wait.MaxInterval < 0 {
		fmt.Fprintln(e.stderr, "authenta: -poll and -poll-max must not be negative")
		return exitUsage
	}
	if a.offline {
		if a.wait.MinInterval == 0 {
			a.wait.MinInterval = 2 * time.Millisecond
		}
		if a.wait.MaxInterval == 0 {
			a.wait.MaxInterval = 20 * time.Millisecond
		}
	}
	if a.wait.MaxInterval > 0 && a.wait.MinInterval > a.wait.MaxInterval {
		a.wait.MaxInterval = a.wait.MinInterval
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprintln(e.stderr, "authenta: name a command")
		rootUsage(e.stderr, fs)
		return exitUsage
	}
	name, rest := rest[0], rest[1:]
	if name == "help" {
		return a.help(fs, rest)
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		code, err := c.run(ctx, a, rest)
		if err == nil {
			return code
		}
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(e.stderr, "authenta %s: %v\n", name, err)
			fmt.Fprintf(e.stderr, "Run 'authenta %s -help' for its usage.\n", name)
			return exitUsage
		}
		fmt.Fprintf(e.stderr, "authenta %s: %v\n", name, err)
		if code == exitOK {
			code = exitFailed
		}
		return code
	}
	fmt.Fprintf(e.stderr, "authenta: unknown command %q\n", name)
	rootUsage(e.stderr, fs)
	return exitUsage
}

// help prints the root usage, or a command's: "authenta help batch".
func (a *app) help(fs *flag.FlagSet, args []string) int {
	if len(args) == 0 {
		rootUsage(a.stdout, fs)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			code, _ := c.run(context.Background(), a, []string{"-help"})
			return code
		}
	}
	fmt.Fprintf(a.stderr, "authenta help: unknown command %q\n", args[0])
	return exitUsage
}

func rootUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `authenta: deepfake detection with the Authenta API, from the command line.

Usage:
  authenta [global flags] <command> [command flags] [arguments]

Global flags come before the command, the command's flags before its
arguments (as Go's flag package parses them).

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `  help     print this, or a command's usage: authenta help batch

Global flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprintf(w, `
Environment:
  %s   the API key (required unless -offline); there is no flag for it,
                     so that it never lands in shell history or a process list
  %s  the API base URL (default %s)

Output:
  Results go to stdout: a table, or NDJSON with -json (one object per file,
  "verdict" first, then "file", "jobId", ...). Progress bars (only when
  stderr is a terminal), notes and errors go to stderr.

Exit status:
  2 usage error (or no API key); else 1 when any file failed; else 3 when
  any file was judged fake; else 0.

Examples:
  authenta detect photo.jpg
  authenta detect -json -task DF-1 clip.mp4 | jq .verdict
  authenta batch -j 8 -rate 5 -o results.ndjson ./uploads
  authenta batch -shard 0/4 -o shard-0.ndjson /data/uploads
  authenta -offline batch ./uploads
  authenta jobs list -status processing
`, authenta.EnvAPIKey, authenta.EnvBaseURL, authenta.DefaultBaseURL)
}

// newFlags makes a command's flag set: errors and usage go to stderr, and
// -help prints the full usage on stdout (exit status 0).
func (a *app) newFlags(name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("authenta "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := a.stdout
		fmt.Fprintf(w, "Usage:\n  authenta [global flags] %s\n\n%s\n", synopsis, strings.TrimSpace(about))
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprint(w, "\nFlags:\n")
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	return fs
}

// parse parses a command's flags. It returns done when -help was asked
// (the usage has been printed; exit status 0).
func parse(fs *flag.FlagSet, args []string) (done bool, err error) {
	// The flag package prints the usage on any error; print it only when
	// asked, and once.
	usage := fs.Usage
	fs.Usage = func() {}
	err = fs.Parse(args)
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
			return true, nil
		}
		return false, &usageError{err.Error()}
	}
	return false, nil
}

// note prints a line on stderr (above the bars, when they are drawn).
func (a *app) note(format string, args ...any) {
	fmt.Fprintf(a.errOut(), "authenta: "+format+"\n", args...)
}

// writeJSONLine prints v on stdout as one line of NDJSON.
func writeJSONLine(a *app, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(append(b, '\n'))
	return err
}

// Command batch runs every media file of a folder through Authenta with a
// bounded number of concurrent workers: one line per file, then a summary.
// A file that fails does not stop the others.
//
//	go run ./examples/batch [-workers 4] [-task AC-1] DIR
//
// With AUTHENTA_API_KEY set it talks to the real service; without it, it
// starts the embedded fake platform (package authentatest) and says so.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"sync"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code, err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "batch:", err)
	}
	os.Exit(code)
}

// outcome is what happened to one file.
type outcome struct {
	name    string
	task    authenta.TaskType
	verdict string
	fake    bool
	err     error
	done    chan struct{}
}

// run returns the process exit code: 0 when every file was analysed, 1 when
// some failed, 2 when the batch could not run at all.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	workers := fs.Int("workers", 4, "files analysed at once")
	taskName := fs.String("task", "", "task type for every file (default: chosen per file type)")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() != 1 || *workers < 1 {
		return 2, errors.New("usage: batch [-workers N>0] [-task AC-1] DIR")
	}
	entries, err := os.ReadDir(fs.Arg(0))
	if err != nil {
		return 2, err
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			files = append(files, filepath.Join(fs.Arg(0), e.Name()))
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		return 2, fmt.Errorf("no files in %s", fs.Arg(0))
	}
	client, done, err := demo.Connect(getenv, stdout)
	if err != nil {
		return 2, err
	}
	defer done()

	// Workers take files from a channel; the main goroutine prints results
	// in the folder's order as soon as each one and those before it are in.
	outcomes := make([]*outcome, len(files))
	work := make(chan int)
	for i, f := range files {
		outcomes[i] = &outcome{name: filepath.Base(f), done: make(chan struct{})}
	}
	var wg sync.WaitGroup
	for range min(*workers, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				analyse(ctx, client, *taskName, files[i], outcomes[i])
			}
		}()
	}
	go func() {
		defer close(work)
		for i := range files {
			select {
			case work <- i:
			case <-ctx.Done():
				for _, o := range outcomes[i:] {
					o.err = ctx.Err()
					close(o.done)
				}
				return
			}
		}
	}()

	var ok, fakes, failed int
	for _, o := range outcomes {
		<-o.done
		switch {
		case o.err != nil:
			failed++
			fmt.Fprintf(stdout, "%-16s  error: %v\n", o.name, o.err)
		default:
			ok++
			if o.fake {
				fakes++
			}
			fmt.Fprintf(stdout, "%-16s  %-5s  %s\n", o.name, o.task.Model, o.verdict)
		}
	}
	wg.Wait()
	fmt.Fprintf(stdout, "%d files: %d analysed (%d fake, %d real), %d failed\n", len(files), ok, fakes, ok-fakes, failed)
	if failed > 0 {
		return 1, nil
	}
	return 0, nil
}

func analyse(ctx context.Context, client *authenta.Client, taskName, file string, o *outcome) {
	defer close(o.done)
	o.task, o.err = demo.TaskFor(taskName, file)
	if o.err != nil {
		return
	}
	d, err := client.Detect(ctx, o.task, file, nil)
	if err != nil {
		o.err = err
		return
	}
	o.verdict = demo.Verdict(d.Result)
	o.fake = d.Result.Verdict() == authenta.VerdictFake
}

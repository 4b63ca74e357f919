// Command detect runs one file through an Authenta detection model and
// prints the verdict.
//
//	go run ./examples/detect [-task AC-1] [-json] FILE
//
// With AUTHENTA_API_KEY set it talks to the real service; without it, it
// starts the embedded fake platform (package authentatest) and says so.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(demo.Exit("detect", err, os.Stderr))
}

// report is the -json output.
type report struct {
	File     string          `json:"file"`
	Task     string          `json:"task"`
	JobID    string          `json:"jobId"`
	Status   string          `json:"status"`
	Verdict  string          `json:"verdict"`
	Seconds  float64         `json:"seconds"`
	Result   json.RawMessage `json:"result"`
	Fake     *bool           `json:"isDeepFake,omitempty"`
	RealConf *float64        `json:"realConfidencePercent,omitempty"`
}

const usage = `usage: detect [-task T] [-json] [-timeout D] FILE

Runs FILE through an Authenta detection model and prints the verdict.
With $AUTHENTA_API_KEY set it uses the real service; without it, the
embedded fake platform (said on stderr). Exit status: 0 done, 1 failed,
2 usage error.

flags:
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("detect", flag.ContinueOnError)
	taskName := fs.String("task", "", "task type: ID, slug or model code (default: chosen from the file type)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	timeout := fs.Duration("timeout", 0, "give up after this long (default: the task's server timeout)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := demo.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return demo.Usagef("need exactly one file, got %d arguments", fs.NArg())
	}
	file := fs.Arg(0)
	task, err := demo.TaskFor(*taskName, file)
	if err != nil {
		return err
	}
	client, done, err := demo.Connect(getenv, stderr)
	if err != nil {
		return err
	}
	defer done()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}

	start := time.Now()
	d, err := client.Detect(ctx, task, file, nil)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report{
			File: filepath.Base(file), Task: task.Model, JobID: d.Job.ID, Status: string(d.Job.Status),
			Verdict: demo.Verdict(d.Result), Seconds: took.Round(time.Millisecond).Seconds(),
			Result: d.Result.Raw, Fake: d.Result.IsDeepFake, RealConf: d.Result.RealConfidencePercent,
		})
	}
	fmt.Fprintf(stdout, "%s: %s\n", filepath.Base(file), task.Name+" ("+task.Model+")")
	fmt.Fprintf(stdout, "verdict: %s\n", demo.Verdict(d.Result))
	fmt.Fprintf(stdout, "job %s %s in %s\n", d.Job.ID, d.Job.Status, took.Round(time.Millisecond))
	return nil
}

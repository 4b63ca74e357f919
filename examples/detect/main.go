// Command detect runs one file through an Authenta detection model and
// prints the verdict, the probability that the file is fake, and, with
// -evidence DIR, where the job's artifacts (heatmaps, the result document,
// the input) were saved.
//
//	go run ./examples/detect [-task AC-1] [-json] [-evidence DIR] FILE
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

	"github.com/phospheneai/authenta-go"
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
	File        string           `json:"file"`
	Task        string           `json:"task"`
	JobID       string           `json:"jobId"`
	Status      string           `json:"status"`
	Verdict     authenta.Verdict `json:"verdict"`
	Probability *float64         `json:"fakeProbability,omitempty"`
	Summary     string           `json:"summary"`
	Evidence    []string         `json:"evidence,omitempty"`
	Seconds     float64          `json:"seconds"`
	Result      json.RawMessage  `json:"result"`
	Fake        *bool            `json:"isDeepFake,omitempty"`
	RealConf    *float64         `json:"realConfidencePercent,omitempty"`
}

const usage = `usage: detect [-task T] [-json] [-timeout D] [-evidence DIR] FILE

Runs FILE through an Authenta detection model and prints the verdict
(and, with -evidence, saves the job's artifacts into DIR).
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
	evidence := fs.String("evidence", "", "save the job's artifacts (heatmaps, result, input) into this directory")
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
	var saved []string
	if *evidence != "" {
		if saved, err = client.Jobs.SaveArtifacts(ctx, d.Job, *evidence); err != nil {
			return fmt.Errorf("save the evidence of job %s: %w", d.Job.ID, err)
		}
	}
	verdict := d.Result.Verdict()
	var prob *float64
	if p, ok := d.Result.FakeProbability(); ok {
		prob = &p
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report{
			File: filepath.Base(file), Task: task.Model, JobID: d.Job.ID, Status: string(d.Job.Status),
			Verdict: verdict, Probability: prob, Summary: demo.Verdict(d.Result), Evidence: saved,
			Seconds: took.Round(time.Millisecond).Seconds(),
			Result:  d.Result.Raw, Fake: d.Result.IsDeepFake, RealConf: d.Result.RealConfidencePercent,
		})
	}
	fmt.Fprintf(stdout, "%s: %s\n", filepath.Base(file), task.Name+" ("+task.Model+")")
	fmt.Fprintf(stdout, "verdict: %s\n", verdict)
	if prob != nil {
		fmt.Fprintf(stdout, "probability of fake: %.1f%%\n", *prob*100)
	}
	fmt.Fprintf(stdout, "details: %s\n", demo.Verdict(d.Result))
	if *evidence != "" {
		fmt.Fprintf(stdout, "evidence: %d files in %s\n", len(saved), *evidence)
		for _, p := range saved {
			fmt.Fprintf(stdout, "  %s\n", p)
		}
	}
	fmt.Fprintf(stdout, "job %s %s in %s\n", d.Job.ID, d.Job.Status, took.Round(time.Millisecond))
	return nil
}

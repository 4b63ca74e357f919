// Command jobs lists, shows, cancels and deletes Authenta jobs.
//
//	go run ./examples/jobs list [-status completed] [-limit 20]
//	go run ./examples/jobs get ID
//	go run ./examples/jobs cancel ID
//	go run ./examples/jobs delete ID
//
// With AUTHENTA_API_KEY set it talks to the real service. Without it, it
// starts the embedded fake platform, says so, creates a few jobs there, and
// then runs the command (or, with none, a tour of all four).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "jobs:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	real := strings.TrimSpace(getenv(authenta.EnvAPIKey)) != ""
	if len(args) == 0 && real {
		args = []string{"list"}
	}
	client, done, err := demo.Connect(getenv, stdout)
	if err != nil {
		return err
	}
	defer done()
	if !real {
		ids, err := seed(ctx, client)
		if err != nil {
			return fmt.Errorf("seed the fake: %w", err)
		}
		if len(args) == 0 {
			return tour(ctx, client, ids, stdout)
		}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "list":
		fs := flag.NewFlagSet("list", flag.ContinueOnError)
		fs.SetOutput(stderr)
		status := fs.String("status", "", "only jobs in this status (pending, queued, processing, completed, failed, cancelled)")
		limit := fs.Int("limit", 0, "at most this many jobs (default: all)")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return list(ctx, client, authenta.Status(*status), *limit, stdout)
	case "get", "cancel", "delete":
		if len(rest) != 1 {
			return fmt.Errorf("usage: jobs %s ID", cmd)
		}
		return act(ctx, client, cmd, rest[0], stdout)
	}
	return fmt.Errorf("unknown command %q: want list, get, cancel or delete", cmd)
}

// seed gives the fake something to show: three completed jobs and one
// created but never finalized (the only kind that can still be cancelled).
func seed(ctx context.Context, client *authenta.Client) (ids []string, err error) {
	for _, f := range []string{"photo.jpg", "deepfake.jpg", "voice.wav"} {
		d, err := client.Detect(ctx, mustTask(f), demo.Sample(f), &authenta.DetectOptions{Wait: &authenta.WaitOptions{MinInterval: 10 * time.Millisecond}})
		if err != nil {
			return nil, err
		}
		ids = append(ids, d.Job.ID)
	}
	created, err := client.Jobs.Create(ctx, &authenta.JobRequest{
		TaskType: authenta.FaceSwapDetection,
		Inputs:   []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "interview.mp4", ContentType: "video/mp4", Size: 1 << 20}},
	})
	if err != nil {
		return nil, err
	}
	return append(ids, created.Job.ID), nil
}

func mustTask(file string) authenta.TaskType {
	t, err := demo.TaskFor("", file)
	if err != nil {
		panic(err)
	}
	return t
}

func tour(ctx context.Context, client *authenta.Client, ids []string, w io.Writer) error {
	pending := ids[len(ids)-1]
	steps := []struct {
		title string
		do    func() error
	}{
		{"$ jobs list", func() error { return list(ctx, client, "", 0, w) }},
		{"$ jobs get " + ids[0], func() error { return act(ctx, client, "get", ids[0], w) }},
		{"$ jobs cancel " + pending, func() error { return act(ctx, client, "cancel", pending, w) }},
		{"$ jobs delete " + pending, func() error { return act(ctx, client, "delete", pending, w) }},
		{"$ jobs get " + pending, func() error { return act(ctx, client, "get", pending, w) }},
	}
	for _, s := range steps {
		fmt.Fprintln(w, s.title)
		if err := s.do(); err != nil {
			return err
		}
	}
	return nil
}

// list prints every job, fetching pages lazily as the loop advances.
func list(ctx context.Context, client *authenta.Client, status authenta.Status, limit int, w io.Writer) error {
	n := 0
	for job, err := range client.Jobs.All(ctx, &authenta.ListOptions{Status: status}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-8s %-10s %-24s %s\n", job.ID, job.Status, taskName(job), job.CreatedAt.Format(time.RFC3339))
		if n++; limit > 0 && n >= limit {
			break // All stops fetching here
		}
	}
	fmt.Fprintf(w, "%d jobs\n", n)
	return nil
}

func taskName(j *authenta.Job) string {
	for _, t := range authenta.TaskTypes() {
		if t.ID == j.TaskTypeID {
			return t.Model + " " + t.Slug
		}
	}
	return j.TaskTypeSlug
}

func act(ctx context.Context, client *authenta.Client, cmd, id string, w io.Writer) error {
	switch cmd {
	case "get":
		job, err := client.Jobs.Get(ctx, id)
		if errors.Is(err, authenta.ErrJobNotFound) {
			fmt.Fprintf(w, "job %s: not found\n", id)
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "job %s: %s, %s, created %s\n", job.ID, job.Status, taskName(job), job.CreatedAt.Format(time.RFC3339))
		for _, in := range job.Inputs {
			fmt.Fprintf(w, "  input %-9s %s (%s, %d bytes)\n", in.Slot, in.FileName, in.ContentType, in.Size)
		}
		for _, a := range job.Artifacts {
			fmt.Fprintf(w, "  artifact %-7s %s\n", a.Kind, a.ContentType) // DownloadURL is a secret
		}
		if job.ErrorMessage != "" {
			fmt.Fprintf(w, "  error: %s\n", job.ErrorMessage)
		}
	case "cancel":
		job, err := client.Jobs.Cancel(ctx, id)
		if errors.Is(err, authenta.ErrConflict) {
			fmt.Fprintf(w, "job %s has started processing and can no longer be cancelled\n", id)
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "job %s: %s\n", job.ID, job.Status)
	case "delete":
		if err := client.Jobs.Delete(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(w, "job %s deleted\n", id)
	}
	return nil
}

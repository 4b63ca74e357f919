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
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(demo.Exit("jobs", err, os.Stderr))
}

const usage = `usage: jobs [-json] [COMMAND [flags] [ARGS]]

Lists, shows, cancels and deletes Authenta jobs. With $AUTHENTA_API_KEY set it
uses the real service (no command: list); without it, the embedded fake
platform with a few jobs made for the demo (said on stderr; no command: a
tour of every command).

commands:
  list [-status S] [-limit N]   list jobs, newest first; S is one of
                                pending, queued, processing, completed,
                                failed, cancelled
  get ID                        show one job
  cancel ID                     cancel a job that has not started processing
  delete ID                     delete a job and its media

Exit status: 0 done, 1 failed (e.g. no such job), 2 usage error.

flags:
`

// options are the command line, parsed before anything is sent.
type options struct {
	json   bool
	cmd    string
	id     string
	status authenta.Status
	limit  int
}

func parse(args []string, real bool, stdout, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("jobs", flag.ContinueOnError)
	fs.BoolVar(&o.json, "json", false, "print jobs as JSON, one object per line")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := demo.Parse(fs, args, stdout, stderr); err != nil {
		return nil, err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		if !real {
			return o, nil // the tour
		}
		rest = []string{"list"}
	}
	o.cmd, rest = rest[0], rest[1:]
	switch o.cmd {
	case "list":
		lf := flag.NewFlagSet("list", flag.ContinueOnError)
		status := lf.String("status", "", "only jobs in this status (pending, queued, processing, completed, failed, cancelled)")
		lf.IntVar(&o.limit, "limit", 0, "at most this many jobs (default: all)")
		lf.BoolVar(&o.json, "json", o.json, "print jobs as JSON, one object per line")
		lf.Usage = func() {
			fmt.Fprintln(lf.Output(), "usage: jobs list [-status S] [-limit N] [-json]")
			lf.PrintDefaults()
		}
		if err := demo.Parse(lf, rest, stdout, stderr); err != nil {
			return nil, err
		}
		if lf.NArg() > 0 {
			return nil, demo.Usagef("list takes no arguments, got %q", lf.Args())
		}
		if *status != "" {
			o.status = authenta.NormalizeStatus(*status)
			if !slices.Contains(statuses, o.status) {
				return nil, demo.Usagef("unknown status %q: want one of pending, queued, processing, completed, failed, cancelled", *status)
			}
		}
		if o.limit < 0 {
			return nil, demo.Usagef("negative -limit %d", o.limit)
		}
	case "get", "cancel", "delete":
		if len(rest) == 1 && (rest[0] == "-h" || rest[0] == "-help" || rest[0] == "--help") {
			fmt.Fprintf(stdout, "usage: jobs %s ID\n", o.cmd)
			return nil, flag.ErrHelp
		}
		if len(rest) != 1 {
			return nil, demo.Usagef("jobs %s ID: need exactly one job ID", o.cmd)
		}
		o.id = rest[0]
	default:
		return nil, demo.Usagef("unknown command %q: want list, get, cancel or delete", o.cmd)
	}
	return o, nil
}

var statuses = []authenta.Status{
	authenta.StatusPending, authenta.StatusQueued, authenta.StatusProcessing,
	authenta.StatusCompleted, authenta.StatusFailed, authenta.StatusCancelled,
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	real := strings.TrimSpace(getenv(authenta.EnvAPIKey)) != ""
	o, err := parse(args, real, stdout, stderr)
	if err != nil {
		return err
	}
	client, done, err := demo.Connect(getenv, stderr)
	if err != nil {
		return err
	}
	defer done()
	if !real {
		ids, err := seed(ctx, client)
		if err != nil {
			return fmt.Errorf("seed the fake: %w", err)
		}
		if o.cmd == "" {
			return tour(ctx, client, ids, stdout)
		}
	}
	p := printer{w: stdout, json: o.json}
	if o.cmd == "list" {
		return list(ctx, client, o.status, o.limit, p)
	}
	return act(ctx, client, o.cmd, o.id, p)
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
	p := printer{w: w}
	steps := []struct {
		title string
		do    func() error
	}{
		{"$ jobs list", func() error { return list(ctx, client, "", 0, p) }},
		{"$ jobs get " + ids[0], func() error { return act(ctx, client, "get", ids[0], p) }},
		{"$ jobs cancel " + pending, func() error { return act(ctx, client, "cancel", pending, p) }},
		{"$ jobs delete " + pending, func() error { return act(ctx, client, "delete", pending, p) }},
		{"$ jobs get " + pending, func() error { return act(ctx, client, "get", pending, p) }},
	}
	for _, s := range steps {
		fmt.Fprintln(w, s.title)
		if err := s.do(); err != nil {
			if errors.Is(err, authenta.ErrJobNotFound) {
				fmt.Fprintln(w, err) // the tour shows it and goes on
				continue
			}
			return err
		}
	}
	return nil
}

// printer writes jobs as text, or as JSON lines with -json.
type printer struct {
	w    io.Writer
	json bool
}

// jobLine is a job in the -json output.
type jobLine struct {
	ID        string          `json:"id"`
	Status    authenta.Status `json:"status"`
	TaskType  string          `json:"taskType"`
	CreatedAt time.Time       `json:"createdAt"`
	Inputs    []inputLine     `json:"inputs,omitempty"`
	Error     string          `json:"error,omitempty"`
}

type inputLine struct {
	Slot        string `json:"slot"`
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

func (p printer) job(j *authenta.Job, full bool) error {
	if p.json {
		l := jobLine{ID: j.ID, Status: j.Status, TaskType: taskName(j), CreatedAt: j.CreatedAt, Error: j.ErrorMessage}
		if full {
			for _, in := range j.Inputs {
				l.Inputs = append(l.Inputs, inputLine{in.Slot, in.FileName, in.ContentType, in.Size})
			}
		}
		return json.NewEncoder(p.w).Encode(l)
	}
	if !full {
		_, err := fmt.Fprintf(p.w, "%-8s %-10s %-24s %s\n", j.ID, j.Status, taskName(j), j.CreatedAt.Format(time.RFC3339))
		return err
	}
	fmt.Fprintf(p.w, "job %s: %s, %s, created %s\n", j.ID, j.Status, taskName(j), j.CreatedAt.Format(time.RFC3339))
	for _, in := range j.Inputs {
		fmt.Fprintf(p.w, "  input %-9s %s (%s, %d bytes)\n", in.Slot, in.FileName, in.ContentType, in.Size)
	}
	for _, a := range j.Artifacts {
		fmt.Fprintf(p.w, "  artifact %-7s %s\n", a.Kind, a.ContentType) // DownloadURL is a secret
	}
	if j.ErrorMessage != "" {
		fmt.Fprintf(p.w, "  error: %s\n", j.ErrorMessage)
	}
	return nil
}

// note writes a line of text; with -json, an object {"id":..., "message":...}.
func (p printer) note(id, msg string) {
	if p.json {
		_ = json.NewEncoder(p.w).Encode(map[string]string{"id": id, "message": msg})
		return
	}
	fmt.Fprintln(p.w, msg)
}

// notFoundError is the error for a job ID the service does not know.
type notFoundError string

func (e notFoundError) Error() string        { return "job " + string(e) + ": not found" }
func (e notFoundError) Is(target error) bool { return target == authenta.ErrJobNotFound }

// list prints every job, fetching pages lazily as the loop advances.
func list(ctx context.Context, client *authenta.Client, status authenta.Status, limit int, p printer) error {
	n := 0
	for job, err := range client.Jobs.All(ctx, &authenta.ListOptions{Status: status}) {
		if err != nil {
			return err
		}
		if err := p.job(job, false); err != nil {
			return err
		}
		if n++; limit > 0 && n >= limit {
			break // All stops fetching here
		}
	}
	if !p.json {
		fmt.Fprintf(p.w, "%d jobs\n", n)
	}
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

// act runs get, cancel or delete. A job that does not exist is an error
// (exit status 1), whatever the command.
func act(ctx context.Context, client *authenta.Client, cmd, id string, p printer) error {
	notFound := func(err error) error {
		if errors.Is(err, authenta.ErrJobNotFound) {
			return notFoundError(id)
		}
		return err
	}
	switch cmd {
	case "get":
		job, err := client.Jobs.Get(ctx, id)
		if err != nil {
			return notFound(err)
		}
		return p.job(job, true)
	case "cancel":
		job, err := client.Jobs.Cancel(ctx, id)
		if errors.Is(err, authenta.ErrConflict) {
			return fmt.Errorf("job %s has started processing and can no longer be cancelled: %w", id, err)
		}
		if err != nil {
			return notFound(err)
		}
		p.note(job.ID, fmt.Sprintf("job %s: %s", job.ID, job.Status))
	case "delete":
		if err := client.Jobs.Delete(ctx, id); err != nil {
			return notFound(err)
		}
		p.note(id, fmt.Sprintf("job %s deleted", id))
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/phospheneai/authenta-go"
)

const jobsAbout = `
The jobs API, one call per command:

  jobs list   [-status S] [-page P] [-limit N] [-all] [-json]
  jobs get    [-json] ID
  jobs wait   [-json] [-timeout D] ID      wait until the job ends
  jobs result [-json] ID                   the verdict of a completed job
  jobs cancel ID                           a job not yet processing
  jobs delete ID                           the job and its media

Exit status: 1 when the call failed (or the job failed, for wait and
result); 3 when result found the file fake; 2 usage; else 0.`

func runJobs(ctx context.Context, a *app, args []string) (int, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fs := a.newFlags("jobs", "jobs list|get|wait|result|cancel|delete [flags] [ID]", jobsAbout)
		if len(args) == 0 {
			return exitUsage, usagef("name a jobs command: list, get, wait, result, cancel or delete")
		}
		fs.Usage()
		return exitOK, nil
	}
	sub, args := args[0], args[1:]
	fs := a.newFlags("jobs "+sub, "jobs "+sub+" [flags]"+map[bool]string{true: "", false: " ID"}[sub == "list"], jobsAbout)
	asJSON := fs.Bool("json", false, "print NDJSON instead of a table")
	var (
		status         *string
		page, limit    *int
		all            *bool
		timeout        *time.Duration
		takesID, known = true, true
	)
	switch sub {
	case "list":
		takesID = false
		status = fs.String("status", "", "only jobs in this status: pending, queued, processing, completed, failed or cancelled")
		page = fs.Int("page", 1, "page number, from 1")
		limit = fs.Int("limit", 20, "jobs per page, 1..100")
		all = fs.Bool("all", false, "every page")
	case "wait":
		timeout = fs.Duration("timeout", 0, "give up after this long (default: no limit)")
	case "get", "result", "cancel", "delete":
	default:
		known = false
	}
	if !known {
		return exitUsage, usagef("unknown jobs command %q: want list, get, wait, result, cancel or delete", sub)
	}
	if done, err := parse(fs, args); done || err != nil {
		return exitOK, err
	}
	var id string
	switch {
	case takesID && fs.NArg() != 1:
		return exitUsage, usagef("jobs %s needs exactly one job ID", sub)
	case !takesID && fs.NArg() != 0:
		return exitUsage, usagef("jobs %s takes no arguments", sub)
	case takesID:
		id = strings.TrimSpace(fs.Arg(0))
		if id == "" {
			return exitUsage, usagef("empty job ID")
		}
	}
	var lo authenta.ListOptions
	if sub == "list" {
		lo = authenta.ListOptions{Page: *page, Limit: *limit, Status: authenta.Status(strings.ToLower(*status))}
		switch {
		case *page < 1:
			return exitUsage, usagef("-page %d: pages count from 1", *page)
		case *limit < 1 || *limit > 100:
			return exitUsage, usagef("-limit %d: want 1 to 100", *limit)
		case lo.Status != "" && !knownStatus(lo.Status):
			return exitUsage, usagef("-status %q: want pending, queued, processing, completed, failed or cancelled", *status)
		}
	}
	c, closeClient, err := a.connect()
	if err != nil {
		return exitFailed, err
	}
	defer closeClient()
	jp := &jobPrinter{a: a, json: *asJSON}

	switch sub {
	case "list":
		return jp.list(ctx, c, &lo, *all)
	case "get":
		job, err := c.Jobs.Get(ctx, id)
		if err != nil {
			return exitFailed, err
		}
		return exitOK, jp.jobs(job)
	case "wait":
		if *timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, *timeout)
			defer cancel()
		}
		wait := a.wait
		job, err := c.Jobs.Wait(ctx, id, &wait)
		var je *authenta.JobError
		if errors.As(err, &je) {
			return exitFailed, errors.Join(jp.jobs(job), err)
		}
		if err != nil {
			return exitFailed, err
		}
		return exitOK, jp.jobs(job)
	case "result":
		job, err := c.Jobs.Get(ctx, id)
		if err != nil {
			return exitFailed, err
		}
		if job.Status != authenta.StatusCompleted {
			return exitFailed, fmt.Errorf("job %s is %s, not completed: no result yet (authenta jobs wait %s)", id, job.Status, id)
		}
		res, err := c.Jobs.Result(ctx, job)
		if err != nil {
			return exitFailed, err
		}
		r := record{JobID: job.ID, File: inputName(job), Task: taskModel(job.TaskTypeID)}
		r.judged(&authenta.Detection{Job: job, Result: res})
		r.Result = res
		if err := newPrinter(a.stdout, *asJSON).print(r); err != nil {
			return exitFailed, err
		}
		if r.Verdict == authenta.VerdictFake {
			return exitFake, nil
		}
		return exitOK, nil
	case "cancel":
		job, err := c.Jobs.Cancel(ctx, id)
		if err != nil {
			return exitFailed, err
		}
		return exitOK, jp.jobs(job)
	default: // delete
		if err := c.Jobs.Delete(ctx, id); err != nil {
			return exitFailed, err
		}
		a.note("deleted job %s", id)
		return exitOK, nil
	}
}

func knownStatus(s authenta.Status) bool {
	switch s {
	case authenta.StatusPending, authenta.StatusQueued, authenta.StatusProcessing,
		authenta.StatusCompleted, authenta.StatusFailed, authenta.StatusCancelled:
		return true
	}
	return false
}

func taskModel(id int) string {
	for _, t := range authenta.TaskTypes() {
		if t.ID == id {
			return t.Model
		}
	}
	return ""
}

// inputName is the file name of a job's original input.
func inputName(j *authenta.Job) string {
	for _, in := range j.Inputs {
		if in.Slot == authenta.SlotOriginal {
			return in.FileName
		}
	}
	return ""
}

type jobPrinter struct {
	a    *app
	json bool
	tw   *tabwriter.Writer
}

func (p *jobPrinter) jobs(jobs ...*authenta.Job) error {
	if p.json {
		for _, j := range jobs {
			if err := writeJSONLine(p.a, j); err != nil { // camelCase, presigned queries redacted
				return err
			}
		}
		return nil
	}
	if p.tw == nil {
		p.tw = tabwriter.NewWriter(p.a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(p.tw, "ID\tSTATUS\tTASK\tFILE\tCREATED\tERROR")
	}
	for _, j := range jobs {
		created := "-"
		if !j.CreatedAt.IsZero() {
			created = j.CreatedAt.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(p.tw, "%s\t%s\t%s\t%s\t%s\t%s\n", j.ID, j.Status, dash(taskModel(j.TaskTypeID)), dash(inputName(j)), created, oneLine(j.ErrorMessage))
	}
	return p.tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (p *jobPrinter) list(ctx context.Context, c *authenta.Client, lo *authenta.ListOptions, all bool) (int, error) {
	if all {
		n := 0
		for j, err := range c.Jobs.All(ctx, lo) {
			if err != nil {
				return exitFailed, err
			}
			n++
			if err := p.jobs(j); err != nil {
				return exitFailed, err
			}
		}
		p.a.note("%d jobs", n)
		return exitOK, nil
	}
	l, err := c.Jobs.List(ctx, lo)
	if err != nil {
		return exitFailed, err
	}
	if len(l.Jobs) > 0 {
		if err := p.jobs(l.Jobs...); err != nil {
			return exitFailed, err
		}
	}
	p.a.note("page %d of %d (%d jobs in all)", max(l.Page, lo.Page), l.Pages, l.Total)
	return exitOK, nil
}

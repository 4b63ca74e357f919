package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/phospheneai/authenta-go"
)

// taskView is a task type as "tasks -json" prints it.
type taskView struct {
	ID             int      `json:"id"`
	Model          string   `json:"model"`
	Slug           string   `json:"slug"`
	Name           string   `json:"name"`
	ContentTypes   []string `json:"contentTypes"`
	TimeoutSeconds float64  `json:"timeoutSeconds"`
	Auto           bool     `json:"auto,omitempty"` // picked by batch -task auto for its content types
}

func runTasks(_ context.Context, a *app, args []string) (int, error) {
	fs := a.newFlags("tasks", "tasks [-json]", `
Lists the task types (models): the -task values detect and batch take (ID,
slug or model code), the content types each accepts, and the server's
processing timeout. "auto" marks the models batch -task auto picks.`)
	asJSON := fs.Bool("json", false, "print NDJSON, one object per task type")
	if done, err := parse(fs, args); done || err != nil {
		return exitOK, err
	}
	if fs.NArg() != 0 {
		return exitUsage, usagef("tasks takes no arguments")
	}
	auto := map[int]bool{}
	for _, ct := range []string{"image/jpeg", "video/mp4", "audio/mpeg", "application/pdf"} {
		if t, ok := autoTask(ct); ok {
			auto[t.ID] = true
		}
	}
	if *asJSON {
		for _, t := range authenta.TaskTypes() {
			if err := writeJSONLine(a, taskView{t.ID, t.Model, t.Slug, t.Name, t.MIMETypes, t.Timeout.Seconds(), auto[t.ID]}); err != nil {
				return exitFailed, err
			}
		}
		return exitOK, nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tMODEL\tSLUG\tNAME\tTIMEOUT\tAUTO\tCONTENT TYPES")
	for _, t := range authenta.TaskTypes() {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Model, t.Slug, t.Name, t.Timeout, map[bool]string{true: "auto"}[auto[t.ID]], strings.Join(t.MIMETypes, ", "))
	}
	if err := tw.Flush(); err != nil {
		return exitFailed, err
	}
	return exitOK, nil
}

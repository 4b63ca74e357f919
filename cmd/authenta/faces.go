package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/phospheneai/authenta-go"
)

const facesAbout = `
Face indexing: enrol a person's photos as a subject, list the subjects,
and search a photo against every enrolled face.

  faces enroll   [-wait] [-json] IMAGE...    1 to 10 photos of one person
  faces subjects [-json]
  faces search   [-limit N] [-json] IMAGE    matches, most similar first

Photos are JPEG, PNG or WebP. Exit status: 1 when the call failed (or,
with -wait, a face failed to enrol); 2 usage; else 0.`

func runFaces(ctx context.Context, a *app, args []string) (int, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fs := a.newFlags("faces", "faces enroll|subjects|search [flags] [IMAGE...]", facesAbout)
		if len(args) == 0 {
			return exitUsage, usagef("name a faces command: enroll, subjects or search")
		}
		fs.Usage()
		return exitOK, nil
	}
	sub, args := args[0], args[1:]
	synopsis := map[string]string{
		"enroll":   "faces enroll [-wait] [-json] IMAGE...",
		"subjects": "faces subjects [-json]",
		"search":   "faces search [-limit N] [-json] IMAGE",
	}[sub]
	if synopsis == "" {
		return exitUsage, usagef("unknown faces command %q: want enroll, subjects or search", sub)
	}
	fs := a.newFlags("faces "+sub, synopsis, facesAbout)
	asJSON := fs.Bool("json", false, "print NDJSON instead of a table")
	var wait *bool
	var limit *int
	switch sub {
	case "enroll":
		wait = fs.Bool("wait", false, "wait until every face is processed (or failed)")
	case "search":
		limit = fs.Int("limit", 10, "at most N matches, 1..50")
	}
	if done, err := parse(fs, args); done || err != nil {
		return exitOK, err
	}
	switch {
	case sub == "enroll" && (fs.NArg() < 1 || fs.NArg() > 10):
		return exitUsage, usagef("faces enroll takes 1 to 10 images, not %d", fs.NArg())
	case sub == "search" && fs.NArg() != 1:
		return exitUsage, usagef("faces search takes exactly one image")
	case sub == "search" && (*limit < 1 || *limit > 50):
		return exitUsage, usagef("-limit %d: want 1 to 50", *limit)
	case sub == "subjects" && fs.NArg() != 0:
		return exitUsage, usagef("faces subjects takes no arguments")
	}
	c, closeClient, err := a.connect()
	if err != nil {
		return exitFailed, err
	}
	defer closeClient()

	switch sub {
	case "enroll":
		s, err := c.Faces.Enroll(ctx, fs.Args())
		if err != nil {
			return faceErr(err)
		}
		if *wait {
			w := a.wait
			done, werr := c.Faces.WaitEnrolled(ctx, s.ID, &w)
			if done != nil {
				s = done
			}
			if perr := printSubjects(a, *asJSON, []authenta.Subject{*s}); perr != nil {
				return exitFailed, perr
			}
			if werr != nil {
				return exitFailed, werr
			}
			return exitOK, nil
		}
		return exitOK, printSubjects(a, *asJSON, []authenta.Subject{*s})
	case "subjects":
		list, err := c.Faces.Subjects(ctx)
		if err != nil {
			return exitFailed, err
		}
		return exitOK, printSubjects(a, *asJSON, list)
	default:
		ms, err := c.Faces.Search(ctx, fs.Arg(0), &authenta.SearchOptions{Limit: *limit})
		if err != nil {
			return faceErr(err)
		}
		return exitOK, printMatches(a, *asJSON, ms)
	}
}

// faceErr makes an image the SDK refused before sending into a usage error.
func faceErr(err error) (int, error) {
	var ae *authenta.APIError
	if !errors.As(err, &ae) && (errors.Is(err, authenta.ErrInvalidImage) || errors.Is(err, authenta.ErrInvalidArgument)) {
		return exitUsage, usagef("%v", err)
	}
	return exitFailed, err
}

func printSubjects(a *app, asJSON bool, list []authenta.Subject) error {
	if asJSON {
		for _, s := range list {
			if err := writeJSONLine(a, s); err != nil { // the SDK's JSON, presigned queries redacted
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SUBJECT\tFACE\tNAME\tSTATUS\tERROR")
	for _, s := range list {
		for _, f := range s.Faces {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, f.ID, dash(f.Name), f.Status, oneLine(f.Error))
		}
	}
	return tw.Flush()
}

func printMatches(a *app, asJSON bool, ms []authenta.Match) error {
	if asJSON {
		for _, m := range ms {
			if err := writeJSONLine(a, m); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tSIMILARITY\tSUBJECT\tFACE\tNAME")
	for _, m := range ms {
		fmt.Fprintf(tw, "%d\t%.1f%%\t%s\t%s\t%s\n", m.Rank, m.Similarity*100, m.SubjectID, m.FaceID, dash(m.Name))
	}
	if len(ms) == 0 {
		a.note("no match")
	}
	return tw.Flush()
}

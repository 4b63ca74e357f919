package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go"
)

const detectAbout = `
Runs one file through a detection model, waits for the verdict and prints
it. Without -task the model is picked by content type: image AC-1, video
DF-1, audio AF-1, PDF DI-1; with -checks (or -reference) it is FI-1, face
intelligence.

Exit status: 0 real or unknown, 3 fake, 1 failed, 2 usage.`

func runDetect(ctx context.Context, a *app, args []string) (int, error) {
	fs := a.newFlags("detect", "detect [-task T] [-reference F] [-checks liveness,faceswap,similarity] [-evidence DIR] [-json] [-timeout D] FILE", detectAbout)
	taskName := fs.String("task", "", "task type: ID, slug or model code, e.g. AC-1 (default: by content type)")
	reference := fs.String("reference", "", "reference image for the FI-1 similarity check")
	checks := fs.String("checks", "", "FI-1 checks, comma-separated: liveness, faceswap, similarity")
	asJSON := fs.Bool("json", false, "print one NDJSON object instead of text")
	timeout := fs.Duration("timeout", 0, "give up after this long (default: the task's server timeout plus 2m)")
	evidenceDir := fs.String("evidence", "", "when the file is fake, save its evidence (annotated image or video frames) in a folder of its own under DIR")
	if done, err := parse(fs, args); done || err != nil {
		return exitOK, err
	}
	if fs.NArg() != 1 {
		return exitUsage, usagef("name exactly one file")
	}
	file := fs.Arg(0)
	var opts authenta.DetectOptions
	var err error
	if opts.Checks, err = parseChecks(*checks); err != nil {
		return exitUsage, err
	}
	opts.Reference = *reference
	task, err := detectTask(*taskName, file, opts)
	if err != nil {
		return exitUsage, err
	}
	fi, err := os.Stat(file)
	if err != nil {
		return exitUsage, usagef("%v", err)
	}
	if fi.IsDir() {
		return exitUsage, usagef("%s is a folder: authenta batch runs folders", file)
	}
	c, closeClient, err := a.connect()
	if err != nil {
		return exitFailed, err
	}
	defer closeClient()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	wait := a.wait
	opts.Wait = &wait
	var bs *bars
	if a.stderrTTY {
		bs = newBars(a.stderr, 1, fi.Size())
	}
	fb := bs.file(file, fi.Size())
	opts.OnUploadProgress = func(slot string, sent, _ int64) {
		if slot == authenta.SlotOriginal {
			fb.progress(sent)
		}
	}
	start := time.Now()
	d, err := c.Detect(ctx, task, file, &opts)
	var se *authenta.StepError
	fb.done(err == nil || (errors.As(err, &se) && se.Step != authenta.StepCreate && !isUploadStep(se.Step)))
	bs.fileDone()
	bs.stop()

	r := record{File: file, Task: task.Model, Size: fi.Size(), ModTime: formatModTime(fi.ModTime())}
	r.Seconds = math.Round(time.Since(start).Seconds()*1000) / 1000
	if err != nil && se == nil && ctx.Err() == nil && (errors.Is(err, authenta.ErrInvalidArgument) || errors.Is(err, authenta.ErrUnsupportedMediaType)) {
		// Refused before any request: the file (or a flag) is not one the
		// task takes.
		return exitUsage, usagef("%v", err)
	}
	if err != nil {
		r.State, r.Error = stateFailed, err.Error()
		if se != nil {
			r.JobID, r.JobRemoved = se.JobID, se.Removed
		}
		if *asJSON {
			if perr := newPrinter(a.stdout, true).print(r); perr != nil {
				return exitFailed, perr
			}
		}
		return exitFailed, err
	}
	r.judged(d)
	r.Result = d.Result
	if *evidenceDir != "" && r.Verdict == authenta.VerdictFake {
		var eerr error
		if r.Evidence, eerr = saveEvidence(ctx, c, *evidenceDir, file, task, d); eerr != nil {
			a.note("evidence: %v", eerr)
		}
	}
	if *asJSON {
		err = newPrinter(a.stdout, true).print(r)
	} else {
		err = printDetection(a, r, task, d)
	}
	if err != nil {
		return exitFailed, err
	}
	if r.Verdict == authenta.VerdictFake {
		return exitFake, nil
	}
	return exitOK, nil
}

// detectTask picks the task: named, FI-1 for face checks, or by content
// type.
func detectTask(name, file string, opts authenta.DetectOptions) (authenta.TaskType, error) {
	if name != "" {
		t, err := authenta.ParseTaskType(name)
		if err != nil {
			return t, usagef("-task %q: not a task type (see authenta tasks)", name)
		}
		return t, nil
	}
	if opts.Checks != (authenta.FaceChecks{}) || opts.Reference != "" {
		return authenta.FaceIntelligence, nil
	}
	ct := authenta.ContentTypeFor(file)
	t, ok := autoTask(ct)
	if !ok || !t.Accepts(ct) {
		what := ct
		if what == "" {
			what = "an unknown type"
		}
		return t, usagef("%s is %s, which no task takes by default; name one with -task (see authenta tasks)", file, what)
	}
	return t, nil
}

// parseChecks reads "liveness,faceswap,similarity".
func parseChecks(s string) (authenta.FaceChecks, error) {
	var ch authenta.FaceChecks
	for _, p := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(p)) {
		case "":
		case "liveness":
			ch.Liveness = true
		case "faceswap":
			ch.Faceswap = true
		case "similarity":
			ch.Similarity = true
		default:
			return ch, usagef("-checks: %q is not liveness, faceswap or similarity", p)
		}
	}
	return ch, nil
}

// printDetection prints one detection for a person to read.
func printDetection(a *app, r record, task authenta.TaskType, d *authenta.Detection) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.File)
	verdict := string(r.Verdict)
	if r.Verdict == authenta.VerdictFake {
		verdict = "FAKE"
	}
	fmt.Fprintf(&b, "  verdict     %s\n", verdict)
	if r.FakeProbability != nil {
		fmt.Fprintf(&b, "  fake        %.1f%% likely\n", *r.FakeProbability*100)
	}
	if res := d.Result; res != nil {
		if res.IsSimilar != nil {
			s := "different person from the reference"
			if *res.IsSimilar {
				s = "same person as the reference"
			}
			if res.SimilarityScore != nil {
				s += fmt.Sprintf(" (score %g)", *res.SimilarityScore)
			}
			fmt.Fprintf(&b, "  similarity  %s\n", s)
		}
		if len(res.FaceVector) > 0 {
			fmt.Fprintf(&b, "  embedding   %d dimensions (see -json or authenta jobs result)\n", len(res.FaceVector))
		}
	}
	fmt.Fprintf(&b, "  task        %s (%s)\n", task.Model, task.Name)
	fmt.Fprintf(&b, "  job         %s, %s in %.2fs\n", r.JobID, r.Status, r.Seconds)
	if r.Evidence != "" {
		fmt.Fprintf(&b, "  evidence    %s\n", r.Evidence)
	}
	_, err := fmt.Fprint(a.stdout, b.String())
	return err
}

// Command faceintelligence checks a selfie with Authenta's face
// intelligence model (FI-1): liveness, and similarity with a reference
// photo (an ID document, a profile picture) when one is given; for a video,
// liveness and face swap.
//
//	go run ./examples/faceintelligence [-reference id.jpg] [-json] SELFIE
//
// With AUTHENTA_API_KEY set it talks to the real service; without it, it
// starts the embedded fake platform, says so, and with no arguments uses
// the sample selfie and reference.
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
	"strings"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(demo.Exit("faceintelligence", err, os.Stderr))
}

// report is the -json output.
type report struct {
	File            string   `json:"file"`
	Reference       string   `json:"reference,omitempty"`
	JobID           string   `json:"jobId"`
	Status          string   `json:"status"`
	IsLive          *bool    `json:"isLive,omitempty"`
	IsDeepFake      *bool    `json:"isDeepFake,omitempty"`
	IsSimilar       *bool    `json:"isSimilar,omitempty"`
	SimilarityScore *float64 `json:"similarityScore,omitempty"`
}

const usage = `usage: faceintelligence [-reference REF.jpg] [-json] SELFIE

Checks a selfie (image or video) with face intelligence (FI-1): liveness;
similarity with REF when given; face swap for a video. With
$AUTHENTA_API_KEY set it uses the real service; without it, the embedded
fake platform (said on stderr) and, with no SELFIE, the sample files.
Exit status: 0 done, 1 failed, 2 usage error.

flags:
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("faceintelligence", flag.ContinueOnError)
	reference := fs.String("reference", "", "reference image of the same person, for the similarity check")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := demo.Parse(fs, args, stdout, stderr); err != nil {
		return err
	}
	selfie := fs.Arg(0)
	switch {
	case fs.NArg() > 1:
		fs.Usage()
		return demo.Usagef("one selfie at a time, got %d", fs.NArg())
	case selfie == "" && strings.TrimSpace(getenv(authenta.EnvAPIKey)) == "":
		selfie, *reference = demo.Sample("selfie.jpg"), demo.Sample("reference.jpg")
	case selfie == "":
		fs.Usage()
		return demo.Usagef("need a selfie")
	}

	// The checks that fit the input: liveness always; face swap for a video;
	// similarity when there is a reference (images only). Detect checks the
	// same rules before sending anything.
	opts := &authenta.DetectOptions{Checks: authenta.FaceChecks{Liveness: true}, Reference: *reference}
	if strings.HasPrefix(authenta.ContentTypeFor(selfie), "video/") {
		opts.Checks.Faceswap = true
	}
	if *reference != "" {
		opts.Checks.Similarity = true
	}

	client, done, err := demo.Connect(getenv, stderr)
	if err != nil {
		return err
	}
	defer done()
	d, err := client.Detect(ctx, authenta.FaceIntelligence, selfie, opts)
	if err != nil {
		return err
	}
	r := d.Result
	if *asJSON {
		var ref string
		if *reference != "" {
			ref = filepath.Base(*reference)
		}
		return json.NewEncoder(stdout).Encode(report{
			File: filepath.Base(selfie), Reference: ref, JobID: d.Job.ID, Status: string(d.Job.Status),
			IsLive: r.IsLive, IsDeepFake: r.IsDeepFake, IsSimilar: r.IsSimilar, SimilarityScore: r.SimilarityScore,
		})
	}
	fmt.Fprintf(stdout, "job %s: %s\n", d.Job.ID, d.Job.Status)
	fmt.Fprintf(stdout, "verdict:    %s\n", r.Verdict())
	if r.IsLive != nil {
		fmt.Fprintf(stdout, "liveness:   %s\n", yesNo(*r.IsLive, "a live person", "NOT a live person (spoof)"))
	}
	if r.IsDeepFake != nil {
		fmt.Fprintf(stdout, "face swap:  %s\n", yesNo(!*r.IsDeepFake, "none found", "FACE SWAP detected"))
	}
	if r.IsSimilar != nil {
		line := yesNo(*r.IsSimilar, "same person as the reference", "DIFFERENT person from the reference")
		if sim, ok := r.Similarity(); ok {
			line += fmt.Sprintf(" (score %.0f%%)", sim*100)
		}
		fmt.Fprintf(stdout, "similarity: %s\n", line)
	}
	return nil
}

func yesNo(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

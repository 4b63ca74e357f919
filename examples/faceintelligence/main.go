// Command faceintelligence checks a selfie with Authenta's face
// intelligence model (FI-1): liveness, and similarity with a reference
// photo (an ID document, a profile picture) when one is given; for a video,
// liveness and face swap.
//
//	go run ./examples/faceintelligence [-reference id.jpg] SELFIE
//
// With AUTHENTA_API_KEY set it talks to the real service; without it, it
// starts the embedded fake platform, says so, and with no arguments uses
// the sample selfie and reference.
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

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "faceintelligence:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("faceintelligence", flag.ContinueOnError)
	fs.SetOutput(stderr)
	reference := fs.String("reference", "", "reference image of the same person, for the similarity check")
	if err := fs.Parse(args); err != nil {
		return err
	}
	selfie := fs.Arg(0)
	switch {
	case fs.NArg() > 1:
		return errors.New("usage: faceintelligence [-reference REF.jpg] SELFIE")
	case selfie == "" && strings.TrimSpace(getenv(authenta.EnvAPIKey)) == "":
		selfie, *reference = demo.Sample("selfie.jpg"), demo.Sample("reference.jpg")
	case selfie == "":
		return errors.New("usage: faceintelligence [-reference REF.jpg] SELFIE")
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

	client, done, err := demo.Connect(getenv, stdout)
	if err != nil {
		return err
	}
	defer done()
	d, err := client.Detect(ctx, authenta.FaceIntelligence, selfie, opts)
	if err != nil {
		return err
	}
	r := d.Result
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

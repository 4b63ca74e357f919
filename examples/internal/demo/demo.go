// Package demo holds what the examples share: connecting to the real
// service or to the embedded fake, choosing a task type for a file, and
// saying a result in words.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// Connect returns a client for the real service when AUTHENTA_API_KEY is
// set; otherwise it starts the embedded fake platform and says so on out
// (stderr: stdout stays for the command's output, e.g. JSON to pipe into
// jq). Call the returned function when done: it closes the client
// (waiting for any background cleanup) and the fake.
func Connect(getenv func(string) string, out io.Writer, opts ...authenta.Option) (*authenta.Client, func(), error) {
	if strings.TrimSpace(getenv(authenta.EnvAPIKey)) != "" {
		c, err := authenta.NewClient(opts...)
		if err != nil {
			return nil, nil, err
		}
		return c, func() { closeClient(c) }, nil
	}
	// Keeping the uploads lets Jobs.SaveArtifacts download the inputs too.
	srv, err := authentatest.Start(authentatest.WithJobHook(simulateFakes), authentatest.WithKeepUploads())
	if err != nil {
		return nil, nil, fmt.Errorf("start the embedded fake: %w", err)
	}
	fmt.Fprintf(out, "No %s set: using the embedded Authenta fake at %s (simulated results, no credits spent).\n", authenta.EnvAPIKey, srv.URL)
	c, err := srv.NewClient(opts...)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return c, func() { closeClient(c); srv.Close() }, nil
}

// closeClient waits a little for the client's background job removals.
func closeClient(c *authenta.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.Close(ctx)
}

// simulateFakes makes the embedded fake call a file fake when its name says
// "fake", so that the examples show both verdicts.
func simulateFakes(j *authentatest.JobConfig) {
	for _, in := range j.Inputs {
		if !strings.Contains(strings.ToLower(in.FileName), "fake") {
			continue
		}
		var doc map[string]any
		if json.Unmarshal(j.Result, &doc) != nil {
			return
		}
		if _, ok := doc["isDeepFake"]; ok {
			doc["isDeepFake"] = true
			doc["RealConfidencePercent"] = 2.7
		}
		if b, err := json.Marshal(doc); err == nil {
			j.Result = b
		}
	}
}

// Sample returns the path of a sample file in examples/testdata, from the
// module root or from an example's directory (where its test runs).
func Sample(name string) string {
	for _, dir := range []string{"examples/testdata", "../testdata", "testdata"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join("examples/testdata", name)
}

// TaskFor chooses a task type: the one named (ID, slug or model code), or
// else the usual one for the file's type.
func TaskFor(name, file string) (authenta.TaskType, error) {
	if name != "" {
		return authenta.ParseTaskType(name)
	}
	ct := authenta.ContentTypeFor(file)
	switch {
	case ct == "application/pdf":
		return authenta.DocumentIntelligence, nil
	case strings.HasPrefix(ct, "image/"):
		return authenta.AIImageDetection, nil
	case strings.HasPrefix(ct, "video/"):
		return authenta.FaceSwapDetection, nil
	case strings.HasPrefix(ct, "audio/"):
		return authenta.AIAudioDetection, nil
	}
	return authenta.TaskType{}, fmt.Errorf("%w: no task type for %q; name one with -task", authenta.ErrUnsupportedMediaType, filepath.Base(file))
}

// Verdict says a result in a few words, as a person would read it: the
// folded verdict first (Result.Verdict), then what the model reported.
func Verdict(r *authenta.Result) string {
	var parts []string
	switch r.Verdict() {
	case authenta.VerdictFake:
		parts = append(parts, "FAKE (manipulated, AI-generated, swapped or spoofed)")
	case authenta.VerdictReal:
		parts = append(parts, "REAL (no manipulation found)")
	}
	if p, ok := r.FakeProbability(); ok {
		parts = append(parts, fmt.Sprintf("probability of fake %.1f%%", p*100))
	}
	if n := len(r.Identities); n > 0 {
		fakes := 0
		for _, id := range r.Identities {
			if id.IsDeepFake != nil && *id.IsDeepFake {
				fakes++
			}
		}
		parts = append(parts, fmt.Sprintf("%d face(s), %d fake", n, fakes))
	}
	if r.IsLive != nil {
		parts = append(parts, map[bool]string{true: "live person", false: "SPOOF (not a live person)"}[*r.IsLive])
	}
	if r.IsSimilar != nil {
		s := map[bool]string{true: "same person as the reference", false: "DIFFERENT person from the reference"}[*r.IsSimilar]
		if sim, ok := r.Similarity(); ok {
			s += fmt.Sprintf(" (similarity %.0f%%)", sim*100)
		}
		parts = append(parts, s)
	}
	if r.IsFake != nil {
		parts = append(parts, map[bool]string{true: "FORGED document", false: "genuine document"}[*r.IsFake])
	}
	if r.IsTampered != nil && *r.IsTampered {
		parts = append(parts, "tampered")
	}
	if len(r.FaceVector) > 0 {
		parts = append(parts, fmt.Sprintf("face embedding of %d dimensions", len(r.FaceVector)))
	}
	if len(parts) == 0 {
		return "no verdict fields; see the raw result"
	}
	return strings.Join(parts, "; ")
}

package authenta_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"path/filepath"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// The examples run against authentatest, the in-process fake of the
// platform, so that they run (and are checked) anywhere. With the real
// service, build the client with authenta.NewClient() and $AUTHENTA_API_KEY.

func startFake(opts ...authentatest.Option) (*authentatest.Server, *authenta.Client) {
	srv, err := authentatest.Start(opts...)
	if err != nil {
		log.Fatal(err)
	}
	client, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	return srv, client
}

func sampleFile(name string) string {
	return filepath.Join("examples", "testdata", name)
}

func ExampleNewClient() {
	client, err := authenta.NewClient(
		authenta.WithAPIKey("api_0123456789abcdef"),   // default: $AUTHENTA_API_KEY
		authenta.WithBaseURL(authenta.DefaultBaseURL), // default: $AUTHENTA_BASE_URL, else this
		authenta.WithMaxRetries(5),
		authenta.WithUserAgent("trustd/1.4"),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client) // the key is never printed

	_, err = authenta.NewClient(authenta.WithAPIKey("  "))
	fmt.Println(errors.Is(err, authenta.ErrMissingAPIKey))
	// Output:
	// authenta.Client{BaseURL: https://platform.authenta.ai, APIKey: [REDACTED]}
	// true
}

func ExampleClient_Detect() {
	srv, client := startFake()
	defer srv.Close()

	d, err := client.Detect(context.Background(), authenta.AIImageDetection, sampleFile("photo.jpg"), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("job", d.Job.ID, d.Job.Status)
	fmt.Println("deepfake:", *d.Result.IsDeepFake)
	fmt.Printf("real: %.1f%%\n", *d.Result.RealConfidencePercent)
	// Output:
	// job 1 completed
	// deepfake: false
	// real: 97.4%
}

func ExampleClient_Detect_faceIntelligence() {
	srv, client := startFake()
	defer srv.Close()

	d, err := client.Detect(context.Background(), authenta.FaceIntelligence, sampleFile("selfie.jpg"), &authenta.DetectOptions{
		Checks:    authenta.FaceChecks{Liveness: true, Similarity: true},
		Reference: sampleFile("reference.jpg"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("live:", *d.Result.IsLive)
	fmt.Println("same person:", *d.Result.IsSimilar)
	fmt.Println("inputs:", len(d.Job.Inputs))
	// Output:
	// live: true
	// same person: true
	// inputs: 2
}

func ExampleClient_Detect_errors() {
	srv, client := startFake()
	defer srv.Close()
	ctx := context.Background()

	// Bad input is refused before anything is sent.
	_, err := client.Detect(ctx, authenta.AIImageDetection, sampleFile("clip.mp4"), nil)
	fmt.Println(errors.Is(err, authenta.ErrUnsupportedMediaType))

	// A server-side refusal names the step and matches its sentinel.
	srv.SetBalance(srv.APIKey(), 0)
	_, err = client.Detect(ctx, authenta.AIImageDetection, sampleFile("photo.jpg"), nil)
	var step *authenta.StepError
	fmt.Println(errors.Is(err, authenta.ErrInsufficientBalance), errors.As(err, &step) && step.Step == "create")
	// Output:
	// true
	// true true
}

func ExampleJobsService_Wait() {
	srv, client := startFake(authentatest.WithOutcome(authentatest.Failed("no face found in the input")))
	defer srv.Close()
	ctx := context.Background()

	d, err := client.Detect(ctx, authenta.FaceLivenessDetection, sampleFile("selfie.jpg"), nil)
	fmt.Println(d == nil, errors.Is(err, authenta.ErrJobFailed))
	var jobErr *authenta.JobError
	if errors.As(err, &jobErr) {
		fmt.Println(jobErr.Message)
	}
	// Output:
	// true true
	// no face found in the input
}

func ExampleJobsService_All() {
	srv, client := startFake()
	defer srv.Close()
	ctx := context.Background()
	for range 3 {
		if _, err := client.Detect(ctx, authenta.AIImageDetection, sampleFile("photo.jpg"), &authenta.DetectOptions{
			Wait: &authenta.WaitOptions{MinInterval: 5e6}, // 5ms: the fake is fast
		}); err != nil {
			log.Fatal(err)
		}
	}

	// All fetches pages lazily; Limit is the page size.
	for job, err := range client.Jobs.All(ctx, &authenta.ListOptions{Limit: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(job.ID, job.Status)
	}
	// Output:
	// 3 completed
	// 2 completed
	// 1 completed
}

func ExampleAPIError() {
	srv, client := startFake()
	defer srv.Close()

	_, err := client.Jobs.Get(context.Background(), "469")
	var apiErr *authenta.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}
	fmt.Println(errors.Is(err, authenta.ErrJobNotFound))
	// Output:
	// 404 JOB_NOT_FOUND
	// true
}

func ExampleParseTaskType() {
	for _, s := range []string{"1", "faceswap-detection", "fi-1"} {
		t, err := authenta.ParseTaskType(s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(t.ID, t.Model, t.Slug, t.Timeout)
	}
	_, err := authenta.ParseTaskType("XX-9")
	fmt.Println(errors.Is(err, authenta.ErrInvalidTaskType))
	// Output:
	// 1 AC-1 ai-image-detection 5m0s
	// 4 DF-1 faceswap-detection 30m0s
	// 8 FI-1 face-intelligence 10m0s
	// true
}

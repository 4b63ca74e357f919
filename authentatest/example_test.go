package authentatest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// Screener is the code under test: an application's use of the SDK that
// rejects AI-generated profile pictures.
type Screener struct {
	Client *authenta.Client
	Wait   *authenta.WaitOptions // nil: the SDK's defaults
}

// Screen returns "accepted" or "rejected" for an image.
func (s *Screener) Screen(ctx context.Context, name string, img []byte) (string, error) {
	d, err := s.Client.DetectReader(ctx, authenta.AIImageDetection, name, bytes.NewReader(img), int64(len(img)),
		&authenta.DetectOptions{Wait: s.Wait})
	if err != nil {
		return "", fmt.Errorf("screen %s: %w", name, err)
	}
	if d.Result.IsDeepFake != nil && *d.Result.IsDeepFake {
		return "rejected", nil
	}
	return "accepted", nil
}

// Example tests an application's code against a fake Authenta platform:
// a result chosen by the test, a job that fails, and what the code sent.
// In a test function, authentatest.NewServer(t) replaces Start and Close.
func Example() {
	ctx := context.Background()
	srv, err := authentatest.Start(
		authentatest.WithResult(authenta.AIImageDetection,
			`{"resultType":"image","isDeepFake":true,"RealConfidencePercent":2.5}`),
	)
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	s := &Screener{Client: srv.Client(), Wait: &authenta.WaitOptions{MinInterval: 5 * time.Millisecond}}
	verdict, err := s.Screen(ctx, "avatar.png", []byte("\x89PNG fake image bytes"))
	fmt.Println(verdict, err)

	// What reached the platform.
	job := srv.Jobs()[0]
	upload, _ := srv.Upload(job.ID, "original")
	fmt.Println(job.TaskType.Model, job.Status, job.Inputs[0].FileName, job.Inputs[0].ContentType)
	fmt.Println("bytes uploaded:", upload.Bytes, "in", upload.PUTs, "PUT")

	// The next job fails on the platform: the code reports it, and the SDK
	// has removed the job.
	_ = srv.SetOutcome(authentatest.Failed("image could not be decoded"))
	_, err = s.Screen(ctx, "broken.png", []byte("not really a PNG"))
	var step *authenta.StepError
	fmt.Println(errors.Is(err, authenta.ErrJobFailed), errors.As(err, &step) && step.Step == authenta.StepWait)
	failed, _ := srv.Job("2")
	fmt.Println("removed:", failed.Deleted, failed.ErrorMessage)

	// Output:
	// rejected <nil>
	// AC-1 completed avatar.png image/png
	// bytes uploaded: 21 in 1 PUT
	// true true
	// removed: true image could not be decoded
}

// ExampleServer_Fail shows the SDK retrying through injected server errors,
// and the recorded requests proving it.
func ExampleServer_Fail() {
	srv, err := authentatest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()

	srv.Fail(authentatest.RouteList, 503, 502)
	page, err := c.Jobs.List(ctx, nil)
	fmt.Println(len(page.Jobs), err)
	for _, q := range srv.RequestsTo(authentatest.RouteList) {
		fmt.Println(q.Method, q.Path, q.Status, "fault:", q.Fault)
	}

	// A POST is not retried after a 500: the error tells what happened.
	srv.Fail(authentatest.RouteCreate, 500)
	_, err = c.Jobs.Create(ctx, &authenta.JobRequest{
		TaskType: authenta.AIImageDetection,
		Inputs:   []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.jpg", ContentType: "image/jpeg", Size: 1}},
	})
	fmt.Println(errors.Is(err, authenta.ErrServer), srv.Count(authentatest.RouteCreate))

	// Output:
	// 0 <nil>
	// GET /api/v1/jobs 503 fault: true
	// GET /api/v1/jobs 502 fault: true
	// GET /api/v1/jobs 200 fault: false
	// true 1
}

// ExampleWithIDStyle checks that the SDK decodes job ids that a float64
// would round: numeric ids above 2^53.
func ExampleWithIDStyle() {
	srv, err := authentatest.Start(
		authentatest.WithIDStyle(authentatest.IDNumber),
		authentatest.WithFirstID(9007199254740993),
		authentatest.WithCreateShape(authentatest.CreateFlat),
	)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	created, err := srv.Client().Jobs.Create(context.Background(), &authenta.JobRequest{
		TaskType: authenta.AIImageDetection,
		Inputs:   []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.jpg", ContentType: "image/jpeg", Size: 1}},
	})
	fmt.Println(created.Job.ID, err)
	fmt.Printf("%s\n", srv.Requests()[0].Route)
	// Output:
	// 9007199254740993 <nil>
	// POST /api/v1/jobs
}

// TestScreener is how an application tests its own code with the fake:
// one server per case, each set up for what the case needs.
func TestScreener(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []authentatest.Option
		want    string
		wantErr error
	}{
		{"real image", nil, "accepted", nil},
		{"AI-generated image", []authentatest.Option{authentatest.WithResult(authenta.AIImageDetection,
			map[string]any{"resultType": "image", "isDeepFake": true, "RealConfidencePercent": 0.4})}, "rejected", nil},
		{"processing fails", []authentatest.Option{authentatest.WithOutcome(authentatest.Failed("timeout"))}, "", authenta.ErrJobFailed},
		{"out of credits", []authentatest.Option{authentatest.WithCost(authenta.AIImageDetection, 2e6)}, "", authenta.ErrInsufficientBalance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t, tt.opts...)
			s := &Screener{Client: srv.Client(), Wait: fastWait}
			got, err := s.Screen(ctxFor(t), "me.jpg", []byte("jpeg"))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				for _, j := range srv.Jobs() {
					assert.True(t, j.Deleted, "nothing left behind")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

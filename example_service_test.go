package authenta_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"sync/atomic"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// A call's options: the inbound request id passed on, and what the call
// did on the wire.
func ExampleWithResponseInfo() {
	srv, client := startFake()
	defer srv.Close()
	var info authenta.ResponseInfo
	_, err := client.Jobs.List(context.Background(), nil,
		authenta.WithCallHeader("X-Request-Id", "inbound-42"),
		authenta.WithResponseInfo(&info))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.StatusCode, info.Attempts)
	fmt.Println(srv.Requests()[0].Header.Get("X-Request-Id"))
	// Output:
	// 200 1
	// inbound-42
}

// A middleware sees every attempt, retries included, and never the key.
func ExampleWithMiddleware() {
	srv, err := authentatest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	var attempts, withKey atomic.Int32
	count := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		attempts.Add(1)
		if req.Header.Get("Authorization") != "" {
			withKey.Add(1)
		}
		return next(req)
	}
	client, err := srv.NewClient(authenta.WithMiddleware(count))
	if err != nil {
		log.Fatal(err)
	}
	srv.Fail(authentatest.RouteList, 503) // the first attempt fails; the SDK retries
	if _, err := client.Jobs.List(context.Background(), nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(attempts.Load(), withKey.Load())
	// Output: 2 0
}

// Resume finishes a job that another process created and uploaded.
func ExampleClient_Resume() {
	srv, client := startFake()
	defer srv.Close()
	ctx := context.Background()
	created, err := client.Jobs.Create(ctx, &authenta.JobRequest{TaskType: authenta.AIImageDetection,
		Inputs: []authenta.Input{{Slot: authenta.SlotOriginal, FileName: "a.png", ContentType: "image/png", Size: 3}}})
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Jobs.Upload(ctx, created.Uploads[0], bytes.NewReader([]byte("png")), 3, "image/png"); err != nil {
		log.Fatal(err)
	}
	// ... the process stops here; another one picks the job up by its ID:
	d, err := client.Resume(ctx, created.Job.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Job.Status, d.Result.IsDeepFake != nil)
	// Output: completed true
}

// NewAPIError builds the errors a test double returns.
func ExampleNewAPIError() {
	err := fmt.Errorf("lookup: %w", authenta.NewAPIError(404, "", ""))
	fmt.Println(errors.Is(err, authenta.ErrJobNotFound))
	fmt.Println(err)
	// Output:
	// true
	// lookup: authenta: 404: Not Found
}

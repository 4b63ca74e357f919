package authenta_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

func ExampleFacesService_Search() {
	srv, client := startFake()
	defer srv.Close()
	ctx := context.Background()

	// Enrol two people; authentatest.Portrait draws made-up people the fake
	// tells apart.
	for _, name := range []string{"alice.jpg", "bob.jpg"} {
		photo := authentatest.Portrait(len(name), 64, 80)
		sub, err := client.Faces.EnrollImages(ctx, []authenta.FaceImage{{Name: name, Body: bytes.NewReader(photo), Size: int64(len(photo))}})
		if err != nil {
			log.Fatal(err)
		}
		if _, err := client.Faces.WaitEnrolled(ctx, sub.ID, &authenta.WaitOptions{MinInterval: time.Millisecond}); err != nil {
			log.Fatal(err)
		}
	}
	// A new, larger photo of alice, stored sideways as a phone does: the SDK
	// turns it upright before it is sent.
	selfie := authentatest.Sideways(len("alice.jpg"), 128, 160, 6)
	matches, err := client.Faces.SearchReader(ctx, "selfie.jpg", bytes.NewReader(selfie), int64(len(selfie)), nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range matches {
		fmt.Printf("%d. %s %.2f\n", m.Rank, m.Name, m.Similarity)
	}
	// Output:
	// 1. alice.jpg 1.00
	// 2. bob.jpg 0.69
}

func ExampleFacesService_WaitEnrolled() {
	srv, client := startFake()
	defer srv.Close()
	ctx := context.Background()
	photo := authentatest.Portrait(1, 32, 32)
	// The fake finds no face in a photo whose name says "noface".
	sub, err := client.Faces.EnrollImages(ctx, []authenta.FaceImage{{Name: "noface.jpg", Body: bytes.NewReader(photo), Size: int64(len(photo))}})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Faces.WaitEnrolled(ctx, sub.ID, &authenta.WaitOptions{MinInterval: time.Millisecond})
	var ee *authenta.EnrollError
	if errors.As(err, &ee) {
		fmt.Println(ee.Name, "failed:", ee.Reason)
		fmt.Println(errors.Is(err, authenta.ErrEnrollFailed), errors.Is(err, authenta.ErrNoFaceDetected))
	}
	// Output:
	// noface.jpg failed: no_face_detected: No face detected in the image
	// true true
}

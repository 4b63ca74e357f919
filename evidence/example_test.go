package evidence_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"path/filepath"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/evidence"
)

// Two faces, one fake and one real: each gets its box, in its colour, and
// its label ("#0 fake 97%", "#1 real 88%").
func ExampleAnnotate() {
	photo := image.NewRGBA(image.Rect(0, 0, 640, 480)) // the image that was analysed
	isFake, isReal := true, false
	c0, c1 := 0.97, 0.88
	ids := []authenta.Identity{ // as in Result.Identities
		{ID: "0", IsDeepFake: &isFake, Confidence: &c0, Boxes: []authenta.FrameBox{{Box: image.Rect(80, 120, 240, 320)}}},
		{ID: "1", IsDeepFake: &isReal, Confidence: &c1, Boxes: []authenta.FrameBox{{Box: image.Rect(400, 100, 560, 300)}}},
	}
	out := evidence.Annotate(photo, ids, &evidence.Options{Title: "DF-1: fake", Verdict: authenta.VerdictFake})
	fmt.Println("bounds:", out.Bounds())
	fmt.Println("left edge of #0:", out.RGBAAt(80, 200))
	fmt.Println("left edge of #1:", out.RGBAAt(400, 200))
	fmt.Println("inside #0:", out.RGBAAt(160, 200))
	// Output:
	// bounds: (0,0)-(640,480)
	// left edge of #0: {220 38 38 255}
	// left edge of #1: {22 163 74 255}
	// inside #0: {0 0 0 0}
}

// AnnotateFile reads a JPEG, PNG or WebP and writes PNG or JPEG, after the
// output's extension.
func ExampleAnnotateFile() {
	dir, err := os.MkdirTemp("", "evidence")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "photo.png")
	f, err := os.Create(in)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, image.NewGray(image.Rect(0, 0, 320, 240))); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}

	unknown := []authenta.Identity{{ID: "0", Boxes: []authenta.FrameBox{{Box: image.Rect(100, 60, 220, 200)}}}}
	out := filepath.Join(dir, "photo.evidence.jpg")
	if err := evidence.AnnotateFile(context.Background(), in, out, unknown, nil); err != nil {
		log.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(fi.Name(), fi.Size() > 0)
	// Output:
	// photo.evidence.jpg true
}

// For a video, the frames with boxes are extracted by ffmpeg and annotated.
func ExampleAnnotateVideo() {
	var result authenta.Result // from Jobs.Result or Detect, for DF-1
	paths, err := evidence.AnnotateVideo(context.Background(), "clip.mp4", "evidence", result.Identities, &evidence.Options{MaxFrames: 8})
	if errors.Is(err, evidence.ErrNoFFmpeg) {
		log.Fatal("install ffmpeg to see the annotated frames")
	}
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range paths {
		fmt.Println("evidence:", p) // evidence/frame-000012.png, ...
	}
}

// An annotated copy of the whole video, for a reviewer to play.
func ExampleAnnotateVideoFile() {
	var result authenta.Result // from Jobs.Result or Detect, for DF-1
	err := evidence.AnnotateVideoFile(context.Background(), "clip.mp4", "clip.evidence.mp4", result.Identities, nil)
	if errors.Is(err, evidence.ErrNoFFmpeg) {
		log.Fatal("install ffmpeg to see the annotated video")
	}
	if err != nil {
		log.Fatal(err)
	}
}

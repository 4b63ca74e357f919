package authenta_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

func ExampleResult_Verdict() {
	srv, client := startFake()
	defer srv.Close()

	d, err := client.Detect(context.Background(), authenta.FaceSwapDetection, sampleFile("clip.mp4"), nil)
	if err != nil {
		log.Fatal(err)
	}
	r := d.Result
	fmt.Println("verdict:", r.Verdict())
	if p, ok := r.FakeProbability(); ok {
		fmt.Printf("probability of fake: %.3f\n", p)
	}
	for _, face := range r.Identities {
		fmt.Printf("face %s: %s (%.2f), first box %v in frame %d\n", face.ID, face.Class, *face.Confidence, face.Boxes[0].Box, face.Boxes[0].Frame)
	}
	// Output:
	// verdict: real
	// probability of fake: 0.048
	// face 0: real (0.97), first box (224,128)-(416,360) in frame 0
	// face 1: real (0.94), first box (600,160)-(760,356) in frame 0
}

func ExampleResult_Similarity() {
	r, err := authenta.ParseResult([]byte(`{"resultType":"face-intelligence","isSimilar":false,"similarityScore":31.5}`))
	if err != nil {
		log.Fatal(err)
	}
	s, _ := r.Similarity()
	fmt.Printf("similar: %v, score %.3f, verdict %s\n", *r.IsSimilar, s, r.Verdict())
	// Output:
	// similar: false, score 0.315, verdict unknown
}

func ExampleJobsService_SaveArtifacts() {
	srv, client := startFake(authentatest.WithKeepUploads())
	defer srv.Close()
	ctx := context.Background()

	d, err := client.Detect(ctx, authenta.AIImageDetection, sampleFile("photo.jpg"), nil)
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "evidence")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	paths, err := client.Jobs.SaveArtifacts(ctx, d.Job, dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range paths {
		fmt.Println(strings.TrimPrefix(filepath.Base(p), d.Job.ID+"_"))
	}
	// Output:
	// input_original_art_1_1.jpg
	// result_art_1_2.json
	// heatmap_art_1_3.png
}

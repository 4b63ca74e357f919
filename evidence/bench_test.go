package evidence_test

import (
	"image"
	"testing"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/evidence"
)

// BenchmarkAnnotate1080p draws three labelled faces on a 1920×1080 frame:
// the copy of the frame dominates, the labels (font parsed per call) do not.
func BenchmarkAnnotate1080p(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	ids := []authenta.Identity{
		fake("0", 0.97, image.Rect(200, 200, 500, 600)),
		{ID: "1", IsDeepFake: ptr(false), Confidence: ptr(0.88), Boxes: []authenta.FrameBox{{Box: image.Rect(800, 150, 1100, 550)}}},
		{ID: "2", Boxes: []authenta.FrameBox{{Box: image.Rect(1400, 300, 1700, 700)}}},
	}
	b.ReportAllocs()
	for b.Loop() {
		evidence.Annotate(img, ids, nil)
	}
}

// BenchmarkAnnotateNoLabels is the floor: the copy alone.
func BenchmarkAnnotateNoLabels(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	b.ReportAllocs()
	for b.Loop() {
		evidence.Annotate(img, nil, nil)
	}
}

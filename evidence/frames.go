package evidence

import (
	"slices"

	authenta "github.com/phospheneai/authenta-go"
)

// boxFrames lists, in order and once each, the frames in which some
// identity has a box that is not empty; negative frame indices are no
// frame and are left out.
func boxFrames(ids []authenta.Identity) []int {
	var frames []int
	for i := range ids {
		for _, b := range ids[i].Boxes {
			if b.Frame >= 0 && !b.Box.Canon().Empty() {
				frames = append(frames, b.Frame)
			}
		}
	}
	slices.Sort(frames)
	return slices.Compact(frames)
}

// spread picks at most n of the sorted frames, evenly from the first to the
// last (both kept when n ≥ 2; the middle one when n is 1).
func spread(frames []int, n int) []int {
	switch {
	case n <= 0:
		return nil
	case len(frames) <= n:
		return frames
	case n == 1:
		return []int{frames[len(frames)/2]}
	}
	out := make([]int, n)
	last := len(frames) - 1
	for i := range out {
		// i*last/(n-1) grows by at least 1 per step since last ≥ n, so no
		// frame is picked twice.
		out[i] = frames[int(int64(i)*int64(last)/int64(n-1))]
	}
	return out
}

// selectFrames is the frames AnnotateVideo extracts: those with boxes, at
// most max, chosen evenly.
func selectFrames(ids []authenta.Identity, max int) []int {
	return spread(boxFrames(ids), max)
}

package evidence

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"

	authenta "github.com/phospheneai/authenta-go"
)

// AnnotateVideo extracts from video the frames in which some identity has
// a box (at most Options.MaxFrames of them, chosen evenly from first to
// last), draws on each the boxes and labels of that frame, and writes them
// into outDir (created if missing) as PNG files named after the frame
// index, frame-000012.png. It returns their paths in frame order, and none
// when no identity has a box.
//
// FrameBox.Frame is the frame's index as decoded, from 0; frames are
// selected by that index, not by time. Frames the video does not have
// (past its end) are left out. It runs ffmpeg (Options.FFmpeg, else
// "ffmpeg" on PATH), killed when ctx ends; without it, the error matches
// ErrNoFFmpeg. On an error after some frames were written, their paths
// come with it.
func AnnotateVideo(ctx context.Context, video, outDir string, ids []authenta.Identity, opts *Options) ([]string, error) {
	if video == "" || outDir == "" {
		return nil, fmt.Errorf("%w: evidence: a video and an output directory are needed", authenta.ErrInvalidArgument)
	}
	bin, err := ffmpegPath(opts)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(video); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	frames := selectFrames(ids, opts.maxFrames())
	if len(frames) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	absVideo, err := filepath.Abs(video)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	tmp, err := os.MkdirTemp(outDir, ".frames-*")
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	defer os.RemoveAll(tmp)
	absTmp, err := filepath.Abs(tmp)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	if err := runFFmpeg(ctx, bin, extractArgs(absVideo, absTmp, frames)); err != nil {
		return nil, err
	}
	var paths []string
	for i, frame := range frames {
		if err := ctx.Err(); err != nil {
			return paths, err
		}
		// ffmpeg numbers its outputs from 1 in the order of the frames.
		raw := filepath.Join(tmp, fmt.Sprintf("%06d.png", i+1))
		img, err := readImage(raw, opts.maxPixels())
		if errors.Is(err, os.ErrNotExist) {
			break // the video ends before this frame, and so before the rest
		}
		if err != nil {
			return paths, err
		}
		out := filepath.Join(outDir, fmt.Sprintf("frame-%06d.png", frame))
		annotated := AnnotateFrame(img, ids, frame, opts)
		if err := writeAtomic(out, func(w io.Writer) error { return png.Encode(w, annotated) }); err != nil {
			return paths, err
		}
		paths = append(paths, out)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("evidence: ffmpeg found none of the %d frames with boxes in %s (is it shorter than frame %d?)", len(frames), filepath.Base(video), frames[0])
	}
	return paths, nil
}

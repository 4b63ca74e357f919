package evidence

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	authenta "github.com/phospheneai/authenta-go"
)

// AnnotateVideoFile writes to out an annotated copy of video: every frame,
// each with the boxes and labels that identities have in that frame (by
// frame index, from 0), at the video's frame rate and without its audio.
// Frames without a box are copied as they are: where the model reported
// boxes for some frames only, only those carry them. The format follows
// out's extension: .mp4, .mkv or .mov, encoded with ffmpeg's default codec
// for it. out is written atomically.
//
// It streams, one frame in memory at a time, through two ffmpeg processes
// (one decoding, one encoding), killed when ctx ends; without ffmpeg the
// error matches ErrNoFFmpeg. The frame rate is read with ffprobe (next to
// ffmpeg or on PATH) where it exists, else 25 frames a second is assumed.
func AnnotateVideoFile(ctx context.Context, video, out string, ids []authenta.Identity, opts *Options) (err error) {
	if video == "" || out == "" {
		return fmt.Errorf("%w: evidence: a video and an output file are needed", authenta.ErrInvalidArgument)
	}
	ext := strings.ToLower(filepath.Ext(out))
	if ext != ".mp4" && ext != ".mkv" && ext != ".mov" {
		return fmt.Errorf("%w: evidence: output %q: want a .mp4, .mkv or .mov file", authenta.ErrInvalidArgument, filepath.Base(out))
	}
	bin, err := ffmpegPath(opts)
	if err != nil {
		return err
	}
	if _, err := os.Stat(video); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	absVideo, err := filepath.Abs(video)
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The temporary file keeps the extension: it tells ffmpeg the format.
	tmpFile, err := os.CreateTemp(filepath.Dir(out), "."+strings.TrimSuffix(filepath.Base(out), filepath.Ext(out))+".*"+ext)
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	tmp := tmpFile.Name()
	_ = tmpFile.Close()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	absTmp, err := filepath.Abs(tmp)
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := transcode(ctx, bin, absVideo, absTmp, frameRate(ctx, bin, absVideo), ids, opts); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	return nil
}

// transcode pipes video's frames from one ffmpeg, as PPM images, through
// AnnotateFrame where a frame has boxes, into another ffmpeg that encodes
// them to out.
func transcode(parent context.Context, bin, video, out, fps string, ids []authenta.Identity, opts *Options) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel() // whatever happens, neither ffmpeg outlives the call

	var decErr, encErr headBuffer
	dec := exec.CommandContext(ctx, bin,
		"-nostdin", "-hide_banner", "-loglevel", "error",
		"-i", video, "-map", "0:v:0", "-vsync", "0",
		"-f", "image2pipe", "-c:v", "ppm", "-")
	dec.Stderr = &decErr
	dec.WaitDelay = 2 * time.Second
	decOut, err := dec.StdoutPipe()
	if err != nil {
		return fmt.Errorf("evidence: ffmpeg: %w", err)
	}
	if err := dec.Start(); err != nil {
		return fmt.Errorf("evidence: ffmpeg: %w", err)
	}
	var enc *exec.Cmd
	defer func() {
		cancel()
		_ = dec.Wait()
		if enc != nil {
			_ = enc.Wait()
		}
	}()

	// decodeFailed is the error when reading the decoder's output failed:
	// at an end of its output the decoder has exited, and its exit status
	// and error output say why; otherwise the output itself is wrong and
	// the decoder is stopped first.
	decodeFailed := func(err error) error {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return ffmpegFailed(parent, dec, &decErr, err)
		}
		cancel()
		_ = dec.Wait()
		return ffmpegFailed(parent, nil, &decErr, err)
	}
	frames := framesWithBoxes(ids)
	r := bufio.NewReaderSize(decOut, 1<<20)
	size, err := readPPMHeader(r, opts.maxPixels())
	if errors.Is(err, io.EOF) {
		return decodeFailed(fmt.Errorf("the video has no frames: %w", err))
	}
	if err != nil {
		return decodeFailed(err)
	}
	enc = exec.CommandContext(ctx, bin,
		"-nostdin", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-s", fmt.Sprintf("%dx%d", size.X, size.Y), "-r", fps, "-i", "-",
		"-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p",
		out)
	enc.Stderr = &encErr
	enc.WaitDelay = 2 * time.Second
	encIn, err := enc.StdinPipe()
	if err != nil {
		return fmt.Errorf("evidence: ffmpeg: %w", err)
	}
	if err := enc.Start(); err != nil {
		enc = nil
		return fmt.Errorf("evidence: ffmpeg: %w", err)
	}
	w := bufio.NewWriterSize(encIn, 1<<20)

	rgb := make([]byte, 3*size.X*size.Y)
	img := image.NewRGBA(image.Rectangle{Max: size})
	for n := 0; ; n++ {
		if _, err := io.ReadFull(r, rgb); err != nil {
			return decodeFailed(fmt.Errorf("frame %d: %w", n, err))
		}
		if frames[n] {
			rgbToRGBA(img, rgb)
			rgbaToRGB(rgb, AnnotateFrame(img, ids, n, opts))
		}
		if _, err := w.Write(rgb); err != nil {
			_ = encIn.Close()
			return ffmpegFailed(parent, enc, &encErr, err)
		}
		next, err := readPPMHeader(r, opts.maxPixels())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return decodeFailed(err)
		}
		if next != size {
			return fmt.Errorf("evidence: the video's frame size changes from %dx%d to %dx%d at frame %d", size.X, size.Y, next.X, next.Y, n+1)
		}
	}
	if err := w.Flush(); err != nil {
		_ = encIn.Close()
		return ffmpegFailed(parent, enc, &encErr, err)
	}
	if err := encIn.Close(); err != nil {
		return ffmpegFailed(parent, enc, &encErr, err)
	}
	if err := dec.Wait(); err != nil {
		return ffmpegFailed(parent, nil, &decErr, err)
	}
	err = enc.Wait()
	enc = nil
	if err != nil {
		return ffmpegFailed(parent, nil, &encErr, err)
	}
	return nil
}

// ffmpegFailed is the error of a pipeline step: the caller's context's
// when it ended, else the process's exit status (waited for, when cmd is
// given, which must then be exiting) and its error output, bounded.
func ffmpegFailed(ctx context.Context, cmd *exec.Cmd, stderr *headBuffer, err error) error {
	if cmd != nil {
		if werr := cmd.Wait(); werr != nil {
			err = werr
		}
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("evidence: ffmpeg: %w", ctxErr)
	}
	if msg := strings.TrimSpace(stderr.String()); msg != "" {
		return fmt.Errorf("evidence: ffmpeg: %w: %s", err, msg)
	}
	return fmt.Errorf("evidence: ffmpeg: %w", err)
}

// framesWithBoxes is the set of frames some identity has a box in.
func framesWithBoxes(ids []authenta.Identity) map[int]bool {
	set := make(map[int]bool)
	for _, f := range boxFrames(ids) {
		set[f] = true
	}
	return set
}

// rational is a frame rate as ffprobe prints it: "30000/1001", "25/1".
var rational = regexp.MustCompile(`^[1-9][0-9]{0,8}/[1-9][0-9]{0,8}$`)

// frameRate asks ffprobe for the video's frame rate, and assumes 25 where
// ffprobe is missing or says nothing usable.
func frameRate(ctx context.Context, ffmpeg, video string) string {
	const fallback = "25"
	probe, err := exec.LookPath(filepath.Join(filepath.Dir(ffmpeg), "ffprobe"))
	if err != nil {
		if probe, err = exec.LookPath("ffprobe"); err != nil {
			return fallback
		}
	}
	cmd := exec.CommandContext(ctx, probe, "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=r_frame_rate", "-of", "default=noprint_wrappers=1:nokey=1", video)
	cmd.WaitDelay = 2 * time.Second
	outb, err := cmd.Output()
	if err != nil {
		return fallback
	}
	rate := strings.TrimSpace(string(outb))
	if !rational.MatchString(rate) {
		if n, err := strconv.Atoi(rate); err != nil || n <= 0 || n > 1000 {
			return fallback
		}
	}
	return rate
}

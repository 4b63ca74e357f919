package evidence

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// ffmpegPath finds the ffmpeg program: Options.FFmpeg, else "ffmpeg" on
// PATH. Its error matches ErrNoFFmpeg.
func ffmpegPath(opts *Options) (string, error) {
	name := "ffmpeg"
	if opts != nil && opts.FFmpeg != "" {
		name = opts.FFmpeg
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w (%v)", ErrNoFFmpeg, err)
	}
	return p, nil
}

// selectFilter is the video filter that keeps exactly the frames whose
// index (ffmpeg's n, counted from 0 as decoded) is in frames.
func selectFilter(frames []int) string {
	var b strings.Builder
	b.WriteString("select='")
	for i, f := range frames {
		if i > 0 {
			b.WriteByte('+')
		}
		b.WriteString(`eq(n\,`)
		b.WriteString(strconv.Itoa(f))
		b.WriteByte(')')
	}
	b.WriteByte('\'')
	return b.String()
}

// extractArgs is the ffmpeg command line that writes the given frames of
// video, in order, as dir/000001.png, dir/000002.png, ... Both paths are
// absolute, so that neither can read as an option or a protocol.
func extractArgs(video, dir string, frames []int) []string {
	return []string{
		"-nostdin", "-hide_banner", "-loglevel", "error",
		"-i", video,
		"-map", "0:v:0",
		"-vf", selectFilter(frames),
		"-vsync", "0", // one output per selected frame: no duplicates, no drops
		"-frames:v", strconv.Itoa(len(frames)), // stop after the last one
		"-f", "image2",
		dir + "/%06d.png",
	}
}

// stderrLimit bounds how much of ffmpeg's error output an error carries.
const stderrLimit = 2048

// runFFmpeg runs ffmpeg until it exits or ctx ends (which kills it). Its
// error carries the start of ffmpeg's error output, bounded.
func runFFmpeg(ctx context.Context, bin string, args []string) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr headBuffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("evidence: ffmpeg: %w", ctxErr)
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return fmt.Errorf("evidence: ffmpeg: %w", err)
		}
		return fmt.Errorf("evidence: ffmpeg: %w: %s", err, msg)
	}
	return nil
}

// headBuffer keeps the first stderrLimit bytes written to it and counts
// the rest.
type headBuffer struct {
	buf     bytes.Buffer
	dropped int64
}

func (h *headBuffer) Write(p []byte) (int, error) {
	room := stderrLimit - h.buf.Len()
	if room < len(p) {
		h.dropped += int64(len(p) - max(room, 0))
		p2 := p[:max(room, 0)]
		h.buf.Write(p2)
		return len(p), nil
	}
	h.buf.Write(p)
	return len(p), nil
}

func (h *headBuffer) String() string {
	if h.dropped == 0 {
		return h.buf.String()
	}
	return fmt.Sprintf("%s… (%d more bytes)", h.buf.String(), h.dropped)
}

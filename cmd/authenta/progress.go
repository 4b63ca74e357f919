package main

import (
	"io"
	"path/filepath"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// largeFile is the size from which a file gets its own upload bar.
const largeFile = 16 << 20

// bars draws progress on stderr: files done of total with rate and ETA,
// bytes uploaded with rate, and a bar per large file while it uploads. A
// nil *bars draws nothing (stderr is not a terminal), so callers need no
// checks.
type bars struct {
	p            *mpb.Progress
	files, bytes *mpb.Bar
	mu           sync.Mutex
	stopped      bool
}

// newBars starts drawing on w, for a known number of files and bytes to
// upload.
func newBars(w io.Writer, files, bytes int64) *bars {
	p := mpb.New(mpb.WithOutput(w), mpb.WithWidth(40))
	b := &bars{p: p}
	b.files = p.AddBar(files,
		mpb.PrependDecorators(decor.Name("files ", decor.WC{W: 7}), decor.CountersNoUnit("%d / %d", decor.WCSyncWidth)),
		mpb.AppendDecorators(
			decor.Percentage(decor.WC{W: 5}),
			decor.Name("  "), decor.AverageSpeed(0, "%.1f/s", decor.WCSyncWidth),
			decor.Name("  ETA "), decor.AverageETA(decor.ET_STYLE_GO),
		),
	)
	b.bytes = p.AddBar(bytes,
		mpb.PrependDecorators(decor.Name("upload ", decor.WC{W: 7}), decor.Counters(decor.SizeB1024(0), "% .1f / % .1f", decor.WCSyncWidth)),
		mpb.AppendDecorators(
			decor.Percentage(decor.WC{W: 5}),
			decor.Name("  "), decor.AverageSpeed(decor.SizeB1024(0), "% .1f", decor.WCSyncWidth),
		),
	)
	return b
}

// Write prints lines above the bars.
func (b *bars) Write(p []byte) (int, error) { return b.p.Write(p) }

// fileDone counts a file as done.
func (b *bars) fileDone() {
	if b != nil {
		b.files.Increment()
	}
}

// uploaded adds n bytes to the upload counter.
func (b *bars) uploaded(n int64) {
	if b != nil && n > 0 {
		b.bytes.IncrInt64(n)
	}
}

// fileBar is the upload bar of one large file; nil for small ones.
type fileBar struct {
	b    *mpb.Bar
	size int64
	sent int64 // the most reported so far
	all  *bars
}

// file returns a tracker of one file's upload: a bar of its own when it is
// large, and the bytes counted in the total either way.
func (b *bars) file(path string, size int64) *fileBar {
	if b == nil {
		return nil
	}
	fb := &fileBar{size: size, all: b}
	if size >= largeFile {
		fb.b = b.p.AddBar(size, mpb.BarRemoveOnComplete(),
			mpb.PrependDecorators(decor.Name(truncName(filepath.Base(path), 24), decor.WC{W: 25, C: decor.DindentRight}),
				decor.Counters(decor.SizeB1024(0), "% .1f / % .1f")),
			mpb.AppendDecorators(decor.EwmaSpeed(decor.SizeB1024(0), "% .1f", 30)),
		)
	}
	return fb
}

// progress records that sent of the file's bytes are uploaded; sent
// restarts from 0 when an upload is retried.
func (f *fileBar) progress(sent int64) {
	if f == nil {
		return
	}
	f.all.mu.Lock()
	delta := sent - f.sent // the total counts each byte once, retries or not
	f.sent = max(f.sent, sent)
	f.all.mu.Unlock()
	if delta > 0 {
		f.all.uploaded(delta)
	}
	if f.b != nil {
		f.b.SetCurrent(sent)
	}
}

// done ends the file's upload bar, counting what the progress callbacks
// did not report.
func (f *fileBar) done(uploaded bool) {
	if f == nil {
		return
	}
	if uploaded {
		f.progress(f.size)
	}
	if f.b != nil {
		f.b.Abort(true)
	}
}

// stop completes the bars (whatever their totals said) and waits for the
// last draw.
func (b *bars) stop() {
	if b == nil {
		return
	}
	b.mu.Lock()
	if b.stopped {
		b.mu.Unlock()
		return
	}
	b.stopped = true
	b.mu.Unlock()
	b.files.SetTotal(-1, true)
	b.bytes.SetTotal(-1, true)
	b.p.Wait()
}

func truncName(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

package authenta

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Upload bodies. net/http reads a request body on a goroutine of its own,
// and when the request is cancelled it waits for that goroutine, and so for
// the body's Read, before it returns. A reader that blocks (a pipe whose
// writer stalled, a network stream) would hold the call past its context.
// So a body that may block is read by a pump goroutine, and the Read that
// net/http sees returns the context's error as soon as the context ends.

// pumpBufSize is what the pump reads at a time.
const pumpBufSize = 32 << 10

// mayBlock reports whether reading r may block for long: anything but
// in-memory readers and regular files (or sections of them).
func mayBlock(r io.Reader) bool {
	switch b := r.(type) {
	case *bytes.Reader, *strings.Reader:
		return false
	case *os.File:
		return !isRegular(b)
	}
	return true
}

// isRegular reports whether f is a regular file (a pipe, a terminal or a
// socket is not).
func isRegular(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
}

// pumpBody is a request body whose Read returns ctx's error as soon as ctx
// ends, whatever the underlying reader does. The underlying Read goes on
// on the pump goroutine until it returns, and its result is dropped; the
// pump then ends. A reader that never returns keeps that one goroutine
// (and its 32 KiB buffer) alive until it does: the call has returned long
// before. Close does not close the underlying reader, which the caller
// owns.
type pumpBody struct {
	ctx  context.Context
	r    io.Reader
	once sync.Once
	asks chan int        // the pump reads up to n bytes into buf
	got  chan pumpResult // buffered: the pump never blocks on it
	done chan struct{}   // closed by Close: the pump ends
	buf  []byte          // the pump's; read here only after a result
	busy bool            // a read was asked for and its result not taken
	shut sync.Once       // Close
	err  error           // the first error returned; sticky
}

type pumpResult struct {
	n   int
	err error
}

func newPumpBody(ctx context.Context, r io.Reader) *pumpBody {
	return &pumpBody{ctx: ctx, r: r, done: make(chan struct{})}
}

func (p *pumpBody) start() {
	p.asks = make(chan int)
	p.got = make(chan pumpResult, 1)
	p.buf = make([]byte, pumpBufSize)
	go p.pump()
}

func (p *pumpBody) pump() {
	for {
		select {
		case <-p.done:
			return
		case n := <-p.asks:
			k, err := p.r.Read(p.buf[:n])
			p.got <- pumpResult{k, err}
		}
	}
}

func (p *pumpBody) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	if err := p.ctx.Err(); err != nil {
		p.err = err
		return 0, err
	}
	if len(b) == 0 {
		return 0, nil
	}
	p.once.Do(p.start)
	if !p.busy {
		select {
		case p.asks <- min(len(b), pumpBufSize):
			p.busy = true
		case <-p.ctx.Done():
			p.err = p.ctx.Err()
			return 0, p.err
		}
	}
	select {
	case r := <-p.got:
		p.busy = false
		n := copy(b, p.buf[:r.n])
		if r.err != nil {
			p.err = r.err
		}
		return n, r.err
	case <-p.ctx.Done():
		// The pump's Read is still running; its result will be dropped.
		p.err = fmt.Errorf("upload body: %w", p.ctx.Err())
		return 0, p.err
	}
}

// Close ends the pump (once its current Read, if any, returns).
func (p *pumpBody) Close() error {
	p.shut.Do(func() { close(p.done) })
	return nil
}

// inspectBody tells how an upload body will be read, without reading it:
// an io.ReaderAt that is not a pipe is re-read from its current offset on
// each retry (ra, off); anything else is read once (ra nil). A body that
// can tell its size and holds fewer than size bytes is an error matching
// ErrInvalidArgument, found before anything is sent.
// what names the body in that error.
func inspectBody(what string, body io.Reader, size int64) (ra io.ReaderAt, off int64, err error) {
	ra, ok := body.(io.ReaderAt)
	if f, isFile := body.(*os.File); isFile && !isRegular(f) {
		ok = false // a pipe or a terminal: ReadAt and Seek fail
	}
	if ok {
		if sk, isSeeker := body.(io.Seeker); isSeeker {
			if off, err = sk.Seek(0, io.SeekCurrent); err != nil {
				ra, off, ok = nil, 0, false // cannot say where it is: read it once
			}
		}
	}
	if !ok {
		ra = nil
	}
	if n, known := sizeOf(body); known && n-off < size {
		return nil, 0, fmt.Errorf("%w: %s holds %d bytes, not the %d declared", ErrInvalidArgument, what, max(n-off, 0), size)
	}
	return ra, off, nil
}

// checkContentType refuses a content type that would break the request's
// header (CR, LF, NUL and other control characters).
func checkContentType(ct string) error {
	if strings.IndexFunc(ct, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
		return fmt.Errorf("%w: content type %q contains control characters", ErrInvalidArgument, truncate(ct, 64))
	}
	return nil
}

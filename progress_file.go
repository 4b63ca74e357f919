package authenta

import (
	"io"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// An upload of a regular file goes by sendfile(2) (upload_file.go), in
// the kernel: no reader of ours sees its bytes. On Linux, sendfile sends
// from the file's offset and moves it as it goes (Go's net package calls
// it with no offset of its own, in chunks, each as much as the socket
// takes), so the progress of such an upload is the distance the handle's
// offset has moved from where the attempt began. A progressFile is that
// handle as one attempt's body: net/http finds in it what its sendfile
// path looks for (a reader that is also a syscall.Conn), and while the
// kernel sends, its offset is read every progressSample. Reports keep the
// rules of progress (monotonic within an attempt, throttled, ending at the
// total); they come from the goroutine that reads the offset, which ends
// before the send does.
//
// Elsewhere sendfile does not move the offset while it runs, or moving it
// waits for the send (Windows), and before Go 1.25 net/http sends only an
// *os.File itself with sendfile, so an upload with progress reads the file
// through a counting reader there.
const offsetProgress = runtime.GOOS == "linux" && netSendfileTakesConn

// progressSample is how often the offset of a file being sent is read.
const progressSample = 100 * time.Millisecond

// track returns one attempt's body b, counted by p (nil: b as it is).
// f, when not nil, is the file b sends with sendfile from offset off; its
// offset then gives the progress (see progressFile).
func (p *progress) track(b io.ReadCloser, f *os.File, off int64) io.ReadCloser {
	switch {
	case p == nil:
		return b
	case f != nil && offsetProgress:
		return &progressFile{f: f, off: off, body: b, p: p, gen: p.attempt()}
	}
	return struct {
		io.Reader
		io.Closer
	}{p.reader(b), b}
}

// at counts attempt gen as having sent sent bytes in all, when that is
// more than counted so far.
func (p *progress) at(gen int, sent int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen || sent <= p.sent {
		return
	}
	p.sent = min(sent, p.total)
	if p.sent == p.total || p.sent-p.last >= p.step {
		p.last = p.sent
		p.fn(p.slot, p.sent, p.total)
	}
}

// progressFile is one attempt's body of an upload of f from offset off,
// sent with sendfile, its progress read from f's offset (see above).
// Closing it closes body, which is f or a wrapper that leaves f open.
type progressFile struct {
	f    *os.File
	off  int64
	body io.Closer
	p    *progress
	gen  int

	sendfiles atomic.Int32 // sends made through SyscallConn (for tests)
}

// Read serves what net/http reads itself: the start of the body that it
// buffers with the headers, and the end of the file after the send.
func (b *progressFile) Read(buf []byte) (int, error) {
	n, err := b.f.Read(buf)
	b.p.add(b.gen, n)
	return n, err
}

func (b *progressFile) Close() error { return b.body.Close() }

// SyscallConn is what makes net/http's transport send the body with
// sendfile: its Read runs the send, during which the offset is sampled.
func (b *progressFile) SyscallConn() (syscall.RawConn, error) {
	rc, err := b.f.SyscallConn()
	if err != nil {
		return nil, err
	}
	return progressConn{rc, b}, nil
}

// sample counts the distance f's offset has moved from off.
func (b *progressFile) sample() {
	if pos, err := b.f.Seek(0, io.SeekCurrent); err == nil {
		b.p.at(b.gen, pos-b.off)
	}
}

type progressConn struct {
	syscall.RawConn
	b *progressFile
}

// Read runs fn (the send) with the file's offset read every
// progressSample meanwhile, and once more when it returns. The sampling
// goroutine ends before Read returns.
func (c progressConn) Read(fn func(fd uintptr) bool) error {
	c.b.sendfiles.Add(1)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(progressSample)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				c.b.sample()
			}
		}
	}()
	err := c.RawConn.Read(fn)
	close(stop)
	<-done
	c.b.sample()
	return err
}

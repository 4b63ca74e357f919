package authenta

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"

	"github.com/phospheneai/authenta-go/internal/fsopen"
	"github.com/phospheneai/authenta-go/internal/retry"
)

// An upload of a regular file hands net/http an *os.File of its own as the
// request body, so that net/http sends it with sendfile(2) (it does so for
// an *os.File body, unwrapping only its own wrappers), at the CPU cost of a
// raw PUT of the file. Each attempt gets a fresh handle on the same file,
// positioned at the upload's offset: the caller's handle is never read or
// moved, and concurrent uploads of one *os.File do not share an offset.
// When no fresh handle can be had, or the bytes to send are not exactly
// the rest of the file, the upload takes the generic io.ReaderAt path.

// fileBodies returns the GetBody of an upload of size bytes of f from off
// to the end of the file, or nil when f is not a regular file whose rest
// is exactly size bytes.
func fileBodies(f *os.File, off, size int64, prog *progress) func() (io.ReadCloser, error) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size()-off != size {
		return nil
	}
	return func() (io.ReadCloser, error) { return freshBody(f, fi, off, size, prog) }
}

// freshBody opens f again for one attempt, positioned at off, and returns
// it as the body of an upload of size bytes (see fileBodies), counted by
// prog (nil: not counted); fi is what a stat of f found when the upload
// began.
func freshBody(f *os.File, fi os.FileInfo, off, size int64, prog *progress) (io.ReadCloser, error) {
	g, gi, err := reopen(f, fi)
	if err != nil {
		// No second handle (no /proc, a name that no longer leads to the
		// file): read the caller's handle at its offsets.
		return prog.track(io.NopCloser(&exactReader{r: io.NewSectionReader(f, off, size), left: size}), nil, 0), nil
	}
	if gi.Size()-off < size {
		err = shrankError(gi.Size(), off, size)
	}
	if err == nil && off > 0 {
		_, err = g.Seek(off, io.SeekStart)
	}
	if err != nil {
		_ = g.Close()
		return nil, &retry.Permanent{Err: err}
	}
	if gi.Size()-off > size {
		// The file grew: net/http would refuse the extra bytes, so send
		// exactly size of them through a reader.
		return prog.track(&limitedFile{exactReader{r: g, left: size}, g}, nil, 0), nil
	}
	return prog.track(g, g, off), nil
}

func shrankError(now, off, size int64) error {
	return fmt.Errorf("%w: the file holds %d bytes from offset %d, not the %d declared", ErrInvalidArgument, max(now-off, 0), off, size)
}

// ownFile is the upload of a file the SDK opened itself (Detect's inputs,
// see openSource): f is a regular file at offset 0 that nothing else reads
// or moves, fi what its stat found when it was opened, and size all of it.
// The first attempt sends f itself, behind io.NopCloser (which net/http
// unwraps, so it still sends f with sendfile, but does not close the
// handle that later attempts reopen). Each later attempt may start while
// net/http still reads the one before, so it gets a fresh handle, as
// fileBodies gives. One fstat before the first attempt finds a file that
// shrank (an error, nothing sent) or grew (exactly size bytes are sent)
// since it was opened; what openSource checked is not checked again, and
// the file is not opened a second time unless an attempt fails.
type ownFile struct {
	f     *os.File
	fi    os.FileInfo
	size  int64
	prog  *progress   // counts each attempt's bytes (nil: none)
	begun atomic.Bool // the first attempt has its body
}

// ownFileBodies returns the GetBody of the upload of a file the SDK
// opened itself (see ownFile), each attempt counted by prog (nil: none).
func ownFileBodies(f *os.File, fi os.FileInfo, size int64, prog *progress) func() (io.ReadCloser, error) {
	o := &ownFile{f: f, fi: fi, size: size, prog: prog}
	return o.body
}

func (o *ownFile) body() (io.ReadCloser, error) {
	if o.begun.Swap(true) {
		return freshBody(o.f, o.fi, 0, o.size, o.prog)
	}
	gi, err := o.f.Stat()
	switch {
	case err != nil:
		return nil, &retry.Permanent{Err: fmt.Errorf("%w: %w", ErrInvalidArgument, err)}
	case gi.Size() < o.size:
		return nil, &retry.Permanent{Err: shrankError(gi.Size(), 0, o.size)}
	case gi.Size() > o.size:
		return o.prog.track(io.NopCloser(&exactReader{r: o.f, left: o.size}), nil, 0), nil
	}
	return o.prog.track(io.NopCloser(o.f), o.f, 0), nil
}

// reopen opens the file f is a handle on again, read-only: through
// /proc/self/fd on Linux (which reaches the file even after a rename or an
// unlink), else by its name. The new handle must be the same file as fi
// describes; its FileInfo is returned with it.
func reopen(f *os.File, fi os.FileInfo) (*os.File, os.FileInfo, error) {
	var names [2]string
	if runtime.GOOS == "linux" {
		if sc, err := f.SyscallConn(); err == nil {
			_ = sc.Control(func(fd uintptr) { names[0] = "/proc/self/fd/" + strconv.FormatUint(uint64(fd), 10) })
		}
	}
	names[1] = f.Name()
	for _, name := range names {
		if name == "" {
			continue
		}
		g, err := fsopen.Open(name)
		if err != nil {
			continue
		}
		if gi, err := g.Stat(); err == nil && os.SameFile(fi, gi) {
			return g, gi, nil
		}
		_ = g.Close()
	}
	return nil, nil, errNoReopen
}

var errNoReopen = fmt.Errorf("authenta: cannot open the upload file again")

// limitedFile reads exactly size bytes of a fresh handle and closes it.
type limitedFile struct {
	exactReader
	f *os.File
}

func (l *limitedFile) Close() error { return l.f.Close() }

package authenta

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/phospheneai/authenta-go/internal/exif"
	"github.com/phospheneai/authenta-go/internal/fsopen"
)

// The face-indexing service takes JPEG, PNG and WebP images.
var faceContentTypes = []string{mimeJPEG, mimePNG, "image/webp"}

const (
	// maxFaceImages is how many images one enrolment takes.
	maxFaceImages = 10
	// maxFaceName is the longest face name, in characters.
	maxFaceName = 255
	// maxSearchSide is the longest side of a search image: larger ones are
	// scaled down before they are sent.
	maxSearchSide = 4096
	// headerPrefix is how much of an image is read to learn its format,
	// size and EXIF orientation before it is sent.
	headerPrefix = 256 << 10
)

// imageSource is one image to enrol or search with, checked.
type imageSource struct {
	name, contentType string
	r                 io.Reader // an io.ReaderAt when it can be re-read for a retry
	size              int64
	f                 *os.File // to close; nil for a caller's reader
}

func (s *imageSource) close() {
	if s != nil && s.f != nil {
		_ = s.f.Close()
	}
}

func closeImages(srcs []*imageSource) {
	for _, s := range srcs {
		s.close()
	}
}

// faceImageType checks an image's name and returns its content type:
// override when set, else the one its extension names.
func faceImageType(name, override string) (string, error) {
	switch n := utf8.RuneCountInString(name); {
	case name == "" || name == "." || name == string(filepath.Separator):
		return "", fmt.Errorf("%w: an image needs a file name with its extension", ErrInvalidArgument)
	case n > maxFaceName:
		return "", fmt.Errorf("%w: image name %q is %d characters long, at most %d", ErrInvalidArgument, truncate(name, 64), n, maxFaceName)
	case !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", fmt.Errorf("%w: image name %q is not printable UTF-8", ErrInvalidArgument, truncate(name, 64))
	}
	ct := ContentTypeFor(name)
	if override != "" {
		ct = canonicalMIME(override)
	}
	for _, ok := range faceContentTypes {
		if ct == ok {
			return ct, nil
		}
	}
	if ct == "" {
		ct = "an unknown type"
	}
	return "", fmt.Errorf("%w: %w: %q is %s; face indexing takes %s", ErrInvalidImage, ErrUnsupportedMediaType, name, ct, strings.Join(faceContentTypes, ", "))
}

// openImage opens an image file and checks it: a regular, non-empty file
// of a type the service takes, with a name of 1 to 255 characters. The file
// stays open for the upload, which re-reads it on a retry.
func openImage(path string) (*imageSource, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: empty image path", ErrInvalidArgument)
	}
	name := filepath.Base(path)
	ct, err := faceImageType(name, "")
	if err != nil {
		return nil, err
	}
	// Stat before open, and open without blocking, as Detect does (see
	// internal/fsopen): opening a FIFO would wait for a writer.
	switch fi, err := os.Stat(path); {
	case err != nil:
		return nil, fmt.Errorf("%w: image: %w", ErrInvalidArgument, err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%w: image %q is not a regular file", ErrInvalidArgument, path)
	}
	f, err := fsopen.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: image: %w", ErrInvalidArgument, err)
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
		err = fmt.Errorf("%w: image: %w", ErrInvalidArgument, err)
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("%w: image %q is not a regular file", ErrInvalidArgument, path)
	case fi.Size() == 0:
		err = fmt.Errorf("%w: image %q is empty", ErrInvalidArgument, path)
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return &imageSource{name: name, contentType: ct, r: f, size: fi.Size(), f: f}, nil
}

// readerImage checks an image given as a reader.
func readerImage(name, contentType string, r io.Reader, size int64) (*imageSource, error) {
	base := filepath.Base(name)
	if name == "" {
		base = ""
	}
	ct, err := faceImageType(base, contentType)
	if err != nil {
		return nil, err
	}
	switch {
	case r == nil:
		return nil, fmt.Errorf("%w: image %q: nil reader", ErrInvalidArgument, base)
	case size <= 0:
		return nil, fmt.Errorf("%w: image %q: size must be positive, got %d", ErrInvalidArgument, base, size)
	}
	if f, ok := r.(*os.File); ok && !isRegular(f) {
		// A pipe or a terminal (os.Stdin) is an io.ReaderAt whose ReadAt
		// and Seek fail: it is read once, as a plain reader.
		r = struct{ io.Reader }{f}
	}
	return &imageSource{name: base, contentType: ct, r: r, size: size}, nil
}

// prepare reads the start of the image to learn its format, size and EXIF
// orientation. An upright image no larger than maxSide pixels a side (0:
// any size) is left to be streamed as it is; any other is decoded, scaled
// down, turned upright and encoded again as a JPEG, held in memory (it is
// at most maxSide pixels a side for a search). Only the prefix is read
// otherwise: from an io.ReaderAt at its current offset, or from a plain
// reader, whose prefix is then sent before the rest.
//
// A reader that blocks does not hold the call past ctx: the read is left to
// end when the reader does (close it), and the call returns ctx's error.
func (s *imageSource) prepare(ctx context.Context, maxSide int) error {
	n := min(s.size, headerPrefix)
	prefix := make([]byte, n)
	var whole func() io.Reader // the whole image, from its start
	if ra, ok := s.r.(io.ReaderAt); ok {
		var off int64
		if sk, ok := s.r.(io.Seeker); ok {
			var err error
			if off, err = sk.Seek(0, io.SeekCurrent); err != nil {
				return fmt.Errorf("authenta: image %q: %w", s.name, err)
			}
		}
		if m, err := ra.ReadAt(prefix, off); m < len(prefix) {
			return s.readError(err)
		}
		sec := io.NewSectionReader(ra, off, s.size)
		s.r = sec
		whole = func() io.Reader { return io.NewSectionReader(ra, off, s.size) }
	} else {
		if err := underContext(ctx, func() error { _, err := io.ReadFull(s.r, prefix); return err }); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("authenta: image %q: %w", s.name, err)
			}
			return s.readError(err)
		}
		rest := s.r
		s.r = io.MultiReader(bytes.NewReader(prefix), rest)
		whole = func() io.Reader { return s.r }
	}
	info := exif.Inspect(prefix)
	if !info.NeedsWork(maxSide) {
		return nil
	}
	var out []byte
	err := underContext(ctx, func() error {
		var err error
		out, err = exif.Normalize(io.LimitReader(whole(), s.size), info, maxSide)
		return err
	})
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("authenta: image %q: %w", s.name, ctx.Err())
	case err != nil:
		return fmt.Errorf("%w: image %q: %w", ErrInvalidImage, s.name, err)
	}
	s.r, s.size, s.contentType = bytes.NewReader(out), int64(len(out)), mimeJPEG
	if ContentTypeFor(s.name) != mimeJPEG {
		s.name = strings.TrimSuffix(s.name, filepath.Ext(s.name)) + ".jpg"
	}
	return nil
}

// underContext runs f, and returns its error, or ctx's when ctx ends first:
// f is then left to finish on its own (a read from a caller's reader that
// blocks cannot be interrupted any other way), and its results are dropped.
func underContext(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *imageSource) readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: image %q ends before its declared size of %d bytes", ErrInvalidArgument, s.name, s.size)
	}
	return fmt.Errorf("authenta: image %q: %w", s.name, err)
}

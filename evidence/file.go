package evidence

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/internal/fsopen"
	_ "golang.org/x/image/webp" // decode WebP stills too (face models accept them)
)

// AnnotateFile reads the still image in (JPEG, PNG or WebP), draws the
// identities on it as Annotate does, and writes the result to out, as PNG
// or JPEG after out's extension (.png, .jpg, .jpeg). out is written
// atomically: a reader never sees a partial file, and out is untouched on
// error. An image larger than Options.MaxPixels is refused from its header,
// before it is decoded. Bad arguments give an error matching
// authenta.ErrInvalidArgument.
func AnnotateFile(ctx context.Context, in, out string, ids []authenta.Identity, opts *Options) error {
	enc, err := encoderFor(out)
	if err != nil {
		return err
	}
	if in == "" {
		return fmt.Errorf("%w: evidence: no input image", authenta.ErrInvalidArgument)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	img, err := readImage(in, opts.maxPixels())
	if err != nil {
		return err
	}
	annotated := Annotate(img, ids, opts)
	if err := ctx.Err(); err != nil {
		return err
	}
	return writeAtomic(out, func(w io.Writer) error { return enc(w, annotated) })
}

type encoder func(io.Writer, image.Image) error

// encoderFor picks the format from the output file's extension.
func encoderFor(out string) (encoder, error) {
	if out == "" {
		return nil, fmt.Errorf("%w: evidence: no output file", authenta.ErrInvalidArgument)
	}
	switch strings.ToLower(filepath.Ext(out)) {
	case ".png":
		return png.Encode, nil
	case ".jpg", ".jpeg":
		return func(w io.Writer, m image.Image) error {
			return jpeg.Encode(w, m, &jpeg.Options{Quality: jpegQuality})
		}, nil
	}
	return nil, fmt.Errorf("%w: evidence: output %q: want a .png, .jpg or .jpeg file", authenta.ErrInvalidArgument, filepath.Base(out))
}

// errTooLarge is wrapped when an image's header announces more pixels than
// allowed.
var errTooLarge = errors.New("image too large")

// readImage decodes the image in path, refusing from its header one of
// more than maxPixels pixels, so that a small file cannot make it allocate
// gigabytes.
func readImage(path string, maxPixels int) (image.Image, error) {
	// Opened without blocking (a FIFO named like an image would block
	// os.Open until a writer came), then refused unless a regular file.
	f, err := fsopen.Open(path)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		_ = f.Close()
		if err != nil {
			return nil, fmt.Errorf("evidence: %w", err)
		}
		return nil, fmt.Errorf("%w: evidence: %s is not a regular file", authenta.ErrInvalidArgument, filepath.Base(path))
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%w: evidence: %s: not a JPEG, PNG or WebP image: %v", authenta.ErrInvalidArgument, filepath.Base(path), err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: evidence: %s: empty %dx%d image", authenta.ErrInvalidArgument, filepath.Base(path), cfg.Width, cfg.Height)
	}
	if cfg.Width > maxPixels/cfg.Height {
		return nil, fmt.Errorf("%w: evidence: %s: %dx%d %s: %w (at most %d pixels)", authenta.ErrInvalidArgument, filepath.Base(path), cfg.Width, cfg.Height, format, errTooLarge, maxPixels)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	img, _, err := image.Decode(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%w: evidence: %s: %v", authenta.ErrInvalidArgument, filepath.Base(path), err)
	}
	return img, nil
}

// writeAtomic writes a file next to path and renames it over path once
// write and close succeeded; on any failure it removes it.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		return fmt.Errorf("evidence: encode %s: %w", filepath.Base(path), err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	return nil
}

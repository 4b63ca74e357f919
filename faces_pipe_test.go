package authenta_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestFacesPipeIsStreamedOnce: an *os.File that is a pipe (os.Stdin) is an
// io.ReaderAt whose ReadAt and Seek fail: EnrollImages and SearchReader
// stream it once, as DetectReader does (issue 7), instead of refusing it
// with "illegal seek". A sideways photo from a pipe still arrives upright.
func TestFacesPipeIsStreamedOnce(t *testing.T) {
	t.Parallel()
	pipe := func(b []byte) *os.File {
		pr, pw, err := os.Pipe()
		require.NoError(t, err)
		go func() {
			_, _ = pw.Write(b)
			_ = pw.Close()
		}()
		t.Cleanup(func() { _ = pr.Close() })
		return pr
	}
	srv := authentatest.NewServer(t, authentatest.WithFaceSteps(0, 0))
	c := srv.Client()
	ctx := testCtx(t)

	img := authentatest.Portrait(1, 8, 8)
	sub, err := c.Faces.EnrollImages(ctx, []authenta.FaceImage{{Name: "stdin.jpg", Body: pipe(img), Size: int64(len(img))}})
	require.NoError(t, err)
	rec := srv.Faces(sub.ID)[0]
	require.Equal(t, img, rec.Data, "the bytes as piped")

	side := authentatest.Sideways(7, 48, 64, 6)
	sub, err = c.Faces.EnrollImages(ctx, []authenta.FaceImage{{Name: "side.jpg", Body: pipe(side), Size: int64(len(side))}})
	require.NoError(t, err)
	rec = srv.Faces(sub.ID)[0]
	require.Equal(t, [3]int{48, 64, 1}, [3]int{rec.Width, rec.Height, rec.Orientation}, "turned upright")

	_, err = c.Faces.SearchReader(ctx, "stdin.jpg", pipe(img), int64(len(img)), nil)
	require.NoError(t, err)
	require.Equal(t, img, srv.Searches()[0].Image)
}

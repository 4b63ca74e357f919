package authenta_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// writeFile writes b to a file named name in a temporary directory.
func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestFacesFlow(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithSplitSubjects())
	c := srv.Client()
	ctx := testCtx(t)

	alice := []string{writeFile(t, "alice-front.jpg", authentatest.Portrait(1, 60, 80)), writeFile(t, "alice-side.png", authentatest.PortraitPNG(1, 50, 50))}
	sub, err := c.Faces.Enroll(ctx, alice)
	require.NoError(t, err)
	require.NotEmpty(t, sub.ID)
	require.Len(t, sub.Faces, 2)
	require.Equal(t, "alice-front.jpg", sub.Faces[0].Name)
	require.Equal(t, authenta.FaceUploaded, sub.Faces[0].Status)

	var info authenta.ResponseInfo
	bob, err := c.Faces.EnrollImages(ctx, []authenta.FaceImage{{Name: "bob.jpg", Body: bytes.NewReader(authentatest.Portrait(2, 64, 64)), Size: int64(len(authentatest.Portrait(2, 64, 64)))}},
		authenta.WithResponseInfo(&info))
	require.NoError(t, err)
	require.Equal(t, 2, info.Attempts) // the enrol and one upload

	done, err := c.Faces.WaitEnrolled(ctx, sub.ID, fastWait)
	require.NoError(t, err)
	require.Equal(t, sub.ID, done.ID)
	require.Len(t, done.Faces, 2, "the split entries are merged")
	for _, f := range done.Faces {
		require.Equal(t, authenta.FaceProcessed, f.Status)
		require.True(t, f.Status.Terminal())
		require.NotEmpty(t, f.Embedding)
		require.True(t, strings.HasPrefix(f.ImageURL, srv.StorageURL))
	}
	_, err = c.Faces.WaitEnrolled(ctx, bob.ID, fastWait)
	require.NoError(t, err)

	all, err := c.Faces.Subjects(ctx)
	require.NoError(t, err)
	require.Len(t, all, 2)
	require.Equal(t, []string{sub.ID, bob.ID}, []string{all[0].ID, all[1].ID})

	// What the storage host received: the files, with exactly the server's
	// headers and no key.
	recs := srv.Faces(sub.ID)
	want0, _ := os.ReadFile(alice[0])
	require.Equal(t, want0, recs[0].Data)
	for _, q := range srv.RequestsTo(authentatest.RouteFaceUpload) {
		require.False(t, q.HadAuth)
		require.Empty(t, q.TransferEncoding)
		require.Equal(t, q.ContentLength, q.BodyBytes)
	}

	probe := writeFile(t, "probe.jpg", authentatest.Portrait(1, 120, 160))
	matches, err := c.Faces.Search(ctx, probe, nil)
	require.NoError(t, err)
	require.Len(t, matches, 3)
	require.Equal(t, sub.ID, matches[0].SubjectID)
	require.Equal(t, 1, matches[0].Rank)
	require.Greater(t, matches[0].Similarity, 0.95)
	for i := 1; i < len(matches); i++ {
		require.GreaterOrEqual(t, matches[i-1].Similarity, matches[i].Similarity)
		require.Equal(t, i+1, matches[i].Rank)
	}
	// A plain reader (sent once) and a limit.
	b := authentatest.Portrait(2, 70, 70)
	matches, err = c.Faces.SearchReader(ctx, "probe.jpg", io.MultiReader(bytes.NewReader(b)), int64(len(b)), &authenta.SearchOptions{Limit: 1})
	require.NoError(t, err)
	require.Len(t, matches, 1)
	require.Equal(t, bob.ID, matches[0].SubjectID)

	searches := srv.Searches()
	require.Len(t, searches, 2)
	require.True(t, searches[0].Multipart)
	require.Equal(t, "probe.jpg", searches[0].FileName)
	require.Equal(t, "image/jpeg", searches[0].ContentType)
	got, _ := os.ReadFile(probe)
	require.Equal(t, got, searches[0].Image, "an upright image within 4096 px is sent as it is")
	require.Equal(t, 50, searches[0].Limit)
	require.Equal(t, 1, searches[1].Limit)
	for _, q := range srv.RequestsTo(authentatest.RouteFaceSearch) {
		require.Empty(t, q.TransferEncoding, "not chunked")
		require.Equal(t, q.ContentLength, q.BodyBytes)
		require.True(t, q.AuthValid)
	}
}

// decodeJPEG decodes what the fake received.
func decodeImage(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	return img
}

// closeTo reports whether two images agree at a few points (lossy JPEG).
func closeTo(a, b image.Image) bool {
	if a.Bounds().Size() != b.Bounds().Size() {
		return false
	}
	w, h := a.Bounds().Dx(), a.Bounds().Dy()
	for _, p := range [][2]int{{w / 10, h / 10}, {w / 2, h / 2}, {w - 1 - w/10, h / 10}, {w / 10, h - 1 - h/10}, {w * 3 / 4, h * 3 / 4}} {
		ar, ag, ab, _ := a.At(a.Bounds().Min.X+p[0], a.Bounds().Min.Y+p[1]).RGBA()
		br, bg, bb, _ := b.At(b.Bounds().Min.X+p[0], b.Bounds().Min.Y+p[1]).RGBA()
		for _, d := range []int{int(ar) - int(br), int(ag) - int(bg), int(ab) - int(bb)} {
			if d > 0x1800 || d < -0x1800 {
				return false
			}
		}
	}
	return true
}

// TestFacesEXIFUpright: a phone photo stored sideways with an EXIF
// orientation arrives at the server upright, for enrolment and search; the
// fake would find no face in it otherwise.
func TestFacesEXIFUpright(t *testing.T) {
	t.Parallel()
	for _, o := range []int{3, 6, 8} {
		t.Run("orientation "+string(rune('0'+o)), func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t, authentatest.WithFaceSteps(0, 0))
			c := srv.Client()
			ctx := testCtx(t)
			sideways := authentatest.Sideways(7, 48, 64, o)
			stored := decodeImage(t, sideways)
			if o != 3 {
				require.Equal(t, image.Pt(64, 48), stored.Bounds().Size(), "stored turned")
			}
			sub, err := c.Faces.Enroll(ctx, []string{writeFile(t, "phone.jpg", sideways)})
			require.NoError(t, err)
			rec := srv.Faces(sub.ID)[0]
			require.Equal(t, [3]int{48, 64, 1}, [3]int{rec.Width, rec.Height, rec.Orientation})
			require.True(t, closeTo(decodeImage(t, rec.Data), decodeImage(t, authentatest.Portrait(7, 48, 64))), "pixels upright")
			done, err := c.Faces.WaitEnrolled(ctx, sub.ID, fastWait)
			require.NoError(t, err)
			require.Equal(t, authenta.FaceProcessed, done.Faces[0].Status)

			probe := authentatest.Sideways(7, 96, 128, o)
			matches, err := c.Faces.SearchReader(ctx, "selfie.jpg", bytes.NewReader(probe), int64(len(probe)), nil)
			require.NoError(t, err)
			require.Equal(t, sub.ID, matches[0].SubjectID)
			require.Greater(t, matches[0].Similarity, 0.95)
			s := srv.Searches()[0]
			require.Equal(t, [3]int{96, 128, 1}, [3]int{s.Width, s.Height, s.Orientation})
			require.Equal(t, "image/jpeg", s.ContentType)
		})
	}
}

// TestFacesSearchScalesDown: more than 4096 pixels on a side are scaled
// down before the search is sent, keeping the aspect ratio.
func TestFacesSearchScalesDown(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	big := writeFile(t, "wide.png", authentatest.PortraitPNG(3, 5000, 40))
	_, err := c.Faces.Search(testCtx(t), big, nil)
	require.NoError(t, err)
	s := srv.Searches()[0]
	require.Equal(t, [2]int{4096, 33}, [2]int{s.Width, s.Height})
	require.Equal(t, "wide.jpg", s.FileName)
	require.Equal(t, "image/jpeg", s.ContentType)
	_, err = jpeg.Decode(bytes.NewReader(s.Image))
	require.NoError(t, err)
}

func TestFacesWaitEnrolledFailed(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	ctx := testCtx(t)
	sub, err := c.Faces.Enroll(ctx, []string{writeFile(t, "ok.jpg", authentatest.Portrait(1, 32, 32)), writeFile(t, "noface-1.jpg", authentatest.Portrait(2, 32, 32))})
	require.NoError(t, err)
	done, err := c.Faces.WaitEnrolled(ctx, sub.ID, fastWait)
	require.ErrorIs(t, err, authenta.ErrEnrollFailed)
	require.ErrorIs(t, err, authenta.ErrNoFaceDetected)
	require.NotErrorIs(t, err, authenta.ErrInvalidImage)
	var ee *authenta.EnrollError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, sub.ID, ee.Subject.ID)
	require.Equal(t, sub.Faces[1].ID, ee.FaceID)
	require.Same(t, done, ee.Subject)
	require.Equal(t, authenta.FaceProcessed, done.Faces[0].Status)
	require.Equal(t, authenta.FaceFailed, done.Faces[1].Status)
	for _, part := range []string{sub.ID, sub.Faces[1].ID, "noface-1.jpg", "no_face_detected"} {
		require.Contains(t, err.Error(), part)
	}

	// An undecodable image fails with invalid_image.
	sub, err = c.Faces.EnrollImages(ctx, []authenta.FaceImage{{Name: "x.png", Body: strings.NewReader("not a png"), Size: 9}})
	require.NoError(t, err)
	_, err = c.Faces.WaitEnrolled(ctx, sub.ID, fastWait)
	require.ErrorIs(t, err, authenta.ErrInvalidImage)

	// A subject never listed is waited for until the context ends.
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	last, err := c.Faces.WaitEnrolled(short, "subj_unknown", fastWait)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Nil(t, last)
}

// TestFacesArgumentsBeforeRequest: bad arguments are refused with a clear
// error and nothing is sent.
func TestFacesArgumentsBeforeRequest(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	ctx := testCtx(t)
	dir := t.TempDir()
	ok := writeFile(t, "ok.jpg", authentatest.Portrait(1, 8, 8))
	empty := writeFile(t, "empty.jpg", nil)
	dirJPG := filepath.Join(dir, "pics.jpg")
	require.NoError(t, os.Mkdir(dirJPG, 0o700))
	gif := writeFile(t, "anim.gif", []byte("GIF89a"))
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = ok
	}
	img := func(name string, body io.Reader, size int64) []authenta.FaceImage {
		return []authenta.FaceImage{{Name: name, Body: body, Size: size}}
	}
	tests := []struct {
		name string
		call func() error
		want []error
	}{
		{"no paths", func() error { _, err := c.Faces.Enroll(ctx, nil); return err }, []error{authenta.ErrInvalidArgument}},
		{"eleven paths", func() error { _, err := c.Faces.Enroll(ctx, eleven); return err }, []error{authenta.ErrInvalidArgument}},
		{"missing file", func() error { _, err := c.Faces.Enroll(ctx, []string{ok, filepath.Join(dir, "gone.jpg")}); return err }, []error{authenta.ErrInvalidArgument, os.ErrNotExist}},
		{"directory", func() error { _, err := c.Faces.Enroll(ctx, []string{dirJPG}); return err }, []error{authenta.ErrInvalidArgument}},
		{"empty file", func() error { _, err := c.Faces.Enroll(ctx, []string{empty}); return err }, []error{authenta.ErrInvalidArgument}},
		{"gif", func() error { _, err := c.Faces.Enroll(ctx, []string{gif}); return err }, []error{authenta.ErrInvalidImage, authenta.ErrUnsupportedMediaType}},
		{"name of 256", func() error {
			_, err := c.Faces.EnrollImages(ctx, img(strings.Repeat("é", 252)+".jpg", strings.NewReader("abc"), 3))
			return err
		}, []error{authenta.ErrInvalidArgument}},
		{"no images", func() error { _, err := c.Faces.EnrollImages(ctx, nil); return err }, []error{authenta.ErrInvalidArgument}},
		{"nil body", func() error { _, err := c.Faces.EnrollImages(ctx, img("a.jpg", nil, 3)); return err }, []error{authenta.ErrInvalidArgument}},
		{"zero size", func() error {
			_, err := c.Faces.EnrollImages(ctx, img("a.jpg", strings.NewReader("abc"), 0))
			return err
		}, []error{authenta.ErrInvalidArgument}},
		{"no name", func() error { _, err := c.Faces.EnrollImages(ctx, img("", strings.NewReader("abc"), 3)); return err }, []error{authenta.ErrInvalidArgument}},
		{"no extension", func() error {
			_, err := c.Faces.EnrollImages(ctx, img("face", strings.NewReader("abc"), 3))
			return err
		}, []error{authenta.ErrInvalidImage}},
		{"short body", func() error {
			_, err := c.Faces.EnrollImages(ctx, img("a.jpg", strings.NewReader("abc"), 10))
			return err
		}, []error{authenta.ErrInvalidArgument}},
		{"control name", func() error {
			_, err := c.Faces.EnrollImages(ctx, img("a\n.jpg", strings.NewReader("abc"), 3))
			return err
		}, []error{authenta.ErrInvalidArgument}},
		{"limit 51", func() error { _, err := c.Faces.Search(ctx, ok, &authenta.SearchOptions{Limit: 51}); return err }, []error{authenta.ErrInvalidArgument}},
		{"limit -1", func() error { _, err := c.Faces.Search(ctx, ok, &authenta.SearchOptions{Limit: -1}); return err }, []error{authenta.ErrInvalidArgument}},
		{"search gif", func() error { _, err := c.Faces.Search(ctx, gif, nil); return err }, []error{authenta.ErrInvalidImage}},
		{"search nil reader", func() error { _, err := c.Faces.SearchReader(ctx, "a.jpg", nil, 3, nil); return err }, []error{authenta.ErrInvalidArgument}},
		{"bomb", func() error {
			b := bombPNG()
			_, err := c.Faces.SearchReader(ctx, "bomb.png", bytes.NewReader(b), int64(len(b)), nil)
			return err
		}, []error{authenta.ErrInvalidImage}},
		{"empty subject", func() error { _, err := c.Faces.WaitEnrolled(ctx, " ", nil); return err }, []error{authenta.ErrInvalidArgument}},
		{"bad wait", func() error {
			_, err := c.Faces.WaitEnrolled(ctx, "s", &authenta.WaitOptions{MinInterval: -1})
			return err
		}, []error{authenta.ErrInvalidArgument}},
		{"nil context", func() error { _, err := c.Faces.Subjects(callCtx(t, true)); return err }, []error{authenta.ErrInvalidArgument}},
		{"Authorization header", func() error {
			_, err := c.Faces.Subjects(ctx, authenta.WithCallHeader("Authorization", "Bearer x"))
			return err
		}, []error{authenta.ErrInvalidArgument}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.Error(t, err)
			for _, w := range tt.want {
				require.ErrorIs(t, err, w)
			}
		})
	}
	require.Zero(t, srv.Count(authentatest.RouteAll), "nothing may be sent")
}

// bombPNG is a tiny PNG header that declares a 60000×60000 image.
func bombPNG() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := []byte{0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60, 8, 2, 0, 0, 0}
	b.Write(ihdr)
	crc := crc32.ChecksumIEEE(ihdr[4:])
	b.Write([]byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)})
	return b.Bytes()
}

// TestFacesLogsNoSecrets: a debug log of a whole enrol, wait and search
// (every request, the presigned uploads included) and the results printed
// every way hold neither the API key nor a presigned signature.
func TestFacesLogsNoSecrets(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithFaceSteps(0, 0))
	var logs bytes.Buffer
	var mu sync.Mutex
	c := srv.Client(authenta.WithLogger(slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	ctx := testCtx(t)
	sub, err := c.Faces.Enroll(ctx, []string{writeFile(t, "a.jpg", authentatest.Portrait(1, 16, 16))})
	require.NoError(t, err)
	sub, err = c.Faces.WaitEnrolled(ctx, sub.ID, fastWait)
	require.NoError(t, err)
	matches, err := c.Faces.Search(ctx, writeFile(t, "p.jpg", authentatest.Portrait(1, 16, 16)), nil)
	require.NoError(t, err)
	require.Contains(t, sub.Faces[0].ImageURL, "X-Amz-Signature=", "the URL itself is usable")
	b, _ := json.Marshal(map[string]any{"subject": sub, "matches": matches})
	mu.Lock()
	out := logs.String() + string(b) + fmt.Sprintf("%v %+v %#v %s", sub, matches, *sub, matches)
	mu.Unlock()
	require.Contains(t, out, `"url"`)
	for _, s := range []string{"X-Amz-Signature", "X-Amz-Credential", authentatest.DefaultAPIKey} {
		require.NotContains(t, out, s)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestFacesSearchJSON: the JSON variant sends the (upright) image as
// base64 image_bytes with the limit; an image too large for the gateway's
// JSON limit is refused before anything is sent.
func TestFacesSearchJSON(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithFaceSteps(0, 0))
	c := srv.Client()
	ctx := testCtx(t)
	sub, err := c.Faces.Enroll(ctx, []string{writeFile(t, "a.jpg", authentatest.Portrait(3, 40, 40))})
	require.NoError(t, err)
	_, err = c.Faces.WaitEnrolled(ctx, sub.ID, fastWait)
	require.NoError(t, err)
	probe := authentatest.Sideways(3, 48, 40, 8)
	matches, err := c.Faces.SearchReader(ctx, "p.jpg", io.MultiReader(bytes.NewReader(probe)), int64(len(probe)), &authenta.SearchOptions{Limit: 2, JSON: true})
	require.NoError(t, err)
	require.Equal(t, sub.ID, matches[0].SubjectID)
	s := srv.Searches()[0]
	require.False(t, s.Multipart)
	require.Equal(t, [4]int{48, 40, 1, 2}, [4]int{s.Width, s.Height, s.Orientation, s.Limit})

	n := srv.Count(authentatest.RouteAll)
	big := make([]byte, 80<<10)
	_, err = c.Faces.SearchReader(ctx, "big.jpg", bytes.NewReader(big), int64(len(big)), &authenta.SearchOptions{JSON: true})
	require.ErrorIs(t, err, authenta.ErrInvalidImage)
	require.Equal(t, n, srv.Count(authentatest.RouteAll), "nothing sent")
}

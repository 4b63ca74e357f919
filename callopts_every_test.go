package authenta_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestCallOptionsRefusedByEveryMethod: the contract has every JobsService
// and FacesService method, Detect and DetectReader take call options, and
// WithCallHeader refuse Authorization and header injection before any
// request. callMethods (callopts_test.go) covers the jobs calls; this
// covers the rest: Detect, Download, SaveArtifacts and every Faces method.
func TestCallOptionsRefusedByEveryMethod(t *testing.T) {
	t.Parallel()
	photo := writeFile(t, "ok.jpg", authentatest.Portrait(1, 8, 8))
	job := &authenta.Job{ID: "1", Status: authenta.StatusCompleted,
		Artifacts: []authenta.Artifact{{ID: "a", Kind: "heatmap", ContentType: "image/png", DownloadURL: "http://127.0.0.1:1/h.png"}}}
	methods := []struct {
		name string
		call func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error
	}{
		{"Detect", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
			_, err := c.Detect(ctx, authenta.AIImageDetection, photo, nil, o...)
			return err
		}},
		{"Download", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
			_, err := c.Jobs.Download(ctx, job, job.Artifacts[0], io.Discard, o...)
			return err
		}},
		{"SaveArtifacts", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
			_, err := c.Jobs.SaveArtifacts(ctx, job, t.TempDir(), o...)
			return err
		}},
		{"Enroll", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
			_, err := c.Faces.Enroll(ctx, []string{photo}, o...)
			return err
		}},
		{"EnrollImages", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
			b := authentatest.Portrait(1, 8, 8)
			_, err := c.Faces.EnrollImages(ctx, []authenta.FaceImage{{Name: "a.jpg", Body: bytes.NewReader(b), Size: int64(len(b))}}, o...)
			return err
		}},
		{"Subjects", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
			_, err := c.Faces.Subjects(ctx, o...)
			return err
		}},
		{"WaitEnrolled", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
			_, err := c.Faces.WaitEnrolled(ctx, "subj_1", nil, o...)
			return err
		}},
		{"Search", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
			_, err := c.Faces.Search(ctx, photo, nil, o...)
			return err
		}},
		{"SearchReader", func(ctx context.Context, c *authenta.Client, o ...authenta.CallOption) error {
			b := authentatest.Portrait(1, 8, 8)
			_, err := c.Faces.SearchReader(ctx, "a.jpg", bytes.NewReader(b), int64(len(b)), nil, o...)
			return err
		}},
	}
	bad := []struct {
		name string
		opt  authenta.CallOption
	}{
		{"Authorization", authenta.WithCallHeader("Authorization", "Bearer other")},
		{"CRLF in value", authenta.WithCallHeader("X-Request-Id", "a\r\nAuthorization: Bearer other")},
		{"negative retries", authenta.WithCallRetries(-1)},
		{"zero timeout", authenta.WithCallTimeout(0)},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			srv := authentatest.NewServer(t)
			c := srv.Client()
			for _, m := range methods {
				err := m.call(t.Context(), c, authenta.WithCallHeader("X-Fine", "ok"), b.opt)
				require.ErrorIs(t, err, authenta.ErrInvalidArgument, m.name)
				assert.NotContains(t, err.Error(), "Bearer other", m.name)
			}
			assert.Zero(t, srv.Count(authentatest.RouteAll), "nothing was sent")
		})
	}
}

package authenta_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestFacesCallsInsideServices: the service options hold for face
// indexing as for jobs. A call header reaches the face API requests and
// never a face's presigned PUT (sent with exactly the server's headers);
// middleware sees every attempt, API and storage, never the key;
// WithResponseInfo is filled.
func TestFacesCallsInsideServices(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t, authentatest.WithFaceSteps(0, 0))
	var (
		mu   sync.Mutex
		seen = map[authentatest.HostKind]int{}
		keys int
	)
	mw := func(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		mu.Lock()
		if req.Header.Get("Authorization") != "" {
			keys++
		}
		if req.URL.Host == hostOf(t, srv.URL) {
			seen[authentatest.HostAPI]++
		} else {
			seen[authentatest.HostStorage]++
		}
		mu.Unlock()
		return next(req)
	}
	c := srv.Client(authenta.WithMiddleware(mw))
	ctx := testCtx(t)
	photos := []string{writeFile(t, "a.jpg", authentatest.Portrait(1, 8, 8)), writeFile(t, "b.png", authentatest.PortraitPNG(2, 8, 8))}

	var info authenta.ResponseInfo
	sub, err := c.Faces.Enroll(ctx, photos, authenta.WithCallHeader("X-Tenant", "acme"), authenta.WithResponseInfo(&info))
	require.NoError(t, err)
	assert.Equal(t, 3, info.Attempts, "enroll and two uploads")
	assert.Positive(t, info.StatusCode)
	_, err = c.Faces.WaitEnrolled(ctx, sub.ID, nil, authenta.WithCallHeader("X-Tenant", "acme"))
	require.NoError(t, err)
	info = authenta.ResponseInfo{}
	m, err := c.Faces.Search(ctx, photos[0], nil, authenta.WithCallHeader("X-Tenant", "acme"), authenta.WithResponseInfo(&info))
	require.NoError(t, err)
	require.NotEmpty(t, m)
	assert.Equal(t, http.StatusOK, info.StatusCode)
	assert.Equal(t, 1, info.Attempts)

	var api, storage int
	for _, r := range srv.Requests() {
		switch r.Host {
		case authentatest.HostAPI:
			api++
			assert.Equal(t, "acme", r.Header.Get("X-Tenant"), "%s %s", r.Method, r.Path)
			assert.True(t, r.AuthValid)
		case authentatest.HostStorage:
			storage++
			assert.Empty(t, r.Header.Get("X-Tenant"), "a presigned PUT gets exactly the server's headers: %s", r.Path)
			assert.False(t, r.HadAuth)
		}
	}
	assert.Equal(t, 2, storage, "two face uploads")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, api, seen[authentatest.HostAPI], "middleware saw every API attempt")
	assert.Equal(t, storage, seen[authentatest.HostStorage], "middleware saw every storage attempt")
	assert.Zero(t, keys, "middleware never sees the key")
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Host
}

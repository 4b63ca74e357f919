package authenta_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/authentatest"
)

// TestNewAPIErrorMatchesSentinels: an error built for a test double, by
// NewAPIError or by hand, matches what the SDK's own error from a jobs
// endpoint matches.
func TestNewAPIErrorMatchesSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		code   string
		want   error
	}{
		{404, "", authenta.ErrJobNotFound},
		{404, "JOB_NOT_FOUND", authenta.ErrJobNotFound},
		{401, "", authenta.ErrInvalidAPIKey},
		{402, "", authenta.ErrInsufficientBalance},
		{400, "INSUFFICIENT_BALANCE", authenta.ErrInsufficientBalance},
		{403, "", authenta.ErrForbidden},
		{409, "", authenta.ErrConflict},
		{415, "", authenta.ErrUnsupportedMediaType},
		{429, "", authenta.ErrRateLimited},
		{429, "AA001", authenta.ErrQuotaExceeded},
		{503, "", authenta.ErrServer},
	}
	for _, tt := range tests {
		built := authenta.NewAPIError(tt.status, tt.code, "")
		assert.ErrorIs(t, built, tt.want, "NewAPIError(%d, %q)", tt.status, tt.code)
		assert.NotEmpty(t, built.Message, "a message, as the SDK's own errors have")
		byHand := &authenta.APIError{StatusCode: tt.status, Code: tt.code}
		assert.ErrorIs(t, byHand, tt.want, "&APIError{%d, %q}", tt.status, tt.code)
	}
	assert.False(t, errors.Is(authenta.NewAPIError(400, "", "bad"), authenta.ErrJobNotFound))
	e := authenta.NewAPIError(418, "TEAPOT", "line one\nline two")
	assert.NotContains(t, e.Error(), "\n", "one line")
	assert.Contains(t, e.Error(), "418 TEAPOT")
}

// TestSDKStorage404IsNotJobNotFound: the SDK still tells a presigned
// URL's 404 (an expired or missing object) from a missing job.
func TestSDKStorage404IsNotJobNotFound(t *testing.T) {
	t.Parallel()
	srv := authentatest.NewServer(t)
	c := srv.Client()
	created, err := c.Jobs.Create(t.Context(), &authenta.JobRequest{TaskType: authenta.AIImageDetection,
		Inputs: []authenta.Input{{Slot: "original", FileName: "a.png", ContentType: "image/png", Size: 3}}})
	require.NoError(t, err)
	_, err = c.Jobs.Result(t.Context(), &authenta.Job{Artifacts: []authenta.Artifact{{Kind: "result", DownloadURL: srv.StorageURL + "/nothing/here.json?X-Amz-Signature=abc"}}})
	var ae *authenta.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 404, ae.StatusCode, "%v", err)
	assert.False(t, errors.Is(err, authenta.ErrJobNotFound), "a storage 404 is not a missing job")
	_, err = c.Jobs.Get(t.Context(), created.Job.ID+"0")
	assert.ErrorIs(t, err, authenta.ErrJobNotFound)
}

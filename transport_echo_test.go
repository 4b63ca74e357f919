package authenta_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// echoingTransport fails every request with an error that quotes what a
// careless proxy or base transport might: the request's Authorization
// header and its whole URL.
type echoingTransport struct{}

var errEchoed = errors.New("proxy refused the request")

func (echoingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return nil, fmt.Errorf("%w: %q for %s", errEchoed, r.Header.Get("Authorization"), r.URL.String())
}

// TestTransportErrorQuotingSecrets: a transport error that quotes the API
// key or a presigned URL (a proxy echoing the request) reaches neither the
// returned error, in any verb, nor the debug log; the error still matches
// what the transport returned.
func TestTransportErrorQuotingSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(*authenta.Client) error
	}{
		{"API call", func(c *authenta.Client) error {
			_, err := c.Jobs.Get(t.Context(), "job-1")
			return err
		}},
		{"presigned upload", func(c *authenta.Client) error {
			u := authenta.Upload{Slot: authenta.SlotOriginal, URL: "https://storage.authenta.test/b/in.png?" + presignQuery}
			return c.Jobs.Upload(t.Context(), u, strings.NewReader("png"), 3, "image/png")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs lockedBuffer
			c := testClient(t, testAPIBase,
				authenta.WithHTTPClient(&http.Client{Transport: echoingTransport{}}),
				authenta.WithMaxRetries(1),
				authenta.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			err := tt.call(c)
			require.Error(t, err)
			require.ErrorIs(t, err, errEchoed)
			require.NotEmpty(t, logs.String(), "the attempts were logged")
			for _, out := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), logs.String()} {
				assert.NotContains(t, out, testAPIKey)
				assert.NotContains(t, out, "SIGSECRET0123")
				assert.NotContains(t, out, "AKIASECRETCRED")
			}
		})
	}
}

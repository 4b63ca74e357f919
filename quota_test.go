package authenta_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestQuotaUsedUpIsNotRetried: a 429 whose code says the quota is used up
// (AA001, in "code" or in "name") is returned after one attempt, matching
// ErrQuotaExceeded; a 429 without it is retried as rate limiting.
func TestQuotaUsedUpIsNotRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		attempts int
		sentinel error
	}{
		{"code", `{"code":"AA001","type":"CLIENT_ERROR","message":"API limit reached"}`, 1, authenta.ErrQuotaExceeded},
		{"name", `{"name":"AA001","message":"API limit reached"}`, 1, authenta.ErrQuotaExceeded},
		{"nested, lower case", `{"error":{"code":"aa001","message":"API limit reached"}}`, 1, authenta.ErrQuotaExceeded},
		{"rate limited", `{"code":"RATE_LIMITED","message":"slow down"}`, 3, authenta.ErrRateLimited},
		{"no body", ``, 3, authenta.ErrRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := newMock(t)
			mock.RegisterResponder("GET", jobURL("7", ""), jsonResponder(429, tt.body))
			c := newClient(t, mock, authenta.WithMaxRetries(2))
			_, err := c.Jobs.Get(t.Context(), "7")
			require.ErrorIs(t, err, tt.sentinel)
			var ae *authenta.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.body, string(ae.Body), "the body was read whole after the peek")
			assert.Equal(t, tt.attempts, mock.GetTotalCallCount())
		})
	}
}

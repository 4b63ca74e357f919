package authenta_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// Wire leniency: answers real sources show that the documentation does not.

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

// TestCreateAnswerKeyedTaskID: a create answer that names the job
// "taskId" (a documentation revision's name) gives the job its id, and the
// uploads their slots.
func TestCreateAnswerKeyedTaskID(t *testing.T) {
	t.Parallel()
	mock := newMock(t)
	mock.RegisterResponder("POST", testAPIBase+"/api/v1/jobs", jsonResponder(201,
		`{"taskId":"5f0c7a2e-91d4","status":"CREATED","inputs":[{"slotName":"original","uploadUrl":"`+testBucket+`/in/1?`+presignQuery+`"}]}`))
	c := newClient(t, mock)
	cj, err := c.Jobs.Create(t.Context(), imageJobRequest())
	require.NoError(t, err)
	assert.Equal(t, "5f0c7a2e-91d4", cj.Job.ID)
	assert.Equal(t, authenta.StatusPending, cj.Job.Status)
	_, ok := cj.Upload(authenta.SlotOriginal)
	assert.True(t, ok)
	assert.Contains(t, string(cj.Job.Raw), `"taskId"`, "the answer as sent")
}

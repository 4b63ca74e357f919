package authenta_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestTaskTypeVariablesShareNothing: writing into one task type
// variable's MIMETypes changes neither another task type nor what the SDK
// accepts. (Not parallel: it writes package variables, and restores them.)
func TestTaskTypeVariablesShareNothing(t *testing.T) {
	img, forgery := authenta.AIImageDetection.MIMETypes, authenta.ImageForgeryDetection.MIMETypes
	before := append([]string(nil), img...)
	t.Cleanup(func() { copy(img, before) })

	authenta.AIImageDetection.MIMETypes[0] = "text/html"

	assert.Equal(t, before, forgery, "another task type's list is its own")
	for _, tt := range authenta.TaskTypes() {
		assert.NotContains(t, tt.MIMETypes, "text/html", tt.Slug)
	}
	parsed, err := authenta.ParseTaskType("ai-image-detection")
	require.NoError(t, err)
	assert.Equal(t, before, parsed.MIMETypes)
	// The SDK's own checks use its private table.
	assert.True(t, authenta.AIImageDetection.Accepts("image/jpeg"))
	assert.False(t, authenta.AIImageDetection.Accepts("text/html"))
	assert.True(t, authenta.FaceLivenessDetection.Accepts("image/jpeg"))

	// A copy handed out is the caller's too.
	all := authenta.TaskTypes()
	all[0].MIMETypes[0] = "x/y"
	assert.Equal(t, before, authenta.TaskTypes()[0].MIMETypes)
	parsed.MIMETypes[0] = "x/z"
	again, _ := authenta.ParseTaskType("1")
	assert.Equal(t, before, again.MIMETypes)
}

package retry

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type otherKey struct{}

// TestWithIsAContext checks that the context With returns (the Request
// itself) keeps everything of the context it wraps: values, deadline,
// cancellation, and the cancellation of contexts derived from it.
func TestWithIsAContext(t *testing.T) {
	t.Parallel()
	base, cancel := context.WithTimeout(context.WithValue(context.Background(), otherKey{}, "v"), time.Hour)
	r := &Request{Mark: NonIdempotent, Max: 2}
	ctx := With(base, r)

	assert.Same(t, r, From(ctx))
	assert.Equal(t, NonIdempotent, MarkOf(ctx))
	assert.Equal(t, "v", ctx.Value(otherKey{}), "the wrapped context's values")
	dl, ok := ctx.Deadline()
	want, _ := base.Deadline()
	assert.True(t, ok)
	assert.Equal(t, want, dl)
	assert.Nil(t, From(base), "the wrapped context does not carry r")

	child, stop := context.WithCancel(ctx)
	defer stop()
	require.NoError(t, child.Err())
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a context derived from With's does not see the cancellation")
	}
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
	assert.ErrorIs(t, child.Err(), context.Canceled)
	assert.Same(t, r, From(child), "derived contexts still carry r")
}

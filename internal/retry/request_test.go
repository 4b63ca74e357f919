package retry

import (
	"context"
	"net/http/httptrace"
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

// TestTraceWrites checks the one trace of a request's attempts: it notes
// written headers until the next attempt starts, and it speaks for a
// context only when no other trace was composed over it since.
func TestTraceWrites(t *testing.T) {
	t.Parallel()
	r := &Request{Mark: NonIdempotent, Max: -1}
	ctx := With(context.Background(), r)
	assert.False(t, r.Traces(ctx), "no trace before TraceWrites")

	var theirs int
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { theirs++ }})
	traced := r.TraceWrites(ctx)
	assert.True(t, r.Traces(traced))
	assert.Same(t, r, From(traced))

	r.StartWrite()
	assert.False(t, r.WroteHeaders())
	httptrace.ContextClientTrace(traced).WroteHeaders()
	assert.True(t, r.WroteHeaders())
	assert.Equal(t, 1, theirs, "a trace the context had before still hears the event")
	r.StartWrite()
	assert.False(t, r.WroteHeaders(), "the next attempt starts unsent")

	over := httptrace.WithClientTrace(traced, &httptrace.ClientTrace{})
	assert.False(t, r.Traces(over), "another trace over it: not r's alone")
}

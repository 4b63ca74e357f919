package authenta

import (
	"bytes"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeCounter is a body that counts its Close calls.
type closeCounter struct {
	io.Reader
	closes atomic.Int32
}

func (c *closeCounter) Close() error { c.closes.Add(1); return nil }

// A pooled body whose timer fired during a Read is never reused: its fire
// could otherwise close the next response's body.
func TestIdleBodyThatFiredIsNotPooled(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe() // a Read that blocks until fire closes pr
	t.Cleanup(func() { _ = pw.Close() })
	b := getIdleBody(pr, 5*time.Millisecond)
	_, err := b.Read(make([]byte, 8))
	require.ErrorIs(t, err, errReadIdle)
	_ = b.Close()
	putIdleBody(b)
	assert.True(t, b.late || b.fired.Load())
	assert.NotNil(t, b.rc, "kept out of the pool (putIdleBody clears rc of a pooled body)")
}

// A reused body's earlier use never closes a later response's body: each
// body is closed once, by its own Close, unless its own timer fired.
func TestPooledIdleBodyClosesOnlyItsOwnBody(t *testing.T) {
	t.Parallel()
	doc := bytes.Repeat([]byte("x"), 4096)
	type use struct {
		rc     *closeCounter
		late   bool
		failed bool
	}
	uses := make([]use, 300)
	for i := range uses {
		rc := &closeCounter{Reader: bytes.NewReader(doc)}
		b := getIdleBody(rc, time.Millisecond)
		got, more, err := readAtMost(b, -1, 1<<20)
		_ = b.Close()
		uses[i] = use{rc: rc, late: b.late || b.fired.Load(), failed: err != nil}
		putIdleBody(b)
		if err == nil {
			require.False(t, more)
			require.Equal(t, len(doc), len(got))
		}
	}
	time.Sleep(20 * time.Millisecond) // past every idle time of the loop
	for i, u := range uses {
		if u.late || u.failed {
			continue // its own timer fired: a second Close is its own
		}
		assert.EqualValues(t, 1, u.rc.closes.Load(), "body %d", i)
	}
}

package authenta_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestResultRawIsItsOwn: Result.Raw shares no bytes with anything the
// caller holds: not with the job's inline result, nor with a document
// given to ParseResult, nor with a later result's; writing into it changes
// nothing else.
func TestResultRawIsItsOwn(t *testing.T) {
	t.Parallel()
	const resultPath = testBucket + "/out/7/result.json"
	const doc = `{"isDeepFake":true}`
	clobber := func(b []byte) {
		for i := range b {
			b[i] = 'x'
		}
	}

	t.Run("inline", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, newMock(t))
		job := jobFromJSON(t, `{"id":"7","status":"completed","result":`+doc+`}`)
		r, err := c.Jobs.Result(t.Context(), job)
		require.NoError(t, err)
		clobber(r.Raw)
		assert.JSONEq(t, doc, string(job.InlineResult), "the job's inline result is untouched")
	})
	t.Run("ParseResult", func(t *testing.T) {
		t.Parallel()
		in := []byte(doc)
		r, err := authenta.ParseResult(in)
		require.NoError(t, err)
		clobber(r.Raw)
		assert.Equal(t, doc, string(in))
	})
	t.Run("downloaded", func(t *testing.T) {
		t.Parallel()
		mock := newMock(t)
		mock.RegisterResponder(http.MethodGet, resultPath, jsonResponder(200, doc))
		c := newClient(t, mock)
		job := jobFromJSON(t, `{"id":"7","artifacts":[{"kind":"result","downloadUrl":"`+resultPath+`?`+presignQuery+`"}]}`)
		first, err := c.Jobs.Result(t.Context(), job)
		require.NoError(t, err)
		second, err := c.Jobs.Result(t.Context(), job)
		require.NoError(t, err)
		clobber(first.Raw)
		assert.JSONEq(t, doc, string(second.Raw), "each download has its own bytes")
		require.NotNil(t, second.IsDeepFake)
		assert.True(t, *second.IsDeepFake)
	})
}

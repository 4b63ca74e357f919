package authenta_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	authenta "github.com/phospheneai/authenta-go"
)

// TestJobDecodeKeepsNoReferenceToInput decodes jobs of every kind of shape
// from a buffer, then overwrites the buffer: the decoder reads fields in
// place without copying them, so a job that kept a reference into the
// input (a string, the inline result, an artifact's metadata) would change
// with it. It is compared with the same document decoded from a buffer
// left alone.
func TestJobDecodeKeepsNoReferenceToInput(t *testing.T) {
	t.Parallel()
	docs := map[string]string{
		"flat, inline result": `{"id":"7","taskTypeId":"1","status":"completed","cost":1,"createdAt":"2026-11-27T10:00:00.525Z",` +
			`"result":{"isDeepFake":true,"score":0.9},"errorMessage":"none","message":"queued",` +
			`"artifacts":[{"id":"a1","kind":"result","slotName":null,"status":"ready","metadata":{"w":1},"downloadUrl":"https://s/r.json?X-Amz-Signature=abc","createdAt":"2026-11-27T10:00:04.100Z"}],` +
			`"inputs":[{"slotName":"original","fileName":"a.jpg","contentType":"image/jpeg","sizeBytes":12}],` +
			`"taskType":{"id":"1","slug":"ai-image-detection"}}`,
		"wrapped":                   `{"job":{"id":"8","status":"processing","taskTypeSlug":"ai-image-detection"},"inputs":[{"slotName":"original","uploadUrl":"https://s/u"}]}`,
		"numeric ids, lenient path": `{"jobId":123456789012345678901234567890,"taskTypeId":3,"status":"FAILED","error":{"message":"bad \u00e9 input"},"artifacts":[{"id":9,"kind":"input","metadata":[1,2]}],"resultURL":"https://s/legacy.json"}`,
		"data wrapper, numbers":     `{"data":{"jobId":77,"status":"completed","completedAt":1764500000000,"cost":"2.5","result":[1,2,3]}}`,
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var want authenta.Job
			require.NoError(t, json.Unmarshal([]byte(doc), &want))
			buf := []byte(doc)
			var got authenta.Job
			require.NoError(t, json.Unmarshal(buf, &got))
			copy(buf, bytes.Repeat([]byte("x"), len(buf)))
			require.Equal(t, want, got)
			require.NotEmpty(t, got.ID)
		})
	}
}

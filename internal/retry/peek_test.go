package retry

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeCounter counts Close calls on the original body.
type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

func TestFinalSeesTheStartOfA429AndPutsItBack(t *testing.T) {
	t.Parallel()
	errCut := errors.New("connection reset")
	tests := []struct {
		name     string
		status   int
		body     io.Reader
		want     string // what the body reads after the check
		wantErr  error
		final    bool
		askFinal bool
	}{
		{"short quota body", 429, strings.NewReader(`{"code":"AA001"}`), `{"code":"AA001"}`, nil, true, true},
		{"long body", 429, strings.NewReader(`{"code":"X"}` + strings.Repeat(" ", 3*PeekLimit)), `{"code":"X"}` + strings.Repeat(" ", 3*PeekLimit), nil, false, true},
		{"exactly the peek", 429, strings.NewReader(strings.Repeat("a", PeekLimit)), strings.Repeat("a", PeekLimit), nil, false, true},
		{"cut body", 429, io.MultiReader(strings.NewReader("partial"), iotestErr{errCut}), "partial", errCut, false, true},
		{"503 is not asked", 503, strings.NewReader(`{"code":"AA001"}`), `{"code":"AA001"}`, nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			orig := &closeCounter{Reader: tt.body}
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}, Body: orig}
			asked := false
			p := &Policy{MaxWait: 1, Final: func(_ *http.Response, start []byte) bool {
				asked = true
				assert.LessOrEqual(t, len(start), PeekLimit)
				return bytes.Contains(start, []byte("AA001"))
			}}
			retry, err := p.CheckRetry(context.Background(), resp, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.askFinal, asked)
			assert.Equal(t, !tt.final, retry)
			got, err := io.ReadAll(resp.Body)
			assert.Equal(t, tt.want, string(got), "the body reads whole")
			assert.ErrorIs(t, err, tt.wantErr)
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, 1, orig.closed, "closing closes the original body")
		})
	}
}

type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

package authenta

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadAtMostDoesNotTrustTheDeclaredLength: a Content-Length sizes the
// buffer only up to hintTrusted, so a server that declares 32 MiB and
// sends little costs at most that before its bytes arrive; bodies are
// still read whole (growing as they arrive) up to the limit, and a body
// past the limit is cut there and reported.
func TestReadAtMostDoesNotTrustTheDeclaredLength(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("ab"), 3<<20/2) // 3 MiB
	tests := []struct {
		name     string
		body     []byte
		hint     int64
		limit    int
		want     int // bytes returned
		more     bool
		maxAlloc int // the returned buffer's capacity at most
	}{
		{"declares 32 MiB, sends nothing", nil, 32 << 20, 32 << 20, 0, false, hintTrusted + 1},
		{"declares 32 MiB, sends 10 bytes", big[:10], 32 << 20, 32 << 20, 10, false, hintTrusted + 1},
		{"declared exactly, small", big[:700], 700, 32 << 20, 700, false, 701},
		{"declared exactly, 3 MiB", big, int64(len(big)), 32 << 20, len(big), false, 2 * len(big)},
		{"undeclared, 3 MiB", big, -1, 32 << 20, len(big), false, 2 * len(big)},
		{"past the limit", big, int64(len(big)), 1 << 20, 1 << 20, true, 1<<20 + 1},
		{"declared under the limit, sends more", big, 100, 1 << 20, 1 << 20, true, 1<<20 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, more, err := readAtMost(io.MultiReader(bytes.NewReader(tt.body)), tt.hint, tt.limit)
			require.NoError(t, err)
			assert.Equal(t, tt.want, len(got))
			assert.True(t, bytes.Equal(tt.body[:tt.want], got), "the bytes read")
			assert.Equal(t, tt.more, more)
			assert.LessOrEqual(t, cap(got), tt.maxAlloc)
		})
	}
}

package lenient

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// numberSeeds are the edges of the JSON number grammar.
var numberSeeds = []string{
	"0", "-0", "7", "-7", "10", "01", "-01", "00", "1.", "1.5", ".5", "-.5", "1e5", "1E+5", "1e-5",
	"1e", "1e+", "1.5e3", "-", "+1", "1-", "0x10", "1_000", "NaN", "Infinity", "1 2", "١", "9007199254740993",
	"123456789012345678901234567890.000001e-400", "",
}

// jsonNumber is what String used to do for a number: decode it into a
// json.Number with encoding/json, which is the oracle for isNumber.
func jsonNumber(b []byte) bool {
	var n json.Number
	return json.Unmarshal(b, &n) == nil
}

func TestIsNumber(t *testing.T) {
	t.Parallel()
	for _, s := range numberSeeds {
		t.Run(s, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, jsonNumber([]byte(s)), isNumber([]byte(s)))
		})
	}
}

// FuzzIsNumber checks isNumber against encoding/json on every input String
// can hand it: trimmed, not a string, a literal, an object or an array.
func FuzzIsNumber(f *testing.F) {
	for _, s := range numberSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		b = bytes.TrimSpace(b)
		if len(b) == 0 || bytes.IndexByte([]byte(`"tfn{[`), b[0]) >= 0 {
			return
		}
		if got, want := isNumber(b), jsonNumber(b); got != want {
			t.Fatalf("isNumber(%q) = %v, encoding/json says %v", b, got, want)
		}
	})
}

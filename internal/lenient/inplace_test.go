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

// FuzzInPlace checks that the readers that work on the bytes in place
// (Int, Float, Time) give what they gave when they read String's copy.
func FuzzInPlace(f *testing.F) {
	for _, s := range append(numberSeeds, `"2026-11-27T10:00:00.525Z"`, `"2026-11-27T10:00:00+01:00"`, `"2026-11-27T10:00:00"`,
		`"2026-11-27 10:00:00Z"`, `"2026-11-27T24:00:00Z"`, `"0001-01-01T00:00:00Z"`, `"2026-11-27T10:00:00.5-00:00"`, `" 12 "`,
		`"12%"`, `"1e3"`, `1764500000000`, `"\u0031"`, `true`, `null`) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		n1, ok1 := Int(raw)
		n2, ok2 := intOf(String(raw))
		if n1 != n2 || ok1 != ok2 {
			t.Fatalf("Int(%q) = %d, %v; from String: %d, %v", raw, n1, ok1, n2, ok2)
		}
		f1, f2 := Float(raw), floatOf(String(raw))
		if (f1 == nil) != (f2 == nil) || (f1 != nil && *f1 != *f2) {
			t.Fatalf("Float(%q) = %v; from String: %v", raw, f1, f2)
		}
		if b := bytes.TrimSpace(raw); len(b) == 0 || b[0] != '"' {
			return // numbers are not read in place
		}
		got, want := Time(raw), TimeText(String(raw))
		gn, gOff := got.Zone()
		wn, wOff := want.Zone()
		if !got.Equal(want) || gn != wn || gOff != wOff || got.IsZero() != want.IsZero() {
			t.Fatalf("Time(%q) = %v; by time.Parse: %v", raw, got, want)
		}
	})
}

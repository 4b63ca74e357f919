package lenient

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func raw(s string) json.RawMessage {
	if s == "<absent>" {
		return nil
	}
	return json.RawMessage(s)
}

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`"abc"`, "abc"},
		{` "a\u00e9\n" `, "aé\n"},
		{`""`, ""},
		{`469`, "469"},
		{`9007199254740993`, "9007199254740993"},
		{`123456789012345678901234567890`, "123456789012345678901234567890"},
		{`-5`, "-5"},
		{`1.50`, "1.50"},
		{`1e3`, "1e3"},
		{`true`, "true"},
		{`false`, "false"},
		{`null`, ""},
		{`<absent>`, ""},
		{`  `, ""},
		{`{"a":1}`, ""},
		{`[1]`, ""},
		{`"unterminated`, ""},
		{`12abc`, ""},
		{`tru`, "tru"}, // not valid JSON, but a decoder never hands it over
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, String(raw(tt.in)))
		})
	}
}

func TestInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{`1`, 1, true},
		{`"8"`, 8, true},
		{`" 8 "`, 8, true},
		{`-3`, -3, true},
		{`2.0`, 2, true},
		{`"2.0"`, 2, true},
		{`1e3`, 1000, true},
		{`2.5`, 0, false},
		{`"abc"`, 0, false},
		{`null`, 0, false},
		{`<absent>`, 0, false},
		{`true`, 0, false},
		{`1e300`, 0, false},
		{`{}`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := Int(raw(tt.in))
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFloat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want *float64
	}{
		{`87.5`, ptr(87.5)},
		{`"87.5"`, ptr(87.5)},
		{`"87.5%"`, ptr(87.5)},
		{`" 12 "`, ptr(12.0)},
		{`0`, ptr(0.0)},
		{`-0.25`, ptr(-0.25)},
		{`1e-3`, ptr(0.001)},
		{`null`, nil},
		{`<absent>`, nil},
		{`"n/a"`, nil},
		{`""`, nil},
		{`true`, nil},
		{`"NaN"`, nil},
		{`"Inf"`, nil},
		{`"-Infinity"`, nil},
		{`1e999`, nil},
		{`[1]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Float(raw(tt.in)))
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestBool(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want *bool
	}{
		{`true`, ptr(true)},
		{`false`, ptr(false)},
		{`"True"`, ptr(true)},
		{`"FALSE"`, ptr(false)},
		{`" true "`, ptr(true)},
		{`"yes"`, ptr(true)},
		{`"No"`, ptr(false)},
		{`"1"`, ptr(true)},
		{`"0"`, ptr(false)},
		{`1`, ptr(true)},
		{`0`, ptr(false)},
		{`1.0`, ptr(true)},
		{`null`, nil},
		{`<absent>`, nil},
		{`""`, nil},
		{`"maybe"`, nil},
		{`2`, nil},
		{`{}`, nil},
		{`[true]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Bool(raw(tt.in)))
		})
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2025, 12, 2, 19, 39, 27, 525e6, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{`"2025-12-02T19:39:27.525Z"`, want},
		{`"2025-12-02T19:39:27.525+00:00"`, want},
		{`"2025-12-02T20:39:27.525+01:00"`, want},
		{`"2025-12-02T19:39:27.525"`, want},
		{`"2025-12-02 19:39:27.525"`, want},
		{`"2025-12-02 19:39:27.525Z"`, want},
		{`"2025-12-02T19:39:27Z"`, want.Truncate(time.Second)},
		{`1764704367`, want.Truncate(time.Second)},
		{`1764704367525`, want},
		{`"1764704367"`, time.Time{}},
		{`0`, time.Time{}},
		{`-5`, time.Time{}},
		{`1e300`, time.Time{}},
		{`null`, time.Time{}},
		{`<absent>`, time.Time{}},
		{`""`, time.Time{}},
		{`"yesterday"`, time.Time{}},
		{`true`, time.Time{}},
		{`{}`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := Time(raw(tt.in))
			assert.True(t, tt.want.Equal(got), "got %v, want %v", got, tt.want)
			assert.Equal(t, tt.want.IsZero(), got.IsZero())
		})
	}
}

func TestFloats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []float64
	}{
		{`[0.5,-1,2e2]`, []float64{0.5, -1, 200}},
		{`["0.5", 1]`, []float64{0.5, 1}},
		{`[]`, []float64{}},
		{`[1,null]`, nil},
		{`[1,"x"]`, nil},
		{`[[1]]`, nil},
		{`null`, nil},
		{`<absent>`, nil},
		{`"1,2"`, nil},
		{`{"0":1}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Floats(raw(tt.in)))
		})
	}
}

func TestObjects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{`[{"a":1},{"b":2}]`, []string{`{"a":1}`, `{"b":2}`}},
		{`[ {"a":1} , 2, "x", null, [], {} ]`, []string{`{"a":1}`, `{}`}},
		{`{"a":1}`, []string{`{"a":1}`}},
		{` {"a":1} `, []string{`{"a":1}`}},
		{`[]`, nil},
		{`null`, nil},
		{`<absent>`, nil},
		{`"x"`, nil},
		{`[{"a":`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, o := range Objects(raw(tt.in)) {
				got = append(got, string(o))
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestIsObjectAndPresent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in              string
		object, present bool
	}{
		{`{}`, true, true},
		{` {"a":1}`, true, true},
		{`[]`, false, true},
		{`""`, false, true},
		{`0`, false, true},
		{`false`, false, true},
		{`null`, false, false},
		{` null `, false, false},
		{`<absent>`, false, false},
		{`  `, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.object, IsObject(raw(tt.in)))
			assert.Equal(t, tt.present, Present(raw(tt.in)))
		})
	}
}

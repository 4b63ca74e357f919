package authenta

import (
	"bytes"
	"encoding/json"

	"github.com/phospheneai/authenta-go/internal/lenient"
)

// The result's faces and boxes are decoded in one streamed pass: the
// types here read a lenient scalar from the bytes encoding/json hands
// them, in place, so that a document with many small objects costs no
// allocation per object beyond what is kept (encoding/json's Unmarshal
// costs hundreds of bytes per call; a Decoder reuses its state).

// forEach streams the members of a JSON object (fn gets the key, and i =
// -1) or the elements of an array (key "", i the index). fn must consume
// exactly one value with dec.Decode. A lone object, when loneObject is
// set, is one element (i = 0). Anything else, or a syntax error, ends the
// walk quietly.
func forEach(raw []byte, loneObject bool, fn func(key string, i int, dec *json.Decoder)) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || (raw[0] != '{' && raw[0] != '[') {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if raw[0] == '{' && loneObject {
		fn("", 0, dec)
		return
	}
	if _, err := dec.Token(); err != nil {
		return
	}
	for i := 0; dec.More(); i++ {
		if raw[0] == '[' {
			fn("", i, dec)
			continue
		}
		t, err := dec.Token()
		if err != nil {
			return
		}
		key, _ := t.(string)
		fn(key, -1, dec)
	}
}

// skip consumes a value without keeping it.
type skip struct{}

func (*skip) UnmarshalJSON([]byte) error { return nil }

// flag is a lenient boolean (see lenient.Bool); nil when unreadable.
type flag struct{ p *bool }

func (f *flag) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) { // no allocation: a conversion in a switch
	case "true":
		f.p = ptr(true)
	case "false":
		f.p = ptr(false)
	case "null":
		f.p = nil
	case "1", "1.0":
		f.p = ptr(true)
	case "0", "0.0":
		f.p = ptr(false)
	default:
		f.p = nil
		if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '"' {
			f.p = lenient.Bool(t)
		}
	}
	return nil
}

// number is a lenient number (see lenient.Float); nil when unreadable.
type number struct{ p *float64 }

func (n *number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	n.p = nil
	if f, err := parseNumber(b); err == nil {
		n.p = &f
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		n.p = lenient.Float(b)
	}
	return nil
}

// text is a lenient string (see lenient.String).
type text struct{ s string }

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	t.s = ""
	switch {
	case len(b) == 0 || b[0] == '{' || b[0] == '[' || string(b) == "null":
	case b[0] == '"':
		t.s = lenient.String(b)
	default: // a number or a boolean, valid JSON (encoding/json checked it): its text
		t.s = string(b)
	}
	return nil
}

// wireClass is a face's class: a label ("real", "fake"), or FI-1's object
// of flags.
type wireClass struct {
	label string
	flags *classFlags
	set   bool
}

type classFlags struct {
	IsDeepFake, Fake, IsLiveness, IsLive, IsSpoof flag
}

func (c *wireClass) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '{' {
		c.flags = new(classFlags)
		if json.Unmarshal(b, c.flags) != nil {
			c.flags = nil
			return nil
		}
		c.set = true
		return nil
	}
	var t text
	_ = t.UnmarshalJSON(b)
	c.label, c.set = t.s, t.s != ""
	return nil
}

func (c *wireClass) present() bool { return c.set }

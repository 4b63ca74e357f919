package authenta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Decoding budgets. The body cap (maxResponseBody) bounds what is read, not
// what decoding it allocates: a document of 300,000 empty artifact objects
// fits in 878 KiB and decoded into 179 MiB. Before a job, list or create
// answer is decoded, one pass over its bytes, which allocates nothing,
// counts the items the decoder would build (jobs, the {"job": ...} wrappers
// it unwraps, inputs and artifacts: the only parts that repeat) and
// refuses a document over budget with a clear error. Each item is charged
// what decoding it may allocate, and a document may spend budgetPerByte
// bytes per byte of its size, plus budgetSlack: memory is bounded by a
// fixed multiple of the body's size, whatever its shape.
const (
	maxJobArtifacts = 1000              // artifacts of one job
	maxJobInputs    = 100               // inputs of one job
	maxListJobs     = 10 * MaxListLimit // jobs of one page

	budgetPerByte = 32
	budgetSlack   = 128 << 10

	// What decoding one item may allocate, measured on empty objects (the
	// cheapest to send), rounded up. An input costs most because a create
	// answer's inputs are read twice (the job's and the uploads).
	costJob      = 1024
	costWrapper  = 1536
	costArtifact = 1152
	costInput    = 1536
)

// budgetError is a document that describes more than the decoder builds.
type budgetError struct {
	what     string
	n, limit int
	size     int // the document's, when the limit is the document-wide one
}

func (e *budgetError) Error() string {
	if e.size > 0 {
		return fmt.Sprintf("authenta: decode: a %d-byte document describes too many items (jobs, inputs, artifacts) for its size: over the decoder's budget", e.size)
	}
	return fmt.Sprintf("authenta: decode: more than %d %s: over the decoder's budget", e.limit, e.what)
}

// docBudget counts the items of one document against its budget.
type docBudget struct {
	left int // bytes the decoder may still allocate for items
	size int
	err  error
}

func newDocBudget(size int) *docBudget {
	return &docBudget{left: budgetSlack + budgetPerByte*size, size: size}
}

// take checks n items of kind what against their own limit, and charges
// them, at cost each, to the document's budget.
func (d *docBudget) take(what string, n, limit, cost int) bool {
	if d.err != nil {
		return false
	}
	if n > limit {
		d.err = &budgetError{what: what, n: n, limit: limit}
		return false
	}
	d.left -= n * cost
	if d.left < 0 {
		d.err = &budgetError{size: d.size}
		return false
	}
	return true
}

// checkJobBudget checks a job or create answer. Malformed JSON passes: the
// decoder reports it.
func checkJobBudget(b []byte) error {
	d := newDocBudget(len(b))
	s := &jscan{b: b}
	s.ws()
	if s.peek() == '{' {
		d.job(s, 0)
	}
	return d.err
}

// checkListBudget checks a list answer: a bare array of jobs, or an
// envelope whose data, items, jobs or results hold them.
func checkListBudget(b []byte) error {
	d := newDocBudget(len(b))
	s := &jscan{b: b}
	s.ws()
	switch s.peek() {
	case '[':
		d.jobs(s)
	case '{':
		s.object(func(key []byte) bool {
			if keyIs(key, "data") || keyIs(key, "items") || keyIs(key, "jobs") || keyIs(key, "results") {
				return d.jobs(s)
			}
			return s.skip()
		})
	}
	return d.err
}

// jobs reads an array of jobs, or a lone job object.
func (d *docBudget) jobs(s *jscan) bool {
	const what = "jobs in a page"
	switch s.peek() {
	case '[':
		n := 0
		return s.array(func() bool {
			n++
			if n > maxListJobs {
				return d.take(what, n, maxListJobs, costJob)
			}
			if !d.take(what, 1, maxListJobs, costJob) {
				return false
			}
			if s.peek() == '{' {
				return d.job(s, 0)
			}
			return s.skip()
		}) && d.err == nil
	case '{':
		return d.take(what, 1, maxListJobs, costJob) && d.job(s, 0)
	}
	return s.skip()
}

// job reads a job object: its inputs and artifacts count, and so do those
// of the {"job": ...} and {"data": ...} wrappers the decoder unwraps.
func (d *docBudget) job(s *jscan, wrappers int) bool {
	return s.object(func(key []byte) bool {
		switch {
		case keyIs(key, "artifacts"):
			return d.items(s, "artifacts of a job", maxJobArtifacts, costArtifact)
		case keyIs(key, "inputs"):
			return d.items(s, "inputs of a job", maxJobInputs, costInput)
		case (keyIs(key, "job") || keyIs(key, "data")) && wrappers < maxWrappers && s.peek() == '{':
			return d.take("nested jobs", 1, 1, costWrapper) && d.job(s, wrappers+1)
		}
		return s.skip()
	}) && d.err == nil
}

// items counts the elements of an array (a lone object is one).
func (d *docBudget) items(s *jscan, what string, limit, cost int) bool {
	if s.peek() != '[' {
		if s.peek() == '{' && !d.take(what, 1, limit, cost) {
			return false
		}
		return s.skip()
	}
	n := 0
	if !s.array(func() bool { n++; return s.skip() }) {
		return false
	}
	return d.take(what, n, limit, cost)
}

// keyIs matches an object key as encoding/json matches field names:
// case-insensitively, after unescaping.
func keyIs(raw []byte, name string) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return bytes.EqualFold(raw, []byte(name))
	}
	var k string
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	return json.Unmarshal(q, &k) == nil && bytes.EqualFold([]byte(k), []byte(name))
}

// jscan walks JSON text without building anything. On malformed input its
// methods return false and the walk stops; they never loop or panic.
type jscan struct {
	b []byte
	i int
}

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *jscan) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// str reads a string and returns its raw contents.
func (s *jscan) str() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	start := s.i + 1
	for i := start; i < len(s.b); i++ {
		switch s.b[i] {
		case '\\':
			i++
		case '"':
			s.i = i + 1
			return s.b[start:i], true
		}
	}
	return nil, false
}

// skip skips one value and the white space after it.
func (s *jscan) skip() bool {
	s.ws()
	switch s.peek() {
	case '"':
		if _, ok := s.str(); !ok {
			return false
		}
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.str(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.i++
			if depth == 0 {
				s.ws()
				return true
			}
		}
		return false
	case 0:
		return false
	default:
		start := s.i
		for s.i < len(s.b) && strings.IndexByte(",]} \t\r\n", s.b[s.i]) < 0 {
			s.i++
		}
		if s.i == start {
			return false
		}
	}
	s.ws()
	return true
}

// object walks an object, calling value with each key, positioned at the
// value, which value must consume.
func (s *jscan) object(value func(key []byte) bool) bool {
	if s.peek() != '{' {
		return false
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
		s.ws()
		return true
	}
	for {
		s.ws()
		key, ok := s.str()
		if !ok {
			return false
		}
		s.ws()
		if s.peek() != ':' {
			return false
		}
		s.i++
		s.ws()
		if !value(key) {
			return false
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.ws()
			return true
		default:
			return false
		}
	}
}

// array walks an array, calling elem positioned at each element, which
// elem must consume.
func (s *jscan) array(elem func() bool) bool {
	if s.peek() != '[' {
		return false
	}
	s.i++
	s.ws()
	if s.peek() == ']' {
		s.i++
		s.ws()
		return true
	}
	for {
		s.ws()
		if !elem() {
			return false
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.ws()
			return true
		default:
			return false
		}
	}
}

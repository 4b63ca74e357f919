package authenta

import (
	"io"
	"sync"
)

// progressStep is the least number of bytes between two progress reports.
const progressStep = 256 << 10

// progress reports the bytes of one upload sent so far. Each attempt
// (retry) restarts it from 0; reads of an earlier attempt's body that the
// transport may still be making are ignored, so the counts of an attempt
// only grow. Reports are made one at a time, with at least progressStep
// bytes (or 1% of the file, whichever is more) between two of them, and
// always at 0 and at the total.
type progress struct {
	fn    func(slot string, sent, total int64)
	slot  string
	total int64
	step  int64

	mu         sync.Mutex
	gen        int
	sent, last int64
}

func newProgress(fn func(slot string, sent, total int64), slot string, total int64) *progress {
	if fn == nil {
		return nil
	}
	return &progress{fn: fn, slot: slot, total: total, step: max(total/100, progressStep)}
}

// attempt starts an attempt and returns its number; it reports 0.
func (p *progress) attempt() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gen++
	p.sent, p.last = 0, 0
	p.fn(p.slot, 0, p.total)
	return p.gen
}

// add counts n bytes read by attempt gen.
func (p *progress) add(gen int, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen || n <= 0 {
		return
	}
	p.sent += int64(n)
	if p.sent == p.total || p.sent-p.last >= p.step {
		p.last = p.sent
		p.fn(p.slot, p.sent, p.total)
	}
}

// reader wraps one attempt's body. A nil progress returns r as it is.
func (p *progress) reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return &progressReader{r: r, p: p, gen: p.attempt()}
}

type progressReader struct {
	r   io.Reader
	p   *progress
	gen int
}

func (r *progressReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.p.add(r.gen, n)
	return n, err
}

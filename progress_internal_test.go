package authenta

import (
	"bytes"
	"io"
	"testing"
)

// TestProgressIgnoresAnEarlierAttempt: reads that a transport still makes
// from an abandoned attempt's body do not reach the caller, so the counts
// of the current attempt only grow.
func TestProgressIgnoresAnEarlierAttempt(t *testing.T) {
	t.Parallel()
	var got []int64
	p := newProgress(func(slot string, sent, total int64) {
		if slot != "original" || total != 10 {
			t.Errorf("report %s %d/%d", slot, sent, total)
		}
		got = append(got, sent)
	}, "original", 10)
	first := p.reader(bytes.NewReader(make([]byte, 10)))
	buf := make([]byte, 4)
	_, _ = first.Read(buf) // 4 bytes, under the step: not reported
	second := p.reader(bytes.NewReader(make([]byte, 10)))
	_, _ = io.ReadAll(first) // the old attempt reads on: ignored
	_, _ = io.ReadAll(second)
	want := []int64{0, 0, 10}
	if len(got) != len(want) {
		t.Fatalf("reports %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("reports %v, want %v", got, want)
		}
	}
}

func TestProgressNil(t *testing.T) {
	t.Parallel()
	if p := newProgress(nil, "original", 10); p != nil {
		t.Fatal("no callback, no progress")
	}
	var p *progress
	r := bytes.NewReader(nil)
	if p.reader(r) != io.Reader(r) {
		t.Fatal("a nil progress passes the body through")
	}
}

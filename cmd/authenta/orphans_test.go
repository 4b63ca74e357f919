package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/phospheneai/authenta-go"
)

func TestOrphansMatch(t *testing.T) {
	t.Parallel()
	first := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	job := func(id string, st authenta.Status, created time.Time, inputs ...authenta.Input) *authenta.Job {
		return &authenta.Job{ID: id, Status: st, CreatedAt: created, Inputs: inputs}
	}
	in := func(name string, size int64) authenta.Input {
		return authenta.Input{Slot: authenta.SlotOriginal, FileName: name, Size: size}
	}
	after := first.Add(time.Minute)
	jobs := []*authenta.Job{
		job("1", authenta.StatusPending, after, in("a.jpg", 10)),
		job("2", authenta.StatusPending, after, in("a.jpg", 10)),                    // a second kill, same file
		job("3", authenta.StatusPending, after, in("a.jpg", 11)),                    // another size
		job("4", authenta.StatusQueued, after, in("b.jpg", 5)),                      // finalized: not an orphan
		job("5", authenta.StatusPending, first.Add(-time.Hour), in("b.jpg", 5)),     // older than the journal
		job("6", authenta.StatusPending, first.Add(-orphanSlack/2), in("c.jpg", 7)), // the first wave, before the first line
		job("7", authenta.StatusPending, time.Time{}, in("d.jpg", 1)),               // creation time unknown
		job("8", authenta.StatusPending, after, in("e.jpg", 1), in("ref.png", 2)),   // two inputs: not the batch's
		job("9", authenta.StatusPending, after, in("f.jpg", 3)),                     // its file is not in this run
		job("", authenta.StatusPending, after, in("g.jpg", 3)),                      // no ID
		nil,
	}
	tests := []struct {
		name  string
		files map[string]int64 // files of this run with no live job in the journal
		want  []string
	}{
		{"none", nil, nil},
		{"same name and size, any folder", map[string]int64{"x/y/a.jpg": 10}, []string{"1", "2"}},
		{"size differs", map[string]int64{"a.jpg": 12}, nil},
		{"not pending, or too old", map[string]int64{"b.jpg": 5}, nil},
		{"the first wave", map[string]int64{"c.jpg": 7}, []string{"6"}},
		{"unknown creation time, two inputs, no ID", map[string]int64{"d.jpg": 1, "e.jpg": 1, "g.jpg": 3}, nil},
		{"every one", map[string]int64{"a.jpg": 10, "other/a.jpg": 10, "a2/a.jpg": 11, "c.jpg": 7}, []string{"1", "2", "3", "6"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := newOrphans(jobs, first)
			for f, size := range tc.files {
				o.match(f, size)
			}
			assert.Equal(t, tc.want, o.ids())
			if len(tc.want) == 0 {
				assert.Empty(t, o.note())
				return
			}
			n := o.note()
			assert.Contains(t, n, "never charged")
			for _, id := range tc.want {
				assert.Contains(t, n, id)
			}
		})
	}
}

func TestOrphansNoteBounded(t *testing.T) {
	t.Parallel()
	now := time.Now()
	var jobs []*authenta.Job
	for i := range 30 {
		jobs = append(jobs, &authenta.Job{ID: string(rune('A'+i%26)) + strings.Repeat("x", i/26), Status: authenta.StatusPending, CreatedAt: now,
			Inputs: []authenta.Input{{FileName: "a.jpg", Size: 1}}})
	}
	o := newOrphans(jobs, now)
	o.truncated = true
	o.match("a.jpg", 1)
	n := o.note()
	assert.True(t, strings.HasPrefix(n, "30 pending jobs"), n)
	assert.Contains(t, n, "and 10 more")
	assert.Contains(t, n, "not every pending job")
	var nilOrphans *orphans
	nilOrphans.match("a.jpg", 1) // no listing (first run): nothing to do
	assert.Empty(t, nilOrphans.note())
}

package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/phospheneai/authenta-go"
)

// Orphans: a kill between the server creating a job and its "created" line
// reaching the journal leaves a job no journal names (the API has no
// idempotency key, so no client can close that window). Such a job was
// never uploaded to nor finalized, so never charged; it stays pending. A
// rerun lists the pending jobs once and names those that look like such
// orphans, so that they can be removed by hand. It never removes them
// itself: another process with the same key may own them.

const (
	// orphanListMax bounds the pending jobs a rerun looks at (the newest).
	orphanListMax = 1000
	// orphanGetMax bounds the pending jobs a rerun fetches to see their
	// input (a listed job does not say).
	orphanGetMax = 200
	// orphanSlack widens "created after the journal's first line": the
	// first creates of a run are answered before any line is written, and
	// the server's clock is not ours.
	orphanSlack = 5 * time.Minute
	// orphanNamed is how many orphans' IDs the note lists.
	orphanNamed = 20
)

type orphanKey struct {
	name string // base name
	size int64
}

// orphans matches pending jobs against the files a run finds without a
// live job in the journal. It is safe for concurrent use.
type orphans struct {
	mu        sync.Mutex
	byFile    map[orphanKey][]string // candidate job IDs by input
	found     []string
	truncated bool // more pending jobs than were looked at
}

// newOrphans keeps the jobs that could be orphans of an earlier run of a
// journal whose first line was written at since: pending, created no
// earlier than since (less orphanSlack), with exactly one input.
func newOrphans(jobs []*authenta.Job, since time.Time) *orphans {
	o := &orphans{byFile: make(map[orphanKey][]string)}
	from := since.Add(-orphanSlack)
	for _, j := range jobs {
		if j == nil || j.ID == "" || j.Status != authenta.StatusPending || len(j.Inputs) != 1 ||
			j.CreatedAt.IsZero() || j.CreatedAt.Before(from) {
			continue
		}
		in := j.Inputs[0]
		k := orphanKey{filepath.Base(in.FileName), in.Size}
		o.byFile[k] = append(o.byFile[k], j.ID)
	}
	return o
}

// match takes a file of this run that the journal names no live job for
// (never seen, or its last line says to judge it again): the pending jobs
// made for a file of its name and size are its orphans.
func (o *orphans) match(path string, size int64) {
	if o == nil {
		return
	}
	k := orphanKey{filepath.Base(path), size}
	o.mu.Lock()
	defer o.mu.Unlock()
	if ids, ok := o.byFile[k]; ok {
		o.found = append(o.found, ids...)
		delete(o.byFile, k)
	}
}

// ids returns the orphans found, sorted.
func (o *orphans) ids() []string {
	if o == nil {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	ids := slices.Clone(o.found)
	slices.Sort(ids)
	return ids
}

// findOrphanCandidates lists the newest pending jobs (at most
// orphanListMax) when the journal has lines, i.e. on a rerun, and fetches
// those that could be orphans (created since the journal began, named by
// no line; at most orphanGetMax), since a listed job does not say what
// its input is. A listing that fails is noted, not fatal: it only serves
// a note.
func (b *batch) findOrphanCandidates(ctx context.Context, first time.Time) *orphans {
	if b.jr == nil || first.IsZero() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	from := first.Add(-orphanSlack)
	named := b.jr.jobIDs()
	var cands []*authenta.Job
	listed, truncated := 0, false
	for j, err := range b.c.Jobs.All(ctx, &authenta.ListOptions{Status: authenta.StatusPending}) {
		if err != nil {
			b.note("could not list pending jobs to look for orphans of an earlier kill: %v", err)
			return nil
		}
		if listed == orphanListMax {
			truncated = true
			break
		}
		listed++
		if j.Status == authenta.StatusPending && !j.CreatedAt.IsZero() && !j.CreatedAt.Before(from) && !named[j.ID] {
			cands = append(cands, j)
		}
	}
	fetched := 0
	for i, j := range cands {
		if len(j.Inputs) > 0 {
			continue
		}
		if fetched == orphanGetMax {
			truncated, cands = true, cands[:i]
			break
		}
		fetched++
		full, err := b.c.Jobs.Get(ctx, j.ID)
		switch {
		case errors.Is(err, authenta.ErrJobNotFound):
			cands[i] = nil // deleted meanwhile
		case err != nil:
			b.note("could not look at pending job %s for orphans of an earlier kill: %v", j.ID, err)
			return nil
		default:
			cands[i] = full
		}
	}
	o := newOrphans(cands, first)
	o.truncated = truncated
	return o
}

// orphanNote is the note naming the orphans found ("" when none).
func (o *orphans) note() string {
	ids := o.ids()
	if len(ids) == 0 {
		return ""
	}
	shown := ids[:min(len(ids), orphanNamed)]
	s := fmt.Sprintf("%d pending jobs look like orphans of an earlier kill (created, but killed before the journal named them); they were never finalized, so never charged: `authenta jobs delete ID` for each of %s",
		len(ids), strings.Join(shown, " "))
	if len(ids) > len(shown) {
		s += fmt.Sprintf(" and %d more", len(ids)-len(shown))
	}
	if o.truncated {
		s += " (not every pending job was looked at)"
	}
	return s
}

package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseShard(t *testing.T) {
	t.Parallel()
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == envShardIndex {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		spec, env string
		want      shard
		err       string
	}{
		{"", "", shard{}, ""},
		{"0/1", "", shard{0, 1}, ""},
		{"2/3", "", shard{2, 3}, ""},
		{" 1 / 4 ", "", shard{1, 4}, ""},
		{"/4", "3", shard{3, 4}, ""},
		{"1/4", "3", shard{1, 4}, ""}, // an explicit index wins
		{"/4", "", shard{}, "not set"},
		{"/4", "4", shard{}, "0 to 3"},
		{"/4", "x", shard{}, "0 to 3"},
		{"3/3", "", shard{}, "0 to 2"},
		{"-1/3", "", shard{}, "0 to 2"},
		{"1/0", "", shard{}, "N must be"},
		{"1/-2", "", shard{}, "N must be"},
		{"1/x", "", shard{}, "N must be"},
		{"1/99999999999", "", shard{}, "N must be"},
		{"1", "", shard{}, "I/N"},
		{"1/2/3", "", shard{}, "N must be"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q env %q", tc.spec, tc.env), func(t *testing.T) {
			t.Parallel()
			got, err := parseShard(tc.spec, env(tc.env))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				var ue *usageError
				require.ErrorAs(t, err, &ue, "a bad -shard is a usage error (exit 2)")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestShardOfIsStable pins the hash: machines running different builds of
// the command must split a folder the same way.
func TestShardOfIsStable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rel  string
		n    int
		want int
	}{
		{"a.jpg", 3, shardOf("./a.jpg", 3)},
		{"d1/photo.jpg", 1, 0},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, shardOf(tc.rel, tc.n), tc.rel)
	}
	pinned := map[string]int{}
	for _, rel := range []string{"a.jpg", "d1/photo.jpg", "2026/05/clip.mp4", "x"} {
		pinned[rel] = shardOf(rel, 7)
	}
	assert.Equal(t, map[string]int{"a.jpg": 6, "d1/photo.jpg": 2, "2026/05/clip.mp4": 2, "x": 3}, pinned)

	// Every file lands in exactly one shard.
	for i := range 200 {
		rel := fmt.Sprintf("dir%d/file%d.jpg", i%9, i)
		hits := 0
		for s := range 5 {
			if (shard{s, 5}).takes(rel) {
				hits++
			}
		}
		assert.Equal(t, 1, hits, rel)
	}
}

// FuzzParseShard: any spec either parses to an index within its count or
// is a usage error; never a panic.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/3", "/3", "3/3", "", "a/b", "1/", "/", "-0/1", "9223372036854775807/2"} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, spec, idx string) {
		sh, err := parseShard(spec, func(string) string { return idx })
		if err != nil {
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("%q: not a usage error: %v", spec, err)
			}
			return
		}
		if spec != "" && (sh.count < 1 || sh.index < 0 || sh.index >= sh.count) {
			t.Fatalf("%q parsed to %+v", spec, sh)
		}
	})
}

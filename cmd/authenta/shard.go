package main

import (
	"fmt"
	"hash/fnv"
	"path"
	"strconv"
	"strings"
)

// envShardIndex is the variable Kubernetes sets in each pod of an Indexed
// Job: the pod's index, 0..completions-1.
const envShardIndex = "JOB_COMPLETION_INDEX"

// shard is the part of the files this run takes: those whose path hashes
// to index of count. The zero value (count 0) takes every file.
type shard struct{ index, count int }

// maxShards bounds N in -shard I/N.
const maxShards = 1 << 20

// parseShard reads "I/N" (zero-based: I in 0..N-1). With I left out
// ("/N"), I is $JOB_COMPLETION_INDEX.
func parseShard(s string, getenv func(string) string) (shard, error) {
	if s == "" {
		return shard{}, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return shard{}, usagef("-shard %q: want I/N, e.g. 0/4 (zero-based), or /N to take I from $%s", s, envShardIndex)
	}
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil || n < 1 || n > maxShards {
		return shard{}, usagef("-shard %q: N must be a whole number from 1 to %d", s, maxShards)
	}
	is = strings.TrimSpace(is)
	from := ""
	if is == "" {
		is, from = strings.TrimSpace(getenv(envShardIndex)), " (from $"+envShardIndex+")"
		if is == "" {
			return shard{}, usagef("-shard %q: I is left out, and $%s is not set", s, envShardIndex)
		}
	}
	i, err := strconv.Atoi(is)
	if err != nil || i < 0 || i >= n {
		return shard{}, usagef("-shard %q: I%s is %q, it must be a whole number from 0 to %d", s, from, is, n-1)
	}
	return shard{index: i, count: n}, nil
}

// takes reports whether the shard takes the file at rel, its path relative
// to the root it was found under, with forward slashes. Hashing that path
// (not the absolute one) lets machines that mount the same folder at
// different places agree on who takes what.
func (s shard) takes(rel string) bool {
	if s.count <= 1 {
		return true
	}
	return shardOf(rel, s.count) == s.index
}

// shardOf is FNV-1a (64 bits) of the cleaned slash path, modulo n: stable
// across machines, runs and Go versions.
func shardOf(rel string, n int) int {
	h := fnv.New64a()
	_, _ = h.Write([]byte(path.Clean(strings.TrimPrefix(rel, "./"))))
	return int(h.Sum64() % uint64(n))
}

func (s shard) String() string {
	if s.count == 0 {
		return "all"
	}
	return fmt.Sprintf("%d/%d", s.index, s.count)
}

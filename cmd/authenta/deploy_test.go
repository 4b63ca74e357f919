package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKubernetesExample keeps deploy/kubernetes/batch-job.yaml in step
// with the command: as many pods as shards, flags the command takes.
func TestKubernetesExample(t *testing.T) {
	t.Parallel()
	y, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "batch-job.yaml"))
	require.NoError(t, err)
	completions := regexp.MustCompile(`(?m)^\s+completions: (\d+)`).FindSubmatch(y)
	parallelism := regexp.MustCompile(`(?m)^\s+parallelism: (\d+)`).FindSubmatch(y)
	shard := regexp.MustCompile(`-shard /(\d+)`).FindSubmatch(y)
	require.NotNil(t, completions)
	require.NotNil(t, shard)
	assert.Equal(t, string(completions[1]), string(shard[1]), "one pod per shard")
	assert.Equal(t, string(completions[1]), string(parallelism[1]))
	assert.Contains(t, string(y), "completionMode: Indexed")
	assert.Contains(t, string(y), "secretKeyRef")
	assert.False(t, regexp.MustCompile(`\s--?(api-?)?key\b`).Match(y), "the key comes from the environment, never a flag")

	// The batch flags of the example parse (against a folder that exists).
	flags := regexp.MustCompile(`authenta batch ((?:-\S+ \S+ )+)`).FindSubmatch(y)
	require.NotNil(t, flags)
	dir := t.TempDir()
	r := cli(t, []string{envShardIndex + "=1"}, append(append([]string{"-offline", "batch"}, splitFields(string(flags[1]))...), "-o", filepath.Join(dir, "j.ndjson"), dir)...)
	assert.Equal(t, exitOK, r.code, r.stderr)
}

func splitFields(s string) []string {
	return regexp.MustCompile(`\s+`).Split(regexp.MustCompile(`^\s+|\s+$`).ReplaceAllString(s, ""), -1)
}

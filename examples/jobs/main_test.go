package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noEnv(string) string { return "" }

func TestJobsTourOnTheEmbeddedFake(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), nil, noEnv, &out, &errOut), errOut.String())
	s := out.String()
	assert.True(t, strings.HasPrefix(s, "No AUTHENTA_API_KEY set: using the embedded Authenta fake"), s)
	for _, want := range []string{
		"$ jobs list\n", "4 jobs\n",
		"$ jobs get 1\n", "job 1: completed, AC-1 ai-image-detection", "input original  photo.jpg (image/jpeg",
		"$ jobs cancel 4\n", "job 4: cancelled\n",
		"$ jobs delete 4\n", "job 4 deleted\n",
		"$ jobs get 4\n", "job 4: not found\n",
	} {
		assert.Contains(t, s, want)
	}
	assert.NotContains(t, s, "X-Amz", "presigned URLs are never printed")
	assert.NotContains(t, s, "Signature", "presigned URLs are never printed")
}

func TestJobsCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		want    []string
		wantErr bool
	}{
		{args: []string{"list"}, want: []string{"4 jobs"}},
		{args: []string{"list", "-limit", "2"}, want: []string{"2 jobs"}},
		{args: []string{"list", "-status", "completed"}, want: []string{"3 jobs"}},
		{args: []string{"list", "-status", "pending"}, want: []string{"pending", "1 jobs"}},
		{args: []string{"get", "2"}, want: []string{"job 2: completed"}},
		{args: []string{"get", "99"}, want: []string{"job 99: not found"}},
		{args: []string{"cancel", "1"}, want: []string{"can no longer be cancelled"}},
		{args: []string{"cancel", "4"}, want: []string{"job 4: cancelled"}},
		{args: []string{"delete", "3"}, want: []string{"job 3 deleted"}},
		{args: []string{"get"}, wantErr: true},
		{args: []string{"get", "../1"}, wantErr: true},
		{args: []string{"frobnicate"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			err := run(t.Context(), tc.args, noEnv, &out, &errOut)
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err, errOut.String())
			for _, w := range tc.want {
				assert.Contains(t, out.String(), w)
			}
		})
	}
}

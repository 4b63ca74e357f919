package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/phospheneai/authenta-go"
	"github.com/phospheneai/authenta-go/examples/internal/demo"
)

func noEnv(string) string { return "" }

func TestJobsTourOnTheEmbeddedFake(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), nil, noEnv, &out, &errOut), errOut.String())
	s := out.String()
	assert.True(t, strings.HasPrefix(errOut.String(), "No AUTHENTA_API_KEY set: using the embedded Authenta fake"), "banner on stderr: %s", errOut.String())
	assert.True(t, strings.HasPrefix(s, "$ jobs list\n"), s)
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
		args []string
		want []string
		code int // exit status
		is   error
	}{
		{args: []string{"list"}, want: []string{"4 jobs"}},
		{args: []string{"list", "-limit", "2"}, want: []string{"2 jobs"}},
		{args: []string{"list", "-status", "completed"}, want: []string{"3 jobs"}},
		{args: []string{"list", "-status", "PENDING"}, want: []string{"pending", "1 jobs"}},
		{args: []string{"get", "2"}, want: []string{"job 2: completed"}},
		{args: []string{"cancel", "4"}, want: []string{"job 4: cancelled"}},
		{args: []string{"delete", "3"}, want: []string{"job 3 deleted"}},
		{args: []string{"get", "999"}, code: 1, is: authenta.ErrJobNotFound},
		{args: []string{"delete", "999"}, code: 1, is: authenta.ErrJobNotFound},
		{args: []string{"cancel", "1"}, code: 1, is: authenta.ErrConflict},
		{args: []string{"get", "../1"}, code: 1, is: authenta.ErrInvalidArgument},
		{args: []string{"list", "-status", "bogus"}, code: 2, is: demo.ErrUsage},
		{args: []string{"list", "-limit", "-1"}, code: 2, is: demo.ErrUsage},
		{args: []string{"list", "extra"}, code: 2, is: demo.ErrUsage},
		{args: []string{"list", "-nope"}, code: 2, is: demo.ErrUsage},
		{args: []string{"get"}, code: 2, is: demo.ErrUsage},
		{args: []string{"get", "1", "2"}, code: 2, is: demo.ErrUsage},
		{args: []string{"frobnicate"}, code: 2, is: demo.ErrUsage},
		{args: []string{"-bogus"}, code: 2, is: demo.ErrUsage},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			err := run(t.Context(), tc.args, noEnv, &out, &errOut)
			assert.Equal(t, tc.code, demo.Exit("jobs", err, io.Discard), "exit status (err %v)", err)
			if tc.is != nil {
				require.ErrorIs(t, err, tc.is)
				if tc.code == 2 {
					assert.NotContains(t, errOut.String(), "No AUTHENTA_API_KEY set", "a usage error starts nothing")
				}
				return
			}
			require.NoError(t, err, errOut.String())
			for _, w := range tc.want {
				assert.Contains(t, out.String(), w)
			}
		})
	}
}

func TestJobsNotFoundMessage(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"get", "999"}, noEnv, &out, &errOut)
	require.Error(t, err)
	var msg bytes.Buffer
	assert.Equal(t, 1, demo.Exit("jobs", err, &msg))
	assert.Equal(t, "jobs: job 999: not found\n", msg.String())
	assert.Empty(t, out.String())
}

func TestJobsJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args  []string
		lines int
	}{
		{[]string{"-json", "list"}, 4},
		{[]string{"list", "-json", "-status", "completed"}, 3},
		{[]string{"-json", "get", "1"}, 1},
		{[]string{"-json", "delete", "4"}, 1},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			require.NoError(t, run(t.Context(), tc.args, noEnv, &out, &errOut), errOut.String())
			dec := json.NewDecoder(&out)
			n := 0
			for dec.More() {
				var m map[string]any
				require.NoError(t, dec.Decode(&m), "line %d", n+1)
				assert.NotEmpty(t, m["id"])
				n++
			}
			assert.Equal(t, tc.lines, n)
		})
	}
}

func TestJobsHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"usage: jobs", "list [-status S]", "get ID", "cancel ID", "delete ID", "-json", "Exit status"}},
		{[]string{"-h"}, []string{"usage: jobs"}},
		{[]string{"list", "--help"}, []string{"usage: jobs list", "-status", "-limit"}},
		{[]string{"get", "--help"}, []string{"usage: jobs get ID"}},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		err := run(t.Context(), tc.args, noEnv, &out, &errOut)
		require.ErrorIs(t, err, flag.ErrHelp, "%v", tc.args)
		assert.Equal(t, 0, demo.Exit("jobs", err, &errOut))
		for _, w := range tc.want {
			assert.Contains(t, out.String(), w, "%v", tc.args)
		}
		assert.Empty(t, errOut.String(), "help starts nothing: %v", tc.args)
	}
}

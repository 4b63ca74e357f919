package demo

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		code int
		msg  string
	}{
		{nil, 0, ""},
		{flag.ErrHelp, 0, ""},
		{Usagef("need %d file", 1), 2, "cmd: usage: need 1 file\n"},
		{fmt.Errorf("wrapped: %w", Usagef("x")), 2, "cmd: wrapped: usage: x\n"},
		{errors.New("boom"), 1, "cmd: boom\n"},
	}
	for _, tt := range tests {
		var w bytes.Buffer
		assert.Equal(t, tt.code, Exit("cmd", tt.err, &w), "%v", tt.err)
		assert.Equal(t, tt.msg, w.String())
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	newFS := func() *flag.FlagSet {
		fs := flag.NewFlagSet("cmd", flag.ContinueOnError)
		fs.Bool("json", false, "JSON output")
		fs.Usage = func() { fmt.Fprintln(fs.Output(), "usage: cmd [-json]"); fs.PrintDefaults() }
		return fs
	}
	var out, errOut bytes.Buffer
	require.ErrorIs(t, Parse(newFS(), []string{"--help"}, &out, &errOut), flag.ErrHelp)
	assert.Contains(t, out.String(), "usage: cmd [-json]")
	assert.Contains(t, out.String(), "JSON output")
	assert.Empty(t, errOut.String())

	out.Reset()
	err := Parse(newFS(), []string{"-nope"}, &out, &errOut)
	require.ErrorIs(t, err, ErrUsage)
	assert.Contains(t, err.Error(), "-nope")
	assert.Empty(t, out.String())
	assert.Contains(t, errOut.String(), "usage: cmd [-json]")

	require.NoError(t, Parse(newFS(), []string{"-json", "x"}, &out, &errOut))
}

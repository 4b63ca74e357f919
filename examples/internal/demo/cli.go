package demo

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// ErrUsage marks a command-line usage error: the command exits with status 2.
var ErrUsage = errors.New("usage")

// Usagef returns a usage error.
func Usagef(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUsage}, a...)...)
}

// Parse parses a command's flags. -h, -help and --help print the full
// usage (fs.Usage) on stdout and return flag.ErrHelp (exit status 0); a
// bad flag prints the error and the usage on stderr and returns a usage
// error (exit status 2).
func Parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case err == nil:
		fs.SetOutput(stderr)
		return nil
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return flag.ErrHelp
	default:
		fs.SetOutput(stderr)
		fs.Usage()
		return Usagef("%v", err)
	}
}

// Exit reports err on stderr, prefixed with the command's name, and
// returns the process exit status: 0 for nil or a help request, 2 for a
// usage error, 1 for any other error.
func Exit(name string, err error, stderr io.Writer) int {
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, ErrUsage):
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	default:
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
}

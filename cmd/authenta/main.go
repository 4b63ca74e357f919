// Command authenta runs files through the Authenta deepfake-detection API
// from a terminal, a script or a cron job: one file (detect), whole folders
// with a resumable journal and shards (batch), the jobs API (jobs), and the
// task types (tasks).
//
//	go install github.com/phospheneai/authenta-go/cmd/authenta@latest
//	export AUTHENTA_API_KEY=...            # never a flag: it would land in shell history
//	authenta detect photo.jpg
//	authenta batch -j 8 -o results.ndjson ./uploads
//	authenta -offline batch ./uploads      # the embedded fake platform, no key, no credits
//
// Results go to stdout (a table, or NDJSON with -json); everything else
// (progress bars, notes, errors) goes to stderr. The exit status is 2 for a
// usage error; else 1 when any file failed; else 3 when any file was
// judged fake; else 0. Run "authenta help" for the full usage.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// The first interrupt stops the command cleanly (a batch keeps its
	// unfinished jobs for the next run); a second one kills it at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], newEnv())
	stop()
	os.Exit(code)
}

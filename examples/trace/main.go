// Command trace is the reference CLI of the trace library: it records a
// coding session and turns it into pull-request artefacts.
//
// Run `trace --help` for the commands, and `trace demo` for an offline tour.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

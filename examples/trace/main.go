// Command trace is the reference CLI of the trace library: it records a
// coding session and turns it into pull-request artefacts.
//
// Run `trace --help` for the commands, and `trace demo` for an offline tour.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := newApp(os.Stdout, os.Stderr)
	root := app.rootCommand()
	err := root.ExecuteContext(ctx)
	if err != nil {
		if !errors.Is(err, errSilent) {
			fmt.Fprintln(os.Stderr, "trace: "+oneLine(err))
		}
		os.Exit(exitCode(ctx, err))
	}
}

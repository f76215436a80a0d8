package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// run executes the CLI with args and returns the process exit code: errors
// are printed to stderr as one line (unless already reported) and mapped to
// the documented exit codes. main and the tests both go through it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newApp(stdout, stderr).rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if !errors.Is(err, errSilent) {
		fmt.Fprintln(stderr, "trace: "+oneLine(err))
	}
	return exitCode(ctx, err)
}

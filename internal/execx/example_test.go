package execx_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tracepr/trace/internal/execx"
)

// Run a tool; a missing tool is one error that says how to install it.
func ExampleOutput() {
	out, err := execx.Output(context.Background(), "sh", "-c", "echo hello from a tool")
	if errors.Is(err, execx.ErrNotInstalled) {
		fmt.Println(err) // e.g. "ffmpeg is not installed or not on PATH: install it (apt-get install ffmpeg)"
		return
	}
	fmt.Print(string(out))
	// Output: hello from a tool
}

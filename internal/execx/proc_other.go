//go:build !unix

package execx

import "os/exec"

// killGroup keeps the default: cancellation kills the tool's process.
func killGroup(cmd *exec.Cmd) {}

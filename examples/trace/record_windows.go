//go:build windows

package main

import (
	"os/exec"
	"syscall"
)

// detach starts the recording process without a console, in its own
// process group, so closing the terminal does not end it.
func detach(cmd *exec.Cmd) {
	const createNewProcessGroup, detachedProcess = 0x00000200, 0x00000008
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: createNewProcessGroup | detachedProcess}
}

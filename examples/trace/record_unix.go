//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// detach starts the recording process in its own session, so closing the
// terminal or pressing Ctrl-C there does not reach it.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}

//go:build unix && !linux

package capture

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the recorder in its own process group, so a Ctrl-C in
// the terminal reaches trace (which stops the recorder once, cleanly) and
// not the recorder directly.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

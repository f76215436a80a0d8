//go:build unix

package execx

import (
	"os/exec"
	"syscall"
)

// killGroup runs the tool in its own process group and makes cancellation
// kill the whole group, so a tool's own children (a shell's sleep, ffmpeg's
// children) do not outlive it and hold its output open.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

//go:build !unix && !windows

package capture

import "os/exec"

func setProcAttr(cmd *exec.Cmd) {}

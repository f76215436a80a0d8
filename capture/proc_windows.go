package capture

import "os/exec"

// setProcAttr leaves Windows processes as they are: the recorder is
// stopped through its stdin, never with a signal.
func setProcAttr(cmd *exec.Cmd) {}

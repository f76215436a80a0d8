package capturetest

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/tracepr/trace/internal/testutil"
)

// Xvfb starts a virtual X display of the given geometry ("1280x720x24")
// on a free display number and returns its name (":N"). The server is
// killed when the test ends. It skips (or fails under TRACE_REQUIRE_TOOLS)
// when Xvfb is not installed.
func Xvfb(t testing.TB, geometry string) string {
	t.Helper()
	testutil.NeedTool(t, "Xvfb", "xdpyinfo")
	for n := 90 + os.Getpid()%200; n < 1000; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		display := ":" + strconv.Itoa(n)
		cmd := exec.Command("Xvfb", display, "-screen", "0", geometry, "-nolisten", "tcp", "-noreset")
		if err := cmd.Start(); err != nil {
			t.Fatalf("start Xvfb: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-exited:
				// Lost a race for this number: try the next one.
				goto next
			default:
			}
			if exec.Command("xdpyinfo", "-display", display).Run() == nil {
				t.Cleanup(func() {
					cmd.Process.Kill()
					<-exited
				})
				return display
			}
			time.Sleep(50 * time.Millisecond)
		}
		cmd.Process.Kill()
		<-exited
		t.Fatalf("Xvfb %s did not come up within 10s", display)
	next:
	}
	t.Fatal("no free X display number")
	return ""
}

// Animate changes the root window's colour of display every interval
// until the test ends, so a recording of it has changing frames. It uses
// xsetroot when installed and does nothing otherwise.
func Animate(t testing.TB, display string, interval time.Duration) {
	t.Helper()
	if _, err := exec.LookPath("xsetroot"); err != nil {
		return
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	colors := []string{"#202830", "#d04040", "#40a040", "#4060d0", "#e0e0e0"}
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for i := 0; ; i++ {
			c := exec.Command("xsetroot", "-display", display, "-solid", colors[i%len(colors)])
			c.Run()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
}

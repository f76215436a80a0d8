package capture_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/capture/capturetest"
	"github.com/tracepr/trace/session"
)

// Detect says which recorder fits a desktop, and why.
func ExampleDetect() {
	c, err := capture.Detect(capture.Env{GOOS: "linux", SessionType: "wayland", WaylandDisplay: "wayland-1", CurrentDesktop: "sway"})
	fmt.Println(c.Name, err)
	_, err = capture.Detect(capture.Env{GOOS: "linux", SessionType: "wayland", WaylandDisplay: "wayland-0", CurrentDesktop: "GNOME"})
	fmt.Println(err != nil, strings.Contains(err.Error(), "GNOME on Xorg"))
	// Output:
	// wf-recorder <nil>
	// true true
}

// Args shows the ffmpeg command line a recording runs.
func ExampleFFmpeg_Args() {
	env := capture.Env{GOOS: "linux", Display: ":0", PulseSocket: true}
	rec := &capture.FFmpeg{Grabber: capture.X11Grab, Options: capture.Options{Env: &env}}
	args, _ := rec.Args(capture.Request{Audio: true})
	fmt.Println(strings.Join(args[8:22], " "))
	// Output:
	// -thread_queue_size 8 -f x11grab -framerate 10 -draw_mouse 1 -i :0 -thread_queue_size 512 -f pulse
}

// Record runs a whole session until RequestStop; here with the fake
// recorder from capturetest.
func ExampleRecord() {
	home, _ := os.MkdirTemp("", "trace-example-")
	defer os.RemoveAll(home)
	st, _ := session.Open(home)
	s, _ := st.Create(session.CreateOptions{})

	cfg := capture.Config{Recorder: &capturetest.Recorder{}, Started: func(capture.Handle) {
		time.AfterFunc(200*time.Millisecond, func() { capture.RequestStop(s) })
	}}
	if _, err := capture.Record(context.Background(), s, cfg); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Meta.Status, s.Meta.Recorder, s.Meta.Recording, s.Meta.Length > 0)
	// Output:
	// captured fake screen.mp4 true
}

package capturetest_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/capture/capturetest"
)

// The fake records until stopped, and can be made to die.
func ExampleRecorder() {
	dir, _ := os.MkdirTemp("", "capturetest-")
	defer os.RemoveAll(dir)
	rec := &capturetest.Recorder{}
	h, _ := rec.Start(context.Background(), capture.Request{Dir: dir, Audio: true})
	time.Sleep(50 * time.Millisecond)
	res, err := h.Stop(context.Background())
	again, _ := h.Stop(context.Background())
	fmt.Println(err, res == again, res.Audio, h.Err())

	crashed, _ := rec.Start(context.Background(), capture.Request{Dir: dir, Output: "b.mp4"})
	crashed.(*capturetest.Handle).Die(nil)
	<-crashed.Done()
	fmt.Println(crashed.Err())
	// Output:
	// <nil> true true <nil>
	// capturetest: recorder killed
}

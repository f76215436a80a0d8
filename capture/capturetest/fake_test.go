package capturetest_test

import (
	"testing"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/capture/capturetest"
)

func TestFakeConforms(t *testing.T) {
	capturetest.TestRecorder(t, func(t *testing.T) capturetest.Setup {
		return capturetest.Setup{
			Recorder: &capturetest.Recorder{},
			Request:  capture.Request{Dir: t.TempDir(), Audio: true},
			Kill:     func(t *testing.T, h capture.Handle) { h.(*capturetest.Handle).Die(nil) },
		}
	})
}

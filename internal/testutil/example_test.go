package testutil_test

import (
	"testing"

	"github.com/tracepr/trace/internal/testutil"
)

// A test that needs a real tool says so first; it skips where the tool is
// missing and fails in CI, where TRACE_REQUIRE_TOOLS=1.
func ExampleNeedTool() {
	_ = func(t *testing.T) {
		testutil.NeedTool(t, "ffmpeg", "ffprobe")
		// ... run ffmpeg for real
	}
}

package latency_test

import (
	"fmt"
	"time"

	"github.com/tracepr/trace/internal/latency"
)

// A fake server draws each request's delay from a generator keyed by the
// request: the same requests get the same delays in every run, and a
// repeat of a request is a fresh draw.
func Example() {
	upload := latency.Dist{Median: 2 * time.Second, Spread: 0.3}
	var run1, run2 latency.Draws
	key := latency.Key("upload", "POST", "_upload/*")

	first := upload.Draw(run1.Next(42, key))
	second := upload.Draw(run1.Next(42, key))
	again := upload.Draw(run2.Next(42, key))

	fmt.Println("same first delay in another run:", first == again)
	fmt.Println("a repeat draws anew:", first != second)
	fmt.Println("matches:", latency.Match("_upload/*", "_upload/tok-1"))
	fmt.Println("at a hundredth of the time:", latency.Scale(8*time.Second, 0.01))
	// Output:
	// same first delay in another run: true
	// a repeat draws anew: true
	// matches: true
	// at a hundredth of the time: 80ms
}

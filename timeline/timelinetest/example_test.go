package timelinetest_test

import (
	"fmt"
	"time"

	"github.com/tracepr/trace/timeline"
	"github.com/tracepr/trace/timeline/timelinetest"
)

// A small seeded session: the same Config always gives the same evidence,
// which is what benchmarks and property tests of timeline and clipselect
// need.
func ExampleSynthetic() {
	cfg := timelinetest.Config{Seed: 7, Length: 30 * time.Minute, Saves: 200, Segments: 80, Scenes: 40, Windows: 60, Agent: 10, Files: 12}
	ev, diff := timelinetest.Synthetic(cfg)
	again, _ := timelinetest.Synthetic(cfg)
	tl, err := timeline.Build(ev, diff, timeline.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("saves:", len(ev.Saves), "segments:", len(ev.Transcript), "diff files:", len(diff.Files))
	fmt.Println("reproducible:", len(again.Saves) == len(ev.Saves) && again.Saves[17] == ev.Saves[17])
	fmt.Println("timeline valid:", timeline.Check(tl) == nil, "length:", tl.Length())
	// Output:
	// saves: 200 segments: 80 diff files: 3
	// reproducible: true
	// timeline valid: true length: 30m0s
}

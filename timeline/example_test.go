package timeline_test

import (
	"fmt"
	"time"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

func ExampleBuild() {
	ev := session.Evidence{
		Length: 5 * time.Minute,
		Saves: []session.SaveEvent{
			{At: 20 * time.Second, Path: "parser.go"},
			{At: 24 * time.Second, Path: "parser.go"},
			{At: 250 * time.Second, Path: "parser.go"},
		},
		Transcript: []session.Segment{
			{Span: session.Span{Start: 130 * time.Second, End: 136 * time.Second}, Text: "hmm, why doesn't this work? I'm not sure"},
		},
		Scenes: []session.Scene{
			{Span: session.Span{Start: 100 * time.Second, End: 160 * time.Second}, Label: session.LabelTerminal, RawText: "--- FAIL: TestParse"},
		},
	}
	diff := &session.Diff{Files: []session.FileDiff{{Path: "parser.go", Status: session.FileModified}}}
	tl, err := timeline.Build(ev, diff, timeline.Options{})
	if err != nil {
		panic(err)
	}
	for _, m := range tl.Moments() {
		fmt.Printf("%-11s %-8s %.2f %v\n", m.Span, m.Kind, m.Confidence, m.Files)
	}
	fmt.Println(timeline.Check(tl))
	// Output:
	// 0:00–0:15   idle     0.00 []
	// 0:15–0:27   progress 0.85 [parser.go]
	// 0:27–1:25   idle     0.53 []
	// 1:25–4:05   stuck    0.64 [parser.go]
	// 4:05–4:13   progress 0.80 [parser.go]
	// 4:13–5:00   idle     0.00 []
	// <nil>
}

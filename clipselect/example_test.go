package clipselect_test

import (
	"fmt"
	"time"

	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/session"
)

func ExampleSelect() {
	// A timeline as the timeline package builds it (any value with
	// Length and Moments will do).
	moments := tl{L: 10 * time.Minute, ms: []session.Moment{
		{Kind: session.KindIdle, Span: sp(0, 60)},
		{Kind: session.KindStuck, Span: sp(60, 240), Confidence: 0.8, Files: []string{"parser.go"}, Summary: "failing test, 3 runs"},
		{Kind: session.KindProgress, Span: sp(240, 260), Confidence: 0.9, Files: []string{"parser.go"}, Summary: "4 saves of parser.go"},
		{Kind: session.KindIdle, Span: sp(260, 600)},
	}}
	diff := &session.Diff{Files: []session.FileDiff{{Path: "parser.go", Status: session.FileModified}}}
	res, err := clipselect.Select(moments, session.Evidence{}, diff, clipselect.Options{})
	if err != nil {
		panic(err)
	}
	for _, c := range res.Clips {
		fmt.Printf("%s %-8s %-7s score %.2f\n", c.Span, c.Kind, c.Role, c.Score)
	}
	fmt.Println("total", res.Total)
	// Output:
	// 0:58–1:13 stuck    problem score 0.71
	// 3:58–4:13 progress fix     score 0.85
	// total 30s
}

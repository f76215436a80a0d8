package trace_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/narrate/narratetest"
	"github.com/tracepr/trace/render/rendertest"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/session/sessiontest"
)

// A pipeline over the fakes: index a captured session, then generate and
// publish every artefact for a pull request. Running Generate again reuses
// every step and publishes nothing twice.
func ExamplePipeline() {
	home, _ := os.MkdirTemp("", "trace-example")
	defer os.RemoveAll(home)
	store, _ := session.Open(home)
	s, _ := store.Create(session.CreateOptions{Status: session.StatusCaptured})
	s.Meta.Length = 40 * time.Second
	s.Meta.Recording = "screen.mp4" // the fake renderer does not read it
	_ = s.Save()
	for _, e := range []session.SaveEvent{{At: 12 * time.Second, Path: "calc.go", Op: "write"}, {At: 30 * time.Second, Path: "calc.go", Op: "write"}} {
		_ = s.Append(session.FileSaves, e)
	}
	sec := func(a, b float64) session.Span {
		return session.Span{Start: session.FromSeconds(a), End: session.FromSeconds(b)}
	}
	transcript := []session.Segment{
		{Span: sec(2, 9), Text: "the sum is wrong because Add drops the carry"},
		{Span: sec(24, 31), Text: "fixed it, Add keeps the carry now because the loop runs once more"},
	}
	scenes := []session.Scene{{Span: sec(0, 40), Label: session.LabelEditor, Files: []string{"calc.go"}, Functions: []string{"Add"}}}
	diff, _ := ghpr.ParseDiff(strings.NewReader("diff --git a/calc.go b/calc.go\n--- a/calc.go\n+++ b/calc.go\n@@ -1,2 +1,3 @@\n package calc\n func Add() {}\n+// Add keeps the carry.\n"))

	sink := ghprtest.NewMemSink()
	p := &trace.Pipeline{
		Indexer:  sessiontest.NewFake(transcript, scenes, 0),
		Renderer: &rendertest.Renderer{},
		Voice:    &narratetest.Voice{},
		Sink:     sink, // Writer nil: the offline writer
	}
	ctx := context.Background()
	if _, err := p.Stop(ctx, s); err != nil {
		fmt.Println(err)
		return
	}
	pr := ghpr.PR{Owner: "acme", Repo: "calc", Number: 3}
	res, err := p.Generate(ctx, s, trace.Request{Diff: &diff, PR: &pr, Title: "calc: keep the carry"})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = p.Generate(ctx, s, trace.Request{Diff: &diff, PR: &pr, Title: "calc: keep the carry"})

	fmt.Println("status:", s.Meta.Status)
	fmt.Println("clips:", len(res.Clips) > 0, "video:", res.Video.Video.Duration == res.Plan.Duration)
	fmt.Println("comments on the PR:", len(sink.Comments(pr)))
	fmt.Println("description has its section:", strings.Contains(sink.Description(pr), "## What changed"))
	// Output:
	// status: generated
	// clips: true video: true
	// comments on the PR: 3
	// description has its section: true
}

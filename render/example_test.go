package render_test

import (
	"fmt"
	"time"

	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
)

func ExampleBuild() {
	plan, err := render.Build(render.Input{
		Title:  "Reject corrupt metadata",
		Source: session.Media{Path: "screen.mp4"}, SourceLength: 5 * time.Minute,
		Clips: []render.ClipInput{{
			Clip:      session.Clip{Span: session.Span{Start: 35 * time.Second, End: time.Minute}, Kind: session.KindStuck, Files: []string{"session/store.go"}},
			Text:      "Why is this panicking? The Open function returns a nil map.",
			Narration: session.Media{ID: "voice-1", Duration: 4200 * time.Millisecond},
		}},
	}, render.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range plan.Segments {
		fmt.Println(s.Kind, s.Start, s.Duration, s.Source)
	}
	for _, c := range render.Chapters(plan) {
		fmt.Println(session.Clock(c.At), c.Title, c.File)
	}
	// Output:
	// intro 0s 3s 0:00–0:00
	// clip 3s 4.8s 0:35–0:40
	// outro 7.8s 4s 0:00–0:00
	// 0:03 Why is this panicking? session/store.go
}

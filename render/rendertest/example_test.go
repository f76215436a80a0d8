package rendertest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/render/rendertest"
	"github.com/tracepr/trace/session"
)

func ExampleRenderer() {
	plan, _ := render.Build(render.Input{
		Title:  "Fix the loader",
		Source: session.Media{Path: "screen.mp4"}, SourceLength: time.Minute,
		Clips: []render.ClipInput{{
			Clip:      session.Clip{Span: session.Span{Start: 10 * time.Second, End: 20 * time.Second}, Kind: session.KindProgress},
			Text:      "I fix the loader.",
			Narration: session.Media{ID: "voice-1", Duration: 2 * time.Second},
		}},
	}, render.Options{})
	r := &rendertest.Renderer{}
	out, err := r.Render(context.Background(), plan)
	fmt.Println(err, out.Video.Duration, len(r.Plans()))
	// Output: <nil> 9.6s 1
}

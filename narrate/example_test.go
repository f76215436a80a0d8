package narrate_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/session"
)

func ExampleGrounds_Check() {
	ev := &session.Evidence{
		Length:     time.Minute,
		Transcript: []session.Segment{{Span: session.Span{End: 5 * time.Second}, Text: "Open returns a nil map here."}},
		Saves:      []session.SaveEvent{{At: 3 * time.Second, Path: "session/store.go"}},
	}
	g := narrate.NewGrounds(ev, nil)
	fmt.Println(g.Check("I fix Open in store.go.").Grounded)
	fmt.Println(g.Check("I fix parseMetadata in loader.go."))
	// Output:
	// true
	// 2 of 2 claims unsupported: file "loader.go", identifier "parseMetadata"
}

func ExampleNarrator_Clips() {
	ev := &session.Evidence{
		Length:     time.Minute,
		Transcript: []session.Segment{{Span: session.Span{Start: 10 * time.Second, End: 18 * time.Second}, Text: "The Open function returns a nil map."}},
	}
	clips := []session.Clip{{Span: session.Span{Start: 8 * time.Second, End: 20 * time.Second}, Kind: session.KindStuck}}
	packs := narrate.ClipPacks(ev, nil, clips, narrate.PackOptions{})
	n := &narrate.Narrator{Grounds: narrate.NewGrounds(ev, nil)} // no Writer: the offline writer
	scripts, _ := n.Clips(context.Background(), packs)
	fmt.Println(scripts[0].Text, scripts[0].Verdict.Grounded)
	// Output: The Open function returns a nil map. This is where I got stuck. true
}

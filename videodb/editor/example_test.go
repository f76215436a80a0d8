package editor_test

import (
	"fmt"

	"github.com/tracepr/trace/videodb/editor"
)

// Build a timeline: a muted source clip with a narration over it.
func Example() {
	tl := editor.New()
	tl.AddTrack().Add(0, editor.Clip{Asset: &editor.VideoAsset{ID: "m-1", Start: 30, Mute: true}, Duration: 6.5})
	tl.AddTrack().Add(0, editor.Clip{Asset: &editor.AudioAsset{ID: "a-1"}, Duration: 6.5})
	fmt.Println(tl.Validate(), tl.Duration())
	// Output: <nil> 6.5
}

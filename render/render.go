package render

import (
	"context"
	"time"

	"github.com/tracepr/trace/session"
)

// Renderer turns a Plan into a playable video. Implementations: the VideoDB
// editor (videodb) and ffmpeg (local); rendertest has a fake and the
// conformance suite.
type Renderer interface {
	Render(ctx context.Context, p *Plan) (Output, error)
}

// Output is a rendered walkthrough.
type Output struct {
	Video    session.Media `json:"video"`              // the MP4/HLS file or stream URL
	Poster   session.Media `json:"poster,omitempty"`   // a still image for the PR comment
	Captions session.Media `json:"captions,omitempty"` // WebVTT sidecar, when made
}

// PlanSchema is the version of the Plan JSON.
const PlanSchema = 1

// SegmentKind says what a plan segment shows.
type SegmentKind string

// Segment kinds.
const (
	SegIntro SegmentKind = "intro" // a title card
	SegClip  SegmentKind = "clip"  // a span of the recording
	SegOutro SegmentKind = "outro" // a closing card with links
)

// Plan is what a walkthrough contains, independent of the backend that
// renders it. Times are exact durations; segments follow each other with no
// gap and no overlap, starting at 0.
type Plan struct {
	Schema   int           `json:"schema"`
	Title    string        `json:"title"`
	Width    int           `json:"width"`
	Height   int           `json:"height"`
	Duration time.Duration `json:"-"` // total length of the walkthrough
	// Source is the session recording the clip segments cut from.
	Source       session.Media `json:"source"`
	SourceLength time.Duration `json:"-"`
	Segments     []Segment     `json:"segments"`
	// Music is a bed under the whole video, ducked under narration.
	Music *Music `json:"music,omitempty"`
	// Output hints for file-producing renderers.
	OutDir string `json:"out_dir,omitempty"`
}

// Segment is one piece of the walkthrough.
type Segment struct {
	Kind     SegmentKind   `json:"kind"`
	Start    time.Duration `json:"-"` // position in the walkthrough
	Duration time.Duration `json:"-"`
	// Source is the span of the recording shown (clip segments). It never
	// runs past the clip it came from or the recording.
	Source    session.Span  `json:"source,omitzero"`
	Card      *Card         `json:"card,omitempty"`     // intro/outro, or a caption card when voice failed
	Narration session.Media `json:"narration,omitzero"` // voice for this segment
	Text      string        `json:"text,omitempty"`     // what the narration says
	Captions  []Caption     `json:"captions,omitempty"` // relative to the segment start
	Badge     *Badge        `json:"badge,omitempty"`
}

// Card is a still title card.
type Card struct {
	Title string        `json:"title"`
	Lines []string      `json:"lines,omitempty"`
	Image session.Media `json:"image,omitzero"` // optional background image
}

// Badge labels a clip segment on screen.
type Badge struct {
	Kind session.MomentKind `json:"kind"`
	File string             `json:"file,omitempty"`
}

// Caption is one timed line of text, relative to its segment's start.
type Caption struct {
	Span session.Span `json:"span"`
	Text string       `json:"text"`
}

// Music is the background bed.
type Music struct {
	Media  session.Media `json:"media"`
	Volume float64       `json:"volume"` // 0..1 when nobody speaks
	Duck   float64       `json:"duck"`   // 0..1 under narration
}

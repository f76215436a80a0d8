package render

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// ErrInvalidPlan is wrapped by every error Validate returns.
var ErrInvalidPlan = errors.New("invalid render plan")

// PlanError lists everything wrong with a plan, one problem per entry, each
// naming the segment and the fix.
type PlanError struct {
	Problems []string
}

func (e *PlanError) Error() string {
	return fmt.Sprintf("%s: %s", ErrInvalidPlan, strings.Join(e.Problems, "; "))
}

// Unwrap makes errors.Is(err, ErrInvalidPlan) true.
func (e *PlanError) Unwrap() error { return ErrInvalidPlan }

// ValidateOptions tune Validate.
type ValidateOptions struct {
	// MaxTotal is the budget for the whole walkthrough (0: none).
	MaxTotal time.Duration
}

// Validate checks a plan's invariants: segments follow each other from 0
// with no gap or overlap and add up to Duration; clip segments show a
// non-empty span inside the recording and no longer than the segment;
// narration fits its segment; every segment has what it needs (a card for
// intro and outro, narration or a caption card for clips, the recording for
// clips); captions lie inside their segment in order; the total is within
// budget. It returns a *PlanError listing every problem.
func Validate(p *Plan, opt ValidateOptions) error {
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if p == nil {
		return &PlanError{Problems: []string{"the plan is nil: build it with render.Build"}}
	}
	if p.Schema != PlanSchema {
		bad("schema %d is not %d: rebuild the plan with this version", p.Schema, PlanSchema)
	}
	if p.Width <= 0 || p.Height <= 0 {
		bad("size %dx%d: set a positive width and height", p.Width, p.Height)
	}
	if len(p.Segments) == 0 {
		bad("no segments: give Build at least one clip")
	}
	var at time.Duration
	hasClip := false
	for i, s := range p.Segments {
		name := fmt.Sprintf("segment %d (%s)", i, s.Kind)
		if s.Start != at {
			if s.Start < at {
				bad("%s starts at %s, overlapping the previous one that ends at %s: starts must be the running sum of durations", name, s.Start, at)
			} else {
				bad("%s starts at %s, leaving a gap after %s: starts must be the running sum of durations", name, s.Start, at)
			}
		}
		if s.Duration <= 0 {
			bad("%s has duration %s: every segment must last more than zero", name, s.Duration)
		}
		at = s.Start + s.Duration
		switch s.Kind {
		case SegIntro, SegOutro:
			if s.Card == nil {
				bad("%s has no card: give it a title card", name)
			}
		case SegClip:
			hasClip = true
			if !s.Source.Valid() {
				bad("%s shows span %s: a clip needs a non-empty span at or after 0", name, s.Source)
			}
			if p.SourceLength > 0 && s.Source.End > p.SourceLength {
				bad("%s shows %s, past the end of the %s recording: clamp the clip to the recording", name, s.Source, session.Clock(p.SourceLength))
			}
			if s.Source.Len() > s.Duration {
				bad("%s shows %s of recording in %s: the span must not be longer than the segment", name, s.Source.Len(), s.Duration)
			}
			if s.Narration.Empty() && s.Card == nil {
				bad("%s has neither narration nor a caption card: missing asset, synthesise the voice or add a caption card", name)
			}
		default:
			bad("%s has unknown kind %q: use intro, clip or outro", name, s.Kind)
		}
		if !s.Narration.Empty() && s.Narration.Duration > s.Duration {
			bad("%s narration lasts %s but the segment only %s: lengthen the segment", name, s.Narration.Duration, s.Duration)
		}
		if !s.Narration.Empty() && s.Narration.Duration <= 0 {
			bad("%s narration has no measured duration: take it from the voice's media", name)
		}
		var cat time.Duration
		for j, c := range s.Captions {
			if c.Span.Start < cat || c.Span.End <= c.Span.Start || c.Span.End > s.Duration {
				bad("%s caption %d at %s is out of order or outside the segment's %s", name, j, c.Span, s.Duration)
				break
			}
			cat = c.Span.End
		}
	}
	if at != p.Duration {
		bad("segments add up to %s but the plan says %s: set Duration to the sum", at, p.Duration)
	}
	if hasClip && p.Source.Empty() {
		bad("the plan has clip segments but no source recording: missing asset, set Source")
	}
	if p.Music != nil {
		if p.Music.Media.Empty() {
			bad("music has no media: missing asset, drop Music or give it a file, URL or id")
		}
		if p.Music.Volume < 0 || p.Music.Volume > 1 || p.Music.Duck < 0 || p.Music.Duck > 1 {
			bad("music volume %.2f / duck %.2f: both must be within 0..1", p.Music.Volume, p.Music.Duck)
		}
	}
	if opt.MaxTotal > 0 && p.Duration > opt.MaxTotal {
		bad("the walkthrough lasts %s, over the %s budget: select fewer or shorter clips, or raise the budget", p.Duration, opt.MaxTotal)
	}
	if len(probs) > 0 {
		return &PlanError{Problems: probs}
	}
	return nil
}

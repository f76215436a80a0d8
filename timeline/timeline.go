package timeline

import (
	"sort"
	"time"

	"github.com/tracepr/trace/session"
)

// Timeline is the tagged view of a session: gap-free, non-overlapping moments
// from 0 to the recording's length.
type Timeline interface {
	// Length is the recording's real duration.
	Length() time.Duration
	// Moments returns every moment, in time order.
	Moments() []session.Moment
	// Between returns the moments that overlap span, in time order.
	Between(span session.Span) []session.Moment
	// Evidence returns the evidence references of the moments overlapping span.
	Evidence(span session.Span) []session.EvidenceRef
}

// Static is a Timeline held as a value: the builder's output, a fixture, or
// a fake. Items must be sorted by start.
type Static struct {
	Len   time.Duration
	Items []session.Moment
}

// Length implements Timeline.
func (s Static) Length() time.Duration { return s.Len }

// Moments implements Timeline.
func (s Static) Moments() []session.Moment { return s.Items }

// Between implements Timeline in O(log n + k).
func (s Static) Between(span session.Span) []session.Moment {
	i := sort.Search(len(s.Items), func(i int) bool { return s.Items[i].Span.End > span.Start })
	var out []session.Moment
	for ; i < len(s.Items) && s.Items[i].Span.Start < span.End; i++ {
		if s.Items[i].Span.Overlaps(span) {
			out = append(out, s.Items[i])
		}
	}
	return out
}

// Evidence implements Timeline: the references of the moments overlapping
// span, ordered by collection and index, each once.
func (s Static) Evidence(span session.Span) []session.EvidenceRef {
	var out []session.EvidenceRef
	for _, m := range s.Between(span) {
		out = append(out, m.Evidence...)
	}
	return sortRefs(out)
}

package timeline

import (
	"sort"
	"time"

	"github.com/tracepr/trace/session"
)

// item is one piece of evidence a classifier counts, with the time it covers
// and how strongly it signals the classifier's kind.
type item struct {
	span     session.Span
	ref      session.EvidenceRef
	strength float64
	files    []string
	summary  string
}

// group unions items whose spans overlap or lie within join of each other
// into candidate moments. The confidence is the noisy-or of the items'
// strengths, capped at ceiling; the summary is the strongest item's. A group
// stops growing at maxLen; groups shorter than minLen are dropped.
func group(kind session.MomentKind, items []item, join, minLen, maxLen time.Duration, ceiling float64) []session.Moment {
	sort.SliceStable(items, func(i, j int) bool { return items[i].span.Start < items[j].span.Start })
	var out []session.Moment
	for i := 0; i < len(items); {
		sp := items[i].span
		p := 1.0
		var refs []session.EvidenceRef
		var files []string
		j, best := i, i
		for ; j < len(items) && items[j].span.Start <= sp.End+join && (j == i || items[j].span.End-sp.Start <= maxLen); j++ {
			sp = sp.Union(items[j].span)
			p *= 1 - clamp01(items[j].strength)
			refs = append(refs, items[j].ref)
			files = append(files, items[j].files...)
			if items[j].strength > items[best].strength {
				best = j
			}
		}
		if sp.Len() >= minLen {
			out = append(out, session.Moment{
				Kind:       kind,
				Span:       sp,
				Confidence: round3(min(ceiling, 1-p)),
				Evidence:   sortRefs(refs),
				Files:      sortedFiles(files),
				Summary:    items[best].summary,
			})
		}
		i = j
	}
	return out
}

// windowSpan is how long a window sample lasted: until the next sample or
// the end of the recording.
func windowSpan(ev *session.Evidence, i int) session.Span {
	end := ev.Length
	if i+1 < len(ev.Windows) {
		end = ev.Windows[i+1].At
	}
	return session.Span{Start: ev.Windows[i].At, End: end}
}

package timeline

import (
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// RefSpan returns the time an evidence reference covers: a segment's or
// scene's span, or the instant of a save, window change or agent action (as
// a one-nanosecond span). It returns false when the reference points
// outside ev.
func RefSpan(ev *session.Evidence, r session.EvidenceRef) (session.Span, bool) {
	i := r.Index
	if i < 0 {
		return session.Span{}, false
	}
	switch r.Type {
	case session.EvSave:
		if i < len(ev.Saves) {
			return instant(ev.Saves[i].At), true
		}
	case session.EvSegment:
		if i < len(ev.Transcript) {
			return ev.Transcript[i].Span, true
		}
	case session.EvScene:
		if i < len(ev.Scenes) {
			return ev.Scenes[i].Span, true
		}
	case session.EvWindow:
		if i < len(ev.Windows) {
			return instant(ev.Windows[i].At), true
		}
	case session.EvAgent:
		if i < len(ev.Agent) {
			return instant(ev.Agent[i].At), true
		}
	}
	return session.Span{}, false
}

func instant(t time.Duration) session.Span { return session.Span{Start: t, End: t + 1} }

// sortRefs orders references by type then index and folds duplicates into
// one, joining their notes.
func sortRefs(refs []session.EvidenceRef) []session.EvidenceRef {
	if len(refs) < 2 {
		return refs
	}
	sort.SliceStable(refs, func(i, j int) bool {
		if refs[i].Type != refs[j].Type {
			return refs[i].Type < refs[j].Type
		}
		return refs[i].Index < refs[j].Index
	})
	out := refs[:1]
	for _, r := range refs[1:] {
		last := &out[len(out)-1]
		if r.Type == last.Type && r.Index == last.Index {
			if r.Note != "" && !strings.Contains(last.Note, r.Note) {
				if last.Note != "" {
					last.Note += "; "
				}
				last.Note += r.Note
			}
			if last.Path == "" {
				last.Path = r.Path
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// sortedFiles returns the distinct non-empty paths, sorted.
func sortedFiles(paths []string) []string {
	if len(paths) == 0 {
		return nil
	}
	cp := make([]string, 0, len(paths))
	for _, p := range paths {
		if p != "" {
			cp = append(cp, p)
		}
	}
	sort.Strings(cp)
	out := cp[:0]
	for i, p := range cp {
		if i == 0 || p != cp[i-1] {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func sameFiles(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// noisyOr combines independent signal strengths in [0,1]: 1 − Π(1 − s).
func noisyOr(s ...float64) float64 {
	p := 1.0
	for _, v := range s {
		p *= 1 - clamp01(v)
	}
	return 1 - p
}

func clamp01(v float64) float64 {
	switch {
	case v != v || v < 0: // NaN or negative
		return 0
	case v > 1:
		return 1
	}
	return v
}

// round3 keeps confidences readable and stable in JSON.
func round3(v float64) float64 {
	return float64(int64(v*1000+0.5)) / 1000
}

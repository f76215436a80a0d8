package clipselect

import (
	"sort"
	"time"

	"github.com/tracepr/trace/session"
)

// Narrative roles recorded in session.Clip.Role.
const (
	RoleProblem     = "problem"     // stuck: the trouble the change answers
	RoleAttempt     = "attempt"     // an edit of a changed file that was reworked later
	RoleFix         = "fix"         // the edit that followed being stuck
	RoleChange      = "change"      // the last edit of a changed file
	RoleResearch    = "research"    // reading that led to the change
	RoleAgent       = "agent"       // an AI agent's contribution
	RoleExplanation = "explanation" // the developer saying why
	RoleOther       = "other"       // anything else
)

type role struct {
	name  string
	value float64
}

// leadTime is how far research or trouble may lie before the edit it led to.
const leadTime = 10 * time.Minute

// assignRoles gives every moment its narrative role and value in [0,1]:
// stuck is the problem (0.8); the last edit of changed files within ten
// minutes after being stuck is the fix (1.0), the last edit of a file
// otherwise the change (0.7), an earlier one (reworked later, even right
// after the trouble) an attempt (0.5); research followed by an edit of a
// changed file within ten minutes led to the change (0.7, otherwise 0.3);
// agent activity on changed files is the agent's contribution (0.8,
// otherwise 0.4); speech is an explanation (0.6 when it names a changed file,
// otherwise 0.45); work on files outside the diff is other (0.1).
//
// Trouble short of stuck counts too: a speech or unclassified moment while
// the screen shows an error (errSpans: the spans of scenes with errors) is
// the problem (0.75), and the next edit of a changed file its fix.
func assignRoles(ms []session.Moment, d *diffIndex, errSpans []session.Span) []role {
	out := make([]role, len(ms))
	touches := func(m session.Moment) []string {
		var fs []string
		for _, f := range m.Files {
			if p, ok := d.path(f); ok {
				fs = append(fs, p)
			}
		}
		return fs
	}
	// The last edit moment of each changed file, and the start of each
	// edit of a changed file (for research that led to it).
	last := map[string]int{}
	var edits []time.Duration
	for i, m := range ms {
		if m.Kind == session.KindProgress || m.Kind == session.KindAgent {
			fs := touches(m)
			for _, f := range fs {
				last[f] = i
			}
			if len(fs) > 0 {
				edits = append(edits, m.Span.Start)
			}
		}
	}
	lastStuckEnd := time.Duration(-1)
	editedSinceStuck := true
	for i, m := range ms {
		fs := touches(m)
		switch m.Kind {
		case session.KindStuck:
			out[i] = role{RoleProblem, 0.8}
			lastStuckEnd, editedSinceStuck = m.Span.End, false
		case session.KindProgress:
			final := len(fs) == 0 || isLast(last, fs, i)
			switch {
			case len(fs) == 0 && d != nil:
				out[i] = role{RoleOther, 0.1}
			case final && !editedSinceStuck && lastStuckEnd >= 0 && m.Span.Start-lastStuckEnd <= leadTime:
				// The edit that settled the files after the trouble.
				out[i] = role{RoleFix, 1.0}
				editedSinceStuck = true
			case final:
				out[i] = role{RoleChange, 0.7}
			default:
				// Reworked later: an attempt, even right after the trouble.
				out[i] = role{RoleAttempt, 0.5}
			}
		case session.KindResearch:
			out[i] = role{RoleResearch, 0.3}
			from := m.Span.End - time.Second
			if k := sort.Search(len(edits), func(k int) bool { return edits[k] >= from }); k < len(edits) && edits[k]-m.Span.End <= leadTime {
				out[i].value = 0.7
			}
		case session.KindAgent:
			if len(fs) > 0 || d == nil {
				out[i] = role{RoleAgent, 0.8}
			} else {
				out[i] = role{RoleAgent, 0.4}
			}
			if len(fs) > 0 {
				editedSinceStuck = true
			}
		case session.KindSpeech:
			if len(fs) > 0 {
				out[i] = role{RoleExplanation, 0.6}
			} else {
				out[i] = role{RoleExplanation, 0.45}
			}
			if overlapsAny(m.Span, errSpans) {
				out[i] = role{RoleProblem, 0.75}
				lastStuckEnd, editedSinceStuck = m.Span.End, false
			}
		default:
			out[i] = role{RoleOther, 0.3}
			if m.Kind != session.KindIdle && overlapsAny(m.Span, errSpans) {
				out[i] = role{RoleProblem, 0.75}
				lastStuckEnd, editedSinceStuck = m.Span.End, false
			}
		}
	}
	return out
}

func isLast(last map[string]int, fs []string, i int) bool {
	for _, f := range fs {
		if last[f] == i {
			return true
		}
	}
	return false
}

// overlapsAny reports whether span overlaps one of spans (sorted by start).
func overlapsAny(span session.Span, spans []session.Span) bool {
	for _, sp := range spans {
		if sp.Start >= span.End {
			return false
		}
		if sp.Overlaps(span) {
			return true
		}
	}
	return false
}

// errorSpans returns the spans of the scenes that showed an error, sorted.
func errorSpans(ev *session.Evidence) []session.Span {
	if ev == nil {
		return nil
	}
	var out []session.Span
	for _, sc := range ev.Scenes {
		if len(sc.Errors) > 0 {
			out = append(out, sc.Span)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

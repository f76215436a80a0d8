package attribution

import (
	"fmt"
	"strings"

	"github.com/tracepr/trace/internal/markdown"
	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/session"
)

// MarkerKind is the kind of the hidden upsert marker on the PR comment:
// <!-- trace:contribution-map:SESSION -->.
const MarkerKind = "contribution-map"

// MarkdownOptions tune Markdown. The zero value renders the whole map within
// GitHub's comment limit.
type MarkdownOptions struct {
	// Limit is the most characters the comment may have (0: GitHub's limit).
	Limit int
	// MaxEvidence caps the evidence lines listed under the table (0: 200).
	MaxEvidence int
}

// Markdown renders the report as the PR comment: the hidden marker, the
// overall split, a per-file table, the agents seen, what was unknown and
// why, and the per-range evidence in a collapsed block. Secrets are
// redacted; the result fits opts.Limit.
func Markdown(r Report, opts MarkdownOptions) string {
	if opts.MaxEvidence <= 0 {
		opts.MaxEvidence = 200
	}
	var b strings.Builder
	if r.Session != "" {
		b.WriteString(markdown.Marker(MarkerKind, r.Session) + "\n")
	}
	b.WriteString("## Contribution map\n\n")
	t := r.Totals
	if t.Total == 0 {
		b.WriteString("This change adds no lines to attribute.\n")
		return finish(b.String(), opts)
	}
	fmt.Fprintf(&b, "Who wrote the **%d added lines**, from the agents' own session logs and the session's save history:\n\n", t.Total)
	pa, pm, ph, pu := t.Percents()
	fmt.Fprintf(&b, "**%d%% agent · %d%% mixed · %d%% human · %d%% unknown** (%d agent, %d mixed, %d human, %d unknown)\n\n",
		pa, pm, ph, pu, t.Agent, t.Mixed, t.Human, t.Unknown)
	rows := make([][]string, 0, len(r.Files))
	for _, f := range r.Files {
		note := f.Note
		if f.Binary {
			note = "binary"
		}
		rows = append(rows, []string{markdown.Code(f.Path), fmt.Sprint(f.Agent), fmt.Sprint(f.Mixed), fmt.Sprint(f.Human), fmt.Sprint(f.Unknown), note})
	}
	right := markdown.AlignRight
	b.WriteString(markdown.Table([]string{"file", "agent", "mixed", "human", "unknown", "why unknown"},
		[]markdown.Align{markdown.AlignLeft, right, right, right, right, markdown.AlignLeft}, rows))
	b.WriteString("\n")
	if len(r.Agents) > 0 {
		b.WriteString("Agents: ")
		for i, a := range r.Agents {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(agentLabel(a.Agent, a.Model))
			if a.SessionID != "" {
				fmt.Fprintf(&b, ", session %s", markdown.Code(shortID(a.SessionID)))
			}
			fmt.Fprintf(&b, " (%s from %s)", plural(a.Lines, "line"), plural(a.Edits, "edit"))
		}
		b.WriteString(".\n\n")
	}
	if skipped := skippedSummary(r.Sources); skipped != "" {
		b.WriteString(skipped + "\n\n")
	}
	ev := evidenceLines(r, opts.MaxEvidence)
	if len(ev) > 0 {
		b.WriteString("<details><summary>Evidence by line range</summary>\n\n")
		for _, l := range ev {
			b.WriteString("- " + l + "\n")
		}
		b.WriteString("\n</details>\n\n")
	}
	b.WriteString("<sub>agent: an agent's edit produced the line (formatting aside) · mixed: an agent wrote it and the human changed it · human: saved by the human, no agent edit produced it · unknown: nothing recorded covers it</sub>\n")
	return finish(b.String(), opts)
}

func finish(s string, opts MarkdownOptions) string {
	return markdown.Truncate(redact.String(s), opts.Limit, "_The contribution map was cut to fit GitHub's size limit; run `trace contribution-map --json` for all of it._")
}

func agentLabel(agent, model string) string {
	if model == "" {
		return agent
	}
	return agent + " (" + model + ")"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func skippedSummary(stats []Stats) string {
	var parts []string
	for _, s := range stats {
		if n := s.Skipped(); n > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d unreadable log lines skipped", s.Agent, n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "_" + strings.Join(parts, "; ") + "._"
}

// lineRange is a run of consecutive lines of one file with the same verdict.
type lineRange struct {
	path       string
	from, to   int
	class      Class
	ev         *Evidence
	reason     string
	lines      []Line
	contentKey string
}

// ranges groups each file's lines into runs with the same class and the
// same evidence.
func ranges(r Report) []lineRange {
	var out []lineRange
	for _, f := range r.Files {
		var cur *lineRange
		for _, l := range f.Lines {
			k := string(l.Class) + "\x00" + evidenceKey(l.Agent)
			if cur != nil && cur.to+1 == l.Line && cur.contentKey == k {
				cur.to = l.Line
				cur.lines = append(cur.lines, l)
				continue
			}
			out = append(out, lineRange{path: f.Path, from: l.Line, to: l.Line, class: l.Class, ev: l.Agent, reason: l.Reason, lines: []Line{l}, contentKey: k})
			cur = &out[len(out)-1]
		}
	}
	return out
}

func evidenceKey(e *Evidence) string {
	if e == nil {
		return ""
	}
	return e.Agent + "\x00" + e.Model + "\x00" + e.SessionID + "\x00" + e.Tool + "\x00" + e.At.String()
}

func evidenceLines(r Report, max int) []string {
	var out []string
	rs := ranges(r)
	for i, g := range rs {
		if i == max {
			out = append(out, fmt.Sprintf("… %d more ranges (see `trace contribution-map --json`)", len(rs)-max))
			break
		}
		span := fmt.Sprintf("L%d", g.from)
		if g.to != g.from {
			span = fmt.Sprintf("L%d–%d", g.from, g.to)
		}
		s := fmt.Sprintf("%s %s **%s**", markdown.Code(g.path), span, g.class)
		if g.ev != nil {
			s += ": " + agentLabel(g.ev.Agent, g.ev.Model) + " " + g.ev.Tool
			if g.ev.SessionID != "" {
				s += ", session " + markdown.Code(shortID(g.ev.SessionID))
			}
			if g.ev.Offset != 0 {
				s += " at " + session.Clock(g.ev.Offset)
			}
			if g.class == ClassMixed {
				s += " — " + g.reason
			}
		} else {
			s += " — " + g.reason
		}
		out = append(out, s)
	}
	return out
}

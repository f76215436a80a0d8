package attribution

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/markdown"
	"github.com/tracepr/trace/session"
)

// fixtureReport maps testdata/fixture.diff with the three fixture logs and
// testdata/fixture-saves.jsonl (whose torn last line is skipped).
func fixtureReport(t *testing.T) Report {
	t.Helper()
	b, err := os.ReadFile("testdata/fixture.diff")
	require.NoError(t, err)
	diff := parseGitDiff(t, string(b))
	diff.Head = "2222222222222222222222222222222222222222"
	saves, st, err := session.ReadJSONL[session.SaveEvent]("testdata/fixture-saves.jsonl")
	require.NoError(t, err)
	require.Equal(t, 1, st.Skipped)
	abs := func(p string) string { a, err := filepath.Abs(p); require.NoError(t, err); return a }
	dirs := Dirs{Claude: []string{abs("testdata/claude")}, Codex: abs("testdata/codex"), Gemini: abs("testdata/gemini")}
	r, _, err := Build(context.Background(), Config{
		Session: "5e55a0fe12345678", ProjectDir: fixtureProject,
		Epoch: epoch, End: epoch.Add(time.Hour), Margin: -1,
		Diff: diff, Saves: saves, Sources: dirs.Sources(nil),
	})
	require.NoError(t, err)
	return r
}

func TestFixtureMap(t *testing.T) {
	r := fixtureReport(t)
	class := map[string]Class{}
	for _, f := range r.Files {
		for _, l := range f.Lines {
			class[f.Path+":"+itoa(l.Line)] = l.Class
		}
	}
	assert.Equal(t, ClassMixed, class["client.go:5"], "the user modified Claude's proposal")
	assert.Equal(t, ClassAgent, class["client.go:6"], "Codex shell heredoc")
	assert.Equal(t, ClassAgent, class["client.go:8"], "Codex patch_apply_end")
	assert.Equal(t, ClassAgent, class["client.go:10"], "Codex exec program")
	assert.Equal(t, ClassMixed, class["client.go:12"], "Claude's loop, changed by a later human save")
	assert.Equal(t, ClassAgent, class["client.go:17"], "the sub-agent's line")
	assert.Equal(t, ClassAgent, class["README.md:3"])
	assert.Equal(t, ClassAgent, class["timeout.go:4"], "Gemini JSON chat")
	assert.Equal(t, ClassAgent, class["options.go:5"], "Gemini JSON-lines chat")
	assert.Equal(t, ClassAgent, class["docs/USAGE.md:2"], "moved file, begin-only changes")
	assert.Equal(t, ClassAgent, class["analysis.ipynb:7"], "notebook source line")
	assert.Equal(t, ClassUnknown, class["analysis.ipynb:1"], "notebook structure: only the agent's writes were recorded")
	assert.Equal(t, ClassHuman, class["notes.go:3"])
	assert.Equal(t, ClassUnknown, class["Makefile:3"])
	assert.Equal(t, 54, r.Totals.Total)

	goldenJSON(t, "fixture-report.json", r)
	md := Markdown(r, MarkdownOptions{})
	golden(t, "fixture-comment.md", []byte(md))
	rec := AgentTrace(r, ExportOptions{Now: time.Date(2025, 9, 11, 15, 0, 0, 0, time.UTC), ToolVersion: "test"})
	goldenJSON(t, "fixture-agent-trace.json", rec)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestMarkdownShape(t *testing.T) {
	r := fixtureReport(t)
	md := Markdown(r, MarkdownOptions{})
	first, _, _ := strings.Cut(md, "\n")
	assert.Equal(t, "<!-- trace:contribution-map:5e55a0fe12345678 -->", first)
	kind, id, ok := markdown.ParseMarker(first)
	assert.True(t, ok)
	assert.Equal(t, MarkerKind, kind)
	assert.Equal(t, "5e55a0fe12345678", id)
	assert.Contains(t, md, "| `client.go` |")
	assert.Contains(t, md, "no save and no agent edit of this file was recorded in the session window")

	small := Markdown(r, MarkdownOptions{Limit: 900})
	assert.LessOrEqual(t, markdown.Len(small), 900)
	assert.True(t, strings.HasPrefix(small, "<!-- trace:contribution-map:5e55a0fe12345678 -->"), "the marker survives truncation")
}

func TestMarkdownRedacts(t *testing.T) {
	key := "sk-" + strings.Repeat("a1B2", 8)
	r := Report{Session: "abcdef12", Totals: Counts{Unknown: 1, Total: 1},
		Files: []File{{Path: "cfg/" + key + ".env", Counts: Counts{Unknown: 1, Total: 1}, Lines: []Line{{Line: 1, Class: ClassUnknown, Reason: "x"}}}}}
	md := Markdown(r, MarkdownOptions{})
	assert.NotContains(t, md, key)
	assert.Contains(t, md, "[REDACTED]")
}

func TestAgentTraceRecord(t *testing.T) {
	r := fixtureReport(t)
	opts := ExportOptions{Now: time.Date(2025, 9, 11, 15, 0, 0, 0, time.UTC)}
	a, b := AgentTrace(r, opts), AgentTrace(r, opts)
	assert.Equal(t, a.ID, b.ID, "the id is derived from the content")
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, a.ID)
	require.NotNil(t, a.VCS)
	assert.Equal(t, "git", a.VCS.Type)
	types := map[string]bool{}
	lines := 0
	for _, f := range a.Files {
		for _, c := range f.Conversations {
			types[c.Contributor.Type] = true
			if c.Contributor.Type == "ai" {
				assert.Contains(t, []string{"anthropic/", "openai/", "google/"}, c.Contributor.ModelID[:strings.Index(c.Contributor.ModelID, "/")+1])
			}
			for _, rg := range c.Ranges {
				assert.LessOrEqual(t, rg.StartLine, rg.EndLine)
				assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, rg.ContentHash)
				lines += rg.EndLine - rg.StartLine + 1
			}
		}
	}
	assert.Equal(t, map[string]bool{"ai": true, "mixed": true, "human": true, "unknown": true}, types)
	assert.Equal(t, r.Totals.Total, lines, "every added line is in exactly one range")
}

func TestReportJSONRoundTrip(t *testing.T) {
	r := fixtureReport(t)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back Report
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r.Totals, back.Totals)
	for i := range r.Files {
		for j, l := range r.Files[i].Lines {
			got := back.Files[i].Lines[j]
			assert.Equal(t, l.Class, got.Class)
			assert.Equal(t, l.HumanSave, got.HumanSave)
			if l.Agent != nil {
				assert.Equal(t, l.Agent.Offset, got.Agent.Offset)
			}
		}
	}
}

package clipselect_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/session"
)

func focusDiff() session.Diff {
	added := func(from, n int) session.Hunk {
		h := session.Hunk{NewStart: from - 1, Lines: []session.DiffLine{{Kind: session.LineContext, Text: "ctx", NewLine: from - 1, OldLine: from - 1}}}
		for i := 0; i < n; i++ {
			h.Lines = append(h.Lines, session.DiffLine{Kind: session.LineAdded, Text: "x", NewLine: from + i})
		}
		return h
	}
	return session.Diff{Files: []session.FileDiff{
		{Path: "parser.go", Status: session.FileModified, Hunks: []session.Hunk{added(10, 3), added(40, 2)}},
		{Path: "quiet.go", Status: session.FileModified, Hunks: []session.Hunk{added(1, 1)}},
		{Path: "agent.go", Status: session.FileAdded, Hunks: []session.Hunk{added(2, 5)}},
		{Path: "gone.go", Status: session.FileDeleted, Hunks: []session.Hunk{{OldStart: 1, Lines: []session.DiffLine{{Kind: session.LineRemoved, Text: "x", OldLine: 1}}}}},
		{Path: "logo.png", Status: session.FileModified, Binary: true},
		{Path: "go.sum", Status: session.FileModified, Hunks: []session.Hunk{added(1, 400)}},
		{Path: "new/place.go", OldPath: "old/place.go", Status: session.FileRenamed},
	}}
}

func TestRankFocus(t *testing.T) {
	ev := session.Evidence{
		Length: 20 * time.Minute,
		Saves: []session.SaveEvent{
			{At: sec(10), Path: "parser.go"}, {At: sec(20), Path: "parser.go"}, {At: sec(600), Path: "parser.go"},
			{At: sec(3), Path: "old/place.go"}, {At: sec(5), Path: "not-in-diff.go"},
		},
		Scenes: []session.Scene{
			{Span: sp(60, 90), Label: session.LabelTerminal, Errors: []string{"nil pointer dereference"}}, // after saving parser.go
			{Span: sp(700, 720), Label: session.LabelEditor, Errors: []string{"undefined: y"}, Files: []string{"not-in-diff.go"}},
		},
		Agent: []session.AgentEvent{{At: sec(800), Agent: "claude-code", Tool: "Write", Path: "agent.go"}},
	}
	ms := tl{ev.Length, []session.Moment{
		mom(session.KindProgress, 0, 25, 0.8, "parser.go"),
		mom(session.KindStuck, 100, 580, 0.8, "parser.go"),
		mom(session.KindStuck, 900, 1000, 0.8, "not-in-diff.go"),
	}}
	f := clipselect.RankFocus(ms, ev, focusDiff(), clipselect.FocusOptions{Top: 10, AgentShare: map[string]float64{"agent.go": 1}})
	assert.Equal(t, 7, f.Considered)
	byPath := map[string]clipselect.FocusFile{}
	for _, x := range f.Files {
		byPath[x.Path] = x
	}
	require.NotEmpty(t, f.Files)
	top := f.Files[0]
	assert.Equal(t, "parser.go", top.Path, "stuck and errors while editing it")
	assert.Equal(t, [][2]int{{10, 12}, {40, 41}}, top.Added, "added lines only, no context")
	signals := map[string]clipselect.FocusReason{}
	for _, r := range top.Reasons {
		signals[r.Signal] = r
		require.NotNil(t, r.At, "%s links to a moment", r.Signal)
	}
	assert.Equal(t, sp(100, 580), *signals[clipselect.SignalStuck].At)
	assert.Equal(t, sp(60, 90), *signals[clipselect.SignalErrors].At)
	assert.Contains(t, signals[clipselect.SignalRework].Text, "2 separate sittings")
	for i := 1; i < len(top.Reasons); i++ {
		assert.GreaterOrEqual(t, top.Reasons[i-1].Value, top.Reasons[i].Value)
	}

	assert.Contains(t, byPath["agent.go"].Reasons[0].Text, "100%")
	assert.Empty(t, byPath["gone.go"].Added, "a deletion has no added lines")
	assert.Contains(t, byPath["logo.png"].Reasons[0].Text, "binary")
	_, hasSum := byPath["go.sum"]
	assert.False(t, hasSum, "a lock file's size is not a reason")
	assert.Contains(t, byPath["new/place.go"].Reasons[0].Text, "saved 1 time", "a rename is matched by its old path")
	_, stray := byPath["not-in-diff.go"]
	assert.False(t, stray)

	// Top N.
	assert.Len(t, clipselect.RankFocus(ms, ev, focusDiff(), clipselect.FocusOptions{Top: 2}).Files, 2)
	// Deterministic.
	assert.Equal(t, f, clipselect.RankFocus(ms, ev, focusDiff(), clipselect.FocusOptions{Top: 10, AgentShare: map[string]float64{"agent.go": 1}}))
}

func TestRankFocusBadInput(t *testing.T) {
	// Empty everything.
	f := clipselect.RankFocus(nil, session.Evidence{}, session.Diff{}, clipselect.FocusOptions{})
	assert.Empty(t, f.Files)
	// No session evidence: only the size of the change speaks; agent events without a map.
	f = clipselect.RankFocus(tl{}, session.Evidence{Agent: []session.AgentEvent{{At: sec(5), Agent: "codex", Path: "quiet.go"}}}, focusDiff(), clipselect.FocusOptions{Top: 10})
	require.NotEmpty(t, f.Files)
	for _, x := range f.Files {
		for _, r := range x.Reasons {
			assert.Contains(t, []string{clipselect.SignalSize, clipselect.SignalAgent}, r.Signal)
		}
	}
	// Only deletions.
	d := session.Diff{Files: []session.FileDiff{focusDiff().Files[3]}}
	f = clipselect.RankFocus(tl{}, session.Evidence{}, d, clipselect.FocusOptions{})
	require.Len(t, f.Files, 1)
	assert.Equal(t, "+0 −1 lines", f.Files[0].Reasons[0].Text)
	assert.Nil(t, f.Files[0].Reasons[0].At)
}

package timeline_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

// TestBuildSplitBurstSpeaksOnlyOfItsOwnSaves: a burst of saves cut in two by
// a higher-priority agent moment must not let the first piece claim files
// that were saved only in the second.
func TestBuildSplitBurstSpeaksOnlyOfItsOwnSaves(t *testing.T) {
	s := func(sec float64, path string) session.SaveEvent {
		return session.SaveEvent{At: session.FromSeconds(sec), Path: path, Op: "write"}
	}
	ev := session.Evidence{
		Length: 60 * time.Second,
		Saves:  []session.SaveEvent{s(36, "backoff.go"), s(40, "backoff.go"), s(46, "backoff_test.go"), s(55, "README.md")},
		Agent:  []session.AgentEvent{{At: 46 * time.Second, Agent: "claude-code", Tool: "Write", Path: "backoff_test.go"}},
	}
	diff := session.Diff{Files: []session.FileDiff{
		{Path: "backoff.go", Status: session.FileModified},
		{Path: "backoff_test.go", Status: session.FileModified},
		{Path: "README.md", Status: session.FileModified},
	}}
	tl, err := timeline.Build(ev, &diff, timeline.Options{})
	require.NoError(t, err)
	require.NoError(t, timeline.Check(tl))

	var before *session.Moment
	for _, m := range tl.Moments() {
		if m.Kind == session.KindProgress && m.Span.Contains(38*time.Second) {
			m := m
			before = &m
		}
	}
	require.NotNil(t, before, "the fix at 0:36–0:40 is progress: %+v", tl.Moments())
	assert.Equal(t, []string{"backoff.go"}, before.Files, "only the file saved in this piece")
	assert.Equal(t, "2 saves of backoff.go (1 of 1 in the diff)", before.Summary)
	for _, r := range before.Evidence {
		if r.Type == session.EvSave {
			assert.Equal(t, "backoff.go", r.Path)
		}
	}
}

// TestBurstEndsWhereTheDeveloperReads: two saves 43 s apart fit one burst by
// the adaptive gap, but the developer read documentation in between; the
// reading is research on the timeline, not progress.
func TestBurstEndsWhereTheDeveloperReads(t *testing.T) {
	s := func(sec float64) session.SaveEvent {
		return session.SaveEvent{At: session.FromSeconds(sec), Path: "cart/total.go", Op: "write"}
	}
	sp := func(a, b float64) session.Span {
		return session.Span{Start: session.FromSeconds(a), End: session.FromSeconds(b)}
	}
	base := session.Evidence{
		Length: 3 * time.Minute,
		Saves:  []session.SaveEvent{s(20), s(40), s(58.9), s(101.7), s(106.2), s(120)},
	}
	diff := session.Diff{Files: []session.FileDiff{{Path: "cart/total.go", Status: session.FileModified}}}
	kindAt := func(ev session.Evidence, at float64) session.MomentKind {
		tl, err := timeline.Build(ev, &diff, timeline.Options{})
		require.NoError(t, err)
		require.NoError(t, timeline.Check(tl))
		for _, m := range tl.Moments() {
			if m.Span.Contains(session.FromSeconds(at)) {
				return m.Kind
			}
		}
		return ""
	}
	require.Equal(t, session.KindProgress, kindAt(base, 80), "without other evidence the gap is one burst")

	withDocs := base
	withDocs.Scenes = []session.Scene{{Span: sp(68, 92), Label: session.LabelBrowserDocs, Summary: "math.Round documentation"}}
	assert.Equal(t, session.KindResearch, kindAt(withDocs, 80), "a docs scene between the saves")

	withBrowser := base
	withBrowser.Windows = []session.WindowSample{{At: session.FromSeconds(66), App: "firefox", Title: "math - Go Packages"}, {At: session.FromSeconds(95), App: "code", Title: "total.go"}}
	assert.Equal(t, session.KindResearch, kindAt(withBrowser, 80), "a browser window between the saves")

	brief := base
	brief.Windows = []session.WindowSample{{At: session.FromSeconds(70), App: "firefox"}, {At: session.FromSeconds(72), App: "code"}}
	assert.Equal(t, session.KindProgress, kindAt(brief, 80), "a glance of two seconds does not end the burst")
}

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

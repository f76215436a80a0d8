package clipselect_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

// TestRolesTellTheStory: a failing test on screen while the developer says
// so is the problem (no stuck stretch needed), the first edit that is
// reworked later is an attempt, the reading is research, and the edit that
// settles the file is the fix.
func TestRolesTellTheStory(t *testing.T) {
	sp := func(a, b float64) session.Span {
		return session.Span{Start: session.FromSeconds(a), End: session.FromSeconds(b)}
	}
	save := func(at float64, path string) session.SaveEvent {
		return session.SaveEvent{At: session.FromSeconds(at), Path: path, Op: "write"}
	}
	ev := session.Evidence{
		Length: 3 * time.Minute,
		Transcript: []session.Segment{
			{Span: sp(31, 39), Text: "the test fails, expected nineteen ninety nine got twenty dollars"},
		},
		Scenes: []session.Scene{
			{Span: sp(28, 50), Label: session.LabelTerminal, Errors: []string{"--- FAIL: TestTotal (0.00s)"}},
			{Span: sp(68, 92), Label: session.LabelBrowserDocs, Summary: "math.Round documentation"},
		},
		Saves: []session.SaveEvent{save(58.9, "cart/total.go"), save(101.7, "cart/total.go"), save(106.2, "cart/discount.go")},
	}
	diff := session.Diff{Files: []session.FileDiff{
		{Path: "cart/total.go", Status: session.FileModified},
		{Path: "cart/discount.go", Status: session.FileModified},
	}}
	tl, err := timeline.Build(ev, &diff, timeline.Options{})
	require.NoError(t, err)
	res, err := clipselect.Select(tl, ev, &diff, clipselect.Options{})
	require.NoError(t, err)
	roleAt := func(at float64) string {
		for _, c := range res.Clips {
			if c.Span.Contains(session.FromSeconds(at)) {
				return c.Role
			}
		}
		return ""
	}
	assert.Equal(t, clipselect.RoleProblem, roleAt(35), "the failing test, said aloud: %+v", res.Clips)
	assert.Equal(t, clipselect.RoleAttempt, roleAt(59), "the first edit of total.go, reworked later")
	assert.Equal(t, clipselect.RoleResearch, roleAt(75), "the documentation")
	assert.Equal(t, clipselect.RoleFix, roleAt(103), "the edit that settled total.go and discount.go")
}

// TestClipDoesNotOpenOnAnotherScene: padding before the first save of a fix
// would open the clip on the last seconds of the documentation page; the
// clip starts where the editor comes back instead.
func TestClipDoesNotOpenOnAnotherScene(t *testing.T) {
	sp := func(a, b float64) session.Span {
		return session.Span{Start: session.FromSeconds(a), End: session.FromSeconds(b)}
	}
	save := func(at float64) session.SaveEvent {
		return session.SaveEvent{At: session.FromSeconds(at), Path: "backoff.go", Op: "write"}
	}
	ev := session.Evidence{
		Length: time.Minute,
		Scenes: []session.Scene{
			{Span: sp(0, 20), Label: session.LabelTerminal, Errors: []string{"--- FAIL: TestBackoffLarge (0.00s)"}},
			{Span: sp(20, 32), Label: session.LabelBrowserDocs, Summary: "time package documentation"},
			{Span: sp(32, 44), Label: session.LabelEditor, Files: []string{"backoff.go"}},
			{Span: sp(44, 60), Label: session.LabelTerminal},
		},
		Saves: []session.SaveEvent{save(36), save(40)},
	}
	diff := session.Diff{Files: []session.FileDiff{{Path: "backoff.go", Status: session.FileModified}}}
	tl, err := timeline.Build(ev, &diff, timeline.Options{})
	require.NoError(t, err)
	res, err := clipselect.Select(tl, ev, &diff, clipselect.Options{})
	require.NoError(t, err)
	var fix *session.Clip
	for i, c := range res.Clips {
		if c.Kind == session.KindProgress {
			fix = &res.Clips[i]
		}
	}
	require.NotNil(t, fix, "%+v", res.Clips)
	assert.Equal(t, 32*time.Second, fix.Span.Start, "the clip opens on the editor, not on the docs' last seconds")
	assert.GreaterOrEqual(t, fix.Span.End, 40*time.Second, "and still shows both saves")
}

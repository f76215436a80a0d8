package narrate

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

// TestOfflineStrugglesFromErrorsOnScreen: a short session with no stuck
// stretch still has a struggle when a failing test showed on screen, and the
// line says when a later run came out clean. The text passes the checker.
func TestOfflineStrugglesFromErrorsOnScreen(t *testing.T) {
	fail := "--- FAIL: TestBackoffLarge (0.00s)"
	ev := &session.Evidence{
		Length: session.FromSeconds(60),
		Scenes: []session.Scene{
			{Span: span(0, 12), Label: session.LabelEditor, Files: []string{"backoff.go"}, Summary: "editing backoff.go"},
			{Span: span(12, 22), Label: session.LabelTerminal, Errors: []string{fail}, RawText: "$ go test ./...\n" + fail},
			{Span: span(22, 32), Label: session.LabelTerminal, Errors: []string{fail}, RawText: fail},
			{Span: span(52, 60), Label: session.LabelTerminal, RawText: "$ go test ./...\nok example.com/retry 0.003s"},
		},
	}
	diff := &session.Diff{Files: []session.FileDiff{{Path: "backoff.go", Status: session.FileModified}}}
	pr := BuildPRPack(PRInput{Title: "Cap the backoff delay", Evidence: ev, Diff: diff})
	n := &Narrator{Grounds: NewGrounds(ev, diff)}
	d, err := n.Description(context.Background(), &pr)
	require.NoError(t, err)
	require.Len(t, d.Struggles, 1, "the same error twice is one struggle: %q", d.Struggles)
	assert.Contains(t, d.Struggles[0], "0:12")
	assert.Contains(t, d.Struggles[0], fail)
	assert.Contains(t, d.Struggles[0], "a later run in the terminal shows no error")
	assert.True(t, d.Verdict.Grounded, d.Verdict.String())

	// Without the clean run, the line does not claim the error went away.
	ev.Scenes = ev.Scenes[:3]
	pr = BuildPRPack(PRInput{Title: "Cap the backoff delay", Evidence: ev, Diff: diff})
	d, err = n.Description(context.Background(), &pr)
	require.NoError(t, err)
	require.Len(t, d.Struggles, 1)
	assert.NotContains(t, d.Struggles[0], "no error")
}

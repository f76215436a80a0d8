package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/session"
)

// runTrace runs the CLI in-process against a home directory.
func runTraceCode(t *testing.T, home string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	a := newApp(&out, &errb)
	root := a.rootCommand()
	root.SetArgs(append([]string{"--home", home}, args...))
	root.SetOut(&out)
	root.SetErr(&errb)
	ctx := context.Background()
	err := root.ExecuteContext(ctx)
	code := 0
	if err != nil {
		code = exitCode(ctx, err)
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), code
}

func seedSession(t *testing.T) (string, *session.Session) {
	t.Helper()
	home := t.TempDir()
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ID: "cli-timeline"})
	require.NoError(t, err)
	s.Meta.Length = 10 * time.Minute
	require.NoError(t, s.Save())
	for _, at := range []float64{20, 24, 300} {
		require.NoError(t, s.Append(session.FileSaves, session.SaveEvent{At: time.Duration(at * float64(time.Second)), Path: "parser.go", Op: "write"}))
	}
	require.NoError(t, s.WriteJSON(session.FileScenes, []session.Scene{
		{Span: session.Span{Start: 100 * time.Second, End: 160 * time.Second}, Label: session.LabelTerminal, RawText: "--- FAIL: TestParse", Errors: []string{"nil map"}},
	}))
	require.NoError(t, s.WriteJSON(session.FileTranscript, []session.Segment{
		{Span: session.Span{Start: 130 * time.Second, End: 136 * time.Second}, Text: "hmm why doesn't this work, not sure"},
	}))
	return home, s
}

const parserDiff = `diff --git a/parser.go b/parser.go
index 1111111..2222222 100644
--- a/parser.go
+++ b/parser.go
@@ -1,3 +1,5 @@
 package parser
+
+func parseHeader() {}
 func x() {}
 func y() {}
`

func TestTimelineCommand(t *testing.T) {
	home, s := seedSession(t)
	svg := filepath.Join(t.TempDir(), "strip.svg")
	out, errOut, code := runTraceCode(t, home, "timeline", "cli-timeline", "--svg", svg)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "session cli-timeline: 10:00 recorded")
	assert.Contains(t, out, "stuck")
	assert.Contains(t, out, "parser.go")
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	require.NoError(t, xml.Unmarshal(b, new(any)))
	assert.True(t, s.Exists(session.FileTimeline), "saved for next time")

	// Read back from timeline.json, as JSON.
	out, _, code = runTraceCode(t, home, "timeline", "--json")
	require.Equal(t, 0, code)
	var f struct {
		Schema  int              `json:"schema"`
		Moments []session.Moment `json:"moments"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &f))
	assert.Equal(t, 1, f.Schema)
	assert.NotEmpty(t, f.Moments)

	// A corrupt stored timeline is rebuilt, not fatal.
	require.NoError(t, os.WriteFile(s.Path(session.FileTimeline), []byte("{"), 0o600))
	_, _, code = runTraceCode(t, home, "timeline")
	assert.Equal(t, 0, code)

	_, _, code = runTraceCode(t, home, "timeline", "nosuchsession")
	assert.Equal(t, exitNotFound, code)
}

func TestFocusCommand(t *testing.T) {
	home, _ := seedSession(t)
	diff := filepath.Join(t.TempDir(), "change.diff")
	require.NoError(t, os.WriteFile(diff, []byte(parserDiff), 0o600))
	out, errOut, code := runTraceCode(t, home, "focus", "--diff", diff)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "1. parser.go")
	assert.Contains(t, out, "added lines: L2-L3")
	assert.Contains(t, out, "stuck")

	out, _, code = runTraceCode(t, home, "focus", "--diff", diff, "--json", "--top", "1")
	require.Equal(t, 0, code)
	var f clipselect.Focus
	require.NoError(t, json.Unmarshal([]byte(out), &f))
	require.Len(t, f.Files, 1)
	assert.Equal(t, [][2]int{{2, 3}}, f.Files[0].Added)

	_, _, code = runTraceCode(t, home, "focus")
	assert.Equal(t, exitUsage, code, "a diff is required")
	_, _, code = runTraceCode(t, home, "focus", "--diff", diff, "--top", "0")
	assert.Equal(t, exitUsage, code)
}

package narrate

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func span(a, b float64) session.Span { return session.Span{Start: sec(a), End: sec(b)} }

// fixtureEvidence is a small session: a stuck moment on a nil map, a docs
// lookup, the fix, and an agent edit.
func fixtureEvidence() *session.Evidence {
	ev := &session.Evidence{
		Length: sec(300),
		Transcript: []session.Segment{
			{Span: span(5, 14), Text: "I need to make the session store reject a corrupt metadata file because the loader crashed on it."},
			{Span: span(40, 52), Text: "Why is this panicking? The Open function returns a nil map."},
			{Span: span(95, 104), Text: "The docs say json Unmarshal leaves the map nil, so I initialise it first."},
			{Span: span(150, 160), Text: "Tests pass now. I will come back later to add a fuzz test for the loader."},
		},
		Scenes: []session.Scene{
			{Span: span(0, 30), Label: session.LabelEditor, Files: []string{"store.go"}, Functions: []string{"Open"}, Summary: "Editing the Open function of the session store"},
			{Span: span(30, 70), Label: session.LabelTerminal, Errors: []string{"panic: assignment to entry in nil map"}, Summary: "go test ./session fails", RawText: "$ go test ./session\npanic: assignment to entry in nil map"},
			{Span: span(70, 110), Label: session.LabelBrowserDocs, Summary: "Reading the encoding/json documentation for Unmarshal"},
			{Span: span(110, 170), Label: session.LabelTerminal, Summary: "go test ./session passes", RawText: "$ go test ./session\nok"},
		},
		Saves: []session.SaveEvent{
			{At: sec(20), Path: "session/store.go", Op: "write"},
			{At: sec(120), Path: "session/store.go", Op: "write"},
			{At: sec(200), Path: "session/store_test.go", Op: "write"},
		},
		Agent: []session.AgentEvent{
			{At: sec(190), Agent: "claude-code", Tool: "Edit", Path: "session/store_test.go", Summary: "add TestOpenCorrupt"},
		},
	}
	ev.Sort()
	return ev
}

func fixtureDiff() *session.Diff {
	return &session.Diff{Base: "main", Head: "fix-store", Files: []session.FileDiff{
		{Path: "session/store.go", Status: session.FileModified, Hunks: []session.Hunk{{
			OldStart: 40, OldLines: 3, NewStart: 40, NewLines: 6, Section: "func Open(dir string) (*Store, error) {",
			Lines: []session.DiffLine{
				{Kind: session.LineContext, Text: "\tvar m Metadata", OldLine: 40, NewLine: 40},
				{Kind: session.LineAdded, Text: "\tm.Steps = map[string]Step{}", NewLine: 41},
				{Kind: session.LineAdded, Text: "\t// TODO: validate the schema version too", NewLine: 42},
				{Kind: session.LineAdded, Text: "\tif err := json.Unmarshal(b, &m); err != nil {", NewLine: 43},
				{Kind: session.LineRemoved, Text: "\tjson.Unmarshal(b, &m)", OldLine: 41},
			},
		}}},
		{Path: "session/store_test.go", Status: session.FileAdded, Hunks: []session.Hunk{{
			NewStart: 1, NewLines: 2,
			Lines: []session.DiffLine{
				{Kind: session.LineAdded, Text: "package session", NewLine: 1},
				{Kind: session.LineAdded, Text: "func TestOpenCorrupt(t *testing.T) {}", NewLine: 2},
			},
		}}},
	}}
}

func fixtureClips() []session.Clip {
	return []session.Clip{
		{Span: span(35, 60), Kind: session.KindStuck, Files: []string{"session/store.go"}, Role: "problem"},
		{Span: span(90, 125), Kind: session.KindResearch, Role: "research"},
		{Span: span(185, 205), Kind: session.KindAgent, Files: []string{"session/store_test.go"}, Role: "agent"},
	}
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test ./narrate -update")
	require.Equal(t, string(want), string(got), "output differs from %s (go test ./narrate -update rewrites it)", path)
}

package timeline_test

import (
	"time"

	"github.com/tracepr/trace/session"
)

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func sp(a, b float64) session.Span { return session.Span{Start: sec(a), End: sec(b)} }

// fixture is a twenty-minute session: a spoken plan, an edit of parser.go,
// docs in a browser, a failing test run three times with confused speech,
// the fix, an agent editing the README, then nothing.
func fixture() (session.Evidence, *session.Diff) {
	ev := session.Evidence{
		Length: 20 * time.Minute,
		Transcript: []session.Segment{
			{Span: sp(2, 12), Text: "so the plan is to make the parser handle an empty header because it crashes"},
			{Span: sp(280, 286), Text: "hmm why doesn't this work, I'm not sure"},
			{Span: sp(420, 430), Text: "that fixed it, the reason was the nil header in parser.go"},
		},
		Scenes: []session.Scene{
			{Span: sp(0, 60), Label: session.LabelEditor, Files: []string{"parser.go"}, Functions: []string{"parseHeader"}},
			{Span: sp(60, 150), Label: session.LabelBrowserDocs, Summary: "net/http docs"},
			{Span: sp(150, 200), Label: session.LabelEditor, Files: []string{"parser.go"}},
			{Span: sp(200, 260), Label: session.LabelTerminal, RawText: "$ go test ./...\n--- FAIL: TestParse (0.01s)"},
			{Span: sp(260, 320), Label: session.LabelTerminal, RawText: "$ go test ./...\n--- FAIL: TestParse (0.02s)", Errors: []string{"nil pointer dereference"}, Files: []string{"parser.go"}},
			{Span: sp(320, 380), Label: session.LabelTerminal, RawText: "$ go test ./...\n--- FAIL: TestParse (0.01s)"},
			{Span: sp(380, 600), Label: session.LabelEditor},
			{Span: sp(600, 660), Label: session.LabelAIAssistant},
			{Span: sp(660, 1200), Label: session.LabelEditor},
		},
		Saves: []session.SaveEvent{
			{At: sec(40), Path: "parser.go", Op: "write"},
			{At: sec(41), Path: ".git/index", Op: "write"},
			{At: sec(45), Path: "parser.go", Op: "write"},
			{At: sec(52), Path: "parser.go", Op: "write"},
			{At: sec(400), Path: "parser.go", Op: "write"},
			{At: sec(410), Path: "parser_test.go", Op: "create"},
			{At: sec(415), Path: "notes.txt", Op: "write"},
		},
		Windows: []session.WindowSample{
			{At: 0, App: "Code", Title: "parser.go - trace"},
			{At: sec(60), App: "firefox", Title: "net/http - Go Packages - Mozilla Firefox"},
			{At: sec(150), App: "Code", Title: "parser.go - trace"},
			{At: sec(200), App: "org.gnome.Terminal", Title: "go test"},
			{At: sec(380), App: "Code", Title: "parser.go - trace"},
		},
		Agent: []session.AgentEvent{
			{At: sec(610), Agent: "claude-code", Tool: "Edit", Path: "docs/README.md", Summary: "document the empty header"},
			{At: sec(630), Agent: "claude-code", Tool: "Edit", Path: "docs/README.md"},
		},
	}
	diff := &session.Diff{Files: []session.FileDiff{
		{Path: "parser.go", Status: session.FileModified, Hunks: []session.Hunk{{OldStart: 10, OldLines: 3, NewStart: 10, NewLines: 5, Section: "func parseHeader(b []byte) (*Header, error) {",
			Lines: []session.DiffLine{{Kind: session.LineContext, Text: "\th := &Header{}", OldLine: 10, NewLine: 10},
				{Kind: session.LineAdded, Text: "\tif len(b) == 0 {", NewLine: 11}, {Kind: session.LineAdded, Text: "\t\treturn h, nil", NewLine: 12},
				{Kind: session.LineContext, Text: "\t}", OldLine: 11, NewLine: 13}}}}},
		{Path: "parser_test.go", Status: session.FileAdded, Hunks: []session.Hunk{{NewStart: 1, NewLines: 2, Lines: []session.DiffLine{
			{Kind: session.LineAdded, Text: "package parser", NewLine: 1}, {Kind: session.LineAdded, Text: "func TestEmpty(t *testing.T) {}", NewLine: 2}}}}},
		{Path: "docs/README.md", Status: session.FileModified, Hunks: []session.Hunk{{OldStart: 1, NewStart: 1, NewLines: 1, Lines: []session.DiffLine{{Kind: session.LineAdded, Text: "Empty headers are fine.", NewLine: 1}}}}},
		{Path: "old.go", Status: session.FileDeleted, Hunks: []session.Hunk{{OldStart: 1, OldLines: 1, Lines: []session.DiffLine{{Kind: session.LineRemoved, Text: "package old", OldLine: 1}}}}},
		{Path: "logo.png", Status: session.FileModified, Binary: true},
		{Path: "pkg/moved.go", OldPath: "old/moved.go", Status: session.FileRenamed},
	}}
	return ev, diff
}

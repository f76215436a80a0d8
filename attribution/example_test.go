package attribution_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tracepr/trace/attribution"
	"github.com/tracepr/trace/session"
)

// Build a contribution map from a Claude Code log: the agent wrote two lines
// of main.go, the human saved a third.
func Example() {
	project := "/work/demo"
	home, _ := os.MkdirTemp("", "claude")
	defer os.RemoveAll(home)
	dir := filepath.Join(home, "projects", attribution.EncodeClaudeProject(project))
	_ = os.MkdirAll(dir, 0o700)
	log := `{"type":"assistant","timestamp":"2025-09-11T13:01:00Z","cwd":"/work/demo","sessionId":"s-1","message":{"id":"msg_1","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"toolu_1","name":"Write","input":{"file_path":"/work/demo/main.go","content":"package main\n\nfunc main() {}\n"}}]}}
{"type":"user","timestamp":"2025-09-11T13:01:01Z","cwd":"/work/demo","sessionId":"s-1","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]},"toolUseResult":{"type":"create","filePath":"/work/demo/main.go","structuredPatch":[],"originalFile":null}}
`
	_ = os.WriteFile(filepath.Join(dir, "s-1.jsonl"), []byte(log), 0o600)

	epoch := time.Date(2025, 9, 11, 13, 0, 0, 0, time.UTC)
	diff := session.Diff{Files: []session.FileDiff{{Path: "main.go", Status: session.FileAdded, Hunks: []session.Hunk{{
		NewStart: 1, NewLines: 4, Lines: []session.DiffLine{
			{Kind: session.LineAdded, Text: "package main", NewLine: 1},
			{Kind: session.LineAdded, Text: "", NewLine: 2},
			{Kind: session.LineAdded, Text: "func main() {}", NewLine: 3},
			{Kind: session.LineAdded, Text: "// Added by hand after the agent finished.", NewLine: 4},
		}}}}}}
	report, _, err := attribution.Build(context.Background(), attribution.Config{
		Session: "0123abcd", ProjectDir: project, Epoch: epoch, End: epoch.Add(10 * time.Minute),
		Diff:    diff,
		Saves:   []session.SaveEvent{{At: 61 * time.Second, Path: "main.go"}, {At: 4 * time.Minute, Path: "main.go"}},
		Sources: attribution.Dirs{Claude: []string{home}, Codex: "-", Gemini: "-"}.Sources(nil),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range report.Files[0].Lines {
		fmt.Printf("%d %s: %s\n", l.Line, l.Class, l.Reason)
	}
	md := attribution.Markdown(report, attribution.MarkdownOptions{})
	fmt.Println(strings.Split(md, "\n")[0])
	// Output:
	// 1 agent: written by claude-code (Write)
	// 2 agent: written by claude-code (Write)
	// 3 agent: written by claude-code (Write)
	// 4 human: saved by the human (last at 4:00); no agent edit produced it
	// <!-- trace:contribution-map:0123abcd -->
}

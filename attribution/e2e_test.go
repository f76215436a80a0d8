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

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
)

// TestEndToEndGitRepository scripts a session in a real git repository: a
// Claude Code agent edits app.go and writes util.go (its log in Claude Code's
// format), the human then changes one of the agent's lines and adds a
// function (save events), and a note file appears with no record at all.
// The map of `git diff` must be exactly the known mix.
func TestEndToEndGitRepository(t *testing.T) {
	testutil.NeedTool(t, "git")
	ctx := context.Background()
	proj := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		out, err := execx.Run(ctx, execx.Cmd{Tool: "git", Dir: proj, Args: append([]string{"-c", "user.name=Dev", "-c", "user.email=dev@example.invalid", "-c", "commit.gpgsign=false"}, args...)})
		require.NoError(t, err)
		return string(out)
	}
	write := func(name, content string) {
		t.Helper()
		require.NoError(t, os.WriteFile(filepath.Join(proj, name), []byte(content), 0o644))
	}
	git("init", "-q", "-b", "main")
	base := "package app\n\nfunc A() int {\n\treturn 1\n}\n"
	write("app.go", base)
	git("add", ".")
	git("commit", "-q", "-m", "base")

	// The agent's edits, applied to the files and logged as Claude Code does.
	oldStr := "func A() int {\n\treturn 1\n}"
	newStr := oldStr + "\n\n// B doubles A.\nfunc B() int {\n\treturn 2 * A()\n}\n\n// C triples A.\nfunc C() int {\n\treturn 3 * A()\n}"
	afterAgent := strings.Replace(base, oldStr, newStr, 1)
	write("app.go", afterAgent)
	util := "package app\n\nfunc helper() {}\n"
	write("util.go", util)

	claudeHome := t.TempDir()
	logDir := filepath.Join(claudeHome, "projects", EncodeClaudeProject(proj))
	require.NoError(t, os.MkdirAll(logDir, 0o700))
	rec := func(v map[string]any) string { b, err := json.Marshal(v); require.NoError(t, err); return string(b) }
	common := func(typ, ts, uuid string) map[string]any {
		return map[string]any{"type": typ, "timestamp": ts, "uuid": uuid, "cwd": proj, "sessionId": "e2e-session", "isSidechain": false, "userType": "external", "version": "2.0.14"}
	}
	toolUse := func(ts, uuid, id, name string, input map[string]any) string {
		m := common("assistant", ts, uuid)
		m["message"] = map[string]any{"id": "msg_" + id, "type": "message", "role": "assistant", "model": "claude-opus-4-1-20250805",
			"content": []any{map[string]any{"type": "tool_use", "id": id, "name": name, "input": input}}}
		return rec(m)
	}
	toolResult := func(ts, uuid, id string, result map[string]any) string {
		m := common("user", ts, uuid)
		m["message"] = map[string]any{"role": "user", "content": []any{map[string]any{"type": "tool_result", "tool_use_id": id, "content": "ok"}}}
		m["toolUseResult"] = result
		return rec(m)
	}
	log := strings.Join([]string{
		rec(map[string]any{"type": "summary", "summary": "helpers", "leafUuid": "x"}),
		toolUse("2025-09-11T13:01:00.000Z", "a1", "toolu_e1", "Edit", map[string]any{"file_path": filepath.Join(proj, "app.go"), "old_string": oldStr, "new_string": newStr}),
		toolResult("2025-09-11T13:01:02.000Z", "a2", "toolu_e1", map[string]any{"filePath": filepath.Join(proj, "app.go"), "oldString": oldStr, "newString": newStr, "originalFile": base, "userModified": false}),
		toolUse("2025-09-11T13:02:00.000Z", "a3", "toolu_e2", "Write", map[string]any{"file_path": filepath.Join(proj, "util.go"), "content": util}),
		toolResult("2025-09-11T13:02:00.500Z", "a4", "toolu_e2", map[string]any{"type": "create", "filePath": filepath.Join(proj, "util.go"), "content": util, "structuredPatch": []any{}, "originalFile": nil}),
	}, "\n") + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(logDir, "e2e-session.jsonl"), []byte(log), 0o600))

	// The human reformats, changes one of the agent's lines and adds a function.
	final := strings.Replace(afterAgent, "return 2 * A()", "return 2*A()", 1)
	final = strings.Replace(final, "return 3 * A()", "return 3*A() + offset", 1)
	final += "\n// D is the human's.\nfunc D() int {\n\treturn 4\n}\n"
	write("app.go", final)
	write("notes.txt", "remember to benchmark\n")
	git("add", "-N", ".")

	epoch := time.Date(2025, 9, 11, 13, 0, 0, 0, time.UTC)
	saves := []session.SaveEvent{
		{At: 62 * time.Second, Path: "app.go", Op: "write"},    // the agent's write
		{At: 120 * time.Second, Path: "util.go", Op: "create"}, // the agent's write
		{At: 5 * time.Minute, Path: "app.go", Op: "write"},     // the human's
	}
	diff := parseGitDiff(t, git("diff", "--no-color", "--no-ext-diff", "HEAD"))
	require.Len(t, diff.Files, 3)
	r, edits, err := Build(ctx, Config{Session: "e2e00001", ProjectDir: proj, Epoch: epoch, End: epoch.Add(10 * time.Minute),
		Diff: diff, Saves: saves, Sources: Dirs{Claude: []string{claudeHome}, Codex: "-", Gemini: "-"}.Sources(nil)})
	require.NoError(t, err)
	require.Len(t, edits, 2)

	byFile := map[string]Counts{}
	for _, f := range r.Files {
		byFile[f.Path] = f.Counts
	}
	assert.Equal(t, Counts{Agent: 10, Mixed: 1, Human: 4, Total: 15}, byFile["app.go"])
	assert.Equal(t, Counts{Agent: 3, Total: 3}, byFile["util.go"])
	assert.Equal(t, Counts{Unknown: 1, Total: 1}, byFile["notes.txt"])
	assert.Equal(t, Counts{Agent: 13, Mixed: 1, Human: 4, Unknown: 1, Total: 19}, r.Totals)

	var mixed Line
	for _, f := range r.Files {
		for _, l := range f.Lines {
			if l.Class == ClassMixed {
				mixed = l
			}
		}
	}
	require.NotNil(t, mixed.Agent)
	assert.Equal(t, "claude-opus-4-1-20250805", mixed.Agent.Model)
	assert.Equal(t, "e2e-session", mixed.Agent.SessionID)
	assert.Equal(t, 62*time.Second, mixed.Agent.Offset)
	require.NotNil(t, mixed.HumanSave)
	assert.Equal(t, 5*time.Minute, *mixed.HumanSave)
}

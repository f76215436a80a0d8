package attribution

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fixtureProject = "/home/dev/proj"

func fixtureQuery() Query {
	return Query{
		ProjectDir: fixtureProject,
		From:       time.Date(2025, 9, 11, 13, 0, 0, 0, time.UTC),
		To:         time.Date(2025, 9, 11, 14, 0, 0, 0, time.UTC),
	}
}

type readResult struct {
	Stats Stats  `json:"stats"`
	Edits []Edit `json:"edits"`
}

func readAll(t *testing.T, src Source, q Query) readResult {
	t.Helper()
	var r readResult
	st, err := src.Read(context.Background(), q, func(e Edit) error {
		r.Edits = append(r.Edits, e)
		return nil
	})
	require.NoError(t, err)
	sortEdits(r.Edits)
	r.Stats = st
	return r
}

func TestReadersGolden(t *testing.T) {
	abs := func(p string) string { a, err := filepath.Abs(p); require.NoError(t, err); return a }
	tests := []struct {
		name string
		src  Source
	}{
		{"claude", &ClaudeCode{Dirs: []string{abs("testdata/claude")}}},
		{"codex", &Codex{Home: abs("testdata/codex")}},
		{"gemini", &Gemini{Home: abs("testdata/gemini")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readAll(t, tt.src, fixtureQuery())
			goldenJSON(t, "read-"+tt.name+".json", r)
			assert.NotZero(t, r.Stats.Edits)
		})
	}
}

func TestClaudeFixture(t *testing.T) {
	r := readAll(t, &ClaudeCode{Dirs: []string{"testdata/claude"}}, fixtureQuery())
	byTool := map[string][]Edit{}
	for _, e := range r.Edits {
		byTool[e.Tool] = append(byTool[e.Tool], e)
	}
	require.Len(t, byTool["Edit"], 4, "the split message's repeated block counts once; the rejected edit is dropped; both sub-agents' edits are kept")
	first := byTool["Edit"][0]
	assert.Equal(t, "README.md", first.Path, "out-of-order records are sorted by time")
	main := byTool["Edit"][1]
	assert.True(t, main.Exact, "structuredPatch is used")
	assert.Equal(t, "claude-sonnet-4-5-20250929", main.Model)
	assert.Equal(t, "5f1c2d3e-0000-4000-8000-000000000001", main.SessionID)
	assert.Equal(t, time.Date(2025, 9, 11, 13, 5, 9, 0, time.UTC), main.At, "the result's time is when the file changed")
	assert.Contains(t, main.Lines, "\treturn errRetries")
	assert.NotContains(t, main.Lines, "func Get(url string) error {", "context lines are not produced")

	older := byTool["Edit"][3]
	assert.Equal(t, "9f8e7d", older.SubAgent, "older layout: agent-<id>.jsonl beside the session")
	assert.Equal(t, "docs/notes.md", older.Path)
	assert.Equal(t, []string{"", "Retries are capped at three."}, older.Lines)

	sub := byTool["Edit"][2]
	assert.Equal(t, "a1b2c3", sub.SubAgent)
	assert.Equal(t, "claude-haiku-4-5-20251001", sub.Model)
	assert.False(t, sub.Exact, "no result: lines come from old/new strings")

	require.Len(t, byTool["MultiEdit"], 1)
	me := byTool["MultiEdit"][0]
	assert.True(t, me.UserModified)
	assert.Contains(t, me.Lines, `var errRetries = errors.New("client: retries exhausted")`)
	assert.Contains(t, me.Proposed, `var errRetries = errors.New("retries exhausted")`)

	require.Len(t, byTool["Write"], 1, "the other project's write, the out-of-window write and the truncated line are skipped")
	require.Len(t, byTool["NotebookEdit"], 1)

	assert.Equal(t, 1, r.Stats.Rejected)
	assert.Equal(t, 1, r.Stats.Malformed)
	assert.Equal(t, 1, r.Stats.Truncated)
	assert.Equal(t, 1, r.Stats.UnknownTypes)
	assert.Equal(t, 1, r.Stats.OutOfWindow)
	assert.Equal(t, 1, r.Stats.OtherProject)
	assert.Equal(t, 3, r.Stats.Files)
}

func TestCodexFixture(t *testing.T) {
	r := readAll(t, &Codex{Home: "testdata/codex"}, fixtureQuery())
	var got []string
	for _, e := range r.Edits {
		got = append(got, e.Path+": "+strings.Join(e.Lines, " | "))
		assert.Equal(t, "gpt-5-codex", e.Model)
		assert.Equal(t, "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", e.SessionID)
	}
	assert.Equal(t, []string{
		"client.go: // Get fetches url, giving up after the timeout. | func Get(url string) error { // with timeout", // patch_apply_end wins over the patch text
		"timeout.go: package client |  | const defaultTimeout = 5 * time.Second",                                     // function_call {"patch"}
		"docs/USAGE.md: Timeouts default to five seconds.",                                                           // local_shell_call, begin-only changes, moved file
		"client.go: var maxAttempts = 3",                                                                             // shell heredoc
		"client.go: \tctx, cancel := context.WithTimeout(ctx, defaultTimeout) | \tdefer cancel()",                    // exec calling tools.apply_patch
	}, got)
	assert.Equal(t, 1, r.Stats.Rejected)
	assert.Equal(t, 1, r.Stats.Malformed)
	assert.Equal(t, 1, r.Stats.Truncated)
	assert.Equal(t, 1, r.Stats.UnknownTypes)
	assert.Equal(t, 1, r.Stats.OutOfWindow)
}

func TestGeminiFixture(t *testing.T) {
	r := readAll(t, &Gemini{Home: "testdata/gemini"}, fixtureQuery())
	require.Len(t, r.Edits, 3)
	assert.Equal(t, "timeout.go", r.Edits[0].Path)
	assert.Equal(t, []string{"// DefaultTimeout bounds one request.", "var DefaultTimeout = 5 * time.Second"}, r.Edits[0].Lines)
	assert.Equal(t, "9a8b7c6d-0000-4000-8000-00000000abcd", r.Edits[0].SessionID)
	assert.Equal(t, "gemini-2.5-pro", r.Edits[0].Model)
	assert.True(t, r.Edits[1].WholeFile)
	assert.Equal(t, "options.go", r.Edits[2].Path, "the JSON-lines rewrite of a message counts once")
	assert.Equal(t, "1234abcd-0000-4000-8000-00000000ef01", r.Edits[2].SessionID)
	assert.Equal(t, 1, r.Stats.Rejected)
	assert.Equal(t, 1, r.Stats.Malformed)
	assert.Equal(t, 1, r.Stats.Truncated)
	assert.Equal(t, 1, r.Stats.UnknownTypes)
}

func TestGeminiTruncatedObject(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata/gemini/tmp", GeminiProjectHash(fixtureProject), "chats/session-2025-09-11T13-29-9a8b7c6d.json"))
	require.NoError(t, err)
	cut := string(b[:strings.Index(string(b), `"write_file-`)+40]) // cut inside the second tool call
	var edits []Edit
	st, err := (&Gemini{}).ReadStream(context.Background(), strings.NewReader(cut), "session-x-1.json", fixtureQuery(), func(e Edit) error {
		edits = append(edits, e)
		return nil
	})
	require.NoError(t, err, "a cut file is not fatal")
	assert.Equal(t, 1, st.Truncated)
	assert.Empty(t, edits, "the message cut in half is not guessed at")
}

func TestReadStopsOnEmitError(t *testing.T) {
	boom := errors.New("boom")
	_, err := (&Codex{Home: "testdata/codex"}).Read(context.Background(), fixtureQuery(), func(Edit) error { return boom })
	assert.ErrorIs(t, err, boom)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = (&ClaudeCode{Dirs: []string{"testdata/claude"}}).Read(ctx, fixtureQuery(), func(Edit) error { return nil })
	assert.ErrorIs(t, err, context.Canceled)
}

func TestEncodeClaudeProject(t *testing.T) {
	assert.Equal(t, "-Users-me--agents", EncodeClaudeProject("/Users/me/.agents"))
	assert.Equal(t, "C--Users-x", EncodeClaudeProject(`C:\Users\x`))
	assert.Equal(t, "-home-dev-proj", EncodeClaudeProject("/home/dev/proj"))
}

func TestDefaultDirs(t *testing.T) {
	env := map[string]string{"HOME": "/h", "CODEX_HOME": "/c", "CLAUDE_CONFIG_DIR": "/cc"}
	d := DefaultDirs(func(k string) string { return env[k] })
	assert.Equal(t, []string{"/cc", "/h/.claude", "/h/.config/claude"}, d.Claude)
	assert.Equal(t, "/c", d.Codex)
	assert.Equal(t, "/h/.gemini", d.Gemini)
	d.Codex = "-"
	assert.Len(t, d.Sources(nil), 2)
}

func TestParseApplyPatch(t *testing.T) {
	got := parseApplyPatch("*** Begin Patch\n*** Add File: a.go\n+package a\n*** Update File: b.go\n*** Move to: c.go\n@@ func x\n ctx\n-old\n+new\n*** End of File\n*** Delete File: d.go\n*** End Patch")
	assert.Equal(t, []patchFile{
		{Kind: "add", Path: "a.go", Added: []string{"package a"}},
		{Kind: "update", Path: "c.go", Added: []string{"new"}, Old: []string{"old"}},
		{Kind: "delete", Path: "d.go"},
	}, got)
}

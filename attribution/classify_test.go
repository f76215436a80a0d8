package attribution

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

var epoch = time.Date(2025, 9, 11, 13, 0, 0, 0, time.UTC)

// addedFile is a new file whose lines are all added.
func addedFile(path string, lines ...string) session.FileDiff {
	h := session.Hunk{NewStart: 1, NewLines: len(lines)}
	for i, l := range lines {
		h.Lines = append(h.Lines, session.DiffLine{Kind: session.LineAdded, Text: l, NewLine: i + 1})
	}
	return session.FileDiff{Path: path, Status: session.FileAdded, Hunks: []session.Hunk{h}}
}

func claudeEdit(at time.Duration, path string, lines ...string) Edit {
	return Edit{Agent: AgentClaudeCode, Model: "claude-sonnet-4-5", SessionID: "s1", Tool: "Edit", At: epoch.Add(at), Path: path, Lines: lines, Exact: true, Log: "s1.jsonl:1"}
}

func save(at time.Duration, path string) session.SaveEvent {
	return session.SaveEvent{At: at, Path: path, Op: "write"}
}

func TestClassifyRules(t *testing.T) {
	type want struct {
		class  Class
		reason string // substring
	}
	tests := []struct {
		name  string
		line  string
		edits []Edit
		saves []session.SaveEvent
		want  want
	}{
		{"exact agent line", "return errRetries",
			[]Edit{claudeEdit(time.Minute, "a.go", "return errRetries")}, nil,
			want{ClassAgent, "written by claude-code (Edit)"}},
		{"reformatted agent line is still agent", "\tcall(a, b)",
			[]Edit{claudeEdit(time.Minute, "a.go", "call(a,b),")}, nil,
			want{ClassAgent, "reformatted"}},
		{"agent line a human save changed is mixed", "limit := computeLimit(cfg, 10)",
			[]Edit{claudeEdit(time.Minute, "a.go", "limit := computeLimit(cfg, 3)")},
			[]session.SaveEvent{save(time.Minute, "a.go"), save(5*time.Minute, "a.go")},
			want{ClassMixed, "changed by the human (save at 5:00)"}},
		{"a near-identical change with no human save stays agent", "const name = \"retries exhausted!\"",
			[]Edit{claudeEdit(time.Minute, "a.go", "const name = \"retries exhausted\"")}, nil,
			want{ClassAgent, "lightly changed"}},
		{"a larger change with no save is mixed", "limit := computeLimit(settings, 10)",
			[]Edit{claudeEdit(time.Minute, "a.go", "limit := computeLimit(cfg, 3)")}, nil,
			want{ClassMixed, "no save recorded who changed it"}},
		{"a line no agent wrote in a file the human saved is human", "fmt.Println(\"hello\")",
			[]Edit{claudeEdit(time.Minute, "a.go", "something else entirely")},
			[]session.SaveEvent{save(2*time.Minute, "a.go")},
			want{ClassHuman, "saved by the human (last at 2:00)"}},
		{"a file saved only by the agent leaves other lines unknown", "fmt.Println(\"hello\")",
			[]Edit{claudeEdit(time.Minute, "a.go", "something else entirely")},
			[]session.SaveEvent{save(time.Minute+time.Second, "a.go")},
			want{ClassUnknown, "only agent writes of this file were recorded"}},
		{"nothing recorded is unknown", "fmt.Println(\"hello\")", nil,
			[]session.SaveEvent{save(time.Minute, "other.go")},
			want{ClassUnknown, "no save and no agent edit of this file"}},
		{"a save of a renamed-from path counts", "x := 1 + 2 + 3", nil,
			[]session.SaveEvent{save(time.Minute, "old.go")},
			want{ClassHuman, "saved by the human"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fd := addedFile("a.go", tt.line)
			fd.OldPath = "old.go"
			r := Classify(Input{Diff: session.Diff{Files: []session.FileDiff{fd}}, Edits: tt.edits, Saves: tt.saves, Epoch: epoch})
			require.Len(t, r.Files, 1)
			require.Len(t, r.Files[0].Lines, 1)
			l := r.Files[0].Lines[0]
			assert.Equal(t, tt.want.class, l.Class, l.Reason)
			assert.Contains(t, l.Reason, tt.want.reason)
			if l.Class == ClassAgent || l.Class == ClassMixed {
				require.NotNil(t, l.Agent)
				assert.Equal(t, "s1", l.Agent.SessionID)
				assert.Equal(t, "claude-sonnet-4-5", l.Agent.Model)
				assert.Equal(t, time.Minute, l.Agent.Offset)
			}
		})
	}
}

func TestClassifyUserModified(t *testing.T) {
	e := claudeEdit(time.Minute, "a.go", "var errRetries = errors.New(\"client: retries exhausted\")", "import \"errors\"")
	e.UserModified = true
	e.Proposed = []string{"var errRetries = errors.New(\"retries exhausted\")", "import \"errors\""}
	fd := addedFile("a.go", "import \"errors\"", "var errRetries = errors.New(\"client: retries exhausted\")")
	r := Classify(Input{Diff: session.Diff{Files: []session.FileDiff{fd}}, Edits: []Edit{e}, Epoch: epoch})
	lines := r.Files[0].Lines
	assert.Equal(t, ClassAgent, lines[0].Class, "a line the agent proposed as is")
	assert.Equal(t, ClassMixed, lines[1].Class, "a line the user changed in the proposal")
	assert.Contains(t, lines[1].Reason, "user modified it before accepting")
}

func TestClassifyShortLinesFollowTheirBlock(t *testing.T) {
	fd := addedFile("a.go", "func retry() error {", "\treturn nil", "}", "", "// human note about retries", "}")
	e := claudeEdit(time.Minute, "a.go", "func retry() error {", "\treturn nil", "}")
	r := Classify(Input{Diff: session.Diff{Files: []session.FileDiff{fd}}, Edits: []Edit{e}, Epoch: epoch,
		Saves: []session.SaveEvent{save(3*time.Minute, "a.go")}})
	var got []Class
	for _, l := range r.Files[0].Lines {
		got = append(got, l.Class)
	}
	assert.Equal(t, []Class{ClassAgent, ClassAgent, ClassAgent, ClassAgent, ClassHuman, ClassHuman}, got)
	assert.Equal(t, Counts{Agent: 4, Human: 2, Total: 6}, r.Files[0].Counts)
}

func TestClassifyFollowsFileHistory(t *testing.T) {
	// Gemini writes a file, replaces one function, then rewrites the whole
	// file without a recorded patch: the rewrite claims only the lines it
	// changed against the file as the log left it, so the replace keeps its
	// own lines.
	w1 := Edit{Agent: AgentGemini, Tool: "write_file", At: epoch.Add(time.Minute), Path: "a.go", WholeFile: true,
		New: "package a\n\nfunc A() {}\n", Lines: []string{"package a", "", "func A() {}"}}
	rep := Edit{Agent: AgentGemini, Tool: "replace", At: epoch.Add(2 * time.Minute), Path: "a.go",
		Old: "func A() {}\n", New: "// A does nothing yet.\nfunc A() {}\n", Lines: []string{"// A does nothing yet."}}
	w2 := Edit{Agent: AgentGemini, Tool: "write_file", At: epoch.Add(5 * time.Minute), Path: "a.go", WholeFile: true,
		New:   "package a\n\n// A does nothing yet.\nfunc A() {}\n\nfunc B() {}\n",
		Lines: splitLines("package a\n\n// A does nothing yet.\nfunc A() {}\n\nfunc B() {}\n")}
	fd := addedFile("a.go", splitLines(w2.New)...)
	r := Classify(Input{Diff: session.Diff{Files: []session.FileDiff{fd}}, Edits: []Edit{w2, rep, w1}, Epoch: epoch})
	tool := map[int]string{}
	for _, l := range r.Files[0].Lines {
		require.Equal(t, ClassAgent, l.Class, "line %d: %s", l.Line, l.Reason)
		tool[l.Line] = l.Agent.Tool + "@" + session.Clock(l.Agent.Offset)
	}
	assert.Equal(t, "write_file@1:00", tool[1], "unchanged by the rewrite: the first write's line")
	assert.Equal(t, "replace@2:00", tool[3], "the replace's line is not claimed by the rewrite")
	assert.Equal(t, "write_file@5:00", tool[6], "the rewrite's own line")
	assert.Len(t, r.Agents, 1)
	assert.Equal(t, 3, r.Agents[0].Edits)
	assert.Equal(t, 6, r.Agents[0].Lines)
}

func TestClassifyBinaryAndEmpty(t *testing.T) {
	d := session.Diff{Files: []session.FileDiff{
		{Path: "logo.png", Status: session.FileAdded, Binary: true},
		{Path: "gone.go", Status: session.FileDeleted},
	}}
	r := Classify(Input{Diff: d})
	require.Len(t, r.Files, 2)
	assert.Equal(t, "binary file: its lines are not classified", r.Files[1].Note)
	assert.Zero(t, r.Totals.Total)
	assert.Contains(t, Markdown(r, MarkdownOptions{}), "adds no lines")
}

func TestAgentEvents(t *testing.T) {
	evs := AgentEvents([]Edit{claudeEdit(2*time.Minute, "b.go", "x"), claudeEdit(time.Minute, "a.go", "y", "z")}, epoch)
	require.Len(t, evs, 2)
	assert.Equal(t, time.Minute, evs[0].At)
	assert.Equal(t, "a.go", evs[0].Path)
	assert.Equal(t, "Edit a.go (+2 lines)", evs[0].Summary)
	assert.Equal(t, AgentClaudeCode, evs[1].Agent)
}

func TestSimilarityAndNormalize(t *testing.T) {
	assert.Equal(t, "call(a,b)", normalize("\tcall(a, b),  "))
	assert.Equal(t, `print("x")`, normalize(`    "print(\"x\")\n",`), "notebook source lines are unquoted")
	assert.Equal(t, 1.0, similarity("abc", "abc"))
	assert.Greater(t, similarity("limit:=computeLimit(cfg,3)", "limit:=computeLimit(cfg,10)"), 0.8)
	assert.Less(t, similarity("fmt.Println(x)", "returnerrRetries"), 0.3)
}

func TestPercentsAddUp(t *testing.T) {
	for _, c := range []Counts{{Agent: 42, Mixed: 2, Human: 3, Unknown: 7}, {Agent: 1, Mixed: 1, Human: 1}, {Agent: 5}, {}} {
		c.Total = c.Agent + c.Mixed + c.Human + c.Unknown
		a, m, h, u := c.Percents()
		if c.Total == 0 {
			assert.Zero(t, a+m+h+u)
			continue
		}
		assert.Equal(t, 100, a+m+h+u, "%+v", c)
	}
	a, m, h, _ := Counts{Agent: 1, Mixed: 1, Human: 1, Total: 3}.Percents()
	assert.Equal(t, []int{34, 33, 33}, []int{a, m, h})
}

func TestEmptyDiffJSON(t *testing.T) {
	b, err := json.Marshal(Classify(Input{}))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"files":[]`, "JSON readers get a list, never null")
}

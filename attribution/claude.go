package attribution

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ClaudeCode reads Claude Code transcripts:
// <dir>/projects/<encoded cwd>/<session>.jsonl, the older sub-agent files
// agent-<id>.jsonl beside them, and the newer <session>/subagents/*.jsonl.
//
// It keeps Edit, MultiEdit, Write and NotebookEdit tool calls whose record
// cwd belongs to the project and whose time lies in the window, pairs each
// with its toolUseResult (structuredPatch, userModified, originalFile) when
// the log has one, and drops calls the result reports as failed or rejected.
type ClaudeCode struct {
	// Dirs are Claude Code config directories (each holding projects/);
	// see DefaultDirs.
	Dirs []string
	Log  *slog.Logger
}

// Agent returns "claude-code".
func (c *ClaudeCode) Agent() string { return AgentClaudeCode }

// EncodeClaudeProject returns the directory name Claude Code uses for a
// working directory: every character other than A-Z, a-z and 0-9 becomes '-'.
// The encoding is lossy, which is why records are filtered by their own cwd.
func EncodeClaudeProject(dir string) string {
	var b strings.Builder
	for _, r := range dir {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// Read implements Source.
func (c *ClaudeCode) Read(ctx context.Context, q Query, emit func(Edit) error) (Stats, error) {
	st := Stats{Agent: AgentClaudeCode}
	log := logger(c.Log)
	files := c.files(q, log)
	return readFiles(ctx, c, files, "Claude Code log", log, q, emit, st)
}

// files lists the transcripts that may hold edits of the project in the window.
func (c *ClaudeCode) files(q Query, log *slog.Logger) []string {
	var names, prefixes []string
	for _, root := range projectRoots(q.ProjectDir) {
		for d := root; ; d = filepath.Dir(d) {
			names = append(names, EncodeClaudeProject(d))
			if filepath.Dir(d) == d {
				break
			}
		}
		prefixes = append(prefixes, EncodeClaudeProject(root)+"-")
	}
	var out []string
	for _, dir := range c.Dirs {
		proj := filepath.Join(dir, "projects")
		ents, err := os.ReadDir(proj)
		if err != nil {
			continue
		}
		var matched []string
		for _, e := range ents {
			if !e.IsDir() {
				continue
			}
			n := e.Name()
			ok := q.ProjectDir == ""
			for _, m := range names {
				ok = ok || n == m
			}
			for _, p := range prefixes {
				ok = ok || strings.HasPrefix(n, p)
			}
			if ok {
				matched = append(matched, filepath.Join(proj, n))
			}
		}
		if len(matched) == 0 {
			// Long paths are shortened by newer versions; the records' own
			// cwd still says which project they belong to.
			log.Debug("no Claude Code project directory matches the project; scanning all", "dir", proj)
			for _, e := range ents {
				if e.IsDir() {
					matched = append(matched, filepath.Join(proj, e.Name()))
				}
			}
		}
		for _, m := range matched {
			_ = filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(p, ".jsonl") {
					return nil
				}
				if !q.From.IsZero() {
					if info, err := d.Info(); err == nil && info.ModTime().Before(q.From) {
						return nil // last written before the window opened
					}
				}
				out = append(out, p)
				return nil
			})
		}
	}
	sort.Strings(out)
	return out
}

type claudeRecord struct {
	Type          string          `json:"type"`
	Timestamp     string          `json:"timestamp"`
	Cwd           string          `json:"cwd"`
	SessionID     string          `json:"sessionId"`
	IsSidechain   bool            `json:"isSidechain"`
	AgentID       string          `json:"agentId"`
	Message       json.RawMessage `json:"message"`
	ToolUseResult json.RawMessage `json:"toolUseResult"`
}

type claudeMessage struct {
	ID      string          `json:"id"`
	Model   string          `json:"model"`
	Content json.RawMessage `json:"content"`
}

type claudeBlock struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
	ToolUseID string          `json:"tool_use_id"`
	IsError   bool            `json:"is_error"`
}

type claudeInput struct {
	FilePath     string `json:"file_path"`
	OldString    string `json:"old_string"`
	NewString    string `json:"new_string"`
	Content      string `json:"content"`
	NotebookPath string `json:"notebook_path"`
	NewSource    string `json:"new_source"`
	EditMode     string `json:"edit_mode"`
	Edits        []struct {
		OldString string `json:"old_string"`
		NewString string `json:"new_string"`
	} `json:"edits"`
}

type claudeResult struct {
	FilePath        string `json:"filePath"`
	Type            string `json:"type"`
	Content         string `json:"content"`
	StructuredPatch []struct {
		Lines []string `json:"lines"`
	} `json:"structuredPatch"`
	UserModified bool    `json:"userModified"`
	OriginalFile *string `json:"originalFile"`
}

var claudeKnownTypes = map[string]bool{
	"user": true, "assistant": true, "system": true, "summary": true,
	"file-history-snapshot": true, "queue-operation": true, "last-prompt": true,
	"permission-mode": true, "progress": true, "custom-title": true,
}

var claudeEditTools = map[string]bool{"Edit": true, "MultiEdit": true, "Write": true, "NotebookEdit": true}

type claudePending struct {
	edit  Edit
	input claudeInput
	line  int
}

// ReadStream reads one Claude Code transcript from r; name is used in
// Edit.Log. It is what Read does for each file, exposed for callers that
// get a transcript path from a hook.
func (c *ClaudeCode) ReadStream(ctx context.Context, r io.Reader, name string, q Query, emit func(Edit) error) (Stats, error) {
	st := Stats{Agent: AgentClaudeCode, Files: 1}
	lr := newLineReader(r)
	pending := map[string]*claudePending{}
	var order []string // pending ids in log order, for a stable end-of-file flush
	seen := map[string]bool{}
	base := filepath.Base(name)
	send := func(e Edit) error {
		if !q.inWindow(e.At) {
			st.OutOfWindow++
			return nil
		}
		st.Edits++
		return emit(e)
	}
	for {
		if lr.n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return st, err
			}
		}
		line, complete, tooLong, err := lr.next()
		st.Bytes = lr.bytes
		if err == io.EOF {
			break
		}
		if err != nil {
			return st, fmt.Errorf("read %s: %w", name, err)
		}
		st.Records++
		if tooLong {
			st.Malformed++
			continue
		}
		if !bytes.Contains(line, []byte(`"tool_use`)) {
			// No tool call and no tool result: only the type matters (to
			// count unknown records), so skip decoding the message.
			var head struct {
				Type string `json:"type"`
			}
			if err := json.Unmarshal(line, &head); err != nil {
				if complete {
					st.Malformed++
				} else {
					st.Truncated++
				}
			} else if !claudeKnownTypes[head.Type] {
				st.UnknownTypes++
			}
			continue
		}
		var rec claudeRecord
		if err := json.Unmarshal(line, &rec); err != nil {
			if complete {
				st.Malformed++
			} else {
				st.Truncated++
			}
			continue
		}
		if !claudeKnownTypes[rec.Type] {
			st.UnknownTypes++
			continue
		}
		if rec.Type != "assistant" && rec.Type != "user" {
			continue
		}
		if !q.inProject(rec.Cwd) {
			if bytes.Contains(line, []byte(`"tool_use"`)) {
				st.OtherProject++
			}
			continue
		}
		at, _ := time.Parse(time.RFC3339Nano, rec.Timestamp)
		var msg claudeMessage
		if len(rec.Message) > 0 && json.Unmarshal(rec.Message, &msg) != nil {
			st.Malformed++
			continue
		}
		var blocks []claudeBlock
		if len(msg.Content) > 0 && msg.Content[0] == '[' {
			if json.Unmarshal(msg.Content, &blocks) != nil {
				st.Malformed++
				continue
			}
		}
		switch rec.Type {
		case "assistant":
			for _, b := range blocks {
				if b.Type != "tool_use" || !claudeEditTools[b.Name] || seen[b.ID] {
					continue
				}
				if b.ID != "" {
					seen[b.ID] = true // split messages may repeat a block
				}
				var in claudeInput
				if json.Unmarshal(b.Input, &in) != nil {
					st.Malformed++
					continue
				}
				file := in.FilePath
				if b.Name == "NotebookEdit" {
					file = in.NotebookPath
				}
				p := q.rel(file, rec.Cwd)
				if p == "" || (q.Keep != nil && !q.Keep(p)) {
					st.OtherProject++
					continue
				}
				e := Edit{
					Agent: AgentClaudeCode, SessionID: rec.SessionID, At: at, Tool: b.Name, Path: p,
					Log: fmt.Sprintf("%s:%d", base, lr.n),
				}
				if msg.Model != "" && msg.Model != "<synthetic>" {
					e.Model = msg.Model
				}
				if rec.IsSidechain || strings.HasPrefix(base, "agent-") {
					e.SubAgent = rec.AgentID
					if e.SubAgent == "" {
						e.SubAgent = strings.TrimSuffix(strings.TrimPrefix(base, "agent-"), ".jsonl")
					}
				}
				if b.ID == "" {
					claudeFromInput(&e, in)
					if err := send(e); err != nil {
						return st, err
					}
					continue
				}
				pending[b.ID] = &claudePending{edit: e, input: in, line: lr.n}
				order = append(order, b.ID)
			}
		case "user":
			for _, b := range blocks {
				if b.Type != "tool_result" {
					continue
				}
				p, ok := pending[b.ToolUseID]
				if !ok {
					continue
				}
				delete(pending, b.ToolUseID)
				e := p.edit
				if b.IsError || isJSONString(rec.ToolUseResult) {
					st.Rejected++
					continue
				}
				if !at.IsZero() {
					e.At = at // the result is logged when the file was written
				}
				claudeFromResult(&e, p.input, rec.ToolUseResult)
				if err := send(e); err != nil {
					return st, err
				}
			}
		}
	}
	for _, id := range order {
		p, ok := pending[id]
		if !ok {
			continue
		}
		// No result was logged (the session ended first): fall back to
		// what the call asked for.
		e := p.edit
		claudeFromInput(&e, p.input)
		if err := send(e); err != nil {
			return st, err
		}
	}
	return st, nil
}

func isJSONString(b json.RawMessage) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '"'
}

// claudeFromInput fills the edit's lines from the tool call's own input.
func claudeFromInput(e *Edit, in claudeInput) {
	switch e.Tool {
	case "Edit":
		e.Old, e.New = in.OldString, in.NewString
		e.Lines = producedLines(in.OldString, in.NewString)
	case "MultiEdit":
		for _, s := range in.Edits {
			e.Lines = append(e.Lines, producedLines(s.OldString, s.NewString)...)
		}
	case "Write":
		e.New, e.WholeFile = in.Content, true
		e.Lines = splitLines(in.Content)
	case "NotebookEdit":
		if in.EditMode != "delete" {
			e.Lines = splitLines(in.NewSource)
		}
	}
}

// claudeFromResult prefers the toolUseResult (what really reached the file)
// and falls back to the input.
func claudeFromResult(e *Edit, in claudeInput, raw json.RawMessage) {
	claudeFromInput(e, in)
	if len(raw) == 0 || raw[0] != '{' {
		return
	}
	var r claudeResult
	if json.Unmarshal(raw, &r) != nil {
		return
	}
	var patch []string
	for _, h := range r.StructuredPatch {
		patch = append(patch, h.Lines...)
	}
	proposal := e.Lines
	switch {
	case len(patch) > 0:
		e.Lines = patchLines(patch, false)
		e.Exact = true
	case e.Tool == "Write" && r.Type == "create":
		e.Exact = true
	case e.Tool == "Write" && r.OriginalFile != nil:
		content := in.Content
		if r.Content != "" {
			content = r.Content
		}
		e.Lines = producedLines(*r.OriginalFile, content)
		e.Exact = true
	}
	if r.UserModified {
		e.UserModified = true
		e.Proposed = proposal
	}
}

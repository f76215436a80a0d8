package attribution

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Codex reads Codex CLI rollouts: <home>/sessions/YYYY/MM/DD/rollout-*.jsonl
// and <home>/archived_sessions/.
//
// apply_patch is found in every form Codex has used: a custom_tool_call named
// apply_patch, a function_call named apply_patch ({"patch"|"input"|"raw"}), a
// shell or local_shell_call running apply_patch (argument or heredoc), and an
// exec program calling tools.apply_patch. The changes of a patch_apply_end
// event (or, in older builds, patch_apply_begin) are preferred over the
// patch text when present; a failed apply is dropped.
type Codex struct {
	Home string // CODEX_HOME; see DefaultDirs
	Log  *slog.Logger
}

// Agent returns "codex".
func (c *Codex) Agent() string { return AgentCodex }

// Read implements Source.
func (c *Codex) Read(ctx context.Context, q Query, emit func(Edit) error) (Stats, error) {
	st := Stats{Agent: AgentCodex}
	log := logger(c.Log)
	var files []string
	for _, sub := range []string{"sessions", "archived_sessions"} {
		root := filepath.Join(c.Home, sub)
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if skipCodexDay(root, p, q.From) {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".jsonl") || !strings.HasPrefix(d.Name(), "rollout-") {
				return nil
			}
			if !q.From.IsZero() {
				if info, err := d.Info(); err == nil && info.ModTime().Before(q.From) {
					return nil
				}
			}
			files = append(files, p)
			return nil
		})
	}
	sort.Strings(files)
	return readFiles(ctx, c, files, "Codex rollout", log, q, emit, st)
}

// skipCodexDay reports whether a YYYY/MM/DD directory ends more than a day
// before from (directories are named in local time, hence the day of slack).
func skipCodexDay(root, dir string, from time.Time) bool {
	if from.IsZero() {
		return false
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return false
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) != 3 {
		return false
	}
	day, err := time.Parse("2006/01/02", strings.Join(parts, "/"))
	if err != nil {
		return false
	}
	return day.Add(48 * time.Hour).Before(from)
}

type codexLine struct {
	Timestamp string          `json:"timestamp"`
	Type      string          `json:"type"`
	Payload   json.RawMessage `json:"payload"`
	// Rollouts before the envelope put the item itself on the line.
	ID       string `json:"id"`
	RecordTy string `json:"record_type"`
}

type codexPayload struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	Cwd       string          `json:"cwd"`
	Model     string          `json:"model"`
	Timestamp string          `json:"timestamp"`
	Name      string          `json:"name"`
	Input     string          `json:"input"`
	Arguments string          `json:"arguments"`
	CallID    string          `json:"call_id"`
	Action    *codexAction    `json:"action"`
	Changes   json.RawMessage `json:"changes"`
	Success   *bool           `json:"success"`
}

type codexAction struct {
	Command json.RawMessage `json:"command"`
	Workdir string          `json:"working_directory"`
}

type codexArgs struct {
	Patch   string          `json:"patch"`
	Input   string          `json:"input"`
	Raw     string          `json:"raw"`
	Command json.RawMessage `json:"command"`
	Cmd     string          `json:"cmd"`
	Workdir string          `json:"workdir"`
}

type codexChange struct {
	Type        string `json:"type"`
	Content     string `json:"content"`
	UnifiedDiff string `json:"unified_diff"`
	MovePath    string `json:"move_path"`
	// Older builds tag the change by key instead of a "type" field.
	Add *struct {
		Content string `json:"content"`
	} `json:"add"`
	Delete *struct{} `json:"delete"`
	Update *struct {
		UnifiedDiff string `json:"unified_diff"`
		MovePath    string `json:"move_path"`
	} `json:"update"`
}

var codexKinds = map[string]bool{"session_meta": true, "turn_context": true, "response_item": true, "event_msg": true, "compacted": true}

var codexItemTypes = map[string]bool{
	"message": true, "reasoning": true, "function_call": true, "function_call_output": true,
	"custom_tool_call": true, "custom_tool_call_output": true, "local_shell_call": true,
	"web_search_call": true, "ghost_snapshot": true,
}

type codexCall struct {
	edit  Edit // template: agent, model, session, time, log
	patch string
	cwd   string
}

// ReadStream reads one Codex rollout from r; name is used in Edit.Log.
func (c *Codex) ReadStream(ctx context.Context, r io.Reader, name string, q Query, emit func(Edit) error) (Stats, error) {
	st := Stats{Agent: AgentCodex, Files: 1}
	lr := newLineReader(r)
	base := filepath.Base(name)
	var sessionID, model, cwd string
	var sessionAt time.Time
	calls := map[string]*codexCall{}
	var order []string
	begun := map[string]json.RawMessage{}
	done := map[string]bool{}

	send := func(e Edit) error {
		if e.Path == "" || (q.Keep != nil && !q.Keep(e.Path)) {
			st.OtherProject++
			return nil
		}
		if !q.inWindow(e.At) {
			st.OutOfWindow++
			return nil
		}
		st.Edits++
		return emit(e)
	}
	sendChanges := func(tmpl Edit, raw json.RawMessage) error {
		for _, e := range codexChanges(tmpl, raw, q, cwd) {
			if err := send(e); err != nil {
				return err
			}
		}
		return nil
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
		var env codexLine
		if err := json.Unmarshal(line, &env); err != nil {
			if complete {
				st.Malformed++
			} else {
				st.Truncated++
			}
			continue
		}
		at, _ := time.Parse(time.RFC3339Nano, env.Timestamp)
		kind := env.Type
		payload := []byte(env.Payload)
		switch {
		case codexKinds[kind]:
		case env.Payload == nil && codexItemTypes[kind]:
			// An item written without the envelope (early rollouts).
			kind, payload = "response_item", line
		case env.Payload == nil && env.RecordTy != "":
			continue // {"record_type":"state"}
		case env.Payload == nil && env.ID != "" && kind == "":
			// The first line of an early rollout: session metadata.
			sessionID = env.ID
			sessionAt = at
			continue
		default:
			st.UnknownTypes++
			continue
		}
		if at.IsZero() {
			at = sessionAt
		}
		var p codexPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			st.Malformed++
			continue
		}
		tmpl := Edit{Agent: AgentCodex, Model: model, SessionID: sessionID, At: at, Log: fmt.Sprintf("%s:%d", base, lr.n)}
		switch kind {
		case "session_meta":
			sessionID = p.ID
			if p.Cwd != "" {
				cwd = p.Cwd
			}
			if t, err := time.Parse(time.RFC3339Nano, p.Timestamp); err == nil {
				sessionAt = t
			}
		case "turn_context":
			if p.Cwd != "" {
				cwd = p.Cwd
			}
			if p.Model != "" {
				model = p.Model
			}
		case "response_item":
			patch, wd := codexPatch(p)
			if patch == "" {
				continue
			}
			id := p.CallID
			if id == "" {
				id = p.ID
			}
			if wd == "" {
				wd = cwd
			}
			tmpl.Tool = "apply_patch"
			call := &codexCall{edit: tmpl, patch: patch, cwd: wd}
			if id == "" {
				for _, e := range codexPatchEdits(call, q) {
					if err := send(e); err != nil {
						return st, err
					}
				}
				continue
			}
			if done[id] {
				continue // patch_apply_end came first
			}
			if _, dup := calls[id]; !dup {
				order = append(order, id)
			}
			calls[id] = call
		case "event_msg":
			switch p.Type {
			case "patch_apply_begin":
				if len(p.Changes) > 0 {
					begun[p.CallID] = p.Changes
				}
			case "patch_apply_end":
				id := p.CallID
				done[id] = true
				call := calls[id]
				delete(calls, id)
				changes := p.Changes
				if len(changes) == 0 || string(changes) == "null" || string(changes) == "{}" {
					changes = begun[id]
				}
				delete(begun, id)
				if p.Success != nil && !*p.Success {
					st.Rejected++
					continue
				}
				tmpl.Tool = "apply_patch"
				if call != nil {
					tmpl.Model = call.edit.Model
				}
				if len(changes) > 0 {
					if err := sendChanges(tmpl, changes); err != nil {
						return st, err
					}
				} else if call != nil {
					call.edit.At = at
					for _, e := range codexPatchEdits(call, q) {
						if err := send(e); err != nil {
							return st, err
						}
					}
				}
			}
		}
	}
	// Calls whose end event was never logged.
	for _, id := range order {
		call, ok := calls[id]
		if !ok {
			continue
		}
		if ch, ok := begun[id]; ok {
			if err := sendChanges(call.edit, ch); err != nil {
				return st, err
			}
			continue
		}
		for _, e := range codexPatchEdits(call, q) {
			if err := send(e); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

// codexPatch finds the apply_patch text of a response item, and the working
// directory the call names, if any.
func codexPatch(p codexPayload) (patch, workdir string) {
	switch p.Type {
	case "custom_tool_call":
		switch p.Name {
		case "apply_patch":
			return findPatchOrAll(p.Input), ""
		default: // "exec" programs calling tools.apply_patch, and whatever comes next
			return findPatch(p.Input), ""
		}
	case "function_call":
		var a codexArgs
		_ = json.Unmarshal([]byte(p.Arguments), &a)
		if p.Name == "apply_patch" {
			for _, s := range []string{a.Patch, a.Input, a.Raw} {
				if s != "" {
					return findPatchOrAll(s), a.Workdir
				}
			}
			return findPatch(p.Arguments), a.Workdir
		}
		if patch := findPatch(commandText(a.Command) + "\n" + a.Cmd); patch != "" {
			return patch, a.Workdir
		}
	case "local_shell_call":
		if p.Action != nil {
			return findPatch(commandText(p.Action.Command)), p.Action.Workdir
		}
	}
	return "", ""
}

func findPatchOrAll(s string) string {
	if p := findPatch(s); p != "" {
		return p
	}
	return s
}

// commandText joins a command given as an argv list or a string.
func commandText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var argv []string
	if json.Unmarshal(raw, &argv) == nil {
		return strings.Join(argv, "\n")
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// codexPatchEdits turns an apply_patch text into edits.
func codexPatchEdits(call *codexCall, q Query) []Edit {
	var out []Edit
	for _, f := range parseApplyPatch(call.patch) {
		if f.Kind == "delete" {
			continue
		}
		e := call.edit
		e.Path = q.rel(f.Path, call.cwd)
		e.Lines = f.Added
		if f.Kind == "add" {
			e.WholeFile = true
			e.New = strings.Join(f.Added, "\n")
			e.Exact = true
		} else {
			e.Old, e.New = strings.Join(f.Old, "\n"), strings.Join(f.Added, "\n")
			e.Exact = true // the patch is what was applied
		}
		out = append(out, e)
	}
	return out
}

// codexChanges turns a patch_apply_end (or begin) changes map into edits.
func codexChanges(tmpl Edit, raw json.RawMessage, q Query, cwd string) []Edit {
	var changes map[string]codexChange
	if json.Unmarshal(raw, &changes) != nil {
		return nil
	}
	paths := make([]string, 0, len(changes))
	for p := range changes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out []Edit
	for _, path := range paths {
		ch := changes[path]
		kind, content, diff, move := ch.Type, ch.Content, ch.UnifiedDiff, ch.MovePath
		switch {
		case ch.Add != nil:
			kind, content = "add", ch.Add.Content
		case ch.Update != nil:
			kind, diff, move = "update", ch.Update.UnifiedDiff, ch.Update.MovePath
		case ch.Delete != nil:
			kind = "delete"
		}
		e := tmpl
		e.Exact = true
		target := path
		if move != "" {
			target = move
		}
		e.Path = q.rel(target, cwd)
		switch kind {
		case "add":
			e.WholeFile, e.New = true, content
			e.Lines = splitLines(content)
		case "update":
			e.Lines = patchLines(splitLines(diff), true)
		default:
			continue
		}
		out = append(out, e)
	}
	return out
}

package attribution

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Gemini reads Gemini CLI chats: <home>/tmp/<sha256 of the project root>/chats/,
// both the older one-JSON-object-per-session files (session-*.json, read as
// a stream, message by message) and the newer JSON-lines files
// (session-*.jsonl, with {"$set":…} update lines). It keeps replace,
// write_file (and edit) tool calls that did not fail.
//
// Gemini CLI keys the directory by the directory it was started in, so the
// project directory, its parents and its subdirectories (two levels) are all
// tried.
type Gemini struct {
	Home string // the .gemini directory; see DefaultDirs
	Log  *slog.Logger
}

// Agent returns "gemini".
func (g *Gemini) Agent() string { return AgentGemini }

// GeminiProjectHash returns the directory name Gemini CLI uses for a project root.
func GeminiProjectHash(root string) string {
	h := sha256.Sum256([]byte(root))
	return hex.EncodeToString(h[:])
}

// Read implements Source.
func (g *Gemini) Read(ctx context.Context, q Query, emit func(Edit) error) (Stats, error) {
	st := Stats{Agent: AgentGemini}
	log := logger(g.Log)
	var files []string
	for _, dir := range geminiRoots(q.ProjectDir) {
		chats := filepath.Join(g.Home, "tmp", GeminiProjectHash(dir), "chats")
		ents, err := os.ReadDir(chats)
		if err != nil {
			continue
		}
		for _, e := range ents {
			n := e.Name()
			if e.IsDir() || !strings.HasPrefix(n, "session-") || !(strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".jsonl")) {
				continue
			}
			if !q.From.IsZero() {
				if info, err := e.Info(); err == nil && info.ModTime().Before(q.From) {
					continue
				}
			}
			files = append(files, filepath.Join(chats, n))
		}
	}
	sort.Strings(files)
	return readFiles(ctx, g, files, "Gemini CLI chat", log, q, emit, st)
}

// geminiRoots lists the directories Gemini CLI might have been started in
// for this project: the project, its parents, and its subdirectories two
// levels down (hidden and dependency directories left out).
func geminiRoots(project string) []string {
	var out []string
	seen := map[string]bool{}
	addDir := func(d string) {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, root := range projectRoots(project) {
		for d := root; ; d = filepath.Dir(d) {
			addDir(d)
			if filepath.Dir(d) == d {
				break
			}
		}
		var walk func(dir string, depth int)
		walk = func(dir string, depth int) {
			if depth == 0 || len(out) > 2000 {
				return
			}
			ents, err := os.ReadDir(dir)
			if err != nil {
				return
			}
			for _, e := range ents {
				n := e.Name()
				if !e.IsDir() || strings.HasPrefix(n, ".") || n == "node_modules" || n == "vendor" || n == "target" {
					continue
				}
				addDir(filepath.Join(dir, n))
				walk(filepath.Join(dir, n), depth-1)
			}
		}
		walk(root, 2)
	}
	return out
}

type geminiMessage struct {
	ID        string           `json:"id"`
	Timestamp string           `json:"timestamp"`
	Type      string           `json:"type"`
	Model     string           `json:"model"`
	ToolCalls []geminiToolCall `json:"toolCalls"`
	// Header fields, on the first line of a JSON-lines chat.
	SessionID string          `json:"sessionId"`
	Set       json.RawMessage `json:"$set"`
}

type geminiToolCall struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Args      json.RawMessage `json:"args"`
	Status    string          `json:"status"`
	Timestamp string          `json:"timestamp"`
}

type geminiArgs struct {
	FilePath  string `json:"file_path"`
	Path      string `json:"path"`
	OldString string `json:"old_string"`
	NewString string `json:"new_string"`
	Content   string `json:"content"`
}

var geminiTypes = map[string]bool{"user": true, "gemini": true, "info": true, "error": true, "warning": true}

type geminiReader struct {
	q       Query
	emit    func(Edit) error
	st      *Stats
	base    string
	session string
	seen    map[string]bool
}

// ReadStream reads one Gemini CLI chat file from r (either generation);
// name is used in Edit.Log and to tell the generations apart (.jsonl).
func (g *Gemini) ReadStream(ctx context.Context, r io.Reader, name string, q Query, emit func(Edit) error) (Stats, error) {
	st := Stats{Agent: AgentGemini, Files: 1}
	gr := &geminiReader{q: q, emit: emit, st: &st, base: filepath.Base(name), seen: map[string]bool{}}
	gr.session = geminiSessionFromName(gr.base)
	if strings.HasSuffix(name, ".jsonl") {
		return st, gr.lines(ctx, r)
	}
	return st, gr.object(ctx, r)
}

// geminiSessionFromName takes the id prefix from session-<time>-<id>.json(l).
func geminiSessionFromName(base string) string {
	n := strings.TrimSuffix(strings.TrimSuffix(base, ".jsonl"), ".json")
	if i := strings.LastIndexByte(n, '-'); i >= 0 && strings.HasPrefix(n, "session-") {
		return n[i+1:]
	}
	return ""
}

func (gr *geminiReader) lines(ctx context.Context, r io.Reader) error {
	lr := newLineReader(r)
	for {
		if lr.n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, complete, tooLong, err := lr.next()
		gr.st.Bytes = lr.bytes
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", gr.base, err)
		}
		gr.st.Records++
		if tooLong {
			gr.st.Malformed++
			continue
		}
		var m geminiMessage
		if err := json.Unmarshal(line, &m); err != nil {
			if complete {
				gr.st.Malformed++
			} else {
				gr.st.Truncated++
			}
			continue
		}
		switch {
		case m.Set != nil:
			continue
		case m.Type == "" && m.SessionID != "":
			gr.session = m.SessionID
			continue
		}
		if err := gr.message(m, lr.n); err != nil {
			return err
		}
	}
}

// object streams the older format: one JSON object whose "messages" array
// is decoded one element at a time.
func (gr *geminiReader) object(ctx context.Context, r io.Reader) error {
	cr := &countingReader{r: r, n: &gr.st.Bytes}
	dec := json.NewDecoder(cr)
	broken := func() error {
		// A file cut off mid-write, or not JSON at all: keep what was read.
		gr.st.Truncated++
		return nil
	}
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		gr.st.Records++
		gr.st.Malformed++
		return nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return broken()
		}
		key, _ := tok.(string)
		switch key {
		case "sessionId":
			var s string
			if dec.Decode(&s) != nil {
				return broken()
			}
			if s != "" {
				gr.session = s
			}
		case "messages":
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return broken()
			}
			n := 0
			for dec.More() {
				if n%1024 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				n++
				gr.st.Records++
				var m geminiMessage
				if err := dec.Decode(&m); err != nil {
					if _, ok := err.(*json.UnmarshalTypeError); ok {
						gr.st.Malformed++
						continue
					}
					return broken()
				}
				if err := gr.message(m, n); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return broken()
			}
		default:
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return broken()
			}
		}
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

func (gr *geminiReader) message(m geminiMessage, n int) error {
	if !geminiTypes[m.Type] {
		gr.st.UnknownTypes++
		return nil
	}
	msgAt, _ := time.Parse(time.RFC3339Nano, m.Timestamp)
	for _, tc := range m.ToolCalls {
		tool := tc.Name
		if tool != "replace" && tool != "write_file" && tool != "edit_file" && tool != "edit" {
			continue
		}
		if tc.ID != "" {
			if gr.seen[tc.ID] {
				continue // the JSON-lines generation rewrites a message as it updates
			}
		}
		if tc.Status != "" && tc.Status != "success" {
			if tc.Status == "error" || tc.Status == "cancelled" {
				gr.st.Rejected++
				if tc.ID != "" {
					gr.seen[tc.ID] = true
				}
			}
			continue // still pending: a later rewrite of the message says how it ended
		}
		if tc.ID != "" {
			gr.seen[tc.ID] = true
		}
		var a geminiArgs
		if len(bytes.TrimSpace(tc.Args)) > 0 && json.Unmarshal(tc.Args, &a) != nil {
			gr.st.Malformed++
			continue
		}
		file := a.FilePath
		if file == "" {
			file = a.Path
		}
		p := gr.q.rel(file, "")
		if p == "" || (gr.q.Keep != nil && !gr.q.Keep(p)) {
			gr.st.OtherProject++
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, tc.Timestamp)
		if err != nil {
			at = msgAt
		}
		e := Edit{Agent: AgentGemini, Model: m.Model, SessionID: gr.session, At: at, Tool: tool, Path: p,
			Log: fmt.Sprintf("%s:%d", gr.base, n)}
		if tool == "write_file" {
			e.WholeFile, e.New = true, a.Content
			e.Lines = splitLines(a.Content)
		} else {
			e.Old, e.New = a.OldString, a.NewString
			e.Lines = producedLines(a.OldString, a.NewString)
		}
		if !gr.q.inWindow(e.At) {
			gr.st.OutOfWindow++
			continue
		}
		gr.st.Edits++
		if err := gr.emit(e); err != nil {
			return err
		}
	}
	return nil
}

package attribution

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Agent names, as they appear in Edit.Agent and in session.AgentEvent.
const (
	AgentClaudeCode = "claude-code"
	AgentCodex      = "codex"
	AgentGemini     = "gemini"
)

// Edit is one file change an agent made, as rebuilt from its session log.
type Edit struct {
	Agent     string    `json:"agent"`
	Model     string    `json:"model,omitempty"`
	SessionID string    `json:"session_id,omitempty"` // the agent's own session id
	SubAgent  string    `json:"sub_agent,omitempty"`  // sub-agent id, when a sub-agent made the edit
	At        time.Time `json:"at"`                   // when the change reached the file, as well as the log tells
	Tool      string    `json:"tool"`                 // "Edit", "apply_patch", "replace"…
	Path      string    `json:"path"`                 // slash-separated, relative to the project directory
	// Lines are the lines the edit produced (added or rewritten), in order.
	Lines []string `json:"lines"`
	// Exact is true when Lines come from a patch the agent itself recorded
	// (Claude Code's structuredPatch, Codex's patch_apply_end), false when
	// they were derived from the tool's old and new strings.
	Exact bool `json:"exact,omitempty"`
	// WholeFile is true when New is the whole file after the edit (Write,
	// write_file, an added file).
	WholeFile bool `json:"whole_file,omitempty"`
	// Old and New are the replaced and the replacing text when the log
	// gives them (used to follow a file's history between edits).
	Old string `json:"-"`
	New string `json:"-"`
	// UserModified is Claude Code's flag for a proposal the user edited
	// before accepting it; Proposed then holds the agent's own lines.
	UserModified bool     `json:"user_modified,omitempty"`
	Proposed     []string `json:"-"`
	// Log is the log file and line the edit was read from ("file:line").
	Log string `json:"log,omitempty"`
}

// Query selects what a Source reads: the project and the time window.
type Query struct {
	// ProjectDir is the absolute project directory. Edits of files outside it
	// are skipped; Edit.Path is relative to it.
	ProjectDir string
	// From and To bound the edits kept (inclusive); a zero bound is open.
	From, To time.Time
	// Keep, when set, is asked for every project-relative path; edits of
	// paths it refuses are dropped early (for example files not in the diff).
	Keep func(path string) bool
}

func (q Query) inWindow(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	if !q.From.IsZero() && t.Before(q.From) {
		return false
	}
	if !q.To.IsZero() && t.After(q.To) {
		return false
	}
	return true
}

// rel turns a path the agent logged (absolute, or relative to cwd) into a
// slash-separated path relative to the project, or "" when it lies outside.
func (q Query) rel(p, cwd string) string {
	if p == "" {
		return ""
	}
	p = strings.TrimPrefix(p, "file://")
	if !filepath.IsAbs(p) && !isWindowsAbs(p) {
		base := cwd
		if base == "" {
			base = q.ProjectDir
		}
		p = filepath.Join(base, p)
	}
	for _, root := range projectRoots(q.ProjectDir) {
		r, err := filepath.Rel(root, filepath.Clean(p))
		if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) || filepath.IsAbs(r) {
			continue
		}
		if r == "." {
			return ""
		}
		return filepath.ToSlash(r)
	}
	return ""
}

// inProject reports whether a working directory lies inside the project, or
// contains it (an agent started at a parent directory may still edit it).
func (q Query) inProject(cwd string) bool {
	if cwd == "" || q.ProjectDir == "" {
		return true
	}
	c := filepath.Clean(cwd)
	for _, root := range projectRoots(q.ProjectDir) {
		if c == root || strings.HasPrefix(c, root+string(filepath.Separator)) || strings.HasPrefix(root, c+string(filepath.Separator)) || c == string(filepath.Separator) {
			return true
		}
	}
	return false
}

func isWindowsAbs(p string) bool {
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

// projectRoots returns the project directory and, when different, its real
// path with symbolic links resolved (macOS's /tmp is /private/tmp).
func projectRoots(dir string) []string {
	if dir == "" {
		return nil
	}
	dir = filepath.Clean(dir)
	out := []string{dir}
	if real, err := filepath.EvalSymlinks(dir); err == nil && real != dir {
		out = append(out, real)
	}
	return out
}

// Stats says what a Source read and what it had to skip. Nothing is fatal:
// every skipped line is counted in one of these fields.
type Stats struct {
	Agent        string `json:"agent"`
	Files        int    `json:"files"`         // log files opened
	Bytes        int64  `json:"bytes"`         // bytes read
	Records      int    `json:"records"`       // non-empty lines (or messages) seen
	Malformed    int    `json:"malformed"`     // lines that are not valid JSON (garbage, too long)
	Truncated    int    `json:"truncated"`     // files whose last line was cut off
	UnknownTypes int    `json:"unknown_types"` // records of a type this reader does not know
	OutOfWindow  int    `json:"out_of_window"` // edits outside the session window
	OtherProject int    `json:"other_project"` // edits of files outside the project (or not asked for)
	Rejected     int    `json:"rejected"`      // edits the agent reported as failed or the user rejected
	Edits        int    `json:"edits"`         // edits emitted
	Unreadable   int    `json:"unreadable"`    // files that could not be opened
}

func (s *Stats) add(o Stats) {
	s.Files += o.Files
	s.Bytes += o.Bytes
	s.Records += o.Records
	s.Malformed += o.Malformed
	s.Truncated += o.Truncated
	s.UnknownTypes += o.UnknownTypes
	s.OutOfWindow += o.OutOfWindow
	s.OtherProject += o.OtherProject
	s.Rejected += o.Rejected
	s.Edits += o.Edits
	s.Unreadable += o.Unreadable
}

// Skipped returns the number of lines skipped as unreadable.
func (s Stats) Skipped() int { return s.Malformed + s.Truncated + s.UnknownTypes }

// Source reads one agent's session logs. Read calls emit for every edit of
// the project inside the query's window, in log order (not time order), and
// never keeps a whole log in memory. A malformed or unknown record is
// skipped and counted in Stats; only a failing emit or a cancelled context
// stops it early.
type Source interface {
	Agent() string
	Read(ctx context.Context, q Query, emit func(Edit) error) (Stats, error)
}

// Collect runs every source and returns the edits of the project in the
// window, sorted by time, with each source's Stats.
func Collect(ctx context.Context, q Query, sources ...Source) ([]Edit, []Stats, error) {
	var edits []Edit
	var stats []Stats
	for _, src := range sources {
		st, err := src.Read(ctx, q, func(e Edit) error {
			edits = append(edits, e)
			return nil
		})
		stats = append(stats, st)
		if err != nil {
			return nil, stats, fmt.Errorf("read %s logs: %w", src.Agent(), err)
		}
	}
	sortEdits(edits)
	return edits, stats, nil
}

// Dirs are the places agent logs live. A zero field means the agent's
// default location (see DefaultDirs); a field set to "-" turns the agent off.
type Dirs struct {
	Claude []string // Claude Code config dirs (each holding projects/)
	Codex  string   // CODEX_HOME (holding sessions/)
	Gemini string   // Gemini CLI home (holding tmp/)
}

// DefaultDirs returns the default log locations from the environment
// (getenv is os.Getenv when nil): CLAUDE_CONFIG_DIR or ~/.claude plus
// ~/.config/claude, CODEX_HOME or ~/.codex, and GEMINI_CLI_HOME/.gemini or
// ~/.gemini.
func DefaultDirs(getenv func(string) string) Dirs {
	if getenv == nil {
		getenv = os.Getenv
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	var d Dirs
	if c := getenv("CLAUDE_CONFIG_DIR"); c != "" {
		d.Claude = append(d.Claude, c)
	}
	if home != "" {
		d.Claude = append(d.Claude, filepath.Join(home, ".claude"))
		xdg := getenv("XDG_CONFIG_HOME")
		if xdg == "" {
			xdg = filepath.Join(home, ".config")
		}
		d.Claude = append(d.Claude, filepath.Join(xdg, "claude"))
	}
	d.Codex = getenv("CODEX_HOME")
	if d.Codex == "" && home != "" {
		d.Codex = filepath.Join(home, ".codex")
	}
	if g := getenv("GEMINI_CLI_HOME"); g != "" {
		d.Gemini = filepath.Join(g, ".gemini")
	} else if home != "" {
		d.Gemini = filepath.Join(home, ".gemini")
	}
	return d
}

// Sources returns a Source for every agent whose directory is set, each
// logging to log (nil means discard).
func (d Dirs) Sources(log *slog.Logger) []Source {
	var out []Source
	var claude []string
	for _, c := range d.Claude {
		if c != "" && c != "-" {
			claude = append(claude, c)
		}
	}
	if len(claude) > 0 {
		out = append(out, &ClaudeCode{Dirs: claude, Log: log})
	}
	if d.Codex != "" && d.Codex != "-" {
		out = append(out, &Codex{Home: d.Codex, Log: log})
	}
	if d.Gemini != "" && d.Gemini != "-" {
		out = append(out, &Gemini{Home: d.Gemini, Log: log})
	}
	return out
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return l
}

// streamReader is the part of a Source that reads one log.
type streamReader interface {
	ReadStream(ctx context.Context, r io.Reader, name string, q Query, emit func(Edit) error) (Stats, error)
}

// readFiles streams each log file through src in turn. A file that cannot
// be opened is counted as unreadable and skipped (what stands in the others
// still counts); what is read is added into st.
func readFiles(ctx context.Context, src streamReader, files []string, what string, log *slog.Logger, q Query, emit func(Edit) error, st Stats) (Stats, error) {
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		fh, err := os.Open(f)
		if err != nil {
			st.Unreadable++
			log.Warn("cannot open "+what+"; skipping it", "file", f, "err", err)
			continue
		}
		fst, err := src.ReadStream(ctx, fh, f, q, emit)
		fh.Close()
		st.add(fst)
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

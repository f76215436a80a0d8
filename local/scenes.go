package local

import (
	"context"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/session"
)

// errorPatterns find compiler errors, stack traces and failing tests of Go,
// Python, JavaScript/TypeScript and Rust in screen text.
var errorPatterns = []*regexp.Regexp{
	// Go
	regexp.MustCompile(`(?m)^\s*\S+\.go:\d+(:\d+)?: .+$`),
	regexp.MustCompile(`(?m)^\s*--- FAIL: .+$`),
	regexp.MustCompile(`(?m)^FAIL\s+\S+.*$`),
	regexp.MustCompile(`(?m)^panic: .+$`),
	regexp.MustCompile(`(?m)\bundefined: \w+.*$`),
	// Python
	regexp.MustCompile(`(?m)^Traceback \(most recent call last\):?$`),
	regexp.MustCompile(`(?m)^\s*File ".+", line \d+.*$`),
	regexp.MustCompile(`(?m)^\w*(Error|Exception): .+$`),
	regexp.MustCompile(`(?m)^E\s+\w+(Error|Exception).*$`),
	regexp.MustCompile(`(?m)^FAILED \S+::\S+.*$`),
	// JavaScript / TypeScript
	regexp.MustCompile(`(?m)^\s*(Uncaught )?(TypeError|ReferenceError|SyntaxError|RangeError): .+$`),
	regexp.MustCompile(`(?m)^\s*at .+\(.+:\d+:\d+\)$`),
	regexp.MustCompile(`(?m)^\s*\S+\.tsx?\(\d+,\d+\): error TS\d+: .+$`),
	regexp.MustCompile(`(?m)^npm ERR! .+$`),
	regexp.MustCompile(`(?m)^\s*(✕|×) .+$`),
	// Rust
	regexp.MustCompile(`(?m)^error(\[E\d+\])?: .+$`),
	regexp.MustCompile(`(?m)^thread '.+' panicked at .+$`),
	regexp.MustCompile(`(?m)^test \S+ \.\.\. FAILED$`),
	// generic
	regexp.MustCompile(`(?m)^\s*(fatal|error|Error|ERROR): .+$`),
}

// FindErrors returns the error lines in text (at most 5, each at most 200
// characters, in order of appearance, without duplicates).
func FindErrors(text string) []string {
	type hit struct {
		at, end int
		line    string
	}
	var hits []hit
	seen := map[string]bool{}
	for _, re := range errorPatterns {
		for _, m := range re.FindAllStringIndex(text, -1) {
			l := strings.TrimSpace(text[m[0]:m[1]])
			if l == "" || seen[l] {
				continue
			}
			seen[l] = true
			hits = append(hits, hit{m[0], m[1], truncate(l, 200)})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].at != hits[j].at {
			return hits[i].at < hits[j].at
		}
		return hits[i].end > hits[j].end
	})
	var out []string
	covered := -1
	for _, h := range hits {
		if len(out) == 5 {
			break
		}
		if h.at < covered {
			continue // part of a line already taken
		}
		covered = h.end
		out = append(out, h.line)
	}
	return out
}

var funcPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\bfunc\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\(`),
	regexp.MustCompile(`\bdef\s+([A-Za-z_]\w*)\s*\(`),
	regexp.MustCompile(`\bfunction\s+([A-Za-z_$][\w$]*)\s*\(`),
	regexp.MustCompile(`\bfn\s+([A-Za-z_]\w*)\s*[<(]`),
	regexp.MustCompile(`\bclass\s+([A-Za-z_]\w*)`),
}

// FindFunctions returns the names of functions and classes defined in text.
func FindFunctions(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, re := range funcPatterns {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	return out
}

var pathToken = regexp.MustCompile(`[A-Za-z0-9_.\-/]*[A-Za-z0-9_\-]\.[A-Za-z0-9]{1,8}\b`)

// fileMatcher matches names seen on screen against the project's files.
type fileMatcher struct {
	files  map[string]bool     // every project file, slash-separated
	byBase map[string][]string // base name → files
}

func newFileMatcher(files []string) *fileMatcher {
	m := &fileMatcher{files: map[string]bool{}, byBase: map[string][]string{}}
	for _, f := range files {
		m.files[f] = true
		b := path.Base(f)
		m.byBase[b] = append(m.byBase[b], f)
	}
	return m
}

// match returns the project files named in text: a full project path, a
// path that ends in a project path, or a base name that only one file has.
func (m *fileMatcher) match(text string) []string {
	if m == nil || len(m.files) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, tok := range pathToken.FindAllString(text, -1) {
		tok = strings.TrimLeft(strings.TrimPrefix(tok, "./"), "/")
		switch {
		case m.files[tok]:
			add(tok)
		case strings.Contains(tok, "/"):
			// an absolute or longer path that ends in a project path
			parts := strings.Split(tok, "/")
			for i := 1; i < len(parts); i++ {
				if suffix := strings.Join(parts[i:], "/"); m.files[suffix] {
					add(suffix)
					break
				}
			}
		default:
			if fs := m.byBase[tok]; len(fs) == 1 {
				add(fs[0])
			}
		}
	}
	return out
}

// projectFiles lists the project's files: `git ls-files` in a repository,
// otherwise a walk that skips VCS, dependency and build directories.
func (ix *Indexer) projectFiles(ctx context.Context, dir string) []string {
	if dir == "" {
		return nil
	}
	out, err := ix.run.run(ctx, execx.Cmd{Tool: "git", Dir: dir, Args: []string{"ls-files", "-z", "--cached", "--others", "--exclude-standard"}})
	if err == nil {
		var files []string
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
		if len(files) > 0 {
			return files
		}
	}
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", ".hg", ".svn", "node_modules", "vendor", "target", "dist", "build", "__pycache__", ".venv":
				return filepath.SkipDir
			}
			return nil
		}
		if len(files) >= 50000 {
			return filepath.SkipAll
		}
		if rel, err := filepath.Rel(dir, p); err == nil {
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	return files
}

var (
	editorApps    = []string{"code", "vscode", "visual studio", "idea", "goland", "pycharm", "webstorm", "clion", "rustrover", "vim", "nvim", "gvim", "emacs", "sublime", "zed", "atom", "gedit", "kate", "xcode", "cursor", "windsurf"}
	terminalApps  = []string{"terminal", "konsole", "alacritty", "kitty", "xterm", "urxvt", "iterm", "wezterm", "tilix", "terminator", "foot", "ghostty", "cmd.exe", "powershell", "windowsterminal"}
	browserApps   = []string{"firefox", "chrome", "chromium", "safari", "edge", "brave", "opera", "vivaldi", "epiphany"}
	assistantWord = regexp.MustCompile(`(?i)\b(chatgpt|claude|copilot chat|copilot|gemini|cursor chat|ask ai|assistant|aider)\b`)
	terminalLine  = regexp.MustCompile(`(?m)^\s*(\S+@\S+[:~].*[$#]|\$ |> |PS [A-Z]:\\|❯ |% )|(?m)^\s*(go (test|run|build|vet)|npm (run|test|install)|pytest|cargo (test|build|run)|make\b|git (status|diff|commit|log))`)
	browserWord   = regexp.MustCompile(`(?i)(https?://|www\.|\bdocs?\b|documentation|stack ?overflow|pkg\.go\.dev|developer\.mozilla|readthedocs|\bsearch\b|\bAPI reference\b)`)
	codeLine      = regexp.MustCompile(`(?m)(^\s*\d+\s+\S)|\b(func|def|class|import|package|return|const|let|var|fn|impl|struct|interface)\b|[{};]\s*$`)
)

func appIs(app string, names []string) bool {
	a := strings.ToLower(app)
	for _, n := range names {
		if strings.Contains(a, n) {
			return true
		}
	}
	return false
}

// Classify labels what a screen shows from its text and the active window
// (app and title may be empty). The window wins when it is known; the text
// decides otherwise.
func Classify(text, app, title string) session.SceneLabel {
	if app != "" || title != "" {
		switch {
		case assistantWord.MatchString(title) || assistantWord.MatchString(app):
			return session.LabelAIAssistant
		case appIs(app, terminalApps):
			return session.LabelTerminal
		case appIs(app, editorApps):
			return session.LabelEditor
		case appIs(app, browserApps):
			return session.LabelBrowserDocs
		}
	}
	if strings.TrimSpace(text) == "" {
		return session.LabelOther
	}
	ai := len(assistantWord.FindAllStringIndex(text, -1))
	term := len(terminalLine.FindAllStringIndex(text, -1))
	web := len(browserWord.FindAllStringIndex(text, -1))
	code := len(codeLine.FindAllStringIndex(text, -1))
	switch {
	case ai >= 2 && ai >= code:
		return session.LabelAIAssistant
	case term >= 1 && term*2 >= code:
		return session.LabelTerminal
	case web >= 2 && web >= code:
		return session.LabelBrowserDocs
	case code >= 2:
		return session.LabelEditor
	case term >= 1:
		return session.LabelTerminal
	case web >= 1:
		return session.LabelBrowserDocs
	}
	return session.LabelOther
}

// windowAt returns the window sample active at t (the last one at or before it).
func windowAt(ws []session.WindowSample, t time.Duration) (session.WindowSample, bool) {
	i := sort.Search(len(ws), func(i int) bool { return ws[i].At > t })
	if i == 0 {
		return session.WindowSample{}, false
	}
	return ws[i-1], true
}

// buildScenes turns the sampled frames into scenes: each frame's picture
// lasts until the next frame; neighbours that show the same thing merge.
func buildScenes(frames []frame, windows []session.WindowSample, fm *fileMatcher, length time.Duration) []session.Scene {
	sort.SliceStable(windows, func(i, j int) bool { return windows[i].At < windows[j].At })
	var scenes []session.Scene
	var prevText string
	for i, f := range frames {
		end := length
		if i+1 < len(frames) {
			end = frames[i+1].At
		}
		if length > 0 && f.At >= length {
			break
		}
		if end <= f.At {
			continue
		}
		w, _ := windowAt(windows, f.At)
		label := Classify(f.Text, w.App, w.Title)
		if n := len(scenes); n > 0 && scenes[n-1].Label == label && similar(prevText, f.Text) {
			scenes[n-1].Span.End = end
			continue
		}
		files := fm.match(f.Text + "\n" + w.Title)
		sc := session.Scene{
			Span:      session.Span{Start: f.At, End: end},
			Label:     label,
			Files:     files,
			Functions: FindFunctions(f.Text),
			Errors:    FindErrors(f.Text),
			RawText:   f.Text,
		}
		sc.Summary = summarize(sc, w)
		scenes = append(scenes, sc)
		prevText = f.Text
	}
	return scenes
}

// similar reports whether two screen texts are nearly the same (word-set
// Jaccard similarity of at least 0.85; two empty texts are the same).
func similar(a, b string) bool {
	ta, tb := wordSet(a), wordSet(b)
	if len(ta) == 0 && len(tb) == 0 {
		return true
	}
	inter := 0
	for w := range ta {
		if tb[w] {
			inter++
		}
	}
	union := len(ta) + len(tb) - inter
	return union > 0 && float64(inter)/float64(union) >= 0.85
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(strings.ToLower(s)) {
		m[w] = true
	}
	return m
}

var labelNames = map[session.SceneLabel]string{
	session.LabelEditor:      "Editor",
	session.LabelTerminal:    "Terminal",
	session.LabelBrowserDocs: "Browser/docs",
	session.LabelAIAssistant: "AI assistant",
	session.LabelOther:       "Screen",
}

// summarize writes the scene's one-line summary from what was found in it.
func summarize(sc session.Scene, w session.WindowSample) string {
	var b strings.Builder
	b.WriteString(labelNames[sc.Label])
	if len(sc.Files) > 0 {
		b.WriteString(" on " + strings.Join(sc.Files[:min(3, len(sc.Files))], ", "))
	} else if w.App != "" {
		b.WriteString(" (" + w.App + ")")
	}
	switch {
	case len(sc.Errors) > 0:
		b.WriteString(": error " + sc.Errors[0])
	case len(sc.Functions) > 0:
		b.WriteString(": " + strings.Join(sc.Functions[:min(3, len(sc.Functions))], ", "))
	default:
		for _, l := range strings.Split(sc.RawText, "\n") {
			if l = strings.TrimSpace(l); len(l) >= 8 {
				b.WriteString(": " + l)
				break
			}
		}
	}
	return truncate(b.String(), 140)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 1
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

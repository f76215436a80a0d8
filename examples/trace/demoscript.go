package main

// The scripted session behind `trace demo`: a small real git repository, a
// minute of coding in six scenes (editor, failing test, documentation, the
// fix, an AI assistant writing a test, passing tests), real screen media drawn
// with ffmpeg, real speech spoken by flite, real file saves written at their
// scripted times while a real SaveWatcher records them, and a Claude Code log
// for the part the agent wrote.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/session"
)

// demoScene is one stretch of the scripted screen.
type demoScene struct {
	Dur   time.Duration
	App   string // window class, as a WindowPoller would record it
	Title string // window title
	Label session.SceneLabel
	Body  string // what the screen shows
	Say   string // a thinking-aloud line spoken shortly after the scene starts
}

// demoSave is one scripted file write, at an offset from the epoch.
type demoSave struct {
	At      time.Duration
	Path    string
	Content string
	Agent   bool // written by the AI assistant (logged in Claude Code's format)
}

const demoModule = "example.com/retry"

const demoBackoffBase = `package retry

import "time"

// Backoff returns how long to wait before the given attempt (0-based):
// base doubled for every attempt.
func Backoff(base time.Duration, attempt int) time.Duration {
	return base << attempt
}
`

const demoBackoffWIP = `package retry

import "time"

// MaxDelay bounds every delay Backoff returns.
const MaxDelay = 30 * time.Second

// Backoff returns how long to wait before the given attempt (0-based):
// base doubled for every attempt, never more than MaxDelay.
func Backoff(base time.Duration, attempt int) time.Duration {
	d := base << attempt
	if d > MaxDelay {
		d = MaxDelay
	}
	return d
}
`

const demoBackoffFixed = `package retry

import "time"

// MaxDelay bounds every delay Backoff returns.
const MaxDelay = 30 * time.Second

// maxShift keeps base << attempt inside an int64 of nanoseconds.
const maxShift = 30

// Backoff returns how long to wait before the given attempt (0-based):
// base doubled for every attempt, never more than MaxDelay.
func Backoff(base time.Duration, attempt int) time.Duration {
	if attempt > maxShift {
		attempt = maxShift
	}
	d := base << attempt
	if d <= 0 || d > MaxDelay {
		d = MaxDelay
	}
	return d
}
`

const demoTestBase = `package retry

import (
	"testing"
	"time"
)

func TestBackoffLarge(t *testing.T) {
	if d := Backoff(time.Second, 40); d <= 0 {
		t.Fatalf("delay is negative: %v", d)
	}
}
`

const demoTestAgent = `package retry

import (
	"testing"
	"time"
)

func TestBackoffLarge(t *testing.T) {
	if d := Backoff(time.Second, 40); d <= 0 {
		t.Fatalf("delay is negative: %v", d)
	}
}

func TestBackoffCap(t *testing.T) {
	cases := []struct {
		attempt int
		want    time.Duration
	}{
		{0, 100 * time.Millisecond},
		{1, 200 * time.Millisecond},
		{3, 800 * time.Millisecond},
		{12, MaxDelay},
		{64, MaxDelay},
	}
	for _, c := range cases {
		if got := Backoff(100*time.Millisecond, c.attempt); got != c.want {
			t.Errorf("Backoff(100ms, %d) = %v, want %v", c.attempt, got, c.want)
		}
	}
}
`

const demoReadmeBase = "# retry\n\nExponential backoff for flaky calls.\n"

const demoReadmeNew = "# retry\n\nExponential backoff for flaky calls.\n\nDelays are capped at `MaxDelay` (30s).\n\n<!-- TODO: expose MaxDelay as an option -->\n"

// demoScenes is the screen, sixty seconds in all.
func demoScenes() []demoScene {
	return []demoScene{
		{Dur: 12 * time.Second, App: "code", Title: "backoff.go - retry - Visual Studio Code", Label: session.LabelEditor,
			Body: "backoff.go\n\n" + numbered(demoBackoffWIP),
			Say:  "I am adding a cap to the retry backoff so that long outages stop overflowing the delay."},
		{Dur: 10 * time.Second, App: "org.gnome.Terminal", Title: "Terminal - go test", Label: session.LabelTerminal,
			Body: "$ go test ./...\n--- FAIL: TestBackoffLarge (0.00s)\n    backoff_test.go:10: delay is negative: -2562047h47m16.854775808s\nFAIL\nFAIL    example.com/retry    0.004s\n$",
			Say:  "Hmm, the test fails. The delay is negative and I am not sure why."},
		{Dur: 10 * time.Second, App: "firefox", Title: "time package - Go Documentation - Mozilla Firefox", Label: session.LabelBrowserDocs,
			Body: "Go Documentation > time\n\ntype Duration int64\n\nA Duration represents the elapsed time between two instants\nas an int64 nanosecond count. The representation limits the\nlargest representable duration to approximately 290 years.\n\nShifting a Duration left past 63 bits overflows.",
			Say:  "The documentation says a duration is an int64 of nanoseconds, so shifting by forty overflows."},
		{Dur: 12 * time.Second, App: "code", Title: "backoff.go - retry - Visual Studio Code", Label: session.LabelEditor,
			Body: "backoff.go\n\n" + numbered(demoBackoffFixed),
			Say:  "I cap the shift at thirty and clamp the delay to the maximum."},
		{Dur: 8 * time.Second, App: "org.gnome.Terminal", Title: "Claude Code - retry", Label: session.LabelAIAssistant,
			Body: "Claude Code\n\n> add a table test for the backoff cap\n\n* Update(backoff_test.go)\n  Added TestBackoffCap with five cases\n  covering attempts 0, 1, 3, 12 and 64.",
			Say:  "I asked Claude to write a table test for the cap."},
		{Dur: 8 * time.Second, App: "org.gnome.Terminal", Title: "Terminal - go test", Label: session.LabelTerminal,
			Body: "$ go test ./...\nok      example.com/retry    0.003s\n$ git add -p",
			Say:  "Now every test passes. Next I want to expose the cap as an option."},
	}
}

// demoSaves are the scripted writes, at offsets from the epoch.
func demoSaves() []demoSave {
	return []demoSave{
		{At: 5 * time.Second, Path: "backoff.go", Content: demoBackoffWIP},
		{At: 9 * time.Second, Path: "backoff.go", Content: demoBackoffWIP},
		{At: 36 * time.Second, Path: "backoff.go", Content: demoBackoffFixed},
		{At: 40 * time.Second, Path: "backoff.go", Content: demoBackoffFixed},
		{At: 46 * time.Second, Path: "backoff_test.go", Content: demoTestAgent, Agent: true},
		{At: 55 * time.Second, Path: "README.md", Content: demoReadmeNew},
	}
}

func numbered(src string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
		fmt.Fprintf(&b, "%3d  %s\n", i+1, strings.ReplaceAll(l, "\t", "    "))
	}
	return b.String()
}

func demoLength() time.Duration {
	var d time.Duration
	for _, s := range demoScenes() {
		d += s.Dur
	}
	return d
}

// demoGit runs git in the demo repository under a fixed demo identity.
func demoGit(ctx context.Context, dir string, args ...string) error {
	_, err := execx.Run(ctx, execx.Cmd{Tool: "git", Args: args, Dir: dir, Env: []string{
		"GIT_AUTHOR_NAME=Demo Developer", "GIT_AUTHOR_EMAIL=demo@example.com",
		"GIT_COMMITTER_NAME=Demo Developer", "GIT_COMMITTER_EMAIL=demo@example.com",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
	}})
	return err
}

// makeDemoRepo creates the repository on branch main with the base commit,
// then switches to the feature branch the session works on.
func makeDemoRepo(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"go.mod":          "module " + demoModule + "\n\ngo 1.21\n",
		"backoff.go":      demoBackoffBase,
		"backoff_test.go": demoTestBase,
		"README.md":       demoReadmeBase,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "."},
		{"commit", "-q", "-m", "retry: exponential backoff"},
		{"checkout", "-q", "-b", "retry-cap"},
	} {
		if err := demoGit(ctx, dir, args...); err != nil {
			return fmt.Errorf("demo repository: git %s: %w", args[0], err)
		}
	}
	return nil
}

// commitDemoRepo commits the session's work on the feature branch.
func commitDemoRepo(ctx context.Context, dir string) error {
	if err := demoGit(ctx, dir, "add", "."); err != nil {
		return err
	}
	return demoGit(ctx, dir, "commit", "-q", "-m", "retry: cap the backoff delay")
}

// fontFile finds a monospace font for drawtext.
func fontFile() (string, error) {
	for _, f := range []string{
		"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
		"/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
		"/System/Library/Fonts/Menlo.ttc",
		`C:\Windows\Fonts\consola.ttf`,
	} {
		if _, err := os.Stat(f); err == nil {
			return f, nil
		}
	}
	return "", fmt.Errorf("no monospace font found for the demo's screen: install fonts-dejavu-core")
}

// filterPath quotes a path for use inside an ffmpeg filter argument.
func filterPath(p string) string {
	p = filepath.ToSlash(p)
	r := strings.NewReplacer(`\`, `\\`, `'`, `'\''`, `:`, `\:`)
	return "'" + r.Replace(p) + "'"
}

// makeDemoMedia draws the scenes and speaks the lines into one recording at
// out (fragmented MP4, H.264 + AAC, like the recorder writes).
func makeDemoMedia(ctx context.Context, work, out string) error {
	font, err := fontFile()
	if err != nil {
		return err
	}
	scenes := demoScenes()
	var list strings.Builder
	var voiceInputs []string
	var mix strings.Builder
	var at time.Duration
	for i, sc := range scenes {
		body := filepath.Join(work, fmt.Sprintf("scene%d.txt", i))
		title := filepath.Join(work, fmt.Sprintf("title%d.txt", i))
		if err := os.WriteFile(body, []byte(sc.Body), 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(title, []byte(sc.Title), 0o600); err != nil {
			return err
		}
		clip := filepath.Join(work, fmt.Sprintf("scene%d.mp4", i))
		vf := fmt.Sprintf("drawbox=x=0:y=0:w=iw:h=40:color=0x3c3f58:t=fill,"+
			"drawtext=fontfile=%s:textfile=%s:expansion=none:fontsize=20:fontcolor=white:x=16:y=10,"+
			"drawtext=fontfile=%s:textfile=%s:expansion=none:fontsize=20:fontcolor=0xf8f8f2:x=28:y=60:line_spacing=6",
			filterPath(font), filterPath(title), filterPath(font), filterPath(body))
		if _, err := execx.Output(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", fmt.Sprintf("color=c=0x1e1f29:s=1280x720:r=10:d=%.3f", sc.Dur.Seconds()),
			"-vf", vf, "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p",
			"-g", "20", "-an", clip); err != nil {
			return fmt.Errorf("draw demo scene %d: %w", i+1, err)
		}
		fmt.Fprintf(&list, "file %s\n", filterPath(clip))

		line := filepath.Join(work, fmt.Sprintf("say%d.txt", i))
		wav := filepath.Join(work, fmt.Sprintf("say%d.wav", i))
		if err := os.WriteFile(line, []byte(sc.Say), 0o600); err != nil {
			return err
		}
		if _, err := execx.Output(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", "flite=textfile="+filterPath(line)+":voice=slt",
			"-ar", "16000", "-ac", "1", wav); err != nil {
			return fmt.Errorf("speak demo line %d: %w", i+1, err)
		}
		voiceInputs = append(voiceInputs, "-i", wav)
		delay := (at + 700*time.Millisecond).Milliseconds()
		fmt.Fprintf(&mix, "[%d:a]adelay=%d|%d[v%d];", i+1, delay, delay, i)
		at += sc.Dur
	}
	listFile := filepath.Join(work, "scenes.txt")
	if err := os.WriteFile(listFile, []byte(list.String()), 0o600); err != nil {
		return err
	}
	for i := range scenes {
		fmt.Fprintf(&mix, "[v%d]", i)
	}
	fmt.Fprintf(&mix, "amix=inputs=%d:normalize=0:dropout_transition=0,apad,atrim=0:%.3f,aresample=48000[a]", len(scenes), at.Seconds())
	args := []string{"-hide_banner", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", listFile}
	args = append(args, voiceInputs...)
	args = append(args, "-filter_complex", mix.String(), "-map", "0:v", "-map", "[a]",
		"-c:v", "copy", "-c:a", "aac", "-b:a", "96k", "-t", fmt.Sprintf("%.3f", at.Seconds()),
		"-movflags", "+frag_keyframe+empty_moov+default_base_moof", out)
	if _, err := execx.Output(ctx, "ffmpeg", args...); err != nil {
		return fmt.Errorf("assemble demo recording: %w", err)
	}
	return nil
}

// demoWindows are the window samples of the script (a WindowPoller records
// only changes, so one sample per scene).
func demoWindows() []session.WindowSample {
	var out []session.WindowSample
	var at time.Duration
	for _, sc := range demoScenes() {
		out = append(out, session.WindowSample{At: at, App: sc.App, Title: sc.Title})
		at += sc.Dur
	}
	return out
}

var nonAlnum = regexp.MustCompile(`[^A-Za-z0-9]`)

// writeDemoClaudeLog writes the agent's part of the session as Claude Code
// would: a user prompt, an assistant Write tool_use, and the user line with
// its tool_result and toolUseResult, under configDir/projects/<encoded cwd>/.
func writeDemoClaudeLog(configDir, repo string, epoch time.Time, s demoSave, oldContent string) error {
	dir := filepath.Join(configDir, "projects", nonAlnum.ReplaceAllString(repo, "-"))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	sessionID := "5b0e2c1e-7d4f-4f7e-9a51-3c2d8e6f0a11"
	abs := filepath.Join(repo, s.Path)
	ts := func(d time.Duration) string { return epoch.Add(d).UTC().Format("2006-01-02T15:04:05.000Z") }
	base := func(typ, uuid, parent string, at time.Duration) map[string]any {
		m := map[string]any{"type": typ, "uuid": uuid, "sessionId": sessionID, "timestamp": ts(at),
			"cwd": repo, "gitBranch": "retry-cap", "version": "2.0.14", "userType": "external", "isSidechain": false}
		if parent == "" {
			m["parentUuid"] = nil
		} else {
			m["parentUuid"] = parent
		}
		return m
	}
	prompt := base("user", "u-1", "", s.At-2*time.Second)
	prompt["message"] = map[string]any{"role": "user", "content": "add a table test for the backoff cap"}
	call := base("assistant", "a-1", "u-1", s.At-500*time.Millisecond)
	call["requestId"] = "req_demo_1"
	call["message"] = map[string]any{"id": "msg_demo_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
		"content": []any{
			map[string]any{"type": "text", "text": "I'll add a table test for the cap."},
			map[string]any{"type": "tool_use", "id": "toolu_demo_1", "name": "Write", "input": map[string]any{"file_path": abs, "content": s.Content}},
		}, "stop_reason": "tool_use"}
	result := base("user", "u-2", "a-1", s.At)
	result["message"] = map[string]any{"role": "user", "content": []any{
		map[string]any{"type": "tool_result", "tool_use_id": "toolu_demo_1", "content": "The file " + abs + " has been updated."},
	}}
	result["toolUseResult"] = map[string]any{"type": "update", "filePath": abs, "content": s.Content, "originalFile": oldContent, "structuredPatch": []any{}}
	f, err := os.Create(filepath.Join(dir, sessionID+".jsonl"))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, rec := range []map[string]any{prompt, call, result} {
		if err := enc.Encode(rec); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// Package timelinetest generates synthetic session evidence for tests and
// benchmarks of timeline and clipselect: a seeded, reproducible workday of
// saves, speech, scenes, window changes and agent actions, with its diff.
package timelinetest

import (
	"fmt"
	"math/rand"
	"sort"
	"time"

	"github.com/tracepr/trace/session"
)

// Config sizes a synthetic session. Zero values mean the defaults of an
// eight-hour day in brackets.
type Config struct {
	Seed     int64
	Length   time.Duration // [8h]
	Saves    int           // [30000]
	Segments int           // [12000]
	Scenes   int           // [3000]
	Windows  int           // [10000]
	Agent    int           // [2000]
	Files    int           // files in the project [120]; a quarter are in the diff
}

// Workday is the configuration of the benchmark session.
var Workday = Config{Seed: 1}

func (c *Config) defaults() {
	if c.Length <= 0 {
		c.Length = 8 * time.Hour
	}
	dflt := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	dflt(&c.Saves, 30000)
	dflt(&c.Segments, 12000)
	dflt(&c.Scenes, 3000)
	dflt(&c.Windows, 10000)
	dflt(&c.Agent, 2000)
	dflt(&c.Files, 120)
}

var (
	apps    = []string{"Code", "firefox", "org.gnome.Terminal", "Google Chrome", "iTerm2", "chrome.exe", "jetbrains-goland", "WindowsTerminal.exe", "Slack"}
	titles  = []string{"main.go - project", "net/http - Go Packages", "go test ./...", "Stack Overflow: context deadline", "ChatGPT", "chat"}
	phrases = []string{"so the parser needs to handle the empty case because the header can be missing",
		"hmm why doesn't this work", "I think this is fine", "not sure what is going on with this test",
		"okay that fixed it", "let me look at the docs for this", "the reason is the clock can go backwards",
		"um uh", "maybe we should cache it", "still failing, that's weird"}
	screens = []string{"--- FAIL: TestParse (0.01s)", "ok  	example.com/p	0.2s", "panic: runtime error: index out of range",
		"$ go test ./...", "func Parse(r io.Reader) error {", "Traceback (most recent call last):"}
	labels = []session.SceneLabel{session.LabelEditor, session.LabelTerminal, session.LabelBrowserDocs, session.LabelAIAssistant, session.LabelOther}
)

// Synthetic returns a reproducible session: evidence sorted by time and the
// diff of the files it changed. The same Config gives the same result.
func Synthetic(c Config) (session.Evidence, *session.Diff) {
	c.defaults()
	r := rand.New(rand.NewSource(c.Seed))
	at := func() time.Duration { return time.Duration(r.Int63n(int64(c.Length))) }
	file := func(i int) string { return fmt.Sprintf("pkg%d/file%d.go", i%7, i) }
	ev := session.Evidence{Length: c.Length}

	// Saves come in bursts around work spots, like real editing.
	for len(ev.Saves) < c.Saves {
		t := at()
		f := r.Intn(c.Files)
		n := 1 + r.Intn(12)
		for k := 0; k < n && len(ev.Saves) < c.Saves; k++ {
			t += time.Duration(r.Intn(8000)) * time.Millisecond
			p := file(f)
			if r.Intn(10) == 0 {
				p = ".git/index"
			}
			ev.Saves = append(ev.Saves, session.SaveEvent{At: t, Path: p, Op: "write"})
		}
	}
	for i := 0; i < c.Segments; i++ {
		t := at()
		ev.Transcript = append(ev.Transcript, session.Segment{Span: session.Span{Start: t, End: t + time.Duration(1+r.Intn(12))*time.Second}, Text: phrases[r.Intn(len(phrases))]})
	}
	step := c.Length / time.Duration(max(c.Scenes, 1))
	for i := 0; i < c.Scenes; i++ {
		t := time.Duration(i) * step
		sc := session.Scene{Span: session.Span{Start: t, End: t + step}, Label: labels[r.Intn(len(labels))], RawText: screens[r.Intn(len(screens))]}
		if r.Intn(6) == 0 {
			sc.Errors = []string{"undefined: Parse"}
			sc.Files = []string{file(r.Intn(c.Files))}
		}
		if r.Intn(4) == 0 {
			sc.Functions = []string{fmt.Sprintf("Func%d", r.Intn(50))}
		}
		ev.Scenes = append(ev.Scenes, sc)
	}
	for i := 0; i < c.Windows; i++ {
		ev.Windows = append(ev.Windows, session.WindowSample{At: at(), App: apps[r.Intn(len(apps))], Title: titles[r.Intn(len(titles))]})
	}
	for len(ev.Agent) < c.Agent {
		t := at()
		f := r.Intn(c.Files)
		for k := 0; k < 1+r.Intn(10) && len(ev.Agent) < c.Agent; k++ {
			t += time.Duration(1+r.Intn(20)) * time.Second
			ev.Agent = append(ev.Agent, session.AgentEvent{At: t, Agent: "claude-code", Tool: []string{"Edit", "Write", "Bash", "prompt"}[r.Intn(4)], Path: file(f + r.Intn(2))})
		}
	}
	ev.Sort()

	diff := &session.Diff{Base: "main", Head: "work"}
	for i := 0; i < c.Files; i += 4 {
		fd := session.FileDiff{Path: file(i), Status: session.FileModified}
		line := 1 + r.Intn(50)
		for h := 0; h < 1+r.Intn(4); h++ {
			hk := session.Hunk{OldStart: line, NewStart: line, Section: fmt.Sprintf("func Func%d(", r.Intn(50))}
			n := 1 + r.Intn(20)
			for k := 0; k < n; k++ {
				hk.Lines = append(hk.Lines, session.DiffLine{Kind: session.LineAdded, Text: fmt.Sprintf("\tFunc%d(x)", r.Intn(50)), NewLine: line + k})
			}
			hk.NewLines = n
			fd.Hunks = append(fd.Hunks, hk)
			line += n + 10 + r.Intn(40)
		}
		diff.Files = append(diff.Files, fd)
	}
	sort.Slice(diff.Files, func(i, j int) bool { return diff.Files[i].Path < diff.Files[j].Path })
	return ev, diff
}

package timeline_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

func classify(t *testing.T, c timeline.Classifier, ev session.Evidence, diff *session.Diff) []session.Moment {
	t.Helper()
	ev.Sort()
	return c.Classify(timeline.NewInput(ev, diff))
}

func TestClassifyApp(t *testing.T) {
	cases := map[string]timeline.AppClass{
		"firefox": timeline.AppBrowser, "Navigator": timeline.AppBrowser, "chromium": timeline.AppBrowser, "google-chrome": timeline.AppBrowser,
		"Google Chrome": timeline.AppBrowser, "chrome.exe": timeline.AppBrowser, "msedge.exe": timeline.AppBrowser, "Safari": timeline.AppBrowser,
		"Arc": timeline.AppBrowser, "brave-browser": timeline.AppBrowser, `C:\Program Files\Mozilla Firefox\firefox.exe`: timeline.AppBrowser,
		"com.google.Chrome": timeline.AppBrowser, "org.mozilla.firefox": timeline.AppBrowser,
		"org.gnome.Terminal": timeline.AppTerminal, "iTerm2": timeline.AppTerminal, "Terminal": timeline.AppTerminal,
		"WindowsTerminal.exe": timeline.AppTerminal, "kitty": timeline.AppTerminal, "com.apple.Terminal": timeline.AppTerminal,
		"Code": timeline.AppEditor, "code.exe": timeline.AppEditor, "cursor": timeline.AppEditor, "jetbrains-goland": timeline.AppEditor,
		"jetbrains-idea-ce": timeline.AppEditor, "Xcode": timeline.AppEditor, "nvim": timeline.AppEditor,
		"Claude": timeline.AppAssistant, "ChatGPT": timeline.AppAssistant,
		"Slack": timeline.AppOther, "": timeline.AppOther,
	}
	for app, want := range cases {
		assert.Equal(t, want, timeline.ClassifyApp(app), app)
	}
}

func TestProgress(t *testing.T) {
	diff := &session.Diff{Files: []session.FileDiff{{Path: "a.go", Status: session.FileModified}}}
	tests := []struct {
		name   string
		saves  []session.SaveEvent
		diff   *session.Diff
		spans  []session.Span
		files  [][]string
		higher bool // first moment more confident than second
	}{
		{name: "two bursts", diff: diff,
			saves: []session.SaveEvent{{At: sec(10), Path: "a.go"}, {At: sec(12), Path: "a.go"}, {At: sec(14), Path: "a.go"}, {At: sec(200), Path: "b.go"}},
			spans: []session.Span{sp(5, 17), sp(195, 203)}, files: [][]string{{"a.go"}, {"b.go"}}, higher: true},
		{name: "adaptive gap keeps a slow steady burst together", diff: diff,
			saves: []session.SaveEvent{{At: sec(30), Path: "a.go"}, {At: sec(60), Path: "a.go"}, {At: sec(90), Path: "a.go"}, {At: sec(120), Path: "a.go"}},
			spans: []session.Span{sp(25, 123)}, files: [][]string{{"a.go"}}},
		{name: "tool noise is not progress",
			saves: []session.SaveEvent{{At: sec(30), Path: ".git/index"}, {At: sec(31), Path: "node_modules/x/y.js"}, {At: sec(32), Path: ".main.go.swp"}, {At: sec(33), Path: "a.go~"}}},
		{name: "noise in the diff still counts", diff: &session.Diff{Files: []session.FileDiff{{Path: "build/gen.go"}}},
			saves: []session.SaveEvent{{At: sec(30), Path: "build/gen.go"}}, spans: []session.Span{sp(25, 33)}, files: [][]string{{"build/gen.go"}}},
		{name: "no saves"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := classify(t, timeline.Progress(timeline.ProgressOptions{}), session.Evidence{Length: time.Hour, Saves: tt.saves}, tt.diff)
			require.Len(t, ms, len(tt.spans))
			for i, m := range ms {
				assert.Equal(t, session.KindProgress, m.Kind)
				assert.Equal(t, tt.spans[i], m.Span)
				assert.Equal(t, tt.files[i], m.Files)
				for _, r := range m.Evidence {
					assert.Equal(t, session.EvSave, r.Type)
				}
			}
			if tt.higher {
				assert.Greater(t, ms[0].Confidence, ms[1].Confidence, "diff files weigh up")
			}
		})
	}
}

func TestUncertaintyScore(t *testing.T) {
	tests := []struct {
		text     string
		min, max float64
	}{
		{"I think we could maybe do this", 0, 0.1},
		{"maybe", 0, 0.05},
		{"hmm, why doesn't this work? I'm not sure", 0.6, 1},
		{"that's weird, still failing", 0.9, 1},
		{"I have no idea what's going on", 0.4, 0.5},
		{"okay that fixed it", 0, 0},
		{"Why isn’t it called", 0.3, 0.4},
		{"", 0, 0},
	}
	for _, tt := range tests {
		s, _ := timeline.UncertaintyScore(tt.text, timeline.UncertaintyPhrases)
		assert.GreaterOrEqual(t, s, tt.min, tt.text)
		assert.LessOrEqual(t, s, tt.max, tt.text)
	}
}

func TestStuck(t *testing.T) {
	fail := "$ go test\n--- FAIL: TestX"
	quiet := []session.SaveEvent{{At: sec(10), Path: "a.go"}, {At: sec(400), Path: "b.go"}}
	tests := []struct {
		name    string
		ev      session.Evidence
		want    bool
		minConf float64
		notes   []string
		files   []string
	}{
		{name: "hedges alone are not stuck", ev: session.Evidence{Saves: quiet, Transcript: []session.Segment{
			{Span: sp(100, 105), Text: "I think maybe this is it"}, {Span: sp(200, 205), Text: "maybe I should rename it"}}}},
		{name: "confused speech", want: true, minConf: 0.3, notes: []string{"uncertain speech"}, files: []string{"b.go"}, ev: session.Evidence{Saves: quiet, Transcript: []session.Segment{
			{Span: sp(100, 105), Text: "hmm why doesn't this work, I'm not sure"}}}},
		{name: "failing test run three times", want: true, minConf: 0.6, notes: []string{"failing test on screen", "same terminal text again"}, ev: session.Evidence{Saves: quiet, Scenes: []session.Scene{
			{Span: sp(60, 120), Label: session.LabelTerminal, RawText: fail}, {Span: sp(120, 180), Label: session.LabelEditor},
			{Span: sp(180, 240), Label: session.LabelTerminal, RawText: fail}, {Span: sp(240, 300), Label: session.LabelTerminal, RawText: fail}}}},
		{name: "errors on screen name the file", want: true, minConf: 0.3, notes: []string{"error on screen"}, files: []string{"b.go", "c.go"}, ev: session.Evidence{Saves: quiet, Scenes: []session.Scene{
			{Span: sp(60, 120), Label: session.LabelEditor, Errors: []string{"undefined: x"}, Files: []string{"c.go"}}}}},
		{name: "too short a pause", ev: session.Evidence{Saves: []session.SaveEvent{{At: sec(10), Path: "a.go"}, {At: sec(70), Path: "a.go"}}, Scenes: []session.Scene{
			{Span: sp(20, 60), Label: session.LabelTerminal, RawText: fail, Errors: []string{"boom"}}}}},
		{name: "trouble while saving is not stuck", ev: session.Evidence{Saves: []session.SaveEvent{{At: sec(10), Path: "a.go"}, {At: sec(40), Path: "a.go"}, {At: sec(70), Path: "a.go"}, {At: sec(100), Path: "a.go"}}, Scenes: []session.Scene{
			{Span: sp(20, 60), Label: session.LabelTerminal, RawText: fail, Errors: []string{"boom"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.Length = 600 * time.Second
			ms := classify(t, timeline.Stuck(timeline.StuckOptions{}), tt.ev, nil)
			if !tt.want {
				assert.Empty(t, ms)
				return
			}
			require.Len(t, ms, 1)
			m := ms[0]
			assert.Equal(t, session.KindStuck, m.Kind)
			assert.GreaterOrEqual(t, m.Confidence, tt.minConf)
			assert.LessOrEqual(t, m.Span.End, sec(400), "ends at the way out")
			for _, n := range tt.notes {
				found := false
				for _, r := range m.Evidence {
					found = found || contains(r.Note, n)
				}
				assert.True(t, found, "evidence note %q in %+v", n, m.Evidence)
			}
			if tt.files != nil {
				assert.Equal(t, tt.files, m.Files)
			}
		})
	}
}

func TestStuckSignalsAddUp(t *testing.T) {
	base := session.Evidence{Length: 10 * time.Minute, Saves: []session.SaveEvent{{At: sec(10), Path: "a.go"}, {At: sec(400), Path: "a.go"}},
		Transcript: []session.Segment{{Span: sp(100, 105), Text: "I'm not sure why this doesn't work"}}}
	more := base
	more.Scenes = []session.Scene{{Span: sp(110, 150), Label: session.LabelTerminal, RawText: "panic: runtime error", Errors: []string{"panic"}}}
	a := classify(t, timeline.Stuck(timeline.StuckOptions{}), base, nil)
	b := classify(t, timeline.Stuck(timeline.StuckOptions{}), more, nil)
	require.Len(t, a, 1)
	require.Len(t, b, 1)
	assert.Greater(t, b[0].Confidence, a[0].Confidence)
}

func TestResearch(t *testing.T) {
	ws := []session.WindowSample{
		{At: 0, App: "Code", Title: "main.go"},
		{At: sec(60), App: "chrome.exe", Title: "context - Go Packages"},
		{At: sec(120), App: "Code", Title: "main.go"},
		{At: sec(180), App: "Google Chrome", Title: "ChatGPT"},
		{At: sec(240), App: "Safari", Title: "x"},
		{At: sec(245), App: "org.gnome.Terminal", Title: "docs.python.org"},
		{At: sec(300), App: "Slack", Title: "Stack Overflow - question"},
		{At: sec(360), App: "Code", Title: "main.go"},
	}
	ms := classify(t, timeline.Research(timeline.ResearchOptions{}), session.Evidence{Length: 10 * time.Minute, Windows: ws,
		Scenes: []session.Scene{{Span: sp(500, 540), Label: session.LabelBrowserDocs, Summary: "MDN fetch"}}}, nil)
	require.Len(t, ms, 3)
	assert.Equal(t, sp(60, 120), ms[0].Span, "chrome.exe is a browser")
	assert.Equal(t, sp(300, 360), ms[1].Span, "a docs title in another app; the 5s Safari visit and the ChatGPT tab are not research")
	assert.Equal(t, sp(500, 540), ms[2].Span)
	assert.Equal(t, session.EvScene, ms[2].Evidence[0].Type)
}

func TestSpeech(t *testing.T) {
	diff := &session.Diff{Files: []session.FileDiff{{Path: "pkg/parser.go"}}}
	segs := []session.Segment{
		{Span: sp(0, 2), Text: "um uh okay"},
		{Span: sp(10, 14), Text: "let me run it"},
		{Span: sp(30, 40), Text: "I changed pkg/parser.go because the header can be empty"},
		{Span: sp(100, 100.5), Text: "too short to hear"},
		{Span: sp(200, 300), Text: "a very long monologue that runs for more than a minute"},
	}
	ms := classify(t, timeline.Speech(timeline.SpeechOptions{}), session.Evidence{Length: 10 * time.Minute, Transcript: segs}, diff)
	require.Len(t, ms, 2)
	assert.Equal(t, sp(10, 14), ms[0].Span)
	assert.Equal(t, sp(30, 40), ms[1].Span)
	assert.Equal(t, []string{"pkg/parser.go"}, ms[1].Files)
	assert.Greater(t, ms[1].Confidence, ms[0].Confidence, "explaining speech is worth more")
}

func TestAgentAndIdle(t *testing.T) {
	ev, diff := fixture()
	ms := classify(t, timeline.Agent(timeline.AgentOptions{}), ev, diff)
	require.Len(t, ms, 1)
	assert.Equal(t, sp(600, 660), ms[0].Span)
	assert.Equal(t, []string{"docs/README.md"}, ms[0].Files)
	assert.GreaterOrEqual(t, ms[0].Confidence, 0.85)

	idle := classify(t, timeline.Idle(timeline.IdleOptions{}), ev, diff)
	require.NotEmpty(t, idle)
	last := idle[len(idle)-1]
	assert.Equal(t, sp(660, 1200), last.Span, "after the agent, nothing changes until the end")
	assert.Contains(t, last.Summary, "nothing happened")
}

func contains(s, sub string) bool {
	return len(sub) == 0 || len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub))
}

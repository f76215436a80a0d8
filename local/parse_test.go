package local

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tracepr/trace/session"
)

const psOutput = `i will fix the lexer
<s> 0.100 0.150 0.999300
i 0.160 0.270 0.600000
will 0.280 0.480 0.800000
<sil> 0.490 0.720 0.542281
fix 0.730 1.010 1.000000
the(2) 1.020 1.220 0.500000
lexer 1.230 1.430 0.100000
</s> 1.440 1.600 1.000000
garbage line here
[NOISE] 2.0 2.1 0.5
<s> 3.000 3.100 1.0
done 3.100 3.500 0.9
</s> 3.500 3.600 1.0
`

func TestParsePocketsphinx(t *testing.T) {
	segs := ParsePocketsphinx(psOutput)
	assert.Equal(t, []session.Segment{
		{Span: session.Span{Start: 160 * time.Millisecond, End: 1430 * time.Millisecond}, Text: "i will fix the lexer", Confidence: 0.6},
		{Span: session.Span{Start: 3100 * time.Millisecond, End: 3500 * time.Millisecond}, Text: "done", Confidence: 0.9},
	}, roundConf(segs))
	assert.Empty(t, ParsePocketsphinx(""))
}

func roundConf(s []session.Segment) []session.Segment {
	for i := range s {
		s[i].Confidence = float64(int(s[i].Confidence*1000+0.5)) / 1000
	}
	return s
}

func TestParseASRMetadata(t *testing.T) {
	in := "frame:35   pts:70400   pts_time:4.4\nlavfi.asr.text=the parser fails\nframe:80 pts:1 pts_time:9.0\nlavfi.asr.text=\nframe:90 pts:1 pts_time:10.5\nlavfi.asr.text=now it works\n"
	segs := ParseASRMetadata(in)
	assert.Len(t, segs, 2)
	assert.Equal(t, "the parser fails", segs[0].Text)
	assert.Equal(t, 4400*time.Millisecond, segs[0].Span.End)
	assert.Equal(t, 9300*time.Millisecond, segs[1].Span.Start, "about 0.4 s per word before its end")
	assert.Equal(t, 10500*time.Millisecond, segs[1].Span.End)
}

func TestLongUtteranceSplits(t *testing.T) {
	var b strings.Builder
	b.WriteString("<s> 0 0.1 1\n")
	for i := 0; i < 30; i++ {
		gap := 0.1
		if i == 15 {
			gap = 1.5
		}
		start := float64(i)*0.6 + gap
		b.WriteString("word " + ftoa(start) + " " + ftoa(start+0.4) + " 0.9\n")
	}
	b.WriteString("</s> 20 20.1 1\n")
	segs := ParsePocketsphinx(b.String())
	assert.GreaterOrEqual(t, len(segs), 2)
	for _, s := range segs {
		assert.LessOrEqual(t, s.Span.Len(), maxSegment)
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

func TestClassify(t *testing.T) {
	cases := []struct {
		text, app, title string
		want             session.SceneLabel
	}{
		{"anything", "Code", "main.go - Visual Studio Code", session.LabelEditor},
		{"", "gnome-terminal", "", session.LabelTerminal},
		{"", "firefox", "Claude - Mozilla Firefox", session.LabelAIAssistant},
		{"", "firefox", "net/http - Go Packages", session.LabelBrowserDocs},
		{"$ go test ./...\nok  demo 0.1s", "", "", session.LabelTerminal},
		{"package main\nfunc main() {\n\treturn\n}", "", "", session.LabelEditor},
		{"https://docs.python.org/3/\nThe Python documentation", "", "", session.LabelBrowserDocs},
		{"Claude: I can help.\nAsk Claude anything", "", "", session.LabelAIAssistant},
		{"", "", "", session.LabelOther},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Classify(c.text, c.app, c.title), "%q %q %q", c.text, c.app, c.title)
	}
}

func TestFindErrors(t *testing.T) {
	cases := map[string]string{
		"go compile":   "./main.go:12:3: undefined: parseConfig",
		"go test":      "--- FAIL: TestParse (0.00s)",
		"python":       "Traceback (most recent call last):",
		"python error": "ValueError: invalid literal for int()",
		"js":           "TypeError: cannot read properties of undefined",
		"ts":           "src/app.ts(3,7): error TS2322: Type 'string' is not assignable",
		"rust":         "error[E0425]: cannot find value `x` in this scope",
		"rust panic":   "thread 'main' panicked at src/main.rs:2:5",
	}
	for name, line := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, []string{line}, FindErrors("some text\n"+line+"\nmore text"))
		})
	}
	assert.Empty(t, FindErrors("func main() {\n\treturn nil\n}"))
}

func TestFileMatcher(t *testing.T) {
	m := newFileMatcher([]string{"config/config.go", "config/config_test.go", "a/util.go", "b/util.go", "README.md"})
	got := m.match("editing /home/me/demo/config/config.go and config_test.go, util.go, README.md")
	assert.Equal(t, []string{"config/config.go", "config/config_test.go", "README.md"}, got, "util.go is ambiguous")
}

func TestSearchRanking(t *testing.T) {
	ix := newBM25([]doc{
		{Type: session.Spoken, Span: session.Span{End: time.Second}, Text: "we talk about the weather"},
		{Type: session.Spoken, Span: session.Span{Start: time.Second, End: 2 * time.Second}, Text: "the parseConfig function reads the config file"},
		{Type: session.Spoken, Span: session.Span{Start: 2 * time.Second, End: 3 * time.Second}, Text: "config config config"},
	})
	hits := ix.search("parse config")
	if assert.NotEmpty(t, hits) {
		assert.Equal(t, time.Second, hits[0].Span.Start, "identifier parts match the query words")
	}
	assert.Empty(t, ix.search("zebra"))
	assert.Equal(t, []string{"parsehttpconfig", "parse", "http", "config"}, tokenize("parseHTTPConfig"))
}

func TestWordErrorRate(t *testing.T) {
	assert.Equal(t, 0.0, WordErrorRate("I will fix it.", "i will fix it"))
	assert.InDelta(t, 0.25, WordErrorRate("i will fix it", "i will fix"), 1e-9)
	assert.InDelta(t, 0.5, WordErrorRate("i will fix it", "you will fix that"), 1e-9)
}

func TestMarkdownHTML(t *testing.T) {
	cases := []struct{ in, want string }{
		{"# Title", "<h1>Title</h1>\n"},
		{"a <b>bold</b> & more", "<p>a &lt;b&gt;bold&lt;/b&gt; &amp; more</p>\n"},
		{"- one\n- **two**", "<ul>\n<li>one</li>\n<li><strong>two</strong></li>\n</ul>\n"},
		{"1. x\n2. y", "<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n"},
		{"- [x] done", "<ul>\n<li>☑ done</li>\n</ul>\n"},
		{"```\n<b>\n```", "<pre><code>&lt;b&gt;\n</code></pre>\n"},
		{"[ok](https://x.test/a) [bad](javascript:alert)", "<p><a href=\"https://x.test/a\">ok</a> bad</p>\n"},
		{"| a | b |\n|---|---|\n| `c` | d |", "<table>\n<thead><tr><th>a</th><th>b</th></tr></thead>\n<tbody>\n<tr><td><code>c</code></td><td>d</td></tr>\n</tbody>\n</table>\n"},
		{"<!-- trace:focus:x -->\ntext", "<p>text</p>\n"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, MarkdownHTML(c.in), c.in)
	}
}

func FuzzParsePocketsphinx(f *testing.F) {
	f.Add(psOutput)
	f.Add("<s> 1 0 1\nx -1 2 3\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, sg := range ParsePocketsphinx(s) {
			if !sg.Span.Valid() && sg.Span.Len() != 0 || sg.Span.Start < 0 {
				t.Fatalf("bad span %v", sg.Span)
			}
		}
	})
}

func FuzzParseASRMetadata(f *testing.F) {
	f.Add("frame:1 pts:1 pts_time:4.4\nlavfi.asr.text=a b\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, sg := range ParseASRMetadata(s) {
			if !sg.Span.Valid() {
				t.Fatalf("invalid span %v", sg.Span)
			}
		}
	})
}

func FuzzMarkdownHTML(f *testing.F) {
	f.Add("# a\n- b\n| c |\n|---|\n[x](javascript:y) <script>")
	f.Fuzz(func(t *testing.T, s string) {
		out := MarkdownHTML(s)
		if strings.Contains(strings.ToLower(out), "<script") || strings.Contains(strings.ToLower(out), "javascript:\"") {
			t.Fatalf("unsafe output for %q: %s", s, out)
		}
		if strings.Contains(strings.ToLower(out), "href=\"javascript:") {
			t.Fatalf("unsafe link for %q", s)
		}
	})
}

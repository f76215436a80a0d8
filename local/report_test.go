package local

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/internal/testutil"
)

func TestSinkUpserts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	k := NewSink(dir)
	pr := ghpr.PR{Owner: "o", Repo: "r", Number: 1}
	focus := ghpr.Key{Kind: "focus", Session: "s1"}
	planted := "token ghp_" + strings.Repeat("a1B2", 10)

	c1, err := k.UpsertComment(ctx, pr, focus, "first "+planted)
	require.NoError(t, err)
	c2, err := k.UpsertComment(ctx, pr, focus, "second")
	require.NoError(t, err)
	assert.Equal(t, c1.ID, c2.ID, "same key, same comment")
	b, err := os.ReadFile(filepath.Join(dir, "focus.md"))
	require.NoError(t, err)
	assert.Equal(t, focus.Marker()+"\nsecond\n", string(b))
	assert.NotContains(t, c1.Body, "ghp_")

	// Human text around the section stays.
	require.NoError(t, os.WriteFile(filepath.Join(dir, SinkDescription), []byte("My own words.\n"), 0o600))
	desc := ghpr.Key{Kind: "description", Session: "s1"}
	require.NoError(t, k.UpsertSection(ctx, pr, desc, "## What\nv1 "+planted))
	require.NoError(t, k.UpsertSection(ctx, pr, desc, "## What\nv2"))
	b, err = os.ReadFile(filepath.Join(dir, SinkDescription))
	require.NoError(t, err)
	assert.Equal(t, "My own words.\n\n"+desc.Marker()+"\n## What\nv2\n"+endMarker(desc)+"\n", string(b))

	q := ghpr.Comment{ID: 7, Kind: ghpr.IssueComment, Author: "rev", Body: "/trace why the lexer?"}
	r1, err := k.Reply(ctx, pr, q, "Because of the error at 0:12. "+planted)
	require.NoError(t, err)
	r2, err := k.Reply(ctx, pr, q, "Also see 0:40.")
	require.NoError(t, err)
	assert.NotEqual(t, r1.ID, r2.ID)
	assert.Equal(t, int64(7), r1.InReplyTo)
	b, err = os.ReadFile(filepath.Join(dir, SinkQA))
	require.NoError(t, err)
	assert.Contains(t, string(b), "> /trace why the lexer?")
	assert.Contains(t, string(b), "Also see 0:40.")
	assert.NotContains(t, string(b), "ghp_")
}

func TestMergeSection(t *testing.T) {
	key := ghpr.Key{Kind: "description", Session: "abc"}
	sec := func(body string) string { return key.Marker() + "\n" + body + "\n" + endMarker(key) }
	cases := []struct{ name, doc, body, want string }{
		{"empty", "", "x", sec("x") + "\n"},
		{"append", "human\n", "x", "human\n\n" + sec("x") + "\n"},
		{"replace keeps both sides", "top\n" + sec("old") + "\nbottom\n", "new", "top\n" + sec("new") + "\nbottom\n"},
		{"unterminated", "top\n" + key.Marker() + "\nold", "new", "top\n" + sec("new") + "\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, MergeSection(c.doc, key, c.body)) })
	}
}

func TestReportInChromium(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe", "chromium")
	ctx := context.Background()
	work := t.TempDir()
	p := testPlan(t, work)
	out, err := NewRenderer(RendererOptions{}).Render(ctx, p)
	require.NoError(t, err)
	rel := func(path string) string { r, err := filepath.Rel(p.OutDir, path); require.NoError(t, err); return r }
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="40"><rect width="300" height="40" fill="#2da44e"/><rect x="300" width="300" height="40" fill="#cf222e"/></svg>`
	page, err := WriteReport(p.OutDir, ReportData{
		Title: "Fix the config parser", Subtitle: "o/r#1",
		Video: rel(out.Video.Path), Poster: rel(out.Poster.Path), Captions: rel(out.Captions.Path), Chapters: RenderChapters,
		ChapterList: ReportChapters(p), TimelineSVG: svg,
		Description:     "## What\nFixed `parseConfig` in **config/config.go**.\n\n<script>alert(1)</script>",
		Focus:           "- [ ] Check `config/config.go` around the error at 0:05",
		ContributionMap: "| file | human | agent |\n|---|---|---|\n| config/config.go | 12 | 3 |",
	})
	require.NoError(t, err)
	html, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.NotContains(t, string(html), "<script>alert", "markdown HTML is escaped")
	assert.NotRegexp(t, `(src|href)="(https?:)?//`, string(html), "no network references")

	browser := func(args ...string) string {
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
			"--disable-sync", "--no-first-run", "--mute-audio", "--user-data-dir=" + t.TempDir(), "--virtual-time-budget=5000"}
		cmd := exec.CommandContext(ctx, "chromium", append(append(base, args...), "file://"+page)...)
		b, err := cmd.Output()
		require.NoError(t, err, "chromium %v", args)
		return string(b)
	}
	dom := browser("--dump-dom")
	for _, id := range []string{"walkthrough", "timeline", "description", "focus", "contribution-map"} {
		assert.Contains(t, dom, `<section id="`+id+`">`)
	}
	assert.Contains(t, dom, "<td>config/config.go</td>")
	assert.Contains(t, dom, "<code>parseConfig</code>")
	// The page's script reports into attributes of <body>; read them there
	// (the script's own text names them too).
	bodyTag := regexp.MustCompile(`<body[^>]*>`).FindString(dom)
	require.NotEmpty(t, bodyTag)
	assert.NotContains(t, bodyTag, `data-video-error`, "the video element failed to load")
	assert.NotContains(t, bodyTag, `data-track-error`, "a caption or chapter track failed to load from file://")
	assert.Contains(t, bodyTag, `data-tracks-loaded="2"`, "captions and chapters load from file://")
	if m := regexp.MustCompile(`data-video-duration="([0-9.]+)"`).FindStringSubmatch(bodyTag); m != nil {
		d, _ := strconv.ParseFloat(m[1], 64)
		assert.InDelta(t, p.Duration.Seconds(), d, 0.2, "the browser loaded the video")
	} else {
		t.Logf("this chromium did not report the video's metadata (no H.264 decoder?); checked with ffprobe instead")
	}
	src := regexp.MustCompile(`<source src="([^"]+)"`).FindStringSubmatch(dom)
	require.NotNil(t, src)
	info, err := newRunner(nil).probe(ctx, filepath.Join(p.OutDir, src[1]))
	require.NoError(t, err)
	assert.True(t, info.HasVideo && info.HasAudio)

	shot := filepath.Join(t.TempDir(), "report.png")
	browser("--screenshot="+shot, "--window-size=1100,1400")
	fi, err := os.Stat(shot)
	require.NoError(t, err)
	assert.Greater(t, fi.Size(), int64(10_000))
	if dir := os.Getenv("TRACE_ARTIFACTS"); dir != "" {
		b, _ := os.ReadFile(shot)
		_ = os.WriteFile(filepath.Join(dir, "report.png"), b, 0o644)
	}
	t.Logf("screenshot: %s", shot)
}

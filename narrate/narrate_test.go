package narrate

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/markdown"
	"github.com/tracepr/trace/session"
)

// scripted is a Writer answering from a list (kept here: narratetest
// imports this package).
type scripted struct {
	replies []string
	errs    []error
	prompts []Prompt
}

func (s *scripted) Write(ctx context.Context, p Prompt) (string, error) {
	i := len(s.prompts)
	s.prompts = append(s.prompts, p)
	if i >= len(s.replies) {
		i = len(s.replies) - 1
	}
	var err error
	if i < len(s.errs) {
		err = s.errs[i]
	}
	return s.replies[i], err
}

func fixturePR() PRPack {
	return BuildPRPack(PRInput{Title: "Reject corrupt metadata", Branch: "fix-store", Evidence: fixtureEvidence(), Diff: fixtureDiff(), Clips: fixtureClips()})
}

func TestGoldenPrompts(t *testing.T) {
	packs := ClipPacks(fixtureEvidence(), fixtureDiff(), fixtureClips(), PackOptions{})
	pr := fixturePR()
	tmpl := fixturePR()
	tmpl.Template = "## Summary\n<!-- what and why -->\n\n## How to test\n\n- [ ] CI passes"
	focus := &FocusInput{Items: []FocusItem{{Path: "session/store.go", Score: 4, Ranges: [][2]int{{41, 43}},
		Reasons: []FocusReason{{Text: "stuck on a panic", Span: span(35, 60), Kind: "stuck"}}, Pack: &packs[0]}}}
	answer := &AnswerInput{Question: "why the map init?", Hits: []AnswerHit{{Span: span(95, 104), Type: session.Spoken, Text: "The docs say json Unmarshal leaves the map nil, so I initialise it first.", Score: 0.8}}}
	for name, p := range map[string]Prompt{
		"clip-narration": ClipNarrationPrompt(packs[1:], []string{"Why is this panicking?"}),
		"description":    DescriptionPrompt(&pr),
		"template":       DescriptionPrompt(&tmpl),
		"focus":          FocusPrompt(focus),
		"answer":         AnswerPrompt(answer),
	} {
		t.Run(name, func(t *testing.T) {
			golden(t, "prompts/"+name+".txt", []byte("SYSTEM:\n"+p.System+"\n\nUSER:\n"+p.User+"\n"))
		})
	}
}

func TestBudgetChars(t *testing.T) {
	assert.Equal(t, 60, BudgetChars(2*time.Second))
	assert.Equal(t, 300, BudgetChars(25*time.Second))
}

func TestParseChunks(t *testing.T) {
	idx := []int{3, 4}
	tests := []struct {
		name    string
		reply   string
		want    map[int]string
		missing []int
	}{
		{"json", `{"chunks":[{"index":3,"text":"One."},{"index":4,"text":"Two."}]}`, map[int]string{3: "One.", 4: "Two."}, nil},
		{"fenced with prose", "Sure! Here it is:\n```json\n{\"chunks\":[{\"index\":3,\"text\":\"**One.**\"}]}\n```\nHope it helps.", map[int]string{3: "One."}, []int{4}},
		{"bare list of strings", `["One.", "Two."]`, map[int]string{3: "One.", 4: "Two."}, nil},
		{"index object", `{"4": "Two."}`, map[int]string{4: "Two."}, []int{3}},
		{"bracket lines", "[3] One.\n[4] Two.\n", map[int]string{3: "One.", 4: "Two."}, nil},
		{"out of range ignored", `{"chunks":[{"index":9,"text":"x"},{"index":3,"text":"One."}]}`, map[int]string{3: "One."}, []int{4}},
		{"garbage", "I cannot help with that", map[int]string{}, []int{3, 4}},
		{"empty text counts missing", `{"chunks":[{"index":3,"text":"  "}]}`, map[int]string{}, []int{3, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, missing := ParseChunks(tt.reply, idx)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.missing, missing)
		})
	}
}

func TestParseDescription(t *testing.T) {
	d, err := ParseDescription("Here:\n```json\n{\"summary\":\"Fix it.\",\"Follow-ups\":\"- add fuzz\\n- check schema\",\"test plan\":[\"1. run go test\"]}\n```", false)
	require.NoError(t, err)
	assert.Equal(t, "Fix it.", d.Summary)
	assert.Equal(t, []string{"add fuzz", "check schema"}, d.FollowUps)
	assert.Equal(t, []string{"run go test"}, d.TestPlan)
	_, err = ParseDescription("no json here", false)
	assert.ErrorIs(t, err, ErrReply)
	_, err = ParseDescription(`{"unrelated": 1}`, false)
	assert.ErrorIs(t, err, ErrReply)
	d, err = ParseDescription("```markdown\n## Summary\nx\n```", true)
	require.NoError(t, err)
	assert.Equal(t, "## Summary\nx", d.Filled)
}

func TestParseFocusAndAnswer(t *testing.T) {
	got, err := ParseFocus(`{"items":[{"path":"a.go","text":"Look."},{"path":"zzz.go","text":"no"}]}`, []string{"a.go"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a.go": "Look."}, got)
	_, err = ParseFocus("nope", nil)
	assert.ErrorIs(t, err, ErrReply)
	a, err := ParseAnswer("**Answer:** Because the map was nil.")
	require.NoError(t, err)
	assert.Equal(t, "Because the map was nil.", a)
	_, err = ParseAnswer("  ")
	assert.ErrorIs(t, err, ErrReply)
}

// TestOfflinePassesChecker: everything the offline writer says is grounded.
func TestOfflinePassesChecker(t *testing.T) {
	ctx := context.Background()
	g := NewGrounds(fixtureEvidence(), fixtureDiff())
	n := &Narrator{Grounds: g}
	packs := ClipPacks(fixtureEvidence(), fixtureDiff(), fixtureClips(), PackOptions{})
	scripts, err := n.Clips(ctx, packs)
	require.NoError(t, err)
	require.Len(t, scripts, 3)
	for _, s := range scripts {
		assert.True(t, s.Verdict.Grounded, "clip %d %q: %s", s.Index, s.Text, s.Verdict)
		assert.Empty(t, s.Verdict.Replaced)
		assert.LessOrEqual(t, len(s.Text), BudgetChars(s.Span.Len()))
	}
	assert.NotEqual(t, scripts[0].Text, scripts[1].Text)

	pr := fixturePR()
	d, err := n.Description(ctx, &pr)
	require.NoError(t, err)
	assert.True(t, d.Verdict.Grounded, d.Verdict.String())
	assert.Equal(t, "Reject corrupt metadata.", d.Summary)
	assert.Contains(t, d.Why, "because the loader crashed")
	assert.Contains(t, d.Struggles[0], "panic: assignment to entry in nil map")
	assert.Contains(t, d.TestPlan, "Run `go test ./session` (it ran during the session).")
	assert.Contains(t, d.FollowUps[0], "come back later")

	f, v, err := n.Focus(ctx, &FocusInput{Items: []FocusItem{{Path: "session/store.go", Reasons: []FocusReason{{Text: "stuck on a panic", Span: span(35, 60)}}, Pack: &packs[0]}}})
	require.NoError(t, err)
	assert.True(t, v.Grounded, v.String())
	assert.Equal(t, `Stuck on a panic (0:35–1:00). The screen showed "panic: assignment to entry in nil map".`, f[0].Text)

	a, err := n.Answer(ctx, &AnswerInput{Question: "why?", Hits: []AnswerHit{{Span: span(95, 104), Type: session.Spoken, Text: "The docs say json Unmarshal leaves the map nil."}}})
	require.NoError(t, err)
	assert.True(t, a.Verdict.Grounded, a.Verdict.String())
	assert.Equal(t, `At 1:35 I said: "The docs say json Unmarshal leaves the map nil.".`, a.Text)

	tmpl := fixturePR()
	tmpl.Template = "## Summary\n<!-- say what -->\n\n## Testing\n"
	d, err = n.Description(ctx, &tmpl)
	require.NoError(t, err)
	assert.Equal(t, "## Summary\n\nReject corrupt metadata.\n\n## Testing\n\n- Run `go test ./session` (it ran during the session).\n- Read the tests in `session/store_test.go`.", d.Filled)
}

func TestNarratorRegeneratesOnceThenRepairs(t *testing.T) {
	ctx := context.Background()
	packs := ClipPacks(fixtureEvidence(), fixtureDiff(), fixtureClips()[:1], PackOptions{})
	bad := `{"chunks":[{"index":0,"text":"I fixed parseMetadata in loader.go. The Open function returns a nil map."}]}`
	good := `{"chunks":[{"index":0,"text":"The Open function returns a nil map, so the test panics."}]}`

	t.Run("second reply grounded", func(t *testing.T) {
		w := &scripted{replies: []string{bad, good}}
		s, err := (&Narrator{Writer: w, Grounds: NewGrounds(fixtureEvidence(), fixtureDiff())}).Clips(ctx, packs)
		require.NoError(t, err)
		require.Len(t, w.prompts, 2)
		assert.Contains(t, w.prompts[1].User, `identifier "parseMetadata"`, "the problem is stated")
		assert.Contains(t, w.prompts[1].User, `file "loader.go"`)
		assert.Equal(t, "The Open function returns a nil map, so the test panics.", s[0].Text)
		assert.True(t, s[0].Verdict.Grounded)
		assert.Equal(t, 2, s[0].Verdict.Attempts)
	})
	t.Run("still invented: sentence replaced", func(t *testing.T) {
		w := &scripted{replies: []string{bad, bad}}
		s, err := (&Narrator{Writer: w, Grounds: NewGrounds(fixtureEvidence(), fixtureDiff())}).Clips(ctx, packs)
		require.NoError(t, err)
		assert.Len(t, w.prompts, 2, "regenerated once only")
		assert.NotContains(t, s[0].Text, "parseMetadata")
		assert.True(t, s[0].Verdict.Grounded, s[0].Verdict.String())
		require.Len(t, s[0].Verdict.Replaced, 1)
		assert.Equal(t, "Why is this panicking?", s[0].Verdict.Replaced[0].With)
		assert.Equal(t, "Why is this panicking? The Open function returns a nil map.", s[0].Text)
	})
	t.Run("model fails: offline fallback", func(t *testing.T) {
		w := &scripted{replies: []string{""}, errs: []error{errors.New("503 from the model")}}
		s, err := (&Narrator{Writer: w, Grounds: NewGrounds(fixtureEvidence(), fixtureDiff())}).Clips(ctx, packs)
		require.NoError(t, err)
		assert.True(t, s[0].Verdict.Fallback)
		assert.Contains(t, s[0].Verdict.Error, "503")
		assert.True(t, s[0].Verdict.Grounded)
		assert.NotEmpty(t, s[0].Text)
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := (&Narrator{Writer: &scripted{replies: []string{good}}}).Clips(cctx, packs)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestDescriptionRepairKeepsStructure(t *testing.T) {
	w := &scripted{replies: []string{`{"summary":"Reject corrupt metadata.","why":"I rewrote validateSchema for speed.","test_plan":["Run ` + "`npm test`" + `"]}`}}
	pr := fixturePR()
	d, err := (&Narrator{Writer: w, Grounds: NewGrounds(fixtureEvidence(), fixtureDiff())}).Description(context.Background(), &pr)
	require.NoError(t, err)
	assert.Len(t, w.prompts, 2)
	assert.True(t, d.Verdict.Grounded, d.Verdict.String())
	assert.NotContains(t, d.Why, "validateSchema")
	assert.Empty(t, d.TestPlan)
	assert.NotEmpty(t, d.Verdict.Replaced)
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"verdict":{"grounded":true`)
}

func TestPRTextGolden(t *testing.T) {
	ctx := context.Background()
	n := &Narrator{Grounds: NewGrounds(fixtureEvidence(), fixtureDiff())}
	pr := fixturePR()
	d, err := n.Description(ctx, &pr)
	require.NoError(t, err)
	desc := DescriptionSection("s1", d, "https://example.test/w.m3u8")
	golden(t, "prtext/description.md", []byte(desc))

	chapters := []session.Chapter{
		{At: 3 * time.Second, Length: 4800 * time.Millisecond, Source: span(35, 39.8), Title: "Why is this panicking?", Kind: session.KindStuck, File: "session/store.go"},
		{At: 7800 * time.Millisecond, Length: 5 * time.Second, Source: span(90, 95), Title: "The docs say | pipes are escaped.", Kind: session.KindResearch},
	}
	walk := WalkthroughComment(Walkthrough{Session: "s1", VideoURL: "https://example.test/w.m3u8", PosterURL: "https://example.test/w.jpg",
		Duration: 21 * time.Second, Chapters: chapters,
		ClipURL: func(c session.Chapter) string { return "https://example.test/w.m3u8#t=" + session.Clock(c.At) }})
	golden(t, "prtext/walkthrough.md", []byte(walk))

	focus := FocusComment("s1", []FocusEntry{{Item: FocusItem{Path: "session/store.go", Ranges: [][2]int{{41, 43}}}, Text: "Stuck on a panic (0:35–1:00).", ClipURL: "https://example.test/c/1"}})
	golden(t, "prtext/focus.md", []byte(focus))
	golden(t, "prtext/focus-empty.md", []byte(FocusComment("s1", nil)))

	for kind, body := range map[string]string{KindDescription: desc, KindWalkthrough: walk, KindFocus: focus} {
		assert.True(t, strings.HasPrefix(body, markdown.Marker(kind, "s1")+"\n"), kind)
	}
}

func TestPRTextWithinLimit(t *testing.T) {
	var chapters []session.Chapter
	for i := 0; i < 3000; i++ {
		chapters = append(chapters, session.Chapter{At: time.Duration(i) * time.Second, Title: strings.Repeat("long title ", 5), File: "a/b.go"})
	}
	body := WalkthroughComment(Walkthrough{Session: "s1", VideoURL: "https://example.test/v", Chapters: chapters})
	assert.LessOrEqual(t, markdown.Len(body), markdown.MaxBody)
	assert.True(t, strings.HasPrefix(body, markdown.Marker(KindWalkthrough, "s1")))
	assert.Contains(t, body, "cut to fit")
	assert.Equal(t, strings.Count(body, "<details"), strings.Count(body, "</details>"))
}

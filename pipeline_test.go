package trace

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/attribution"
	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/narrate/narratetest"
	"github.com/tracepr/trace/render/rendertest"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/session/sessiontest"
)

// plantedSecret is a token-shaped string said aloud in the fixture session.
const plantedSecret = "ghp_aaaaBBBBccccDDDDeeeeFFFFgggg11112222"

const fixtureDiff = `diff --git a/cart/total.go b/cart/total.go
index 1111111..2222222 100644
--- a/cart/total.go
+++ b/cart/total.go
@@ -1,7 +1,8 @@
 package cart
 
 func Total(items []Item, discount float64) float64 {
-	sum := math.Round(subtotal(items)*100) / 100
-	return sum - discount
+	sum := subtotal(items) - discount
+	// round once, at the end
+	return math.Round(sum*100) / 100
 }
 
 func subtotal(items []Item) float64 { return 0 }
diff --git a/cart/discount.go b/cart/discount.go
index 3333333..4444444 100644
--- a/cart/discount.go
+++ b/cart/discount.go
@@ -1,3 +1,4 @@
 package cart
 
 func applyDiscount(p, d float64) float64 { return p - d }
+// TODO: store money as integer cents
diff --git a/cart/total_test.go b/cart/total_test.go
new file mode 100644
index 0000000..5555555
--- /dev/null
+++ b/cart/total_test.go
@@ -0,0 +1,7 @@
+package cart
+
+import "testing"
+
+func TestTotalEdgeCases(t *testing.T) {
+	cases := []struct{ in, want float64 }{{19.995, 19.99}, {0, 0}}
+	_ = cases
`

// agentTestLines are the lines the fake agent wrote into cart/total_test.go.
var agentTestLines = []string{
	"package cart", "", `import "testing"`, "",
	"func TestTotalEdgeCases(t *testing.T) {",
	"\tcases := []struct{ in, want float64 }{{19.995, 19.99}, {0, 0}}",
	"\t_ = cases",
}

// fakeAgent is an attribution.Source that reports one agent edit.
type fakeAgent struct{ epoch time.Time }

func (fakeAgent) Agent() string { return attribution.AgentClaudeCode }

func (f fakeAgent) Read(ctx context.Context, q attribution.Query, emit func(attribution.Edit) error) (attribution.Stats, error) {
	e := attribution.Edit{Agent: attribution.AgentClaudeCode, Model: "claude-sonnet-4-5", SessionID: "agent-1",
		At: f.epoch.Add(140500 * time.Millisecond), Tool: "Write", Path: "cart/total_test.go",
		Lines: agentTestLines, Exact: true, WholeFile: true, New: strings.Join(agentTestLines, "\n") + "\n", Log: "fake.jsonl:1"}
	if q.Keep != nil && !q.Keep(e.Path) {
		return attribution.Stats{Agent: f.Agent(), Files: 1, OtherProject: 1}, nil
	}
	if err := emit(e); err != nil {
		return attribution.Stats{}, err
	}
	return attribution.Stats{Agent: f.Agent(), Files: 1, Records: 1, Edits: 1}, nil
}

// countingSink wraps the in-memory sink and counts what reaches it.
type countingSink struct {
	*ghprtest.MemSink
	mu     sync.Mutex
	calls  map[string]int
	bodies []string
}

func (c *countingSink) note(key ghpr.Key, body string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[key.Kind]++
	c.bodies = append(c.bodies, body)
}

func (c *countingSink) UpsertComment(ctx context.Context, pr ghpr.PR, key ghpr.Key, body string) (ghpr.Comment, error) {
	c.note(key, body)
	return c.MemSink.UpsertComment(ctx, pr, key, body)
}

func (c *countingSink) UpsertSection(ctx context.Context, pr ghpr.PR, key ghpr.Key, body string) error {
	c.note(key, body)
	return c.MemSink.UpsertSection(ctx, pr, key, body)
}

func (c *countingSink) bodiesCopy() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.bodies...)
}

func (c *countingSink) count(kind string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[kind]
}

func (c *countingSink) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.calls {
		n += v
	}
	return n
}

// fixture is a three-minute session (the sample session of testdata) behind
// the fakes of every interface.
type fixture struct {
	s        *session.Session
	indexer  *sessiontest.Fake
	writer   *narratetest.Writer
	voice    *narratetest.Voice
	renderer *rendertest.Renderer
	sink     *countingSink
	pr       ghpr.PR
	diff     session.Diff
	events   []Event
	mu       sync.Mutex
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	src := filepath.Join("testdata", "sample-session")
	var meta session.Metadata
	readFixture(t, filepath.Join(src, session.MetadataFile), &meta)
	s := sessiontest.NewSession(t, meta.Length)
	s.Meta.ProjectDir = t.TempDir()
	s.Meta.Recording = "screen.mp4"
	require.NoError(t, os.WriteFile(s.Path("screen.mp4"), []byte("not read by the fakes"), 0o600))
	require.NoError(t, s.Save())
	for _, name := range []string{session.FileSaves, session.FileWindows} {
		b, err := os.ReadFile(filepath.Join(src, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(s.Path(name), b, 0o600))
	}
	var tr []session.Segment
	var sc []session.Scene
	readFixture(t, filepath.Join(src, session.FileTranscript), &tr)
	readFixture(t, filepath.Join(src, session.FileScenes), &sc)
	tr[2].Text += " and my token is " + plantedSecret

	diff, err := ghpr.ParseDiff(strings.NewReader(fixtureDiff))
	require.NoError(t, err)
	pr := ghpr.PR{Owner: "shop", Repo: "cart", Number: 7}
	mem := ghprtest.NewMemSink()
	mem.SetDescription(pr, "Fixes the rounding of discounted totals.\n\nWritten by the author.")
	return &fixture{
		s:        s,
		indexer:  sessiontest.NewFake(tr, sc, 0),
		writer:   &narratetest.Writer{Default: func(p narrate.Prompt) (string, error) { return narrate.Offline{}.Write(context.Background(), p) }},
		voice:    &narratetest.Voice{MinDuration: time.Second},
		renderer: &rendertest.Renderer{},
		sink:     &countingSink{MemSink: mem, calls: map[string]int{}},
		pr:       pr,
		diff:     diff,
	}
}

func readFixture(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v))
}

func (f *fixture) pipeline() *Pipeline {
	return &Pipeline{
		Indexer: f.indexer, Renderer: f.renderer, Writer: f.writer, Voice: f.voice, Sink: f.sink,
		Options: Options{
			Agents:           []attribution.Source{fakeAgent{epoch: f.s.Meta.Epoch}},
			VoiceConcurrency: 2,
			Progress: func(e Event) {
				f.mu.Lock()
				f.events = append(f.events, e)
				f.mu.Unlock()
			},
		},
	}
}

func (f *fixture) request() Request {
	return Request{Diff: &f.diff, PR: &f.pr, Title: "cart: round discounted totals once", Branch: "fix-rounding"}
}

// work counts the calls of every fake.
type work struct{ Index, Writer, Voice, Render, Publish int }

func (f *fixture) work() work {
	return work{f.indexer.Work(), len(f.writer.Prompts()), len(f.voice.Texts()), len(f.renderer.Plans()), f.sink.total()}
}

func (w work) minus(o work) work {
	return work{w.Index - o.Index, w.Writer - o.Writer, w.Voice - o.Voice, w.Render - o.Render, w.Publish - o.Publish}
}

func (f *fixture) run(t *testing.T, p *Pipeline) (*Result, error) {
	t.Helper()
	ctx := context.Background()
	if f.s.Meta.Status == session.StatusCaptured || f.s.Meta.Status == session.StatusIndexFailed {
		if _, err := p.Stop(ctx, f.s); err != nil {
			return nil, err
		}
	}
	return p.Generate(ctx, f.s, f.request())
}

// checkComplete asserts that every artefact exists and was published once.
func (f *fixture) checkComplete(t *testing.T, res *Result) {
	t.Helper()
	require.NotNil(t, res)
	assert.Equal(t, session.StatusGenerated, f.s.Meta.Status)
	assert.NotEmpty(t, res.Clips)
	assert.Len(t, res.Scripts, len(res.Clips))
	assert.Len(t, res.Voice, len(res.Clips))
	require.NotNil(t, res.Plan)
	assert.Equal(t, res.Plan.Duration, res.Video.Video.Duration)
	assert.NotEmpty(t, res.Description.Summary)
	assert.NotEmpty(t, res.Focus.Files)
	assert.Equal(t, 7, res.Attribution.Totals.Agent, "the agent wrote every line of the new test")
	for _, kind := range []string{KindWalkthrough, KindFocus, KindContributionMap} {
		n := 0
		for _, c := range f.sink.Comments(f.pr) {
			if ghpr.HasMarker(c.Body, ghpr.Key{Kind: kind, Session: f.s.ID()}) {
				n++
			}
		}
		assert.Equal(t, 1, n, "one %s comment", kind)
	}
	assert.Len(t, f.sink.Comments(f.pr), 3, "no other comment")
	desc := f.sink.Description(f.pr)
	assert.True(t, strings.HasPrefix(desc, "Fixes the rounding of discounted totals.\n\nWritten by the author."), "the author's text stays first and untouched")
	assert.Equal(t, 1, strings.Count(desc, ghpr.Key{Kind: KindDescription, Session: f.s.ID()}.Marker()), "one description section")
	assert.Contains(t, f.s.Meta.PRs, f.pr.URL())
}

func TestPipelineProducesEveryArtefact(t *testing.T) {
	f := newFixture(t)
	p := f.pipeline()
	ctx := context.Background()

	sr, err := p.Stop(ctx, f.s)
	require.NoError(t, err)
	assert.Equal(t, session.StatusIndexed, f.s.Meta.Status)
	assert.Equal(t, 8, sr.Segments)
	assert.Positive(t, sr.Moments)
	assert.Equal(t, 1, sr.Agent, "the agent's edit became a timeline event")
	assert.True(t, f.s.Exists(session.FileTimeline))
	agent, _, err := session.ReadJSONL[session.AgentEvent](f.s.Path(session.FileAgent))
	require.NoError(t, err)
	require.Len(t, agent, 1)
	assert.Equal(t, "cart/total_test.go", agent[0].Path)
	assert.InDelta(t, 140.5, agent[0].At.Seconds(), 0.001)

	res, err := p.Generate(ctx, f.s, f.request())
	require.NoError(t, err)
	f.checkComplete(t, res)
	assert.Equal(t, "generate/shop-cart-7/", res.Dir)
	for _, name := range []string{"diff.json", "timeline.json", "clips.json", "attribution.json", "focus.json", "scripts.json",
		"description.json", "voice/0.json", "plan.json", "render.json", "publish/walkthrough.json", "publish/description.json",
		"publish/focus.json", "publish/contribution-map.json"} {
		assert.True(t, f.s.Exists(res.Dir+name), name)
	}
	assert.Equal(t, len(res.Clips), len(f.voice.Texts()), "one voice call per clip")
	assert.LessOrEqual(t, f.voice.MaxConcurrent(), 2, "voice concurrency is bounded")
	assert.Len(t, f.renderer.Plans(), 1)
	assert.Equal(t, 4, f.sink.total(), "four artefacts published")
	assert.Contains(t, res.Bodies[KindFocus], "cart/total.go")
	assert.Contains(t, res.Bodies[KindContributionMap], "cart/total_test.go")
	assert.Contains(t, f.sink.Description(f.pr), "## What changed")

	// The planted secret never reaches the sink (checked before the sink's
	// own redaction), nor anything stored for publishing.
	for _, b := range f.sink.bodies {
		assert.NotContains(t, b, plantedSecret)
	}
	assert.NotContains(t, f.sink.Description(f.pr), plantedSecret)
	for _, c := range f.sink.Comments(f.pr) {
		assert.NotContains(t, c.Body, plantedSecret)
	}

	// A second run does nothing new and publishes nothing.
	before := f.work()
	f.events = nil
	res2, err := p.Generate(ctx, f.s, f.request())
	require.NoError(t, err)
	assert.Equal(t, work{}, f.work().minus(before), "nothing done twice")
	assert.Equal(t, res.Clips, res2.Clips)
	assert.Equal(t, res.Description, res2.Description)
	for _, e := range f.events {
		assert.Contains(t, []State{StateSkipped, StateProgress}, e.State, e.Step)
	}
	f.checkComplete(t, res2)
}

// generateSteps lists the steps a full run recorded, by full name.
func generateSteps(s *session.Session, prefix string) []string {
	var out []string
	for name := range s.Meta.Steps {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// stepKind says which fake a step calls: "index", "writer", "voice",
// "render", "publish" or "" for none.
func stepKind(step string) string {
	name := step[strings.LastIndex(step, "/")+1:]
	switch {
	case strings.Contains(step, "/voice/"):
		return "voice"
	case strings.Contains(step, "/publish/"):
		return "publish"
	case name == "scripts", name == "description", name == "focus":
		return "writer"
	case name == "render", name == "index":
		return name
	}
	return ""
}

func (w work) of(kind string) int {
	return map[string]int{"index": w.Index, "writer": w.Writer, "voice": w.Voice, "render": w.Render, "publish": w.Publish}[kind]
}

func TestPipelineResumesAfterAFailureAtEveryStep(t *testing.T) {
	clean := newFixture(t)
	res, err := clean.run(t, clean.pipeline())
	require.NoError(t, err)
	clean.checkComplete(t, res)
	want := clean.work()
	steps := append(generateSteps(clean.s, "stop/"), generateSteps(clean.s, res.Dir)...)
	for _, must := range []string{"stop/index", "stop/agent", "stop/timeline", res.Dir + "diff", res.Dir + "clips", res.Dir + "attribution",
		res.Dir + "focus", res.Dir + "scripts", res.Dir + "description", res.Dir + "voice/0", res.Dir + "plan", res.Dir + "render",
		res.Dir + "publish/walkthrough", res.Dir + "publish/description", res.Dir + "publish/focus", res.Dir + "publish/contribution-map"} {
		require.Contains(t, steps, must)
	}

	for _, step := range steps {
		t.Run("killed before "+step, func(t *testing.T) {
			f := newFixture(t)
			p := f.pipeline()
			p.failBefore = step
			_, err := f.run(t, p)
			require.ErrorIs(t, err, ErrInjected)
			assert.True(t, f.s.Meta.Status.Failed(), "status %s records the failure", f.s.Meta.Status)
			assert.Contains(t, f.s.Meta.Error, step)

			p.failBefore = ""
			res, err := f.run(t, p)
			require.NoError(t, err)
			f.checkComplete(t, res)
			assert.Equal(t, want, f.work(), "across both runs, every piece of work was done exactly once")
		})
		t.Run("failed after "+step, func(t *testing.T) {
			f := newFixture(t)
			p := f.pipeline()
			p.failAt = step
			_, err := f.run(t, p)
			require.ErrorIs(t, err, ErrInjected)
			first := f.work()

			p.failAt = ""
			res, err := f.run(t, p)
			require.NoError(t, err)
			f.checkComplete(t, res)
			again := f.work().minus(first)
			// Only the step that failed (its work done, its record lost) is
			// redone; everything recorded before is reused.
			for _, kind := range []string{"index", "writer", "voice", "render", "publish"} {
				total := first.of(kind) + again.of(kind)
				if kind == stepKind(step) && kind != "index" { // an Indexer reuses its own work
					assert.Greater(t, total, want.of(kind), "%s: the failed step's %s work is redone", step, kind)
					assert.LessOrEqual(t, total, 2*want.of(kind), "%s: %s work redone at most once", step, kind)
					continue
				}
				assert.Equal(t, want.of(kind), total, "%s: no %s work done twice", step, kind)
			}
		})
	}
}

func TestPipelineCancelledMidwayResumes(t *testing.T) {
	f := newFixture(t)
	p := f.pipeline()
	ctx, cancel := context.WithCancel(context.Background())
	p.Progress = func(e Event) {
		if strings.HasSuffix(e.Step, "/plan") && e.State == StateStart {
			cancel()
		}
	}
	_, err := p.Stop(ctx, f.s)
	require.NoError(t, err)
	_, err = p.Generate(ctx, f.s, f.request())
	require.ErrorIs(t, err, context.Canceled)
	// Focus and contribution map do not depend on the video and may be out
	// already; the walkthrough and the description link it, so they wait.
	assert.Equal(t, 0, f.sink.count(KindWalkthrough), "no walkthrough before the video")
	assert.Equal(t, 0, f.sink.count(KindDescription), "no description section before the video")

	p.Progress = nil
	res, err := p.Generate(context.Background(), f.s, f.request())
	require.NoError(t, err)
	f.checkComplete(t, res)
	assert.Equal(t, len(res.Clips), len(f.voice.Texts()), "the voice done before the cancel was kept")
}

func TestPipelineVoiceFailureBecomesCaptionCardAndIsRetried(t *testing.T) {
	f := newFixture(t)
	p := f.pipeline()
	_, err := p.Stop(context.Background(), f.s)
	require.NoError(t, err)
	dry, err := p.Generate(context.Background(), f.s, Request{Diff: &f.diff, DryRun: true})
	require.NoError(t, err)
	require.NotEmpty(t, dry.Scripts)
	assert.Empty(t, f.voice.Texts(), "a dry run speaks nothing")
	assert.Empty(t, f.renderer.Plans(), "a dry run renders nothing")
	assert.Equal(t, 0, f.sink.total(), "a dry run publishes nothing")
	assert.Equal(t, session.StatusIndexed, f.s.Meta.Status)

	f.voice.FailOn = []string{dry.Scripts[0].Text[:20]}
	res, err := p.Generate(context.Background(), f.s, f.request())
	require.NoError(t, err)
	require.True(t, res.Voice[0].Failed())
	seg := res.Plan.Segments[1]
	require.NotNil(t, seg.Card, "the clip without voice shows its text on a card")

	f.voice.FailOn = nil
	n := len(f.voice.Texts())
	res, err = p.Generate(context.Background(), f.s, f.request())
	require.NoError(t, err)
	assert.False(t, res.Voice[0].Failed())
	assert.Equal(t, n+1, len(f.voice.Texts()), "only the failed clip is spoken again")
	assert.Len(t, f.renderer.Plans(), 2, "the new plan is rendered")
	assert.Len(t, f.sink.Comments(f.pr), 3, "the walkthrough comment was edited in place")
}

func TestGenerateNeedsAnIndexedSession(t *testing.T) {
	f := newFixture(t)
	_, err := f.pipeline().Generate(context.Background(), f.s, f.request())
	require.ErrorIs(t, err, session.ErrNotIndexed)
	assert.Equal(t, session.StatusCaptured, f.s.Meta.Status)

	f.s.Meta.Status = session.StatusRecording
	_, err = f.pipeline().Stop(context.Background(), f.s)
	require.ErrorIs(t, err, ErrNotCaptured)
}

func TestRequestKey(t *testing.T) {
	for _, c := range []struct {
		pr   *ghpr.PR
		want string
	}{
		{nil, "local"},
		{&ghpr.PR{Owner: "Org", Repo: "my.repo", Number: 12}, "org-my.repo-12"},
		{&ghpr.PR{Host: "ghe.example.com", Owner: "o", Repo: "r", Number: 1}, "ghe.example.com-o-r-1"},
	} {
		assert.Equal(t, c.want, Request{PR: c.pr}.Key())
	}
}

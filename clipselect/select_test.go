package clipselect_test

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/session"
)

func sec(s float64) time.Duration  { return time.Duration(s * float64(time.Second)) }
func sp(a, b float64) session.Span { return session.Span{Start: sec(a), End: sec(b)} }

// tl is a timeline held as a value.
type tl struct {
	L  time.Duration
	ms []session.Moment
}

func (t tl) Length() time.Duration     { return t.L }
func (t tl) Moments() []session.Moment { return t.ms }

func mom(k session.MomentKind, a, b, conf float64, files ...string) session.Moment {
	return session.Moment{Kind: k, Span: sp(a, b), Confidence: conf, Files: files}
}

func diffOf(paths ...string) *session.Diff {
	d := &session.Diff{}
	for _, p := range paths {
		d.Files = append(d.Files, session.FileDiff{Path: p, Status: session.FileModified})
	}
	return d
}

func filesOf(cs []session.Clip) map[string]int {
	out := map[string]int{}
	for _, c := range cs {
		for _, f := range c.Files {
			out[f]++
		}
	}
	return out
}

func TestSelectCoversEveryFileFirst(t *testing.T) {
	// a.go has three strong moments; b.go and c.go one weak moment each.
	ms := []session.Moment{
		mom(session.KindProgress, 10, 20, 0.95, "a.go"), mom(session.KindIdle, 20, 100, 0),
		mom(session.KindProgress, 100, 110, 0.95, "a.go"), mom(session.KindProgress, 200, 210, 0.95, "a.go"),
		mom(session.KindProgress, 300, 310, 0.3, "b.go"), mom(session.KindProgress, 400, 410, 0.3, "c.go"),
	}
	res, err := clipselect.Select(tl{600 * time.Second, ms}, session.Evidence{}, diffOf("a.go", "b.go", "c.go"),
		clipselect.Options{Budget: clipselect.Budget{Min: time.Second, Max: 42 * time.Second}, MaxClip: 14 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"a.go": 1, "b.go": 1, "c.go": 1}, filesOf(res.Clips))
}

// The seed dropped its two best diff clips when the budget allowed a second
// pass over them (a duplicate re-add). Saves on three files and one spoken
// remark about the agent must give four clips.
func TestSelectSeedDuplicateBug(t *testing.T) {
	ms := []session.Moment{
		mom(session.KindProgress, 10, 16, 0.9, "a.py"), mom(session.KindProgress, 60, 66, 0.9, "b.py"),
		mom(session.KindProgress, 120, 126, 0.9, "c.py"), mom(session.KindSpeech, 200, 210, 0.7),
	}
	res, err := clipselect.Select(tl{300 * time.Second, ms}, session.Evidence{}, diffOf("a.py", "b.py", "c.py"), clipselect.Options{})
	require.NoError(t, err)
	require.Len(t, res.Clips, 4)
	assert.Equal(t, map[string]int{"a.py": 1, "b.py": 1, "c.py": 1}, filesOf(res.Clips))
	assert.GreaterOrEqual(t, res.Total, 30*time.Second, "grown to the budget's minimum")
}

func TestSelectRelevanceIsExactPath(t *testing.T) {
	ms := []session.Moment{mom(session.KindProgress, 10, 16, 0.9, "a/__init__.py")}
	res, err := clipselect.Select(tl{60 * time.Second, ms}, session.Evidence{}, diffOf("b/__init__.py"), clipselect.Options{})
	require.NoError(t, err)
	require.Len(t, res.Clips, 1)
	assert.Empty(t, res.Clips[0].Files)
	assert.Equal(t, 0.0, part(res.Clips[0], clipselect.PartRelevance))

	// Renames match by old path too, reported under the new one.
	d := &session.Diff{Files: []session.FileDiff{{Path: "b/new.py", OldPath: "a/__init__.py", Status: session.FileRenamed}}}
	res, err = clipselect.Select(tl{60 * time.Second, ms}, session.Evidence{}, d, clipselect.Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"b/new.py"}, res.Clips[0].Files)
	assert.Greater(t, part(res.Clips[0], clipselect.PartRelevance), 0.0)
}

func TestSelectHunkOverlap(t *testing.T) {
	ev := session.Evidence{Scenes: []session.Scene{{Span: sp(10, 20), Label: session.LabelEditor, Functions: []string{"parseHeader()"}}}}
	d := &session.Diff{Files: []session.FileDiff{{Path: "p.go", Hunks: []session.Hunk{{Section: "func parseHeader(b []byte) error {",
		Lines: []session.DiffLine{{Kind: session.LineAdded, Text: "\treturn nil", NewLine: 3}}}}}}}
	m := mom(session.KindProgress, 10, 20, 0.9, "p.go")
	m.Evidence = []session.EvidenceRef{{Type: session.EvScene, Index: 0}}
	res, err := clipselect.Select(tl{60 * time.Second, []session.Moment{m}}, ev, d, clipselect.Options{})
	require.NoError(t, err)
	assert.InDelta(t, 0.4, part(res.Clips[0], clipselect.PartRelevance), 1e-9, "full relevance: path and changed function")
	assert.Contains(t, res.Clips[0].Reason, "showed parseHeader()")
}

func TestSelectRoles(t *testing.T) {
	ms := []session.Moment{
		mom(session.KindResearch, 0, 60, 0.7),
		mom(session.KindProgress, 70, 80, 0.8, "a.go"),
		mom(session.KindStuck, 80, 300, 0.8, "a.go"),
		mom(session.KindProgress, 300, 310, 0.8, "a.go"),
		mom(session.KindAgent, 400, 420, 0.9, "b.go"),
		mom(session.KindSpeech, 500, 510, 0.6),
	}
	res, err := clipselect.Select(tl{600 * time.Second, ms}, session.Evidence{}, diffOf("a.go", "b.go"), clipselect.Options{Budget: clipselect.Budget{Max: 120 * time.Second}})
	require.NoError(t, err)
	roles := []string{}
	for _, c := range res.Clips {
		roles = append(roles, c.Role)
	}
	assert.Equal(t, []string{"research", "attempt", "problem", "fix", "agent", "explanation"}, roles)
	for _, c := range res.Clips {
		sum := 0.0
		for _, p := range c.Parts {
			sum += p.Value
		}
		assert.InDelta(t, c.Score, sum, 0.002, "the parts add up to the score")
	}
}

func TestSelectMergeThenCap(t *testing.T) {
	ms := []session.Moment{
		mom(session.KindProgress, 10, 14, 0.9, "a.go"), mom(session.KindSpeech, 15, 19, 0.7),
		mom(session.KindProgress, 20, 60, 0.9, "b.go"),
	}
	o := clipselect.Options{MaxClip: 10 * time.Second, Budget: clipselect.Budget{Min: time.Second, Max: 60 * time.Second}}
	res, err := clipselect.Select(tl{100 * time.Second, ms}, session.Evidence{}, diffOf("a.go", "b.go"), o)
	require.NoError(t, err)
	for i, c := range res.Clips {
		assert.LessOrEqual(t, c.Span.Len(), o.MaxClip, "clip %d within the cap after merging", i)
		if i > 0 {
			assert.LessOrEqual(t, res.Clips[i-1].Span.End, c.Span.Start)
		}
	}
}

func TestSelectExplainAndBadInput(t *testing.T) {
	ms := []session.Moment{
		mom(session.KindIdle, 0, 10, 0.8), mom(session.KindIdle, 10, 20, 0),
		mom(session.KindProgress, 20, 30, 0.9, "a.go"),
		mom(session.KindProgress, 5000, 5010, 0.9, "a.go"), // past the end
		mom(session.KindSpeech, 40, 50, 0.5), mom(session.KindSpeech, 60, 70, 0.5), mom(session.KindSpeech, 80, 90, 0.5),
	}
	res, err := clipselect.Select(tl{100 * time.Second, ms}, session.Evidence{}, nil,
		clipselect.Options{Explain: true, MaxClip: 10 * time.Second, Budget: clipselect.Budget{Min: time.Second, Max: 25 * time.Second}})
	require.NoError(t, err)
	reasons := map[string]bool{}
	for _, s := range res.Skipped {
		reasons[s.Reason] = true
	}
	joined := strings.Join(keys(reasons), "|")
	assert.Contains(t, joined, "idle")
	assert.Contains(t, joined, "outside the recording")
	assert.Contains(t, joined, "over the budget")
	assert.LessOrEqual(t, res.Total, 25*time.Second)

	_, err = clipselect.Select(tl{}, session.Evidence{}, nil, clipselect.Options{})
	require.ErrorIs(t, err, clipselect.ErrNoClips)
	_, err = clipselect.Select(tl{time.Minute, []session.Moment{mom(session.KindIdle, 0, 60, 0.9)}}, session.Evidence{}, nil, clipselect.Options{})
	require.ErrorIs(t, err, clipselect.ErrNoClips)

	// A recording shorter than a clip: one clip, the whole recording.
	res, err = clipselect.Select(tl{2 * time.Second, []session.Moment{mom(session.KindSpeech, 0, 2, 0.9)}}, session.Evidence{}, nil, clipselect.Options{})
	require.NoError(t, err)
	require.Len(t, res.Clips, 1)
	assert.Equal(t, sp(0, 2), res.Clips[0].Span)
}

func TestSelectProperties(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	kinds := []session.MomentKind{session.KindProgress, session.KindStuck, session.KindResearch, session.KindSpeech, session.KindAgent, session.KindIdle}
	files := []string{"a.go", "b.go", "c.go", "d.go", "x.go"}
	for iter := 0; iter < 300; iter++ {
		L := time.Duration(1+r.Intn(1800)) * time.Second
		var ms []session.Moment
		for at := time.Duration(0); at < L; {
			l := time.Duration(1+r.Intn(120)) * time.Second
			ms = append(ms, session.Moment{Kind: kinds[r.Intn(len(kinds))], Span: session.Span{Start: at, End: min(at+l, L)}, Confidence: r.Float64(), Files: pick(r, files)})
			at += l
		}
		if r.Intn(5) == 0 { // a stray moment past the end
			ms = append(ms, session.Moment{Kind: session.KindProgress, Span: session.Span{Start: L + time.Second, End: L + time.Minute}, Confidence: 1})
		}
		o := clipselect.Options{
			Budget:   clipselect.Budget{Min: time.Duration(r.Intn(60)) * time.Second, Max: time.Duration(10+r.Intn(120)) * time.Second},
			MinClip:  time.Duration(1+r.Intn(4)) * time.Second,
			MaxClip:  time.Duration(5+r.Intn(20)) * time.Second,
			Pad:      time.Duration(r.Intn(4)) * time.Second,
			MergeGap: time.Duration(r.Intn(5)) * time.Second,
			MaxClips: 1 + r.Intn(15),
		}
		res, err := clipselect.Select(tl{L, ms}, session.Evidence{}, diffOf("a.go", "b.go", "c.go", "d.go"), o)
		if err != nil {
			require.ErrorIs(t, err, clipselect.ErrNoClips)
			continue
		}
		maxB := max(o.Budget.Max, o.Budget.Min)
		var total time.Duration
		for i, c := range res.Clips {
			total += c.Span.Len()
			require.True(t, c.Span.Start >= 0 && c.Span.End <= L && c.Span.Len() > 0, "iter %d clip %d %v in [0,%v]", iter, i, c.Span, L)
			require.LessOrEqual(t, c.Span.Len(), max(o.MaxClip, o.MinClip), "iter %d clip %d", iter, i)
			if i > 0 {
				require.LessOrEqual(t, res.Clips[i-1].Span.End, c.Span.Start, "iter %d: chronological, no overlap", iter)
			}
		}
		require.LessOrEqual(t, total, maxB, "iter %d: budget", iter)
		require.Equal(t, total, res.Total)
		require.LessOrEqual(t, len(res.Clips), o.MaxClips)
		again, _ := clipselect.Select(tl{L, ms}, session.Evidence{}, diffOf("a.go", "b.go", "c.go", "d.go"), o)
		require.Equal(t, res, again, "iter %d: deterministic", iter)
	}
}

func part(c session.Clip, name string) float64 {
	for _, p := range c.Parts {
		if p.Name == name {
			return p.Value
		}
	}
	return -1
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func pick(r *rand.Rand, s []string) []string {
	a := r.Intn(len(s))
	return s[a : a+r.Intn(len(s)-a+1)]
}

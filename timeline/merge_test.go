package timeline_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(p, got, 0o644))
	}
	want, err := os.ReadFile(p)
	require.NoError(t, err, "run go test -update to create %s", p)
	assert.Equal(t, string(want), string(got))
}

type piece struct {
	kind session.MomentKind
	span session.Span
}

func pieces(s timeline.Static) []piece {
	var out []piece
	for _, m := range s.Items {
		out = append(out, piece{m.Kind, m.Span})
	}
	return out
}

func TestMerge(t *testing.T) {
	m := func(k session.MomentKind, a, b, conf float64, files ...string) session.Moment {
		return session.Moment{Kind: k, Span: sp(a, b), Confidence: conf, Files: files}
	}
	tests := []struct {
		name  string
		cands []session.Moment
		prio  []session.MomentKind
		want  []piece
	}{
		{name: "no candidates is one idle fill", want: []piece{{session.KindIdle, sp(0, 100)}}},
		{name: "priority wins the overlap, gaps are idle",
			cands: []session.Moment{m(session.KindSpeech, 10, 40, 0.9), m(session.KindProgress, 30, 50, 0.5)},
			want:  []piece{{session.KindIdle, sp(0, 10)}, {session.KindSpeech, sp(10, 30)}, {session.KindProgress, sp(30, 50)}, {session.KindIdle, sp(50, 100)}}},
		{name: "a high-priority island splits a long moment",
			cands: []session.Moment{m(session.KindResearch, 0, 100, 0.6), m(session.KindStuck, 40, 60, 0.7)},
			want:  []piece{{session.KindResearch, sp(0, 40)}, {session.KindStuck, sp(40, 60)}, {session.KindResearch, sp(60, 100)}}},
		{name: "same kind, same files: one moment",
			cands: []session.Moment{m(session.KindProgress, 0, 50, 0.6, "a.go"), m(session.KindProgress, 50, 100, 0.8, "a.go")},
			want:  []piece{{session.KindProgress, sp(0, 100)}}},
		{name: "same kind, other files: two moments",
			cands: []session.Moment{m(session.KindProgress, 0, 50, 0.6, "a.go"), m(session.KindProgress, 50, 100, 0.8, "b.go")},
			want:  []piece{{session.KindProgress, sp(0, 50)}, {session.KindProgress, sp(50, 100)}}},
		{name: "equal priority: higher confidence wins",
			cands: []session.Moment{m(session.KindProgress, 0, 60, 0.5, "a.go"), m(session.KindProgress, 40, 100, 0.9, "b.go")},
			want:  []piece{{session.KindProgress, sp(0, 40)}, {session.KindProgress, sp(40, 100)}}},
		{name: "custom priority",
			prio:  []session.MomentKind{session.KindSpeech, session.KindProgress},
			cands: []session.Moment{m(session.KindSpeech, 10, 40, 0.9), m(session.KindProgress, 30, 50, 0.5)},
			want:  []piece{{session.KindIdle, sp(0, 10)}, {session.KindSpeech, sp(10, 40)}, {session.KindProgress, sp(40, 50)}, {session.KindIdle, sp(50, 100)}}},
		{name: "a custom kind ranks below listed kinds, above idle",
			cands: []session.Moment{m("meeting", 0, 100, 1), m(session.KindSpeech, 20, 30, 0.1), m(session.KindIdle, 50, 100, 0.9)},
			want:  []piece{{"meeting", sp(0, 20)}, {session.KindSpeech, sp(20, 30)}, {"meeting", sp(30, 100)}}},
		{name: "past the end and before zero are clamped; empty dropped",
			cands: []session.Moment{m(session.KindProgress, -10, 10, 0.5), m(session.KindStuck, 90, 200, 0.5), m(session.KindAgent, 150, 160, 1), m(session.KindSpeech, 30, 30, 1)},
			want:  []piece{{session.KindProgress, sp(0, 10)}, {session.KindIdle, sp(10, 90)}, {session.KindStuck, sp(90, 100)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := timeline.Merge(tt.cands, 100*time.Second, timeline.MergeOptions{Priority: tt.prio})
			require.NoError(t, timeline.Check(got))
			assert.Equal(t, tt.want, pieces(got))
		})
	}
}

func TestMergeJoinKeepsEvidenceAndWeighsConfidence(t *testing.T) {
	a := session.Moment{Kind: session.KindProgress, Span: sp(0, 30), Confidence: 0.4, Files: []string{"a.go"}, Evidence: []session.EvidenceRef{{Type: session.EvSave, Index: 0}}}
	b := session.Moment{Kind: session.KindProgress, Span: sp(30, 40), Confidence: 0.8, Files: []string{"a.go"}, Evidence: []session.EvidenceRef{{Type: session.EvSave, Index: 1}}}
	got := timeline.Merge([]session.Moment{b, a}, 40*time.Second, timeline.MergeOptions{})
	require.Len(t, got.Items, 1)
	assert.InDelta(t, 0.5, got.Items[0].Confidence, 1e-9)
	assert.Len(t, got.Items[0].Evidence, 2)
}

func TestBuildGolden(t *testing.T) {
	ev, diff := fixture()
	tl, err := timeline.Build(ev, diff, timeline.Options{})
	require.NoError(t, err)
	require.NoError(t, timeline.Check(tl))
	b, err := json.MarshalIndent(timeline.NewFile(tl, nil), "", "  ")
	require.NoError(t, err)
	golden(t, "fixture.timeline.json", append(b, '\n'))

	// The story of the fixture, in kinds.
	kinds := map[session.MomentKind]bool{}
	for _, m := range tl.Items {
		kinds[m.Kind] = true
	}
	for _, k := range []session.MomentKind{session.KindProgress, session.KindStuck, session.KindResearch, session.KindSpeech, session.KindAgent, session.KindIdle} {
		assert.True(t, kinds[k], "fixture has a %s moment", k)
	}
	at := func(s float64) session.Moment { return tl.Between(sp(s, s+0.001))[0] }
	assert.Equal(t, session.KindStuck, at(300).Kind)
	assert.Contains(t, at(300).Files, "parser.go")
	assert.Equal(t, session.KindProgress, at(401).Kind)
	assert.Equal(t, session.KindResearch, at(100).Kind)
	assert.Equal(t, session.KindAgent, at(620).Kind)
	assert.Equal(t, session.KindIdle, at(1000).Kind)
}

func TestSVG(t *testing.T) {
	ev, diff := fixture()
	tl, err := timeline.Build(ev, diff, timeline.Options{})
	require.NoError(t, err)
	svg := timeline.SVG(tl, ev, diff, timeline.SVGOptions{})
	golden(t, "fixture.strip.svg", svg)

	// Valid XML, one block per moment, one save row per saved diff file.
	dec := xml.NewDecoder(bytes.NewReader(svg))
	rects, texts := 0, []string{}
	var inText bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local == "rect" {
				rects++
			}
			inText = e.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, string(e))
			}
		case xml.EndElement:
			inText = false
		}
	}
	assert.Contains(t, texts, "parser.go")
	assert.Contains(t, texts, "parser_test.go")
	assert.NotContains(t, texts, "notes.txt", "only diff files get a row")
	assert.Contains(t, texts, "0m")
	assert.Contains(t, texts, "stuck")
	assert.Greater(t, rects, len(tl.Items))

	// Titles with markup stay valid.
	tl.Items[0].Summary = `<script>&"`
	require.NoError(t, xml.Unmarshal(timeline.SVG(tl, ev, nil, timeline.SVGOptions{Width: 10}), new(any)))
	// An empty timeline still draws.
	require.NoError(t, xml.Unmarshal(timeline.SVG(timeline.Static{}, session.Evidence{}, nil, timeline.SVGOptions{}), new(any)))
}

// randomCandidates returns n random candidates over [−10%, 110%] of length.
func randomCandidates(r *rand.Rand, n int, length time.Duration) []session.Moment {
	kinds := []session.MomentKind{session.KindProgress, session.KindStuck, session.KindResearch, session.KindSpeech, session.KindAgent, session.KindIdle, "custom"}
	files := []string{"a.go", "b.go", "c.go"}
	out := make([]session.Moment, n)
	for i := range out {
		a := time.Duration(r.Int63n(int64(length)*12/10)) - length/10
		l := time.Duration(r.Int63n(int64(length) / 4))
		out[i] = session.Moment{Kind: kinds[r.Intn(len(kinds))], Span: session.Span{Start: a, End: a + l}, Confidence: r.Float64(),
			Files: files[:r.Intn(len(files)+1)], Evidence: []session.EvidenceRef{{Type: session.EvSave, Index: i}}}
		if r.Intn(10) == 0 { // rounding-friendly duplicate boundaries
			out[i].Span.Start = out[i].Span.Start.Truncate(time.Second)
		}
	}
	return out
}

func TestMergeProperties(t *testing.T) {
	r := rand.New(rand.NewSource(42))
	for iter := 0; iter < 300; iter++ {
		length := time.Duration(1+r.Intn(3600)) * time.Second
		cands := randomCandidates(r, r.Intn(60), length)
		got := timeline.Merge(cands, length, timeline.MergeOptions{})
		require.NoError(t, timeline.Check(got), "iteration %d", iter)
		// Deterministic.
		again := timeline.Merge(cands, length, timeline.MergeOptions{})
		require.Equal(t, got, again)
		// Idempotent: re-merging the result changes nothing.
		re := timeline.Merge(got.Items, length, timeline.MergeOptions{})
		require.Equal(t, got, re, "iteration %d", iter)
		// No neighbours that should have merged.
		for i := 1; i < len(got.Items); i++ {
			a, b := got.Items[i-1], got.Items[i]
			assert.False(t, a.Kind == b.Kind && equalStrings(a.Files, b.Files), "iteration %d: %s and %s agree but were not merged", iter, a.Span, b.Span)
		}
		// Input order does not matter for the covered kinds.
		shuffled := append([]session.Moment(nil), cands...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		require.NoError(t, timeline.Check(timeline.Merge(shuffled, length, timeline.MergeOptions{})))
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

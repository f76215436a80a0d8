package timeline_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
	"github.com/tracepr/trace/timeline/timelinetest"
)

func TestBuildBadInput(t *testing.T) {
	full, diff := fixture()
	tests := []struct {
		name  string
		ev    func() session.Evidence
		diff  *session.Diff
		check func(t *testing.T, tl timeline.Static)
	}{
		{name: "empty session", ev: func() session.Evidence { return session.Evidence{} },
			check: func(t *testing.T, tl timeline.Static) { assert.Empty(t, tl.Items); assert.Zero(t, tl.Len) }},
		{name: "recording with no evidence is idle", ev: func() session.Evidence { return session.Evidence{Length: time.Minute} },
			check: func(t *testing.T, tl timeline.Static) {
				require.Len(t, tl.Items, 1)
				assert.Equal(t, session.KindIdle, tl.Items[0].Kind)
			}},
		{name: "no saves", ev: func() session.Evidence { e := full; e.Saves = nil; return e }, diff: diff,
			check: func(t *testing.T, tl timeline.Static) {
				for _, m := range tl.Items {
					assert.NotEqual(t, session.KindProgress, m.Kind)
				}
			}},
		{name: "no transcript", ev: func() session.Evidence { e := full; e.Transcript = nil; return e }, diff: diff,
			check: func(t *testing.T, tl timeline.Static) {
				for _, m := range tl.Items {
					assert.NotEqual(t, session.KindSpeech, m.Kind)
				}
			}},
		{name: "diff with only deletions, renames and binaries", diff: &session.Diff{Files: []session.FileDiff{diff.Files[3], diff.Files[4], diff.Files[5]}},
			ev: func() session.Evidence { return full },
			check: func(t *testing.T, tl timeline.Static) {
				for _, m := range tl.Items {
					if m.Kind == session.KindProgress {
						assert.Contains(t, m.Summary, "(0 of")
					}
				}
			}},
		{name: "saved files not in the diff", diff: &session.Diff{Files: []session.FileDiff{{Path: "elsewhere.go"}}},
			ev: func() session.Evidence { return full },
			check: func(t *testing.T, tl timeline.Static) {
				n := 0
				for _, m := range tl.Items {
					if m.Kind == session.KindProgress {
						n++
					}
				}
				assert.Equal(t, 2, n, "still progress, weighted down")
			}},
		{name: "clocks out of order", diff: diff, ev: func() session.Evidence {
			e := full
			e.Saves = append([]session.SaveEvent(nil), full.Saves...)
			e.Saves[0], e.Saves[len(e.Saves)-1] = e.Saves[len(e.Saves)-1], e.Saves[0]
			e.Transcript = []session.Segment{full.Transcript[2], full.Transcript[0], full.Transcript[1]}
			return e
		}, check: func(t *testing.T, tl timeline.Static) {
			want, err := timeline.Build(full, diff, timeline.Options{})
			require.NoError(t, err)
			assert.Equal(t, want, tl, "sorted first, same result")
		}},
		{name: "events before zero and past the end", diff: diff, ev: func() session.Evidence {
			e := full
			e.Saves = append(append([]session.SaveEvent(nil), full.Saves...), session.SaveEvent{At: -time.Minute, Path: "parser.go"}, session.SaveEvent{At: time.Hour, Path: "parser.go"})
			e.Transcript = append(append([]session.Segment(nil), full.Transcript...), session.Segment{Span: sp(1190, 1300), Text: "past the end of the recording now"})
			e.Agent = append(append([]session.AgentEvent(nil), full.Agent...), session.AgentEvent{At: 2 * time.Hour, Tool: "Edit", Path: "x.go"})
			return e
		}, check: func(t *testing.T, tl timeline.Static) {
			assert.Equal(t, 20*time.Minute, tl.Items[len(tl.Items)-1].Span.End)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl, err := timeline.Build(tt.ev(), tt.diff, timeline.Options{})
			require.NoError(t, err)
			require.NoError(t, timeline.Check(tl))
			tt.check(t, tl)
		})
	}
}

func TestBuildNoLength(t *testing.T) {
	_, err := timeline.Build(session.Evidence{Saves: []session.SaveEvent{{At: time.Second, Path: "a.go"}}}, nil, timeline.Options{})
	require.ErrorIs(t, err, timeline.ErrNoLength)
	assert.Contains(t, err.Error(), "Evidence.Length")
}

func TestCustomClassifier(t *testing.T) {
	ev, diff := fixture()
	review := timeline.ClassifierFunc{K: "review", F: func(in *timeline.Input) []session.Moment {
		return []session.Moment{{Span: sp(700, 800), Confidence: 0.9, Summary: "code review"}}
	}}
	tl, err := timeline.Build(ev, diff, timeline.Options{Classifiers: append(timeline.DefaultClassifiers(), review)})
	require.NoError(t, err)
	ms := tl.Between(sp(750, 751))
	require.Len(t, ms, 1)
	assert.Equal(t, session.MomentKind("review"), ms[0].Kind)
}

func TestCheck(t *testing.T) {
	m := func(k session.MomentKind, a, b float64) session.Moment {
		return session.Moment{Kind: k, Span: sp(a, b)}
	}
	tests := []struct {
		name string
		tl   timeline.Static
		msg  string
	}{
		{"ok", timeline.Static{Len: sec(10), Items: []session.Moment{m("idle", 0, 4), m("speech", 4, 10)}}, ""},
		{"empty ok", timeline.Static{}, ""},
		{"gap", timeline.Static{Len: sec(10), Items: []session.Moment{m("idle", 0, 4), m("speech", 5, 10)}}, "gap before moment 1"},
		{"overlap", timeline.Static{Len: sec(10), Items: []session.Moment{m("idle", 0, 6), m("speech", 5, 10)}}, "overlaps"},
		{"short", timeline.Static{Len: sec(10), Items: []session.Moment{m("idle", 0, 6)}}, "recording is"},
		{"late start", timeline.Static{Len: sec(10), Items: []session.Moment{m("idle", 1, 10)}}, "gap before moment 0"},
		{"empty moment", timeline.Static{Len: sec(10), Items: []session.Moment{m("idle", 0, 0), m("idle", 0, 10)}}, "is empty"},
		{"no kind", timeline.Static{Len: sec(10), Items: []session.Moment{m("", 0, 10)}}, "no kind"},
		{"length without moments", timeline.Static{Len: sec(10)}, "no moments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := timeline.Check(tt.tl)
			if tt.msg == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, timeline.ErrInvalid)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestFileRoundTrip(t *testing.T) {
	ev, diff := fixture()
	tl, err := timeline.Build(ev, diff, timeline.Options{})
	require.NoError(t, err)
	b, err := json.Marshal(timeline.NewFile(tl, timeline.DefaultPriority))
	require.NoError(t, err)
	back, err := timeline.Decode(b)
	require.NoError(t, err)
	assert.Equal(t, tl, back)

	_, err = timeline.Decode([]byte(`{"schema": 99, "length": 1, "moments": []}`))
	require.ErrorIs(t, err, timeline.ErrSchema)
	assert.Contains(t, err.Error(), "upgrade trace")
	_, err = timeline.Decode([]byte(`{"schema": 1, "length": 10, "moments": [{"kind":"idle","span":{"start":0,"end":5}}]}`))
	require.ErrorIs(t, err, timeline.ErrInvalid)
	_, err = timeline.Decode([]byte(`{"schema": 1, "len`))
	require.ErrorIs(t, err, timeline.ErrInvalid)
	_, err = timeline.Decode([]byte(`{"length": 1}`))
	require.ErrorIs(t, err, timeline.ErrSchema)
}

func TestStaticQueries(t *testing.T) {
	ev, diff := fixture()
	tl, err := timeline.Build(ev, diff, timeline.Options{})
	require.NoError(t, err)
	var _ timeline.Timeline = tl
	ms := tl.Between(sp(180, 400))
	require.NotEmpty(t, ms)
	assert.LessOrEqual(t, ms[0].Span.Start, sec(180))
	assert.GreaterOrEqual(t, ms[len(ms)-1].Span.End, sec(400))
	for _, m := range ms {
		assert.True(t, m.Span.Overlaps(sp(180, 400)))
	}
	refs := tl.Evidence(sp(180, 400))
	seen := map[session.EvidenceRef]bool{}
	for _, r := range refs {
		k := session.EvidenceRef{Type: r.Type, Index: r.Index}
		assert.False(t, seen[k], "each reference once")
		seen[k] = true
		_, ok := timeline.RefSpan(&ev, r)
		assert.True(t, ok)
	}
	assert.True(t, seen[session.EvidenceRef{Type: session.EvSegment, Index: 1}], "the confused speech at 4:40")
	assert.Empty(t, tl.Between(sp(5000, 6000)))
}

func TestSyntheticIsReproducible(t *testing.T) {
	c := timelinetest.Config{Seed: 7, Length: time.Hour, Saves: 500, Segments: 200, Scenes: 100, Windows: 100, Agent: 50}
	a, da := timelinetest.Synthetic(c)
	b, db := timelinetest.Synthetic(c)
	assert.Equal(t, a, b)
	assert.Equal(t, da, db)
	assert.Len(t, a.Saves, 500)
	tl, err := timeline.Build(a, da, timeline.Options{})
	require.NoError(t, err)
	require.NoError(t, timeline.Check(tl))
}

package clipselect_test

import (
	"math/rand"
	"testing"
	"time"

	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/session"
)

// FuzzSelect runs selection and focus over random moments and options and
// checks the guarantees: within the budget and the recording, chronological,
// no overlap, never a panic.
func FuzzSelect(f *testing.F) {
	f.Add(int64(1), uint16(600), uint8(30), uint8(90), uint8(15))
	f.Add(int64(2), uint16(0), uint8(0), uint8(0), uint8(0))
	f.Add(int64(3), uint16(3), uint8(200), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, seed int64, length uint16, n, budget, maxClip uint8) {
		r := rand.New(rand.NewSource(seed))
		L := time.Duration(length) * time.Second
		kinds := []session.MomentKind{session.KindProgress, session.KindStuck, session.KindResearch, session.KindSpeech, session.KindAgent, session.KindIdle, "x"}
		var ms []session.Moment
		ev := session.Evidence{Length: L}
		for i := 0; i < int(n); i++ {
			a := time.Duration(r.Int63n(int64(L)+int64(time.Minute))) - 30*time.Second
			ev.Saves = append(ev.Saves, session.SaveEvent{At: a, Path: "a.go"})
			ms = append(ms, session.Moment{Kind: kinds[r.Intn(len(kinds))], Span: session.Span{Start: a, End: a + time.Duration(r.Intn(300))*time.Second - time.Second},
				Confidence: r.Float64()*1.2 - 0.1, Files: []string{"a.go", "b.go"}[:r.Intn(3)],
				Evidence: []session.EvidenceRef{{Type: session.EvSave, Index: r.Intn(int(n) + 2), Path: "a.go"}, {Type: session.EvScene, Index: -1}}})
		}
		diff := &session.Diff{Files: []session.FileDiff{{Path: "a.go"}, {Path: "b.go", OldPath: "a.go"}}}
		o := clipselect.Options{Budget: clipselect.Budget{Max: time.Duration(budget) * time.Second}, MaxClip: time.Duration(maxClip) * time.Second, Explain: true}
		res, err := clipselect.Select(tl{L, ms}, ev, diff, o)
		if err != nil {
			return
		}
		var total time.Duration
		for i, c := range res.Clips {
			total += c.Span.Len()
			if c.Span.Start < 0 || c.Span.End > L || c.Span.Len() <= 0 {
				t.Fatalf("clip %d %v outside [0,%v]", i, c.Span, L)
			}
			if i > 0 && res.Clips[i-1].Span.End > c.Span.Start {
				t.Fatalf("clips %d and %d overlap", i-1, i)
			}
		}
		maxB := o.Budget.Max
		if maxB == 0 {
			maxB = 90 * time.Second
		}
		if total > maxB {
			t.Fatalf("total %v over the budget %v", total, maxB)
		}
		clipselect.RankFocus(tl{L, ms}, ev, *diff, clipselect.FocusOptions{})
	})
}

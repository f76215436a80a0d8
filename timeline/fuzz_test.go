package timeline_test

import (
	"math/rand"
	"testing"
	"time"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
	"github.com/tracepr/trace/timeline/timelinetest"
)

// FuzzDecode feeds arbitrary bytes to the timeline file reader: it must
// return a checked timeline or an error, never panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"schema":1,"length":10,"moments":[{"kind":"idle","span":{"start":0,"end":10},"confidence":0}]}`))
	f.Add([]byte(`{"schema":1,"length":-1,"moments":[]}`))
	f.Add([]byte(`{"schema":1,"length":1e308,"moments":[{"kind":"x","span":{"start":"a"}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tl, err := timeline.Decode(b)
		if err == nil {
			if cerr := timeline.Check(tl); cerr != nil {
				t.Fatalf("Decode accepted an invalid timeline: %v", cerr)
			}
		}
	})
}

// FuzzBuild builds timelines from random evidence (any times, lengths and
// texts) and checks the invariants.
func FuzzBuild(f *testing.F) {
	f.Add(int64(1), uint16(600), uint8(20), "hmm not sure why", "--- FAIL")
	f.Add(int64(2), uint16(0), uint8(0), "", "")
	f.Add(int64(3), uint16(5), uint8(200), "maybe", "panic:")
	f.Fuzz(func(t *testing.T, seed int64, length uint16, n uint8, speech, screen string) {
		r := rand.New(rand.NewSource(seed))
		L := time.Duration(length) * time.Second
		at := func() time.Duration { return time.Duration(r.Int63n(int64(L)+int64(time.Minute))) - 30*time.Second }
		ev := session.Evidence{Length: L}
		for i := 0; i < int(n); i++ {
			t0 := at()
			switch r.Intn(5) {
			case 0:
				ev.Saves = append(ev.Saves, session.SaveEvent{At: t0, Path: []string{"a.go", ".git/x", "", "b.go"}[r.Intn(4)]})
			case 1:
				ev.Transcript = append(ev.Transcript, session.Segment{Span: session.Span{Start: t0, End: t0 + time.Duration(r.Intn(90))*time.Second}, Text: speech})
			case 2:
				ev.Scenes = append(ev.Scenes, session.Scene{Span: session.Span{Start: t0, End: t0 - time.Second + time.Duration(r.Intn(60))*time.Second}, Label: session.LabelTerminal, RawText: screen, Errors: []string{screen}})
			case 3:
				ev.Windows = append(ev.Windows, session.WindowSample{At: t0, App: []string{"firefox", "Code", screen}[r.Intn(3)], Title: speech})
			case 4:
				ev.Agent = append(ev.Agent, session.AgentEvent{At: t0, Tool: screen, Path: "a.go"})
			}
		}
		diff := &session.Diff{Files: []session.FileDiff{{Path: "a.go"}}}
		tl, err := timeline.Build(ev, diff, timeline.Options{})
		if err != nil {
			if L == 0 {
				return
			}
			t.Fatal(err)
		}
		if err := timeline.Check(tl); err != nil {
			t.Fatal(err)
		}
		_ = timeline.SVG(tl, ev, diff, timeline.SVGOptions{})
	})
}

func BenchmarkBuild(b *testing.B) {
	ev, diff := timelinetest.Synthetic(timelinetest.Workday)
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		tl, err := timeline.Build(ev, diff, timeline.Options{})
		if err != nil {
			b.Fatal(err)
		}
		n = len(tl.Items)
	}
	b.ReportMetric(float64(n), "moments")
}

func BenchmarkMerge(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	cands := randomCandidates(r, 20000, 8*time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		timeline.Merge(cands, 8*time.Hour, timeline.MergeOptions{})
	}
}

func BenchmarkSVG(b *testing.B) {
	ev, diff := timelinetest.Synthetic(timelinetest.Workday)
	tl, err := timeline.Build(ev, diff, timeline.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		timeline.SVG(tl, ev, diff, timeline.SVGOptions{})
	}
}

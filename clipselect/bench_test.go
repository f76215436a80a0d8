package clipselect_test

import (
	"testing"

	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/timeline"
	"github.com/tracepr/trace/timeline/timelinetest"
)

// The eight-hour synthetic session of timelinetest.Workday: about 30,000
// saves, 12,000 segments, 3,000 scenes, 10,000 window changes.

func BenchmarkSelect(b *testing.B) {
	ev, diff := timelinetest.Synthetic(timelinetest.Workday)
	tl, err := timeline.Build(ev, diff, timeline.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := clipselect.Select(tl, ev, diff, clipselect.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRankFocus(b *testing.B) {
	ev, diff := timelinetest.Synthetic(timelinetest.Workday)
	tl, err := timeline.Build(ev, diff, timeline.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clipselect.RankFocus(tl, ev, *diff, clipselect.FocusOptions{})
	}
}

// BenchmarkPipeline is the whole judgement: timeline, clips and focus.
func BenchmarkPipeline(b *testing.B) {
	ev, diff := timelinetest.Synthetic(timelinetest.Workday)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tl, err := timeline.Build(ev, diff, timeline.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := clipselect.Select(tl, ev, diff, clipselect.Options{}); err != nil {
			b.Fatal(err)
		}
		clipselect.RankFocus(tl, ev, *diff, clipselect.FocusOptions{})
	}
}

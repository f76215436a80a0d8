package local

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tracepr/trace/internal/testutil"
)

// BenchmarkIndex indexes the 12-second fixture from scratch; it reports
// seconds of indexing per minute of recording.
func BenchmarkIndex(b *testing.B) {
	for _, ocr := range []bool{true, false} {
		name := "ocr"
		if !ocr {
			name = "no-ocr"
		}
		b.Run(name, func(b *testing.B) {
			testutil.NeedTool(b, "ffmpeg", "ffprobe", "tesseract", "pocketsphinx_continuous")
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := newFixtureSession(b, true)
				b.StartTimer()
				start := time.Now()
				if _, err := NewIndexer(Options{DisableOCR: !ocr}).Index(context.Background(), s); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
			}
			rec := 3 * fixtureSceneLen
			b.ReportMetric(total.Seconds()/float64(b.N)/rec.Minutes(), "s/min-recorded")
		})
	}
}

// BenchmarkRender renders the 7.5-second test plan in both modes; it
// reports seconds of rendering per minute of walkthrough.
func BenchmarkRender(b *testing.B) {
	testutil.NeedTool(b, "ffmpeg", "ffprobe")
	for _, mode := range []string{ModeSegments, ModeGraph} {
		b.Run(mode, func(b *testing.B) {
			dir := b.TempDir()
			p := testPlan(b, dir)
			var total time.Duration
			for i := 0; i < b.N; i++ {
				os.RemoveAll(filepath.Join(dir, "out"))
				start := time.Now()
				if _, err := NewRenderer(RendererOptions{Mode: mode, BurnCaptions: true}).Render(context.Background(), p); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
			}
			b.ReportMetric(total.Seconds()/float64(b.N)/p.Duration.Minutes(), "s/min-rendered")
		})
	}
}

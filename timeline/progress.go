package timeline

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// elsewhereMin is how long the evidence must show the developer doing
// something else between two saves for the burst to end there.
const elsewhereMin = 5 * time.Second

// elsewhere reports whether, between from and to, the evidence shows the
// developer away from editing: reading docs or talking to an assistant (a
// scene or a window), or facing an error on screen, for at least
// elsewhereMin. A burst of saves does not bridge such a stretch, however
// short the quiet gap, so the timeline can tell the reading apart.
func elsewhere(in *Input, from, to time.Duration) bool {
	if to-from < elsewhereMin {
		return false
	}
	gap := session.Span{Start: from, End: to}
	scenes := in.Evidence.Scenes
	i := sort.Search(len(scenes), func(i int) bool { return scenes[i].Span.End > from })
	for ; i < len(scenes) && scenes[i].Span.Start < to; i++ {
		sc := scenes[i]
		away := sc.Label == session.LabelBrowserDocs || sc.Label == session.LabelAIAssistant || len(sc.Errors) > 0
		if away && sc.Span.Intersect(gap).Len() >= elsewhereMin {
			return true
		}
	}
	ws := in.Evidence.Windows
	j := sort.Search(len(ws), func(j int) bool { return ws[j].At >= from })
	for ; j < len(ws) && ws[j].At < to-elsewhereMin; j++ {
		switch ClassifyApp(ws[j].App) {
		case AppBrowser, AppAssistant:
			end := to
			if j+1 < len(ws) && ws[j+1].At < end {
				end = ws[j+1].At
			}
			if end-ws[j].At >= elsewhereMin {
				return true
			}
		}
	}
	return false
}

// ProgressOptions tune the progress classifier. Zero values mean the
// defaults in brackets.
type ProgressOptions struct {
	// MinGap and MaxGap bound the quiet gap that ends a burst of saves
	// [15s, 90s]. Between them the gap adapts to the session: four times
	// the median time between saves.
	MinGap, MaxGap time.Duration
	// Lead and Tail widen a burst before its first save and after its last
	// [5s, 3s]: the typing before a save is part of the work.
	Lead, Tail time.Duration
	// MaxBurst splits a burst longer than this into pieces [5m].
	MaxBurst time.Duration
}

func (o *ProgressOptions) defaults() {
	def(&o.MinGap, 15*time.Second)
	def(&o.MaxGap, 90*time.Second)
	def(&o.Lead, 5*time.Second)
	def(&o.Tail, 3*time.Second)
	def(&o.MaxBurst, 5*time.Minute)
	if o.MaxGap < o.MinGap {
		o.MaxGap = o.MinGap
	}
}

func def(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// Progress returns the progress classifier: saves grouped into bursts (a
// burst ends after a quiet gap that adapts to how often this developer
// saves), one moment per burst. Confidence grows with the number of saves
// and is weighted up by the share of the burst's files that are in the diff.
// Saves of tool noise (.git/, caches, swap files) are ignored unless the
// path is in the diff.
func Progress(o ProgressOptions) Classifier {
	o.defaults()
	return ClassifierFunc{K: session.KindProgress, F: func(in *Input) []session.Moment { return progress(in, o) }}
}

// workSaves returns the indices of saves that count as work, in time order.
func workSaves(in *Input) []int {
	var idx []int
	for i, s := range in.Evidence.Saves {
		if relevantSave(in, s.Path) {
			idx = append(idx, i)
		}
	}
	return idx
}

// burstGap computes the adaptive quiet gap from the saves' spacing.
func burstGap(in *Input, idx []int, o ProgressOptions) time.Duration {
	if len(idx) < 3 {
		return o.MinGap
	}
	d := make([]time.Duration, 0, len(idx)-1)
	for k := 1; k < len(idx); k++ {
		d = append(d, in.Evidence.Saves[idx[k]].At-in.Evidence.Saves[idx[k-1]].At)
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	g := 4 * d[len(d)/2]
	return min(max(g, o.MinGap), o.MaxGap)
}

func progress(in *Input, o ProgressOptions) []session.Moment {
	saves := in.Evidence.Saves
	idx := workSaves(in)
	if len(idx) == 0 {
		return nil
	}
	gap := burstGap(in, idx, o)
	var out []session.Moment
	start := 0
	for k := 1; k <= len(idx); k++ {
		if k < len(idx) {
			prev, cur := saves[idx[k-1]].At, saves[idx[k]].At
			if cur-prev <= gap && cur-saves[idx[start]].At <= o.MaxBurst && !elsewhere(in, prev+o.Tail, cur-o.Lead) {
				continue
			}
		}
		out = append(out, burst(in, idx[start:k], o))
		start = k
	}
	return out
}

func burst(in *Input, idx []int, o ProgressOptions) session.Moment {
	saves := in.Evidence.Saves
	first, last := saves[idx[0]].At, saves[idx[len(idx)-1]].At
	refs := make([]session.EvidenceRef, 0, len(idx))
	var files []string
	for _, i := range idx {
		s := saves[i]
		note := "saved"
		if in.InDiff(s.Path) {
			note = noteInDiff
		}
		refs = append(refs, session.EvidenceRef{Type: session.EvSave, Index: i, Path: s.Path, Note: note})
		files = append(files, s.Path)
	}
	files = sortedFiles(files)
	inDiff := 0
	for _, f := range files {
		if in.InDiff(f) {
			inDiff++
		}
	}
	share := 0.5 // no diff known: neither up nor down
	if in.HasDiff() {
		share = float64(inDiff) / float64(len(files))
	}
	conf := 0.45 + 0.2*math.Min(1, math.Log2(float64(len(idx)))/4) + 0.35*share
	sum := progressSummary(len(idx), files, inDiff, in.HasDiff())
	return session.Moment{
		Kind:       session.KindProgress,
		Span:       session.Span{Start: first - o.Lead, End: last + o.Tail},
		Confidence: round3(clamp01(conf)),
		Evidence:   refs,
		Files:      files,
		Summary:    sum,
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func listFiles(files []string, n int) string {
	if len(files) <= n {
		return strings.Join(files, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(files[:n], ", "), len(files)-n)
}

// progressSummary says what a burst of saves touched.
func progressSummary(saves int, files []string, inDiff int, hasDiff bool) string {
	sum := fmt.Sprintf("%d save%s of %s", saves, plural(saves), listFiles(files, 3))
	if hasDiff {
		sum += fmt.Sprintf(" (%d of %d in the diff)", inDiff, len(files))
	}
	return sum
}

// noteInDiff is the note progress puts on a save of a file in the diff.
const noteInDiff = "saved, in the diff"

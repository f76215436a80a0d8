package timeline

import (
	"container/heap"
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// DefaultPriority is the order in which kinds win where candidates overlap,
// highest first. Agent activity outranks progress because an agent's edits
// also show up as saves; stuck outranks research and speech because the
// trouble is the story of that stretch. Kinds not listed rank below every
// listed kind and above idle, in name order.
var DefaultPriority = []session.MomentKind{
	session.KindAgent,
	session.KindProgress,
	session.KindStuck,
	session.KindResearch,
	session.KindSpeech,
	session.KindIdle,
}

// MergeOptions configure Merge.
type MergeOptions struct {
	// Priority orders kinds, highest first; nil means DefaultPriority.
	Priority []session.MomentKind
	// Evidence, when set, lets Merge keep on each piece of a split
	// candidate only the references whose items fall inside that piece.
	Evidence *session.Evidence
}

// Summary of the idle moments Merge inserts where no candidate applies.
const fillSummary = "nothing classified"

// Merge resolves overlapping candidate moments into one gap-free,
// non-overlapping timeline covering [0, length]:
//
//   - candidates are clamped to [0, length]; empty ones are dropped;
//   - every elementary interval between candidate boundaries goes to the
//     covering candidate of highest priority, then highest confidence, then
//     earliest start, then first given;
//   - intervals no candidate covers become idle moments with confidence 0
//     and the summary "nothing classified";
//   - touching neighbours merge when their evidence agrees: same kind and
//     the same set of files (both may have none). The merged moment keeps
//     the union of the evidence and the length-weighted mean confidence.
//
// It runs in O(n log n) with a sweep line over the boundaries and a heap of
// open candidates. Merging a merged timeline again returns it unchanged.
func Merge(cands []session.Moment, length time.Duration, opts MergeOptions) Static {
	if length <= 0 {
		return Static{}
	}
	prio := opts.Priority
	if prio == nil {
		prio = DefaultPriority
	}
	// Listed kinds rank 2i; unlisted kinds rank just above idle (or at the
	// bottom when idle is not listed); unlisted idle ranks last.
	rank := make(map[session.MomentKind]int, len(prio))
	for i, k := range prio {
		if _, dup := rank[k]; !dup {
			rank[k] = 2 * i
		}
	}
	unlisted := 2 * len(prio)
	idleRank, idleListed := rank[session.KindIdle]
	if idleListed {
		unlisted = idleRank - 1
	} else {
		idleRank = 1 << 30
	}

	type cand struct {
		m    session.Moment
		rank int
		seq  int
	}
	cs := make([]cand, 0, len(cands))
	for i, m := range cands {
		m.Span = m.Span.Clamp(length)
		if m.Span.Len() <= 0 {
			continue
		}
		m.Confidence = clamp01(m.Confidence)
		r, ok := rank[m.Kind]
		if !ok {
			r = unlisted
			if m.Kind == session.KindIdle {
				r = idleRank
			}
		}
		cs = append(cs, cand{m: m, rank: r, seq: i})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].m.Span.Start < cs[j].m.Span.Start })

	bounds := make([]time.Duration, 0, 2*len(cs)+2)
	bounds = append(bounds, 0, length)
	for _, c := range cs {
		bounds = append(bounds, c.m.Span.Start, c.m.Span.End)
	}
	sort.Slice(bounds, func(i, j int) bool { return bounds[i] < bounds[j] })
	bounds = dedupDur(bounds)

	less := func(a, b *cand) bool {
		if a.rank != b.rank {
			if a.rank == unlisted && b.rank == unlisted {
				return a.m.Kind < b.m.Kind
			}
			return a.rank < b.rank
		}
		if a.rank == unlisted && a.m.Kind != b.m.Kind {
			return a.m.Kind < b.m.Kind
		}
		if a.m.Confidence != b.m.Confidence {
			return a.m.Confidence > b.m.Confidence
		}
		if a.m.Span.Start != b.m.Span.Start {
			return a.m.Span.Start < b.m.Span.Start
		}
		return a.seq < b.seq
	}
	h := &candHeap{less: func(i, j int) bool { return less(&cs[i], &cs[j]) }}

	type piece struct {
		span session.Span
		who  int // index into cs, -1 for fill
	}
	var pieces []piece
	next := 0
	for bi := 0; bi+1 < len(bounds); bi++ {
		at := bounds[bi]
		for next < len(cs) && cs[next].m.Span.Start <= at {
			heap.Push(h, next)
			next++
		}
		for h.Len() > 0 && cs[h.idx[0]].m.Span.End <= at {
			heap.Pop(h)
		}
		who := -1
		if h.Len() > 0 {
			who = h.idx[0]
		}
		sp := session.Span{Start: at, End: bounds[bi+1]}
		if n := len(pieces); n > 0 && pieces[n-1].who == who {
			pieces[n-1].span.End = sp.End
			continue
		}
		pieces = append(pieces, piece{span: sp, who: who})
	}

	out := make([]session.Moment, 0, len(pieces))
	for _, p := range pieces {
		var m session.Moment
		if p.who < 0 {
			m = session.Moment{Kind: session.KindIdle, Span: p.span, Summary: fillSummary}
		} else {
			src := cs[p.who].m
			m = src
			m.Span = p.span
			m.Files = sortedFiles(src.Files)
			m.Evidence = trimRefs(src.Evidence, p.span, src.Span, opts.Evidence)
			if len(m.Evidence) < len(src.Evidence) {
				narrowToRefs(&m, src)
			}
		}
		if n := len(out); n > 0 && agree(&out[n-1], &m) {
			out[n-1] = join(out[n-1], m)
			continue
		}
		out = append(out, m)
	}
	return Static{Len: length, Items: out}
}

// agree says whether two touching moments are one stretch: same kind and
// the same set of files.
func agree(a, b *session.Moment) bool {
	return a.Kind == b.Kind && a.Span.End == b.Span.Start && sameFiles(a.Files, b.Files)
}

func join(a, b session.Moment) session.Moment {
	la, lb := float64(a.Span.Len()), float64(b.Span.Len())
	if la+lb > 0 {
		a.Confidence = round3((a.Confidence*la + b.Confidence*lb) / (la + lb))
	}
	a.Span.End = b.Span.End
	if len(b.Evidence) > 0 {
		a.Evidence = sortRefs(append(append([]session.EvidenceRef(nil), a.Evidence...), b.Evidence...))
	}
	switch {
	case a.Summary == b.Summary || b.Summary == "":
	case a.Summary == "":
		a.Summary = b.Summary
	default:
		s := a.Summary + "; " + b.Summary
		if len(s) > 240 {
			s = s[:237] + "..."
		}
		a.Summary = s
	}
	return a
}

// narrowToRefs makes a piece of a split moment speak only of the evidence
// left in it: the files its references name and, for progress, a summary
// that counts its own saves (a burst cut by a higher-priority moment must not
// claim files saved in the other part).
func narrowToRefs(m *session.Moment, src session.Moment) {
	var files []string
	saves, inDiff := 0, map[string]bool{}
	for _, r := range m.Evidence {
		if r.Path != "" {
			files = append(files, r.Path)
		}
		if r.Type == session.EvSave {
			saves++
			if r.Note == noteInDiff {
				inDiff[r.Path] = true
			}
		}
	}
	if len(files) == 0 {
		return
	}
	m.Files = sortedFiles(files)
	if m.Kind == session.KindProgress && saves > 0 {
		hasDiff := strings.Contains(src.Summary, " in the diff)")
		m.Summary = progressSummary(saves, m.Files, len(inDiff), hasDiff)
	}
}

// trimRefs keeps the references whose items overlap piece. When no item
// falls inside it (the lead-in or tail of a burst), the items nearest to it
// are kept. When the piece is the whole candidate, or the items cannot be
// placed, the candidate's references are kept as they are (the candidate's
// reasons hold for all of it).
func trimRefs(refs []session.EvidenceRef, piece, whole session.Span, ev *session.Evidence) []session.EvidenceRef {
	if ev == nil || piece == whole || len(refs) == 0 {
		return refs
	}
	var out []session.EvidenceRef
	spans := make([]session.Span, len(refs))
	for i, r := range refs {
		sp, ok := RefSpan(ev, r)
		if !ok {
			return refs
		}
		spans[i] = sp
		if sp.Overlaps(piece) || (sp.Len() == 0 && piece.Contains(sp.Start)) {
			out = append(out, r)
		}
	}
	if len(out) > 0 {
		return out
	}
	gap := func(sp session.Span) time.Duration {
		switch {
		case sp.End <= piece.Start:
			return piece.Start - sp.End
		case sp.Start >= piece.End:
			return sp.Start - piece.End
		}
		return 0
	}
	best := time.Duration(-1)
	for _, sp := range spans {
		if g := gap(sp); best < 0 || g < best {
			best = g
		}
	}
	for i, r := range refs {
		if gap(spans[i]) == best {
			out = append(out, r)
		}
	}
	return out
}

func dedupDur(s []time.Duration) []time.Duration {
	if len(s) == 0 {
		return s
	}
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

// candHeap is a heap of candidate indices ordered by less (best first).
type candHeap struct {
	idx  []int
	less func(i, j int) bool
}

func (h *candHeap) Len() int           { return len(h.idx) }
func (h *candHeap) Less(i, j int) bool { return h.less(h.idx[i], h.idx[j]) }
func (h *candHeap) Swap(i, j int)      { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *candHeap) Push(x any)         { h.idx = append(h.idx, x.(int)) }
func (h *candHeap) Pop() any {
	n := len(h.idx)
	v := h.idx[n-1]
	h.idx = h.idx[:n-1]
	return v
}

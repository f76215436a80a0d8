package clipselect

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// Moments is what Select and RankFocus read of a timeline. timeline.Static
// (and any timeline.Timeline) satisfies it.
type Moments interface {
	// Length is the recording's real duration.
	Length() time.Duration
	// Moments returns every moment, in time order.
	Moments() []session.Moment
}

// Budget bounds the total length of the selected clips.
type Budget struct {
	Min, Max time.Duration
}

// Weights weigh the parts of a clip's score. The zero value means
// DefaultWeights.
type Weights struct {
	Relevance float64 // the moment touches the diff's files (exact paths), or the lines they changed
	Role      float64 // its place in the story: problem, attempt, fix, research that led to the change, the agent's part
	Novelty   float64 // it shows a changed file, or a kind of moment, not shown yet
	Quality   float64 // the classifier's confidence and how many kinds of evidence back it
}

// DefaultWeights are the weights of the zero Weights.
var DefaultWeights = Weights{Relevance: 0.4, Role: 0.25, Novelty: 0.2, Quality: 0.15}

// Options configure Select. Zero values mean the defaults in brackets.
type Options struct {
	Budget   Budget        // total length of the clips [30s, 90s]; Min never above Max, an unset Min is at most Max
	MinClip  time.Duration // shortest clip [3s]
	MaxClip  time.Duration // longest clip, also after merging [15s]
	Pad      time.Duration // added before and after the part of a moment shown [2s]
	MergeGap time.Duration // clips closer than this merge, if the result is at most MaxClip [2s]
	MaxClips int           // most clips [12]
	Weights  Weights
	// Explain records, in Result.Skipped, why each moment was left out.
	Explain bool
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Budget.Max, 90*time.Second)
	def(&o.Budget.Min, min(30*time.Second, o.Budget.Max))
	if o.Budget.Max < o.Budget.Min {
		o.Budget.Max = o.Budget.Min
	}
	def(&o.MinClip, 3*time.Second)
	def(&o.MaxClip, 15*time.Second)
	if o.MaxClip < o.MinClip {
		o.MaxClip = o.MinClip
	}
	def(&o.Pad, 2*time.Second)
	if o.MergeGap < 0 {
		o.MergeGap = 0
	} else if o.MergeGap == 0 {
		o.MergeGap = 2 * time.Second
	}
	if o.MaxClips <= 0 {
		o.MaxClips = 12
	}
	if o.Weights == (Weights{}) {
		o.Weights = DefaultWeights
	}
}

// Skipped is a moment Select left out, and why.
type Skipped struct {
	Span   session.Span        `json:"span"`
	Kind   session.MomentKind  `json:"kind"`
	Score  float64             `json:"score"`
	Parts  []session.ScorePart `json:"parts,omitempty"`
	Reason string              `json:"reason"`
}

// Result is Select's output.
type Result struct {
	// Clips in chronological order, none overlapping.
	Clips []session.Clip `json:"clips"`
	// Total is the clips' summed length.
	Total time.Duration `json:"-"`
	// Skipped lists the moments left out, with the reason (Options.Explain).
	Skipped []Skipped `json:"skipped,omitempty"`
}

// ErrNoClips is returned when no moment is worth a clip: the session has no
// saves, speech, scenes or agent activity (or only idle time).
var ErrNoClips = errors.New("clipselect: no moment worth a clip")

// Score part names, as recorded in session.Clip.Parts.
const (
	PartRelevance = "relevance"
	PartRole      = "role"
	PartNovelty   = "novelty"
	PartQuality   = "quality"
)

type clip struct {
	moment  int // index in the timeline
	span    session.Span
	kind    session.MomentKind
	role    string
	files   []string // diff files (new paths) it shows
	refs    []session.EvidenceRef
	rel     float64
	roleV   float64
	quality float64
	nov     float64
	score   float64
	why     []string // relevance notes
	summary string
}

func (c *clip) parts(w Weights) []session.ScorePart {
	return []session.ScorePart{
		{Name: PartRelevance, Value: r3(w.Relevance * c.rel)},
		{Name: PartRole, Value: r3(w.Role * c.roleV)},
		{Name: PartNovelty, Value: r3(w.Novelty * c.nov)},
		{Name: PartQuality, Value: r3(w.Quality * c.quality)},
	}
}

func r3(v float64) float64 { return math.Round(v*1000) / 1000 }

// Select ranks a timeline's moments against the diff and picks the clips a
// reviewer should watch.
//
// Each moment gets an explicit score, recorded part by part in Clip.Parts:
// relevance (its files are diff files by exact path, never by base name;
// plus a function it showed on screen that the diff changed), narrative role
// (the problem, an attempt, the fix, research that led to the change, the
// agent's contribution, an explanation), novelty (a changed file not shown
// yet: every changed file with a moment gets a clip before any file gets a
// second; or a role not shown yet) and evidence quality. Greedily, the best
// moment that still fits the budget becomes a clip: the densest part of the
// moment (at most MaxClip with padding), padded, at least MinClip, clamped
// to the recording. Clips closer than MergeGap merge when the result is at
// most MaxClip; overlapping clips that cannot merge are trimmed in favour of
// the higher score. The budget and the caps are checked after merging. No
// moment gives two clips. If the clips fall short of Budget.Min they grow
// around their moments. The output is chronological and deterministic.
//
// diff may be nil: relevance is then zero for every moment. ev gives the
// times of the evidence references; an empty Evidence is allowed. When no
// moment is worth a clip it returns ErrNoClips (with Skipped filled when
// Explain is set).
func Select(tl Moments, ev session.Evidence, diff *session.Diff, opts Options) (Result, error) {
	opts.defaults()
	s := newSelector(tl, &ev, diff, opts)
	s.candidates()
	s.greedy()
	final := s.finalize(s.chosen)
	final = s.grow(final)
	res := Result{Clips: make([]session.Clip, 0, len(final))}
	for i := range final {
		c := &final[i]
		res.Clips = append(res.Clips, session.Clip{
			Span:     c.span,
			Kind:     c.kind,
			Files:    c.files,
			Role:     c.role,
			Score:    r3(c.score),
			Parts:    c.parts(opts.Weights),
			Reason:   s.reason(c),
			Evidence: s.refsIn(c.refs, c.span),
		})
		res.Total += c.span.Len()
	}
	if opts.Explain {
		res.Skipped = s.skipped()
	}
	if len(res.Clips) == 0 {
		return res, fmt.Errorf("%w: the timeline has no saves, speech, scenes or agent activity to show (only idle or unclassified time); record a session with some work in it", ErrNoClips)
	}
	return res, nil
}

type selector struct {
	opts     Options
	L        time.Duration
	ms       []session.Moment
	ev       *session.Evidence
	diff     *diffIndex
	cands    []*clip
	chosen   []*clip
	why      map[int]string // moment → reason it was left out
	coverage map[string]int // diff file → clips showing it
	roles    map[string]bool
}

func newSelector(tl Moments, ev *session.Evidence, diff *session.Diff, opts Options) *selector {
	return &selector{opts: opts, L: tl.Length(), ms: tl.Moments(), ev: ev, diff: indexDiff(diff),
		why: map[int]string{}, coverage: map[string]int{}, roles: map[string]bool{}}
}

func (s *selector) candidates() {
	roles := assignRoles(s.ms, s.diff, errorSpans(s.ev))
	for i, m := range s.ms {
		switch {
		case m.Kind == session.KindIdle:
			s.why[i] = "idle: nothing to show"
			continue
		case m.Confidence <= 0:
			s.why[i] = "not classified (confidence 0)"
			continue
		}
		sp := m.Span.Clamp(s.L)
		if s.L <= 0 || sp.Len() <= 0 || m.Span.Start >= s.L {
			s.why[i] = "outside the recording"
			continue
		}
		c := &clip{moment: i, kind: m.Kind, refs: m.Evidence, summary: m.Summary}
		c.files, c.rel, c.why = s.relevance(m)
		c.role, c.roleV = roles[i].name, roles[i].value
		c.quality = quality(m)
		c.span = s.window(m, sp, s.opts.MaxClip)
		s.cands = append(s.cands, c)
	}
}

// window picks the part of a moment to show: the stretch of at most
// maxLen-2·Pad with the most evidence (diff-file saves count double), then
// padded, lengthened to MinClip and clamped to the recording.
func (s *selector) window(m session.Moment, sp session.Span, maxLen time.Duration) session.Span {
	W := max(maxLen-2*s.opts.Pad, time.Second)
	w := sp
	if sp.Len() > W {
		type pt struct {
			t time.Duration
			w int
		}
		var pts []pt
		for _, r := range m.Evidence {
			rs, ok := refSpan(s.ev, r)
			if !ok || !rs.Overlaps(sp) {
				continue
			}
			wt := 1
			if r.Type == session.EvSave && s.diff.has(r.Path) {
				wt = 2
			}
			pts = append(pts, pt{max(rs.Start, sp.Start), wt})
		}
		sort.SliceStable(pts, func(i, j int) bool { return pts[i].t < pts[j].t })
		best, bestStart := -1, sp.Start
		lo, j, sum := 0, 0, 0
		for i := range pts {
			st := min(max(pts[i].t-W/4, sp.Start), sp.End-W)
			for j < len(pts) && pts[j].t < st+W {
				sum += pts[j].w
				j++
			}
			for lo < j && pts[lo].t < st {
				sum -= pts[lo].w
				lo++
			}
			if sum > best {
				best, bestStart = sum, st
			}
		}
		w = session.Span{Start: bestStart, End: bestStart + W}
	}
	out := s.lengthen(w.Pad(s.opts.Pad, s.opts.Pad, s.L), s.opts.MinClip)
	if over := out.Len() - maxLen; over > 0 {
		out.Start += over / 2
		out.End = out.Start + maxLen
	}
	return s.snapStart(out)
}

// snapWithin is how close to a clip's start a scene change must be for the
// clip to start at it instead.
const snapWithin = 3 * time.Second

// snapStart moves a clip's start forward to a scene change that falls in its
// first seconds, when the screen changes to something else there: padding
// and lead-in must not open a clip on the tail of another scene (the docs
// page under a clip about an edit). The clip keeps at least MinClip.
func (s *selector) snapStart(sp session.Span) session.Span {
	if s.ev == nil {
		return sp
	}
	scenes := s.ev.Scenes
	i := sort.Search(len(scenes), func(i int) bool { return scenes[i].Span.End > sp.Start })
	if i >= len(scenes) || i+1 >= len(scenes) {
		return sp
	}
	cur, next := scenes[i], scenes[i+1]
	if !cur.Span.Contains(sp.Start) || cur.Span.End-sp.Start > snapWithin || cur.Label == next.Label {
		return sp
	}
	if sp.End-cur.Span.End < s.opts.MinClip {
		return sp
	}
	sp.Start = cur.Span.End
	return sp
}

// lengthen grows a span to at least n, end first, within the recording.
func (s *selector) lengthen(sp session.Span, n time.Duration) session.Span {
	if d := n - sp.Len(); d > 0 {
		sp.End = min(s.L, sp.End+d)
	}
	if d := n - sp.Len(); d > 0 {
		sp.Start = max(0, sp.Start-d)
	}
	return sp
}

// relevance returns the diff files a moment shows and its relevance in [0,1]:
// 0.8 for an exact path match (files, saves, agent edits), plus 0.2 when a
// function the screen showed is in the changed lines of a diff file.
func (s *selector) relevance(m session.Moment) ([]string, float64, []string) {
	if s.diff == nil {
		return nil, 0, nil
	}
	var files, why []string
	for _, f := range m.Files {
		if p, ok := s.diff.path(f); ok {
			files = append(files, p)
		}
	}
	for _, r := range m.Evidence {
		if p, ok := s.diff.path(r.Path); ok {
			files = append(files, p)
		}
	}
	files = uniq(files)
	rel := 0.0
	if len(files) > 0 {
		rel = 0.8
		why = append(why, "changed "+strings.Join(files, ", "))
	}
	for _, r := range m.Evidence {
		if r.Type != session.EvScene || r.Index < 0 || r.Index >= len(s.ev.Scenes) {
			continue
		}
		for _, fn := range s.ev.Scenes[r.Index].Functions {
			if p, ok := s.diff.function(fn, files); ok {
				rel += 0.2
				why = append(why, fmt.Sprintf("showed %s, changed in %s", fn, p))
				files = uniq(append(files, p))
				goto done
			}
		}
	}
done:
	return files, math.Min(1, rel), why
}

func quality(m session.Moment) float64 {
	types := map[session.EvidenceType]bool{}
	for _, r := range m.Evidence {
		types[r.Type] = true
	}
	return r3(0.6*clamp01(m.Confidence) + 0.4*math.Min(1, float64(len(types))/3))
}

func clamp01(v float64) float64 {
	if v != v || v < 0 {
		return 0
	}
	return math.Min(v, 1)
}

// novelty scores a candidate against what is already chosen: 1 when it
// shows a diff file no clip shows yet, 0.6 for a role not shown yet, 0.2
// otherwise.
func (s *selector) novelty(c *clip) (float64, bool) {
	for _, f := range c.files {
		if s.coverage[f] == 0 {
			return 1, true
		}
	}
	if !s.roles[c.role] {
		return 0.6, false
	}
	return 0.2, false
}

func (s *selector) greedy() {
	w := s.opts.Weights
	left := append([]*clip(nil), s.cands...)
	for len(left) > 0 {
		if len(s.chosen) >= s.opts.MaxClips {
			for _, c := range left {
				s.why[c.moment] = fmt.Sprintf("the most clips (%d) were already chosen", s.opts.MaxClips)
			}
			return
		}
		type ranked struct {
			c   *clip
			new bool
		}
		rs := make([]ranked, len(left))
		for i, c := range left {
			nov, isNew := s.novelty(c)
			c.nov = nov
			c.score = w.Relevance*c.rel + w.Role*c.roleV + w.Novelty*c.nov + w.Quality*c.quality
			rs[i] = ranked{c, isNew}
		}
		// A candidate showing a changed file not yet shown comes first:
		// each changed file gets a clip before any gets a second.
		sort.SliceStable(rs, func(i, j int) bool {
			a, b := rs[i], rs[j]
			if a.new != b.new {
				return a.new
			}
			if a.c.score != b.c.score {
				return a.c.score > b.c.score
			}
			if a.c.span.Start != b.c.span.Start {
				return a.c.span.Start < b.c.span.Start
			}
			return a.c.moment < b.c.moment
		})
		picked := -1
		for i, r := range rs {
			if ok, why := s.fits(r.c); ok {
				picked = i
				break
			} else {
				s.why[r.c.moment] = why
			}
		}
		if picked < 0 {
			return
		}
		c := rs[picked].c
		s.chosen = append(s.chosen, c)
		delete(s.why, c.moment)
		for _, f := range c.files {
			s.coverage[f]++
		}
		s.roles[c.role] = true
		next := left[:0]
		for _, x := range left {
			if x != c {
				next = append(next, x)
			}
		}
		left = next
	}
}

// fits reports whether c can join the chosen clips: it must not repeat a
// chosen clip (more than half of it already shown), and the merged set must
// stay within the budget. A clip too long for the budget left is shortened
// around its window when at least MinClip still fits.
func (s *selector) fits(c *clip) (bool, string) {
	for _, o := range s.chosen {
		if ov := c.span.Intersect(o.span).Len(); ov*2 > c.span.Len() {
			return false, fmt.Sprintf("already shown by the clip at %s", o.span)
		}
	}
	try := func() time.Duration {
		return total(s.finalize(append(append([]*clip(nil), s.chosen...), c)))
	}
	tot := try()
	if tot <= s.opts.Budget.Max {
		return true, ""
	}
	over := tot - s.opts.Budget.Max
	if c.span.Len()-over >= s.opts.MinClip {
		orig := c.span
		shrink := over
		c.span = session.Span{Start: orig.Start + shrink/2, End: orig.End - (shrink - shrink/2)}
		if try() <= s.opts.Budget.Max {
			return true, ""
		}
		c.span = orig
	}
	return false, fmt.Sprintf("over the budget: %s more than the %s left", shortDur(c.span.Len()), shortDur(max(0, s.opts.Budget.Max-total(s.finalize(s.chosen)))))
}

func total(cs []clip) time.Duration {
	var t time.Duration
	for _, c := range cs {
		t += c.span.Len()
	}
	return t
}

// finalize orders clips, merges near ones when the result stays within
// MaxClip, trims overlaps in favour of the higher score (dropping what falls
// under MinClip), and returns copies.
func (s *selector) finalize(in []*clip) []clip {
	cs := make([]clip, len(in))
	for i, c := range in {
		cs[i] = *c
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].span.Start != cs[j].span.Start {
			return cs[i].span.Start < cs[j].span.Start
		}
		return cs[i].score > cs[j].score
	})
	var out []clip
	for _, c := range cs {
		if n := len(out); n > 0 {
			p := &out[n-1]
			gap := c.span.Start - p.span.End
			if gap <= s.opts.MergeGap {
				if u := p.span.Union(c.span); u.Len() <= s.opts.MaxClip {
					*p = mergeClips(*p, c)
					continue
				}
				if gap < 0 {
					if p.score >= c.score {
						c.span.Start = p.span.End
					} else {
						p.span.End = c.span.Start
						if p.span.Len() < s.opts.MinClip {
							out = out[:n-1]
						}
					}
					if c.span.Len() < s.opts.MinClip {
						continue
					}
				}
			}
		}
		out = append(out, c)
	}
	// A trim above can move a clip's start past the next one's; make sure
	// nothing overlaps, the earlier clip keeping its time.
	sort.SliceStable(out, func(i, j int) bool { return out[i].span.Start < out[j].span.Start })
	clean := out[:0]
	for _, c := range out {
		if n := len(clean); n > 0 && c.span.Start < clean[n-1].span.End {
			c.span.Start = clean[n-1].span.End
			if c.span.Len() < s.opts.MinClip {
				continue
			}
		}
		clean = append(clean, c)
	}
	return clean
}

func mergeClips(a, b clip) clip {
	hi, lo := a, b
	if b.score > a.score {
		hi, lo = b, a
	}
	hi.span = a.span.Union(b.span)
	hi.files = uniq(append(append([]string(nil), hi.files...), lo.files...))
	hi.refs = append(append([]session.EvidenceRef(nil), hi.refs...), lo.refs...)
	hi.why = append(append([]string(nil), hi.why...), lo.why...)
	return hi
}

// grow lengthens clips, best first, around their windows (never over
// MaxClip, never into a neighbour) until the total reaches Budget.Min or
// nothing can grow.
func (s *selector) grow(cs []clip) []clip {
	need := s.opts.Budget.Min - total(cs)
	if need <= 0 || len(cs) == 0 {
		return cs
	}
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cs[order[a]].score > cs[order[b]].score })
	for _, i := range order {
		if need <= 0 {
			break
		}
		lo, hi := time.Duration(0), s.L
		if i > 0 {
			lo = cs[i-1].span.End
		}
		if i+1 < len(cs) {
			hi = cs[i+1].span.Start
		}
		room := min(need, s.opts.MaxClip-cs[i].span.Len())
		if room <= 0 {
			continue
		}
		before := min(room/2, cs[i].span.Start-lo)
		after := min(room-before, hi-cs[i].span.End)
		before = min(room-after, cs[i].span.Start-lo)
		cs[i].span.Start -= max(before, 0)
		cs[i].span.End += max(after, 0)
		need -= max(before, 0) + max(after, 0)
	}
	return cs
}

func (s *selector) reason(c *clip) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)", c.role, c.kind)
	if c.summary != "" {
		fmt.Fprintf(&b, ": %s", c.summary)
	}
	if len(c.why) > 0 {
		fmt.Fprintf(&b, "; %s", strings.Join(uniq(c.why), "; "))
	}
	return b.String()
}

// refsIn keeps the references whose items overlap span (all of them when
// none can be placed in it).
func (s *selector) refsIn(refs []session.EvidenceRef, span session.Span) []session.EvidenceRef {
	var out []session.EvidenceRef
	for _, r := range refs {
		if rs, ok := refSpan(s.ev, r); ok && rs.Overlaps(span) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return refs
	}
	return out
}

func (s *selector) skipped() []Skipped {
	chosen := map[int]bool{}
	for _, c := range s.chosen {
		chosen[c.moment] = true
	}
	byMoment := map[int]*clip{}
	for _, c := range s.cands {
		byMoment[c.moment] = c
	}
	var out []Skipped
	for i, m := range s.ms {
		if chosen[i] {
			continue
		}
		sk := Skipped{Span: m.Span, Kind: m.Kind, Reason: s.why[i]}
		if c, ok := byMoment[i]; ok {
			sk.Score, sk.Parts = r3(c.score), c.parts(s.opts.Weights)
			if sk.Reason == "" {
				sk.Reason = "scored below the chosen clips"
			}
		}
		out = append(out, sk)
	}
	return out
}

func uniq(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	cp := append([]string(nil), s...)
	sort.Strings(cp)
	out := cp[:1]
	for _, v := range cp[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

func shortDur(d time.Duration) string {
	return d.Round(100 * time.Millisecond).String()
}

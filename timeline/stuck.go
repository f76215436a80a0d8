package timeline

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// StuckOptions tune the stuck classifier. Zero values mean the defaults in
// brackets.
type StuckOptions struct {
	// MinQuiet is the shortest stretch without a save that can be stuck [90s].
	MinQuiet time.Duration
	// MaxStuck caps a stuck moment's length [30m].
	MaxStuck time.Duration
	// MinConfidence drops weaker candidates [0.3].
	MinConfidence float64
	// Phrases replaces the scored uncertainty phrases when non-nil.
	Phrases []Phrase
}

func (o *StuckOptions) defaults() {
	def(&o.MinQuiet, 90*time.Second)
	def(&o.MaxStuck, 30*time.Minute)
	if o.MinConfidence <= 0 {
		o.MinConfidence = 0.3
	}
	if o.Phrases == nil {
		o.Phrases = UncertaintyPhrases
	}
}

// Phrase is a spoken phrase and how strongly it signals trouble (negative:
// it signals the trouble is over).
type Phrase struct {
	Text   string
	Weight float64
}

// UncertaintyPhrases are the default scored phrases. Hedges people use all
// the time ("I think", "maybe") weigh little, so they never make a stretch
// stuck on their own; explicit confusion weighs a lot; relief counts against.
var UncertaintyPhrases = []Phrase{
	{"not sure", 0.3}, {"no idea", 0.45}, {"i don't know", 0.3}, {"i don't understand", 0.45},
	{"why is", 0.15}, {"why does", 0.2}, {"why isn't", 0.35}, {"why doesn't", 0.35}, {"why is this", 0.3},
	{"what the", 0.35}, {"that's weird", 0.45}, {"that's odd", 0.4}, {"this is strange", 0.45}, {"that's strange", 0.45},
	{"stuck", 0.4}, {"confused", 0.4}, {"confusing", 0.3}, {"still failing", 0.5}, {"still broken", 0.5},
	{"still not working", 0.55}, {"doesn't work", 0.35}, {"not working", 0.35}, {"something's off", 0.4},
	{"something is off", 0.4}, {"doesn't look right", 0.35}, {"wait this is wrong", 0.45}, {"that's wrong", 0.3},
	{"hmm", 0.12}, {"wait", 0.06}, {"i think", 0.03}, {"maybe", 0.03}, {"i guess", 0.05}, {"again", 0.05},
	{"works now", -0.5}, {"fixed it", -0.5}, {"that fixed", -0.5}, {"there we go", -0.4}, {"that's it", -0.3}, {"passing now", -0.5},
}

// UncertaintyScore scores a piece of speech for uncertainty in [0,1]: the sum
// of the weights of the phrases it contains (each counted once), clamped.
// It also returns the phrases that matched, strongest first.
func UncertaintyScore(text string, phrases []Phrase) (float64, []string) {
	t := " " + normWords(text) + " "
	var s float64
	var hits []Phrase
	for _, p := range phrases {
		if strings.Contains(t, " "+p.Text+" ") {
			s += p.Weight
			if p.Weight > 0 {
				hits = append(hits, p)
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Weight > hits[j].Weight })
	names := make([]string, len(hits))
	for i, h := range hits {
		names[i] = h.Text
	}
	return clamp01(s), names
}

// normWords lower-cases text, folds curly apostrophes and turns everything
// but letters, digits and apostrophes into single spaces.
func normWords(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := true
	for _, r := range strings.ToLower(text) {
		switch {
		case r == '’' || r == '\'':
			b.WriteByte('\'')
			space = false
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r > 127 && r != '’':
			b.WriteRune(r)
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// troubleMarkers are texts that, on screen, mean a failing test, a stack
// trace or a crash.
var troubleMarkers = []struct{ text, what string }{
	{"--- FAIL", "failing test"}, {"FAIL\t", "failing test"}, {"FAILED", "failing test"}, {"tests failed", "failing test"},
	{"test failed", "failing test"}, {"AssertionError", "failing test"}, {"assertion failed", "failing test"},
	{"Traceback (most recent call last)", "stack trace"}, {"panic:", "stack trace"}, {"goroutine ", "stack trace"},
	{"Exception in thread", "stack trace"}, {"\tat ", "stack trace"}, {"stack backtrace", "stack trace"},
	{"Segmentation fault", "crash"}, {"segfault", "crash"}, {"core dumped", "crash"}, {"npm ERR!", "error text"},
	{"error[E", "error text"}, {"error:", "error text"}, {"Error:", "error text"}, {"exit status 1", "error text"},
}

func sceneText(sc *session.Scene) string {
	if sc.RawText != "" {
		return sc.RawText
	}
	return sc.Summary
}

// trouble returns what a scene shows of trouble: "failing test", "stack
// trace", "crash", "error text", or "".
func trouble(sc *session.Scene) string {
	t := sceneText(sc)
	for _, e := range sc.Errors {
		t += "\n" + e
	}
	for _, m := range troubleMarkers {
		if strings.Contains(t, m.text) {
			return m.what
		}
	}
	return ""
}

// commandKey normalises a terminal scene's text so that two runs of the same
// command compare equal: lower case, digits folded, spaces collapsed.
func commandKey(sc *session.Scene) string {
	t := sceneText(sc)
	if t == "" {
		return ""
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(t) {
		switch {
		case r >= '0' && r <= '9':
			r = '#'
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
		if b.Len() >= 240 {
			break
		}
	}
	return strings.TrimSpace(b.String())
}

// Stuck returns the stuck classifier. A stretch of at least MinQuiet without
// a save is stuck when it also shows trouble; each signal adds to the
// confidence by its strength (combined as independent evidence):
//
//   - errors the scene reader saw on screen (0.35 each, at most 0.7);
//   - a failing test, stack trace or crash on screen (0.4 each, at most 0.8);
//   - the same terminal text seen again: the same command run repeatedly
//     (0.25 per repeat, at most 0.7);
//   - uncertainty in speech, scored by phrase (UncertaintyScore; at most 0.6).
//
// Longer stretches weigh a little more. The moment starts shortly before
// the first signal and runs to the next save (the way out), capped at
// MaxStuck; its files are those named by the error scenes and the file
// saved next.
func Stuck(o StuckOptions) Classifier {
	o.defaults()
	return ClassifierFunc{K: session.KindStuck, F: func(in *Input) []session.Moment { return stuck(in, o) }}
}

func stuck(in *Input, o StuckOptions) []session.Moment {
	ev := &in.Evidence
	L := ev.Length
	idx := workSaves(in)
	type gap struct {
		a, b time.Duration
		next int // save index that ends the gap, -1 at the end
	}
	var gaps []gap
	prev := time.Duration(0)
	for _, i := range idx {
		t := ev.Saves[i].At
		if t <= prev {
			continue
		}
		if t-prev >= o.MinQuiet {
			gaps = append(gaps, gap{prev, min(t, L), i})
		}
		prev = t
	}
	if L-prev >= o.MinQuiet {
		gaps = append(gaps, gap{prev, L, -1})
	}
	var out []session.Moment
	for _, g := range gaps {
		if g.a >= L {
			break
		}
		if m, ok := stuckIn(in, o, session.Span{Start: g.a, End: g.b}, g.next); ok {
			out = append(out, m)
		}
	}
	return out
}

func stuckIn(in *Input, o StuckOptions, g session.Span, next int) (session.Moment, bool) {
	ev := &in.Evidence
	var refs []session.EvidenceRef
	var files []string
	var errS, testS, repS, speechS []float64
	first, last := g.End, g.Start
	mark := func(sp session.Span) {
		first = min(first, max(sp.Start, g.Start))
		last = max(last, min(sp.End, g.End))
	}
	counts := map[string]int{}
	kinds := map[string]int{}
	for i := firstScene(ev.Scenes, g.Start); i < len(ev.Scenes) && ev.Scenes[i].Span.Start < g.End; i++ {
		sc := &ev.Scenes[i]
		if !sc.Span.Overlaps(g) {
			continue
		}
		hit := false
		if len(sc.Errors) > 0 {
			errS = append(errS, 0.35)
			refs = append(refs, session.EvidenceRef{Type: session.EvScene, Index: i, Note: "error on screen: " + cut(sc.Errors[0], 80)})
			hit = true
		}
		if w := trouble(sc); w != "" && w != "error text" || (w == "error text" && len(sc.Errors) == 0) {
			testS = append(testS, 0.4)
			kinds[w]++
			refs = append(refs, session.EvidenceRef{Type: session.EvScene, Index: i, Note: w + " on screen"})
			hit = true
		}
		if sc.Label == session.LabelTerminal {
			if k := commandKey(sc); k != "" {
				counts[k]++
				if counts[k] > 1 {
					repS = append(repS, 0.25)
					refs = append(refs, session.EvidenceRef{Type: session.EvScene, Index: i, Note: fmt.Sprintf("same terminal text again (%d times)", counts[k])})
					hit = true
				}
			}
		}
		if hit {
			mark(sc.Span)
			files = append(files, sc.Files...)
		}
	}
	var phrases []string
	for i := firstSegment(ev.Transcript, g.Start); i < len(ev.Transcript) && ev.Transcript[i].Span.Start < g.End; i++ {
		seg := &ev.Transcript[i]
		if !seg.Span.Overlaps(g) {
			continue
		}
		s, hits := UncertaintyScore(seg.Text, o.Phrases)
		if s <= 0 {
			continue
		}
		speechS = append(speechS, s)
		refs = append(refs, session.EvidenceRef{Type: session.EvSegment, Index: i, Note: "uncertain speech: " + strings.Join(hits, ", ")})
		phrases = append(phrases, hits...)
		mark(seg.Span)
	}
	if len(refs) == 0 {
		return session.Moment{}, false
	}
	errC := math.Min(0.7, noisyOr(errS...))
	testC := math.Min(0.8, noisyOr(testS...))
	repC := math.Min(0.7, noisyOr(repS...))
	speechC := math.Min(0.6, noisyOr(speechS...))
	quiet := g.Len()
	lf := math.Min(1, 0.75+0.25*float64(quiet-o.MinQuiet)/float64(4*o.MinQuiet))
	conf := noisyOr(errC, testC, repC, speechC) * lf
	if conf < o.MinConfidence {
		return session.Moment{}, false
	}
	span := session.Span{Start: max(g.Start, first-15*time.Second), End: g.End}
	if span.Len() > o.MaxStuck {
		span.End = span.Start + o.MaxStuck
	}
	if next >= 0 {
		files = append(files, ev.Saves[next].Path)
	}
	var parts []string
	if n := len(errS); n > 0 {
		parts = append(parts, fmt.Sprintf("%d error%s on screen", n, plural(n)))
	}
	for _, w := range []string{"failing test", "stack trace", "crash", "error text"} {
		if n := kinds[w]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s ×%d", w, n))
		}
	}
	if n := len(repS); n > 0 {
		parts = append(parts, fmt.Sprintf("same command again ×%d", n))
	}
	if len(phrases) > 0 {
		parts = append(parts, fmt.Sprintf("uncertain speech (%q)", dedupStrings(phrases)[0]))
	}
	return session.Moment{
		Kind:       session.KindStuck,
		Span:       span,
		Confidence: round3(clamp01(conf)),
		Evidence:   sortRefs(refs),
		Files:      sortedFiles(files),
		Summary:    fmt.Sprintf("no saves for %s; %s", shortDur(quiet), strings.Join(parts, ", ")),
	}, true
}

// firstScene returns the index of the first scene that may overlap a span
// starting at t. Scenes are sorted by start; their ends may not be, so it
// steps back over long scenes.
func firstScene(sc []session.Scene, t time.Duration) int {
	i := sort.Search(len(sc), func(i int) bool { return sc[i].Span.Start >= t })
	for i > 0 && sc[i-1].Span.End > t {
		i--
	}
	return i
}

func firstSegment(seg []session.Segment, t time.Duration) int {
	i := sort.Search(len(seg), func(i int) bool { return seg[i].Span.Start >= t })
	for i > 0 && seg[i-1].Span.End > t {
		i--
	}
	return i
}

func cut(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

func dedupStrings(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func shortDur(d time.Duration) string {
	d = d.Round(time.Second)
	if d >= time.Minute {
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%ds", int(d/time.Second))
}

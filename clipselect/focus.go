package clipselect

import (
	"fmt"
	"math"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// FocusOptions configure RankFocus. Zero values mean the defaults in brackets.
type FocusOptions struct {
	// Top is how many files to return [4].
	Top int
	// AgentShare is, per diff path, the share (0..1) of its added lines an
	// AI agent wrote, as measured by attribution. When a file is missing,
	// the agent actions in the evidence that touched it are counted instead.
	AgentShare map[string]float64
	// Weights of the signals; the zero value means DefaultFocusWeights.
	Weights FocusWeights
}

// FocusWeights weigh the signals of a file's review priority.
type FocusWeights struct {
	Stuck, Errors, Churn, Rework, Agent, Size float64
}

// DefaultFocusWeights are the weights of the zero FocusWeights.
var DefaultFocusWeights = FocusWeights{Stuck: 0.3, Errors: 0.25, Churn: 0.1, Rework: 0.1, Agent: 0.15, Size: 0.1}

// Focus signals, as in FocusReason.Signal.
const (
	SignalStuck  = "stuck"
	SignalErrors = "errors"
	SignalChurn  = "churn"
	SignalRework = "rework"
	SignalAgent  = "agent"
	SignalSize   = "size"
)

// FocusReason is one piece of evidence for reviewing a file closely.
type FocusReason struct {
	Signal string  `json:"signal"`
	Value  float64 `json:"value"` // this signal's contribution to the file's score
	Text   string  `json:"text"`
	// At is the moment of the session this reason points to (the longest
	// stuck stretch, the first error, the last rework…); nil when none.
	At       *session.Span         `json:"at,omitempty"`
	Evidence []session.EvidenceRef `json:"evidence,omitempty"`
}

// FocusFile is one diff file ranked for review.
type FocusFile struct {
	Path    string             `json:"path"`
	OldPath string             `json:"old_path,omitempty"`
	Status  session.FileStatus `json:"status"`
	Binary  bool               `json:"binary,omitempty"`
	Score   float64            `json:"score"`
	// Added are the added lines as inclusive [from, to] ranges of the new
	// file (never context lines). Empty for deletions and binary files.
	Added   [][2]int      `json:"added,omitempty"`
	Reasons []FocusReason `json:"reasons"`
}

// Focus is the reviewer focus ranking of a diff.
type Focus struct {
	Files []FocusFile `json:"files"`
	// Considered is how many diff files were scored.
	Considered int `json:"considered"`
}

// RankFocus ranks the diff's files by how closely a reviewer should read
// them, from the session's evidence: time stuck on them (stuck moments
// naming the file), errors seen on screen while editing them (a scene with
// errors naming the file; one naming no file counts for the file saved last,
// if within two minutes), churn (how
// often saved) and rework (how many separate sittings edited it), the share
// an AI agent wrote, and the size of the change (generated and lock files
// do not count). Each reason links to the moment it comes from. It returns
// the top files with a score above zero, best first (ties by path). tl may
// be nil (no stuck signal then). Like timeline.Build, it sorts ev's slices
// in place when they are not in time order.
func RankFocus(tl Moments, ev session.Evidence, diff session.Diff, opts FocusOptions) Focus {
	if opts.Top <= 0 {
		opts.Top = 4
	}
	w := opts.Weights
	if w == (FocusWeights{}) {
		w = DefaultFocusWeights
	}
	ev.Sort()
	var ms []session.Moment
	if tl != nil {
		ms = tl.Moments()
	}
	x := indexDiff(&diff)

	// Per file: saves, stuck moments, error scenes, agent actions.
	saves := map[string][]int{}
	for i, s := range ev.Saves {
		if p, ok := x.path(s.Path); ok {
			saves[p] = append(saves[p], i)
		}
	}
	stuck := map[string][]int{}
	for i, m := range ms {
		if m.Kind != session.KindStuck {
			continue
		}
		for _, f := range uniq(m.Files) {
			if p, ok := x.path(f); ok {
				stuck[p] = append(stuck[p], i)
			}
		}
	}
	errs := map[string][]int{}
	lastSave := -1
	for i := range ev.Scenes {
		sc := &ev.Scenes[i]
		for lastSave+1 < len(ev.Saves) && ev.Saves[lastSave+1].At <= sc.Span.Start {
			lastSave++
		}
		if len(sc.Errors) == 0 {
			continue
		}
		named := map[string]bool{}
		for _, f := range sc.Files {
			if p, ok := x.path(f); ok {
				named[p] = true
			}
		}
		// A scene that names no file: blame the file being edited, the
		// one saved last, if that was in the two minutes before.
		if len(sc.Files) == 0 && lastSave >= 0 && sc.Span.Start-ev.Saves[lastSave].At <= 2*time.Minute {
			if p, ok := x.path(ev.Saves[lastSave].Path); ok {
				named[p] = true
			}
		}
		for p := range named {
			errs[p] = append(errs[p], i)
		}
	}
	agents := map[string][]int{}
	for i, a := range ev.Agent {
		if p, ok := x.path(a.Path); ok {
			agents[p] = append(agents[p], i)
		}
	}

	var out []FocusFile
	for _, f := range diff.Files {
		if f.Path == "" {
			continue
		}
		ff := FocusFile{Path: f.Path, OldPath: f.OldPath, Status: f.Status, Binary: f.Binary, Added: f.AddedRanges()}
		add := func(signal string, weight, value float64, text string, at *session.Span, refs []session.EvidenceRef) {
			if v := r3(weight * clamp01(value)); v > 0 {
				ff.Reasons = append(ff.Reasons, FocusReason{Signal: signal, Value: v, Text: text, At: at, Evidence: refs})
			}
		}
		// Stuck.
		if ids := stuck[f.Path]; len(ids) > 0 {
			var sum time.Duration
			longest := ids[0]
			var refs []session.EvidenceRef
			for _, i := range ids {
				sum += ms[i].Span.Len()
				if ms[i].Span.Len() > ms[longest].Span.Len() {
					longest = i
				}
			}
			refs = capRefs(ms[longest].Evidence, 5)
			sp := ms[longest].Span
			add(SignalStuck, w.Stuck, sum.Minutes()/10,
				fmt.Sprintf("stuck for %s around it (longest stretch at %s: %s)", roundDur(sum), session.Clock(sp.Start), ms[longest].Summary), &sp, refs)
		}
		// Errors.
		if ids := errs[f.Path]; len(ids) > 0 {
			sc := ev.Scenes[ids[0]]
			sp := sc.Span
			var refs []session.EvidenceRef
			for _, i := range ids[:min(len(ids), 5)] {
				refs = append(refs, session.EvidenceRef{Type: session.EvScene, Index: i, Path: f.Path, Note: "error on screen"})
			}
			add(SignalErrors, w.Errors, float64(len(ids))/4,
				fmt.Sprintf("%d error%s on screen while editing it, first at %s: %s", len(ids), plural(len(ids)), session.Clock(sp.Start), cut(sc.Errors[0], 80)), &sp, refs)
		}
		// Churn and rework.
		if ids := saves[f.Path]; len(ids) > 0 {
			sittings := [][2]int{{ids[0], ids[0]}}
			for _, i := range ids[1:] {
				cur := &sittings[len(sittings)-1]
				if ev.Saves[i].At-ev.Saves[cur[1]].At > 2*time.Minute {
					sittings = append(sittings, [2]int{i, i})
				} else {
					cur[1] = i
				}
			}
			lastS := sittings[len(sittings)-1]
			sp := session.Span{Start: ev.Saves[lastS[0]].At, End: ev.Saves[lastS[1]].At + time.Second}
			first := session.Span{Start: ev.Saves[ids[0]].At, End: ev.Saves[ids[0]].At + time.Second}
			add(SignalChurn, w.Churn, math.Log2(1+float64(len(ids)))/7,
				fmt.Sprintf("saved %d time%s, first at %s", len(ids), plural(len(ids)), session.Clock(first.Start)), &first,
				[]session.EvidenceRef{{Type: session.EvSave, Index: ids[0], Path: f.Path, Note: "first save"}})
			if n := len(sittings); n > 1 {
				add(SignalRework, w.Rework, float64(n-1)/5,
					fmt.Sprintf("reworked in %d separate sittings, the last at %s", n, session.Clock(sp.Start)), &sp,
					[]session.EvidenceRef{{Type: session.EvSave, Index: lastS[0], Path: f.Path, Note: "start of the last sitting"}})
			}
		}
		// Agent share.
		share, known := opts.AgentShare[f.Path]
		if !known && f.OldPath != "" {
			share, known = opts.AgentShare[f.OldPath]
		}
		ids := agents[f.Path]
		var at *session.Span
		var refs []session.EvidenceRef
		if len(ids) > 0 {
			a := ev.Agent[ids[0]]
			at = &session.Span{Start: a.At, End: a.At + time.Second}
			for _, i := range ids[:min(len(ids), 5)] {
				refs = append(refs, session.EvidenceRef{Type: session.EvAgent, Index: i, Path: f.Path, Note: "agent action"})
			}
		}
		switch {
		case known && share > 0:
			add(SignalAgent, w.Agent, share, fmt.Sprintf("an AI agent wrote %.0f%% of its added lines", 100*clamp01(share)), at, refs)
		case !known && len(ids) > 0:
			a := ev.Agent[ids[0]]
			add(SignalAgent, w.Agent, 0.5*math.Min(1, float64(len(ids))/10),
				fmt.Sprintf("an AI agent (%s) acted on it %d time%s, first at %s", nonEmpty(a.Agent, "agent"), len(ids), plural(len(ids)), session.Clock(a.At)), at, refs)
		}
		// Size.
		var lastAt *session.Span
		if ids := saves[f.Path]; len(ids) > 0 {
			t := ev.Saves[ids[len(ids)-1]].At
			lastAt = &session.Span{Start: t, End: t + time.Second}
		}
		added, removed := f.Counts()
		switch {
		case f.Binary:
			add(SignalSize, w.Size, 0.3, "binary file: the diff cannot show it; check it by hand", lastAt, nil)
		case generated(f.Path):
		default:
			add(SignalSize, w.Size, math.Log10(1+float64(added+removed))/3, fmt.Sprintf("+%d −%d lines", added, removed), lastAt, nil)
		}
		sort.SliceStable(ff.Reasons, func(i, j int) bool { return ff.Reasons[i].Value > ff.Reasons[j].Value })
		for _, r := range ff.Reasons {
			ff.Score += r.Value
		}
		ff.Score = r3(ff.Score)
		if ff.Score > 0 {
			out = append(out, ff)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Path < out[j].Path
	})
	considered := 0
	for _, f := range diff.Files {
		if f.Path != "" {
			considered++
		}
	}
	if len(out) > opts.Top {
		out = out[:opts.Top]
	}
	return Focus{Files: out, Considered: considered}
}

// generated reports lock files, vendored code and generated sources, whose
// size says nothing about review effort.
func generated(p string) bool {
	b := path.Base(p)
	switch b {
	case "go.sum", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "poetry.lock", "Gemfile.lock", "composer.lock", "uv.lock", "Pipfile.lock":
		return true
	}
	return strings.HasSuffix(b, ".pb.go") || strings.HasSuffix(b, "_gen.go") || strings.HasPrefix(b, "zz_generated") ||
		strings.HasSuffix(b, ".min.js") || strings.HasPrefix(p, "vendor/") || strings.Contains(p, "/vendor/") ||
		strings.HasPrefix(p, "node_modules/") || strings.Contains(p, "/node_modules/")
}

func capRefs(r []session.EvidenceRef, n int) []session.EvidenceRef {
	if len(r) > n {
		return r[:n]
	}
	return r
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func nonEmpty(s, d string) string {
	if s == "" {
		return d
	}
	return s
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

func roundDur(d time.Duration) string {
	d = d.Round(time.Second)
	if d >= time.Minute {
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%ds", int(d/time.Second))
}

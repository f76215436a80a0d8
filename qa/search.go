package qa

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// Searcher is what the bot needs of a session's index; session.Index
// satisfies it.
type Searcher interface {
	Search(ctx context.Context, query string, t session.SearchType) ([]session.Hit, error)
	Clip(ctx context.Context, span session.Span) (string, error)
}

// SearchOptions tune how hits become clips. The zero value pads clips by
// 5 s on each side, merges hits closer than 8 s and keeps three clips.
type SearchOptions struct {
	PadBefore, PadAfter time.Duration // default 5 s each
	MergeGap            time.Duration // hits closer than this merge (default 8 s)
	MaxClips            int           // default 3
	// Length is the recording's duration; clips are clamped to it.
	Length time.Duration
	// Evidence, when set, steers questions asked on a file of the diff
	// toward moments where that file was on screen or saved.
	Evidence *session.Evidence
}

func (o SearchOptions) withDefaults() SearchOptions {
	if o.PadBefore == 0 {
		o.PadBefore = 5 * time.Second
	}
	if o.PadAfter == 0 {
		o.PadAfter = 5 * time.Second
	}
	if o.MergeGap == 0 {
		o.MergeGap = 8 * time.Second
	}
	if o.MaxClips <= 0 {
		o.MaxClips = 3
	}
	return o
}

// Found is one moment that answers a question: the merged hit span, the
// padded and clamped clip span, its normalised score (0..1], the text
// that matched and the clip's URL ("" when the clip could not be made).
type Found struct {
	Span  session.Span       `json:"span"` // what matched
	Clip  session.Span       `json:"clip"` // what is shown: Span padded and clamped
	Score float64            `json:"score"`
	Type  session.SearchType `json:"type"` // the type of the best hit
	Text  string             `json:"text,omitempty"`
	URL   string             `json:"url,omitempty"`
}

// fileBoost is added to the normalised score of a hit on the file a line
// comment is about.
const fileBoost = 0.5

// Find searches the spoken and the visual index for query, normalises each
// index's scores to its best hit (scales differ between indexes), merges
// hits closer than MergeGap, boosts moments on file (a line comment's
// path, "" for none), keeps the best MaxClips, pads and clamps them, and
// asks the index for each clip's URL. No hit at all is an empty result.
func Find(ctx context.Context, s Searcher, query, file string, o SearchOptions) ([]Found, error) {
	o = o.withDefaults()
	var all []Found
	queries := []struct {
		q      string
		t      session.SearchType
		weight float64
	}{{query, session.Spoken, 1}, {query, session.Visual, 1}}
	if file != "" {
		queries = append(queries, struct {
			q      string
			t      session.SearchType
			weight float64
		}{path.Base(file), session.Visual, 0.5})
	}
	var failures []string
	for _, q := range queries {
		hits, err := s.Search(ctx, q.q, q.t)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			failures = append(failures, fmt.Sprintf("%s search: %v", q.t, err))
			continue
		}
		best := 0.0
		for _, h := range hits {
			best = max(best, h.Score)
		}
		for _, h := range hits {
			if !h.Span.Valid() {
				continue
			}
			score := 1.0
			if best > 0 {
				score = max(h.Score, 0) / best
			}
			all = append(all, Found{Span: h.Span, Score: score * q.weight, Type: h.Type, Text: strings.TrimSpace(h.Text)})
		}
	}
	if len(failures) == len(queries) {
		return nil, fmt.Errorf("search the session: %s", strings.Join(failures, "; "))
	}
	if file != "" && o.Evidence != nil {
		for i := range all {
			if onFile(o.Evidence, all[i].Span, file, o.MergeGap) {
				all[i].Score += fileBoost
			}
		}
	}
	merged := merge(all, o.MergeGap)
	if len(merged) > o.MaxClips {
		merged = merged[:o.MaxClips]
	}
	for i := range merged {
		merged[i].Clip = merged[i].Span.Pad(o.PadBefore, o.PadAfter, o.Length)
		if !merged[i].Clip.Valid() {
			merged[i].Clip = merged[i].Span.Clamp(o.Length)
		}
		u, err := s.Clip(ctx, merged[i].Clip)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue // the reply says the clip is unavailable
		}
		merged[i].URL = u
	}
	// Shown in time order, the way a reviewer watches them.
	sort.SliceStable(merged, func(i, j int) bool { return merged[i].Clip.Start < merged[j].Clip.Start })
	return merged, nil
}

// merge joins hits whose spans are within gap of each other, best first:
// each group keeps the best score, the best hit's type and the texts of
// its members.
func merge(hits []Found, gap time.Duration) []Found {
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Span.Start < hits[j].Span.Start
	})
	var groups []Found
	for _, h := range hits {
		joined := false
		for g := range groups {
			near := session.Span{Start: groups[g].Span.Start - gap, End: groups[g].Span.End + gap}
			if near.Overlaps(h.Span) {
				groups[g].Span = groups[g].Span.Union(h.Span)
				if h.Text != "" && !strings.Contains(groups[g].Text, h.Text) {
					if groups[g].Text != "" {
						groups[g].Text += " … "
					}
					groups[g].Text += h.Text
				}
				joined = true
				break
			}
		}
		if !joined {
			groups = append(groups, h)
		}
	}
	return groups
}

// onFile reports whether the evidence shows file on screen or saved
// within gap of span.
func onFile(ev *session.Evidence, span session.Span, file string, gap time.Duration) bool {
	near := session.Span{Start: span.Start - gap, End: span.End + gap}
	same := func(p string) bool {
		return p == file || strings.HasSuffix(p, "/"+file) || strings.HasSuffix(file, "/"+p)
	}
	for _, sc := range ev.Scenes {
		if sc.Span.Overlaps(near) {
			for _, f := range sc.Files {
				if same(f) {
					return true
				}
			}
		}
	}
	for _, sv := range ev.Saves {
		if near.Contains(sv.At) && same(sv.Path) {
			return true
		}
	}
	return false
}

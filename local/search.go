package local

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/tracepr/trace/session"
)

// doc is one searchable item: a transcript segment or a scene.
type doc struct {
	Type session.SearchType `json:"type"`
	Span session.Span       `json:"span"`
	Text string             `json:"text"`
}

// bm25 is an Okapi BM25 index over docs of one search type.
type bm25 struct {
	docs     []doc
	tf       []map[string]int
	df       map[string]int
	lens     []int
	avgLen   float64
	k1, bVal float64
}

func newBM25(docs []doc) *bm25 {
	ix := &bm25{docs: docs, df: map[string]int{}, k1: 1.2, bVal: 0.75}
	total := 0
	for _, d := range docs {
		tf := map[string]int{}
		toks := tokenize(d.Text)
		for _, t := range toks {
			tf[t]++
		}
		for t := range tf {
			ix.df[t]++
		}
		ix.tf = append(ix.tf, tf)
		ix.lens = append(ix.lens, len(toks))
		total += len(toks)
	}
	if len(docs) > 0 {
		ix.avgLen = float64(total) / float64(len(docs))
	}
	return ix
}

// search scores every doc against the query: BM25 over the query's terms,
// plus a bonus when the doc holds the query as a phrase.
func (ix *bm25) search(query string) []session.Hit {
	terms := uniq(tokenize(query))
	if len(terms) == 0 || len(ix.docs) == 0 {
		return nil
	}
	phrase := normPhrase(query)
	n := float64(len(ix.docs))
	var hits []session.Hit
	for i, d := range ix.docs {
		score := 0.0
		for _, t := range terms {
			f := float64(ix.tf[i][t])
			if f == 0 {
				continue
			}
			df := float64(ix.df[t])
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			norm := 1 - ix.bVal + ix.bVal*float64(ix.lens[i])/math.Max(ix.avgLen, 1)
			score += idf * f * (ix.k1 + 1) / (f + ix.k1*norm)
		}
		if score <= 0 {
			continue
		}
		if len(terms) > 1 && strings.Contains(normPhrase(d.Text), phrase) {
			score *= 1.5
		}
		hits = append(hits, session.Hit{Span: d.Span, Score: score, Type: d.Type, Text: truncate(d.Text, 200)})
	}
	sort.SliceStable(hits, func(a, b int) bool {
		if hits[a].Score != hits[b].Score {
			return hits[a].Score > hits[b].Score
		}
		return hits[a].Span.Start < hits[b].Span.Start
	})
	return hits
}

// tokenize lower-cases text and splits it into words; an identifier also
// yields its camelCase and snake_case parts, so "parseConfig" is found by
// "parse config" and by "parseconfig".
func tokenize(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' }) {
		parts := splitIdent(w)
		whole := strings.ToLower(strings.ReplaceAll(w, "_", ""))
		if whole != "" {
			out = append(out, whole)
		}
		if len(parts) > 1 {
			for _, p := range parts {
				out = append(out, strings.ToLower(p))
			}
		}
	}
	return out
}

// splitIdent splits "parseHTTPConfig_v2" into parse, HTTP, Config, v2.
func splitIdent(w string) []string {
	var parts []string
	for _, seg := range strings.Split(w, "_") {
		rs := []rune(seg)
		start := 0
		for i := 1; i < len(rs); i++ {
			lowerToUpper := unicode.IsLower(rs[i-1]) && unicode.IsUpper(rs[i])
			acronymEnd := i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsUpper(rs[i]) && unicode.IsLower(rs[i+1])
			if lowerToUpper || acronymEnd {
				parts = append(parts, string(rs[start:i]))
				start = i
			}
		}
		if start < len(rs) {
			parts = append(parts, string(rs[start:]))
		}
	}
	return parts
}

func normPhrase(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

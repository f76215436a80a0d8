package timeline

import (
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// SpeechOptions tune the speech classifier. Zero values mean the defaults
// in brackets.
type SpeechOptions struct {
	// MinWords is the fewest words, fillers excluded, worth hearing [3].
	MinWords int
	// MinLen and MaxLen bound a segment's length [1s, 60s].
	MinLen, MaxLen time.Duration
	// Join merges segments closer than this into one moment [2s], up to MaxLen.
	Join time.Duration
}

var fillers = set("um", "uh", "er", "erm", "ah", "hmm", "mm", "okay", "ok", "so", "like", "yeah", "right", "well", "oh")

// explainers mark speech that says why: the narration a reviewer wants.
var explainers = []string{"because", "so that", "the reason", "the problem", "the issue", "the bug", "the fix", "decided",
	"instead of", "instead", "going to", "need to", "trade off", "tradeoff", "the idea", "which means", "turns out", "that's why"}

// Speech returns the speech classifier: spoken segments worth hearing (at
// least MinWords real words, between MinLen and MaxLen), nearby segments
// joined. Confidence grows with the number of words, with explaining words
// ("because", "the fix", "instead") and with the recogniser's confidence
// when it reports one. A diff file named by its exact path becomes one of
// the moment's files.
func Speech(o SpeechOptions) Classifier {
	if o.MinWords <= 0 {
		o.MinWords = 3
	}
	def(&o.MinLen, time.Second)
	def(&o.MaxLen, time.Minute)
	def(&o.Join, 2*time.Second)
	return ClassifierFunc{K: session.KindSpeech, F: func(in *Input) []session.Moment { return speech(in, o) }}
}

func speechScore(text string) (words int, score float64) {
	norm := normWords(text)
	for _, w := range strings.Fields(norm) {
		if !fillers[w] {
			words++
		}
	}
	score = 0.35 + 0.25*min(1, float64(words)/20)
	t := " " + norm + " "
	for _, e := range explainers {
		if strings.Contains(t, " "+e+" ") {
			score += 0.25
			break
		}
	}
	return words, score
}

func speech(in *Input, o SpeechOptions) []session.Moment {
	ev := &in.Evidence
	var out []session.Moment
	var cur *session.Moment
	var curScore, curWords float64
	flush := func() {
		if cur != nil {
			cur.Confidence = round3(clamp01(curScore / curWords))
			cur.Files = sortedFiles(cur.Files)
			out = append(out, *cur)
			cur = nil
		}
	}
	for i, seg := range ev.Transcript {
		l := seg.Span.Len()
		if l < o.MinLen || l > o.MaxLen {
			continue
		}
		words, s := speechScore(seg.Text)
		if words < o.MinWords {
			continue
		}
		if seg.Confidence > 0 {
			s *= 0.7 + 0.3*clamp01(seg.Confidence)
		}
		var files []string
		if in.Diff != nil {
			for _, f := range in.Diff.Files {
				if strings.Contains(seg.Text, f.Path) {
					files = append(files, f.Path)
				}
			}
		}
		ref := session.EvidenceRef{Type: session.EvSegment, Index: i, Note: "speech: " + cut(seg.Text, 60)}
		if cur != nil && seg.Span.Start <= cur.Span.End+o.Join && seg.Span.End-cur.Span.Start <= o.MaxLen {
			cur.Span = cur.Span.Union(seg.Span)
			cur.Evidence = append(cur.Evidence, ref)
			cur.Files = append(cur.Files, files...)
			cur.Summary = cut(cur.Summary+" "+seg.Text, 160)
			curScore += s * float64(words)
			curWords += float64(words)
			continue
		}
		flush()
		cur = &session.Moment{Kind: session.KindSpeech, Span: seg.Span, Evidence: []session.EvidenceRef{ref}, Files: files, Summary: cut(seg.Text, 160)}
		curScore, curWords = s*float64(words), float64(words)
	}
	flush()
	return out
}

package render

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// Timing says how long a clip segment lasts.
type Timing int

// Timing rules. Under both, the source span starts at the clip's start and
// never runs past the clip's end or the recording's; when the segment is
// longer than that span (narration longer than the clip), the renderer holds
// the span's last frame for the rest of the segment.
const (
	// FitNarration (the default): the segment lasts as long as its
	// narration plus Pad, and shows the first part of the clip.
	FitNarration Timing = iota
	// FitClip: the segment lasts as long as the whole clip, or its
	// narration plus Pad when that is longer.
	FitClip
)

// ClipInput is one narrated clip to place in the plan.
type ClipInput struct {
	Clip session.Clip
	// Text is the narration script.
	Text string
	// Narration is the synthesised voice; its Duration must be measured.
	// Empty when synthesis failed: the segment then shows Text as a
	// caption card for as long as it takes to read.
	Narration session.Media
}

// Stats are the figures the intro card shows.
type Stats struct {
	Recorded time.Duration // length of the recording
	Files    int           // files changed
	Added    int
	Removed  int
}

// Link is one line of the outro card.
type Link struct {
	Label string
	URL   string
}

// Input is what Build places on the walkthrough's time line.
type Input struct {
	Title  string
	Branch string
	// Source is the recording; SourceLength its real duration.
	Source       session.Media
	SourceLength time.Duration
	Clips        []ClipInput
	Stats        Stats
	Links        []Link
	// Music is an optional bed under the whole video.
	Music *Music
	// IntroNarration is optional voice over the intro card.
	IntroNarration session.Media
	OutDir         string
}

// Options tune Build. The zero value is usable.
type Options struct {
	Width, Height int           // default 1280x720
	Timing        Timing        // default FitNarration
	Pad           time.Duration // silence after each narration (default 600ms)
	Intro         time.Duration // intro card length (default 3s)
	Outro         time.Duration // outro card length (default 4s)
	// Quantum rounds every segment length up to a multiple of it, for
	// backends whose time line takes whole units (VideoDB's editor takes
	// whole seconds); default 1ms. Starts stay exact sums, so rounding never
	// makes segments overlap or leave gaps.
	Quantum time.Duration
	// MaxTotal is the budget for the whole walkthrough (0: none). Build
	// drops the lowest-scoring clips until the plan fits, keeping at least
	// one; Validate reports a plan still over it.
	MaxTotal time.Duration
	// MusicVolume and MusicDuck default to 0.15 and 0.04.
	MusicVolume, MusicDuck float64
}

func (o Options) withDefaults() Options {
	if o.Width <= 0 || o.Height <= 0 {
		o.Width, o.Height = 1280, 720
	}
	if o.Pad <= 0 {
		o.Pad = 600 * time.Millisecond
	}
	if o.Intro <= 0 {
		o.Intro = 3 * time.Second
	}
	if o.Outro <= 0 {
		o.Outro = 4 * time.Second
	}
	if o.Quantum <= 0 {
		o.Quantum = time.Millisecond
	}
	if o.MusicVolume <= 0 {
		o.MusicVolume = 0.15
	}
	if o.MusicDuck <= 0 {
		o.MusicDuck = 0.04
	}
	return o
}

// ReadingRate is the characters per second a caption card allows for
// reading when a clip has no voice.
const ReadingRate = 12

// MinCard is the shortest caption card.
const MinCard = 3 * time.Second

// Build places the intro card, one segment per clip in the given order and
// the outro card end to end from 0, then validates the result. See Timing
// for how long a clip segment lasts.
func Build(in Input, opt Options) (*Plan, error) {
	opt = opt.withDefaults()
	clips := in.Clips
	for {
		p := build(in, clips, opt)
		if opt.MaxTotal <= 0 || p.Duration <= opt.MaxTotal || len(clips) <= 1 {
			if err := Validate(p, ValidateOptions{MaxTotal: opt.MaxTotal}); err != nil {
				return nil, err
			}
			return p, nil
		}
		clips = dropLowest(clips)
	}
}

// dropLowest removes the clip with the lowest score (the latest on ties).
func dropLowest(clips []ClipInput) []ClipInput {
	low := len(clips) - 1
	for i := len(clips) - 1; i >= 0; i-- {
		if clips[i].Clip.Score < clips[low].Clip.Score {
			low = i
		}
	}
	out := append([]ClipInput(nil), clips[:low]...)
	return append(out, clips[low+1:]...)
}

func build(in Input, clips []ClipInput, opt Options) *Plan {
	p := &Plan{Schema: PlanSchema, Title: in.Title, Width: opt.Width, Height: opt.Height, Source: in.Source, SourceLength: in.SourceLength, OutDir: in.OutDir}
	var at time.Duration
	add := func(s Segment) {
		s.Start = at
		s.Duration = roundUp(s.Duration, opt.Quantum)
		at += s.Duration
		p.Segments = append(p.Segments, s)
	}

	intro := Segment{Kind: SegIntro, Duration: opt.Intro, Card: &Card{Title: in.Title, Lines: introLines(in, len(clips))}}
	if !in.IntroNarration.Empty() {
		intro.Narration = in.IntroNarration
		intro.Duration = max(opt.Intro, in.IntroNarration.Duration+opt.Pad)
	}
	add(intro)

	for _, c := range clips {
		add(clipSegment(c, in.SourceLength, opt))
	}

	outro := Segment{Kind: SegOutro, Duration: opt.Outro, Card: &Card{Title: "Thanks for reviewing"}}
	for _, l := range in.Links {
		outro.Card.Lines = append(outro.Card.Lines, strings.TrimSpace(l.Label+" "+l.URL))
	}
	add(outro)
	p.Duration = at
	if in.Music != nil {
		m := *in.Music
		if m.Volume <= 0 {
			m.Volume = opt.MusicVolume
		}
		if m.Duck <= 0 {
			m.Duck = opt.MusicDuck
		}
		p.Music = &m
	}
	return p
}

func clipSegment(c ClipInput, sourceLen time.Duration, opt Options) Segment {
	clip := c.Clip.Span.Clamp(sourceLen)
	s := Segment{Kind: SegClip, Text: strings.TrimSpace(c.Text), Badge: &Badge{Kind: c.Clip.Kind}}
	if len(c.Clip.Files) > 0 {
		s.Badge.File = c.Clip.Files[0]
	}
	var speech time.Duration
	if c.Narration.Empty() || c.Narration.Duration <= 0 {
		// No voice: a caption card, long enough to read.
		read := time.Duration(float64(len(s.Text)) / ReadingRate * float64(time.Second))
		speech = max(MinCard, read)
		title := string(c.Clip.Kind)
		if s.Badge.File != "" {
			title += " · " + path.Base(s.Badge.File)
		}
		s.Card = &Card{Title: title, Lines: wrap(s.Text, 48)}
	} else {
		s.Narration = c.Narration
		speech = c.Narration.Duration
	}
	s.Duration = speech + opt.Pad
	if opt.Timing == FitClip {
		s.Duration = max(s.Duration, clip.Len())
	}
	s.Duration = roundUp(s.Duration, opt.Quantum)
	s.Source = session.Span{Start: clip.Start, End: min(clip.End, clip.Start+s.Duration)}
	if s.Card == nil {
		s.Captions = Captions(s.Text, speech)
	}
	return s
}

func introLines(in Input, clips int) []string {
	var lines []string
	if in.Branch != "" {
		lines = append(lines, in.Branch)
	}
	var stats []string
	if in.Stats.Recorded > 0 {
		stats = append(stats, session.Clock(in.Stats.Recorded)+" recorded")
	}
	if in.Stats.Files > 0 {
		stats = append(stats, plural(in.Stats.Files, "file"))
	}
	if in.Stats.Added > 0 || in.Stats.Removed > 0 {
		stats = append(stats, fmt.Sprintf("+%d −%d", in.Stats.Added, in.Stats.Removed))
	}
	stats = append(stats, plural(clips, "clip"))
	return append(lines, strings.Join(stats, " · "))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func roundUp(d, q time.Duration) time.Duration {
	if q <= 1 || d%q == 0 {
		return d
	}
	return (d/q + 1) * q
}

// MaxCaption is the longest caption line, in characters.
const MaxCaption = 84

// Captions splits text into caption lines (sentences, cut further at commas
// or spaces to at most MaxCaption characters) and times them over speech in
// proportion to their length. They follow each other without gap from 0
// to speech.
func Captions(text string, speech time.Duration) []Caption {
	var parts []string
	for _, s := range splitSentences(text) {
		parts = append(parts, wrap(s, MaxCaption)...)
	}
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	if total == 0 || speech <= 0 {
		return nil
	}
	out := make([]Caption, 0, len(parts))
	var at time.Duration
	acc := 0
	for i, p := range parts {
		acc += len(p)
		end := time.Duration(float64(speech) * float64(acc) / float64(total)).Round(time.Millisecond)
		if i == len(parts)-1 {
			end = speech
		}
		if end <= at {
			continue
		}
		out = append(out, Caption{Span: session.Span{Start: at, End: end}, Text: p})
		at = end
	}
	return out
}

func splitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		if (text[i] == '.' || text[i] == '!' || text[i] == '?') && (i+1 == len(text) || text[i+1] == ' ') {
			if s := strings.TrimSpace(text[start : i+1]); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// wrap breaks text into lines of at most n bytes at spaces (a longer word
// stands alone).
func wrap(text string, n int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		switch {
		case cur == "":
			cur = w
		case len(cur)+1+len(w) <= n:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// Chapters lists the clip segments of a plan as chapters: where each starts
// in the walkthrough, the span of the recording it shows, and what happens
// (the badge's kind and file, and the narration's first sentence).
func Chapters(p *Plan) []session.Chapter {
	var out []session.Chapter
	for _, s := range p.Segments {
		if s.Kind != SegClip {
			continue
		}
		c := session.Chapter{At: s.Start, Length: s.Duration, Source: s.Source}
		if s.Badge != nil {
			c.Kind, c.File = s.Badge.Kind, s.Badge.File
		}
		c.Title = chapterTitle(s)
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out
}

func chapterTitle(s Segment) string {
	if ss := splitSentences(s.Text); len(ss) > 0 {
		t := ss[0]
		if len(t) > 80 {
			if cut := strings.LastIndexByte(t[:80], ' '); cut > 20 {
				t = t[:cut] + "…"
			} else {
				t = t[:80] + "…"
			}
		}
		return t
	}
	if s.Badge != nil {
		t := kindTitle(s.Badge.Kind)
		if s.Badge.File != "" {
			t += " in " + s.Badge.File
		}
		return t
	}
	return "Clip"
}

func kindTitle(k session.MomentKind) string {
	switch k {
	case session.KindStuck:
		return "Stuck"
	case session.KindResearch:
		return "Research"
	case session.KindAgent:
		return "Agent at work"
	case session.KindProgress:
		return "Progress"
	case session.KindSpeech:
		return "Explaining"
	}
	if k == "" {
		return "Clip"
	}
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

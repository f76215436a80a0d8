package render

import (
	"encoding/json"

	"github.com/tracepr/trace/session"
)

// The wire forms carry durations as float seconds, like the session types.

type planWire struct {
	Schema       int           `json:"schema"`
	Title        string        `json:"title"`
	Width        int           `json:"width"`
	Height       int           `json:"height"`
	Duration     float64       `json:"duration"`
	Source       session.Media `json:"source"`
	SourceLength float64       `json:"source_length,omitempty"`
	Segments     []Segment     `json:"segments"`
	Music        *Music        `json:"music,omitempty"`
	OutDir       string        `json:"out_dir,omitempty"`
}

// MarshalJSON writes the plan with durations in float seconds.
func (p Plan) MarshalJSON() ([]byte, error) {
	return json.Marshal(planWire{p.Schema, p.Title, p.Width, p.Height, session.Seconds(p.Duration), p.Source, session.Seconds(p.SourceLength), p.Segments, p.Music, p.OutDir})
}

// UnmarshalJSON reads the wire form.
func (p *Plan) UnmarshalJSON(b []byte) error {
	var w planWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = Plan{Schema: w.Schema, Title: w.Title, Width: w.Width, Height: w.Height, Duration: session.FromSeconds(w.Duration),
		Source: w.Source, SourceLength: session.FromSeconds(w.SourceLength), Segments: w.Segments, Music: w.Music, OutDir: w.OutDir}
	return nil
}

type segmentWire struct {
	Kind      SegmentKind    `json:"kind"`
	Start     float64        `json:"start"`
	Duration  float64        `json:"duration"`
	Source    *session.Span  `json:"source,omitempty"`
	Card      *Card          `json:"card,omitempty"`
	Narration *session.Media `json:"narration,omitempty"`
	Text      string         `json:"text,omitempty"`
	Captions  []Caption      `json:"captions,omitempty"`
	Badge     *Badge         `json:"badge,omitempty"`
}

// MarshalJSON writes the segment with durations in float seconds.
func (s Segment) MarshalJSON() ([]byte, error) {
	w := segmentWire{Kind: s.Kind, Start: session.Seconds(s.Start), Duration: session.Seconds(s.Duration), Card: s.Card, Text: s.Text, Captions: s.Captions, Badge: s.Badge}
	if s.Source != (session.Span{}) {
		src := s.Source
		w.Source = &src
	}
	if !s.Narration.Empty() || s.Narration.Duration != 0 {
		n := s.Narration
		w.Narration = &n
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the wire form.
func (s *Segment) UnmarshalJSON(b []byte) error {
	var w segmentWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Segment{Kind: w.Kind, Start: session.FromSeconds(w.Start), Duration: session.FromSeconds(w.Duration), Card: w.Card, Text: w.Text, Captions: w.Captions, Badge: w.Badge}
	if w.Source != nil {
		s.Source = *w.Source
	}
	if w.Narration != nil {
		s.Narration = *w.Narration
	}
	return nil
}

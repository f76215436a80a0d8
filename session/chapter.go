package session

import (
	"encoding/json"
	"time"
)

// Chapter is one entry of a walkthrough's table of contents: where in the
// rendered video something happens, what, and in which file. render builds
// chapters from a plan; the PR comment and the report page list them.
type Chapter struct {
	At     time.Duration // position in the walkthrough video
	Length time.Duration // how long the chapter lasts in the walkthrough
	Source Span          // the span of the recording shown, when it is a clip
	Title  string        // what happens, in a few words
	Kind   MomentKind    // the clip's kind, when it is a clip
	File   string        // the main file, when there is one
}

type chapterWire struct {
	At     float64    `json:"at"`
	Length float64    `json:"length"`
	Source *Span      `json:"source,omitempty"`
	Title  string     `json:"title"`
	Kind   MomentKind `json:"kind,omitempty"`
	File   string     `json:"file,omitempty"`
}

// MarshalJSON writes times as float seconds.
func (c Chapter) MarshalJSON() ([]byte, error) {
	w := chapterWire{At: Seconds(c.At), Length: Seconds(c.Length), Title: c.Title, Kind: c.Kind, File: c.File}
	if c.Source != (Span{}) {
		s := c.Source
		w.Source = &s
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the wire form.
func (c *Chapter) UnmarshalJSON(b []byte) error {
	var w chapterWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = Chapter{At: FromSeconds(w.At), Length: FromSeconds(w.Length), Title: w.Title, Kind: w.Kind, File: w.File}
	if w.Source != nil {
		c.Source = *w.Source
	}
	return nil
}

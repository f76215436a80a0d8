package timeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tracepr/trace/session"
)

// SchemaVersion is the version of the timeline file format File writes.
const SchemaVersion = 1

// ErrSchema is wrapped when a timeline file was written by a newer trace.
var ErrSchema = errors.New("timeline file schema not supported")

// File is the on-disk form of a timeline (session.FileTimeline): a schema
// version, the recording's length, and the moments.
type File struct {
	Schema   int
	Length   time.Duration
	Priority []session.MomentKind
	Moments  []session.Moment
}

type fileWire struct {
	Schema   int                  `json:"schema"`
	Length   float64              `json:"length"`
	Priority []session.MomentKind `json:"priority,omitempty"`
	Moments  []session.Moment     `json:"moments"`
}

// NewFile wraps a timeline for writing.
func NewFile(tl Timeline, priority []session.MomentKind) File {
	ms := tl.Moments()
	if ms == nil {
		ms = []session.Moment{}
	}
	return File{Schema: SchemaVersion, Length: tl.Length(), Priority: priority, Moments: ms}
}

// MarshalJSON writes Length as float seconds.
func (f File) MarshalJSON() ([]byte, error) {
	ms := f.Moments
	if ms == nil {
		ms = []session.Moment{}
	}
	return json.Marshal(fileWire{Schema: f.Schema, Length: session.Seconds(f.Length), Priority: f.Priority, Moments: ms})
}

// UnmarshalJSON reads the wire form.
func (f *File) UnmarshalJSON(b []byte) error {
	var w fileWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*f = File{Schema: w.Schema, Length: session.FromSeconds(w.Length), Priority: w.Priority, Moments: w.Moments}
	return nil
}

// Static returns the file's timeline after checking its schema and its
// invariants (Check).
func (f File) Static() (Static, error) {
	switch {
	case f.Schema > SchemaVersion:
		return Static{}, fmt.Errorf("timeline file has schema %d; this trace reads up to %d: upgrade trace: %w", f.Schema, SchemaVersion, ErrSchema)
	case f.Schema < 1:
		return Static{}, fmt.Errorf("timeline file has no schema version: it was not written by trace; delete it and rebuild with `trace timeline`: %w", ErrSchema)
	}
	s := Static{Len: f.Length, Items: f.Moments}
	if err := Check(s); err != nil {
		return Static{}, fmt.Errorf("timeline file: %w: delete it and rebuild with `trace timeline`", err)
	}
	return s, nil
}

// Decode reads a timeline file's bytes into a checked Static.
func Decode(b []byte) (Static, error) {
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return Static{}, fmt.Errorf("timeline file is not valid JSON (%v): delete it and rebuild with `trace timeline`: %w", err, ErrInvalid)
	}
	return f.Static()
}

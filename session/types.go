package session

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"
)

// Seconds converts a duration to float seconds, the unit used on the wire.
func Seconds(d time.Duration) float64 { return d.Seconds() }

// FromSeconds converts float seconds (as found on the wire) to a duration,
// rounded to the nearest microsecond so that round trips are stable. Values
// beyond what a Duration holds (about 292 years) saturate; NaN is zero.
func FromSeconds(s float64) time.Duration {
	if math.IsNaN(s) {
		return 0
	}
	const maxMicros = float64(math.MaxInt64 / int64(time.Microsecond))
	us := math.Round(s * 1e6)
	switch {
	case us >= maxMicros:
		return math.MaxInt64
	case us <= -maxMicros:
		return math.MinInt64
	}
	return time.Duration(us) * time.Microsecond
}

// Span is the half-open interval [Start, End) of offsets from the session
// epoch. On the wire it is {"start": seconds, "end": seconds}.
type Span struct {
	Start time.Duration
	End   time.Duration
}

// Len returns the span's length; an inverted span has length zero.
func (s Span) Len() time.Duration {
	if s.End <= s.Start {
		return 0
	}
	return s.End - s.Start
}

// Valid reports whether the span is non-empty and starts at or after zero.
func (s Span) Valid() bool { return s.Start >= 0 && s.End > s.Start }

// Contains reports whether t lies in [Start, End).
func (s Span) Contains(t time.Duration) bool { return t >= s.Start && t < s.End }

// Overlaps reports whether the two spans share a non-empty interval.
func (s Span) Overlaps(o Span) bool { return s.Start < o.End && o.Start < s.End }

// Intersect returns the common part of two spans (empty if they do not overlap).
func (s Span) Intersect(o Span) Span {
	r := Span{Start: max(s.Start, o.Start), End: min(s.End, o.End)}
	if r.End < r.Start {
		r.End = r.Start
	}
	return r
}

// Union returns the smallest span covering both.
func (s Span) Union(o Span) Span {
	return Span{Start: min(s.Start, o.Start), End: max(s.End, o.End)}
}

// Clamp returns the span limited to [0, length].
func (s Span) Clamp(length time.Duration) Span {
	r := Span{Start: max(0, s.Start), End: s.End}
	if length > 0 && r.End > length {
		r.End = length
	}
	if r.Start > r.End {
		r.Start = r.End
	}
	return r
}

// Pad widens the span by before and after, then clamps it to [0, length].
func (s Span) Pad(before, after, length time.Duration) Span {
	return Span{Start: s.Start - before, End: s.End + after}.Clamp(length)
}

// String formats the span as "m:ss–m:ss".
func (s Span) String() string { return Clock(s.Start) + "–" + Clock(s.End) }

// Clock formats an offset as h:mm:ss or m:ss.
func Clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	t := int(d.Round(time.Second) / time.Second)
	if t >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", t/3600, t/60%60, t%60)
	}
	return fmt.Sprintf("%d:%02d", t/60, t%60)
}

type spanWire struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// MarshalJSON writes the span as float seconds.
func (s Span) MarshalJSON() ([]byte, error) {
	return json.Marshal(spanWire{Start: Seconds(s.Start), End: Seconds(s.End)})
}

// UnmarshalJSON reads float seconds.
func (s *Span) UnmarshalJSON(b []byte) error {
	var w spanWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s.Start, s.End = FromSeconds(w.Start), FromSeconds(w.End)
	return nil
}

// Segment is one stretch of transcribed speech.
type Segment struct {
	Span       Span    `json:"span"`
	Text       string  `json:"text"`
	Confidence float64 `json:"confidence,omitempty"` // 0..1 when the recogniser reports one
}

// SceneLabel says what the screen showed during a scene.
type SceneLabel string

// The scene labels every indexer maps its output to.
const (
	LabelEditor      SceneLabel = "editor"
	LabelTerminal    SceneLabel = "terminal"
	LabelBrowserDocs SceneLabel = "browser_docs"
	LabelAIAssistant SceneLabel = "ai_assistant"
	LabelOther       SceneLabel = "other"
)

// ParseSceneLabel maps a label as written by a model or an older tool
// ("code_editor", "Terminal", "docs") to one of the known labels.
func ParseSceneLabel(s string) SceneLabel {
	switch normLabel(s) {
	case "editor", "code_editor", "code", "ide":
		return LabelEditor
	case "terminal", "shell", "console":
		return LabelTerminal
	case "browser_docs", "browser", "docs", "documentation", "web":
		return LabelBrowserDocs
	case "ai_assistant", "assistant", "ai", "agent", "chat":
		return LabelAIAssistant
	default:
		return LabelOther
	}
}

func normLabel(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c == ' ' || c == '-' || c == '/':
			b = append(b, '_')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// Scene is what the screen showed over a span, as read by a vision model or OCR.
type Scene struct {
	Span      Span       `json:"span"`
	Label     SceneLabel `json:"label"`
	Files     []string   `json:"files,omitempty"`
	Functions []string   `json:"functions,omitempty"`
	Errors    []string   `json:"errors,omitempty"`
	Summary   string     `json:"summary,omitempty"`
	RawText   string     `json:"raw_text,omitempty"` // model description or OCR text, kept when parsing fails
}

// SaveEvent is one save of a file in the project, folded from editor write patterns.
type SaveEvent struct {
	At   time.Duration // offset from the epoch
	Path string        // slash-separated, relative to the project directory
	Op   string        // "write", "create", "remove" or "rename"
}

type saveWire struct {
	At   float64 `json:"t"`
	Path string  `json:"path"`
	Op   string  `json:"op,omitempty"`
}

// MarshalJSON writes At as float seconds under "t".
func (e SaveEvent) MarshalJSON() ([]byte, error) {
	return json.Marshal(saveWire{At: Seconds(e.At), Path: e.Path, Op: e.Op})
}

// UnmarshalJSON reads the wire form.
func (e *SaveEvent) UnmarshalJSON(b []byte) error {
	var w saveWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = SaveEvent{At: FromSeconds(w.At), Path: w.Path, Op: w.Op}
	return nil
}

// WindowSample is the active window when it changed.
type WindowSample struct {
	At    time.Duration
	App   string // application or window class ("firefox", "Code", "chrome.exe")
	Title string // already redacted
}

type windowWire struct {
	At    float64 `json:"t"`
	App   string  `json:"app"`
	Title string  `json:"title"`
}

// MarshalJSON writes At as float seconds under "t".
func (w WindowSample) MarshalJSON() ([]byte, error) {
	return json.Marshal(windowWire{At: Seconds(w.At), App: w.App, Title: w.Title})
}

// UnmarshalJSON reads the wire form.
func (w *WindowSample) UnmarshalJSON(b []byte) error {
	var x windowWire
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*w = WindowSample{At: FromSeconds(x.At), App: x.App, Title: x.Title}
	return nil
}

// AgentEvent is one action of an AI coding agent, placed on the session's time base.
type AgentEvent struct {
	At        time.Duration
	Agent     string // "claude-code", "codex", "gemini"
	Model     string
	SessionID string // the agent's own session id
	Tool      string // "Edit", "apply_patch", "replace", "prompt"…
	Path      string // project-relative file the action touched, if any
	Summary   string // short, redacted
}

type agentWire struct {
	At        float64 `json:"t"`
	Agent     string  `json:"agent"`
	Model     string  `json:"model,omitempty"`
	SessionID string  `json:"session_id,omitempty"`
	Tool      string  `json:"tool,omitempty"`
	Path      string  `json:"path,omitempty"`
	Summary   string  `json:"summary,omitempty"`
}

// MarshalJSON writes At as float seconds under "t".
func (a AgentEvent) MarshalJSON() ([]byte, error) {
	return json.Marshal(agentWire{Seconds(a.At), a.Agent, a.Model, a.SessionID, a.Tool, a.Path, a.Summary})
}

// UnmarshalJSON reads the wire form.
func (a *AgentEvent) UnmarshalJSON(b []byte) error {
	var w agentWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = AgentEvent{FromSeconds(w.At), w.Agent, w.Model, w.SessionID, w.Tool, w.Path, w.Summary}
	return nil
}

// MomentKind tags a stretch of the timeline.
type MomentKind string

// The built-in moment kinds. Users may add their own through timeline classifiers.
const (
	KindProgress MomentKind = "progress"
	KindStuck    MomentKind = "stuck"
	KindResearch MomentKind = "research"
	KindSpeech   MomentKind = "speech"
	KindAgent    MomentKind = "agent"
	KindIdle     MomentKind = "idle"
)

// EvidenceType names the collection an EvidenceRef points into.
type EvidenceType string

// Evidence collections of a session.
const (
	EvSave    EvidenceType = "save"    // Evidence.Saves
	EvSegment EvidenceType = "segment" // Evidence.Transcript
	EvScene   EvidenceType = "scene"   // Evidence.Scenes
	EvWindow  EvidenceType = "window"  // Evidence.Windows
	EvAgent   EvidenceType = "agent"   // Evidence.Agent
)

// EvidenceRef points at one item of a session's evidence, by collection and index.
type EvidenceRef struct {
	Type  EvidenceType `json:"type"`
	Index int          `json:"index"`
	Path  string       `json:"path,omitempty"` // the file involved, when there is one
	Note  string       `json:"note,omitempty"` // why this item counts ("error on screen", "uncertain speech")
}

// Moment is one tagged stretch of the session.
type Moment struct {
	Kind       MomentKind    `json:"kind"`
	Span       Span          `json:"span"`
	Confidence float64       `json:"confidence"`
	Evidence   []EvidenceRef `json:"evidence,omitempty"`
	Files      []string      `json:"files,omitempty"` // project-relative files the moment is about
	Summary    string        `json:"summary,omitempty"`
}

// Evidence is everything a session recorded, in one value. Indices in
// EvidenceRef point into these slices, each sorted by time.
type Evidence struct {
	Length     time.Duration  `json:"-"` // the recording's real duration
	Transcript []Segment      `json:"transcript,omitempty"`
	Scenes     []Scene        `json:"scenes,omitempty"`
	Saves      []SaveEvent    `json:"saves,omitempty"`
	Windows    []WindowSample `json:"windows,omitempty"`
	Agent      []AgentEvent   `json:"agent,omitempty"`
}

// Sort orders every collection by time (stable), so references by index are meaningful.
func (e *Evidence) Sort() {
	sort.SliceStable(e.Transcript, func(i, j int) bool { return e.Transcript[i].Span.Start < e.Transcript[j].Span.Start })
	sort.SliceStable(e.Scenes, func(i, j int) bool { return e.Scenes[i].Span.Start < e.Scenes[j].Span.Start })
	sort.SliceStable(e.Saves, func(i, j int) bool { return e.Saves[i].At < e.Saves[j].At })
	sort.SliceStable(e.Windows, func(i, j int) bool { return e.Windows[i].At < e.Windows[j].At })
	sort.SliceStable(e.Agent, func(i, j int) bool { return e.Agent[i].At < e.Agent[j].At })
}

// ScorePart is one named term of a clip's score.
type ScorePart struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// Clip is a span of the recording chosen to be shown to a reviewer.
type Clip struct {
	Span     Span          `json:"span"`
	Kind     MomentKind    `json:"kind"`
	Files    []string      `json:"files,omitempty"`
	Role     string        `json:"role,omitempty"` // narrative role: "problem", "attempt", "fix", "research", "agent"…
	Score    float64       `json:"score"`
	Parts    []ScorePart   `json:"parts,omitempty"`
	Reason   string        `json:"reason,omitempty"`
	Evidence []EvidenceRef `json:"evidence,omitempty"`
}

// SearchType selects which index a search runs against.
type SearchType string

// Search types.
const (
	Spoken SearchType = "spoken"
	Visual SearchType = "visual"
)

// Hit is one search result.
type Hit struct {
	Span  Span       `json:"span"`
	Score float64    `json:"score"` // higher is better; scale is per index
	Type  SearchType `json:"type"`
	Text  string     `json:"text,omitempty"`
}

// Media is a produced asset: a local file, a remote URL, a backend id, or several.
type Media struct {
	Path     string        `json:"path,omitempty"`
	URL      string        `json:"url,omitempty"`
	ID       string        `json:"id,omitempty"`
	Duration time.Duration `json:"-"`
}

type mediaWire struct {
	Path     string  `json:"path,omitempty"`
	URL      string  `json:"url,omitempty"`
	ID       string  `json:"id,omitempty"`
	Duration float64 `json:"duration,omitempty"`
}

// MarshalJSON writes Duration as float seconds.
func (m Media) MarshalJSON() ([]byte, error) {
	return json.Marshal(mediaWire{m.Path, m.URL, m.ID, Seconds(m.Duration)})
}

// UnmarshalJSON reads the wire form.
func (m *Media) UnmarshalJSON(b []byte) error {
	var w mediaWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = Media{Path: w.Path, URL: w.URL, ID: w.ID, Duration: FromSeconds(w.Duration)}
	return nil
}

// Empty reports whether the media names nothing.
func (m Media) Empty() bool { return m.Path == "" && m.URL == "" && m.ID == "" }

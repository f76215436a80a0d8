package editor

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Timeline is an edit: tracks of clips rendered over a background.
type Timeline struct {
	Background string   // default "#000000"
	Resolution string   // default "1280x720"
	Tracks     []*Track // later tracks draw on top of earlier ones at the same z-index
}

// New returns an empty timeline with the default background and resolution.
func New() *Timeline { return &Timeline{Background: "#000000", Resolution: "1280x720"} }

// AddTrack appends a track and returns it.
func (t *Timeline) AddTrack() *Track {
	tr := &Track{}
	t.Tracks = append(t.Tracks, tr)
	return tr
}

// Duration returns the end of the last clip on any track, in seconds.
func (t *Timeline) Duration() float64 {
	var end float64
	for _, tr := range t.Tracks {
		for _, it := range tr.Clips {
			end = max(end, it.Start+it.Clip.Duration)
		}
	}
	return end
}

type timelineWire struct {
	Background string   `json:"background"`
	Resolution string   `json:"resolution"`
	Tracks     []*Track `json:"tracks"`
}

// MarshalJSON writes {"background","resolution","tracks"}.
func (t Timeline) MarshalJSON() ([]byte, error) {
	w := timelineWire{Background: t.Background, Resolution: t.Resolution, Tracks: t.Tracks}
	if w.Background == "" {
		w.Background = "#000000"
	}
	if w.Resolution == "" {
		w.Resolution = "1280x720"
	}
	if w.Tracks == nil {
		w.Tracks = []*Track{}
	}
	return json.Marshal(w)
}

// Payload returns the body of POST editor: {"timeline": …}.
func (t *Timeline) Payload() ([]byte, error) {
	return json.Marshal(map[string]any{"timeline": t})
}

// Track is one layer of clips.
type Track struct {
	ZIndex int         `json:"z_index"`
	Clips  []TrackItem `json:"clips"`
}

// TrackItem places a clip at Start seconds on the output timeline.
type TrackItem struct {
	Start float64 `json:"start"`
	Clip  Clip    `json:"clip"`
}

// Add places c at start seconds and returns the track.
func (tr *Track) Add(start float64, c Clip) *Track {
	tr.Clips = append(tr.Clips, TrackItem{Start: start, Clip: c})
	return tr
}

// MarshalJSON writes an empty clip list as [].
func (tr Track) MarshalJSON() ([]byte, error) {
	type wire Track
	if tr.Clips == nil {
		tr.Clips = []TrackItem{}
	}
	return json.Marshal(wire(tr))
}

// Fit says how a visual fills the frame.
type Fit string

// Fits. The zero value is FitCrop. FitNone keeps the original size and is
// sent as JSON null.
const (
	FitCrop    Fit = "crop"
	FitCover   Fit = "cover"
	FitContain Fit = "contain"
	FitNone    Fit = "none"
)

// MarshalJSON writes "" as "crop" and FitNone as null.
func (f Fit) MarshalJSON() ([]byte, error) {
	switch f {
	case "":
		return []byte(`"crop"`), nil
	case FitNone:
		return []byte("null"), nil
	}
	return json.Marshal(string(f))
}

// Position places a visual in the frame.
type Position string

// Positions. The zero value is PositionCenter.
const (
	PositionCenter      Position = "center"
	PositionTop         Position = "top"
	PositionBottom      Position = "bottom"
	PositionLeft        Position = "left"
	PositionRight       Position = "right"
	PositionTopLeft     Position = "top_left"
	PositionTopRight    Position = "top_right"
	PositionBottomLeft  Position = "bottom_left"
	PositionBottomRight Position = "bottom_right"
)

// Filter is a colour filter.
type Filter string

// Filters.
const (
	FilterBlur      Filter = "blur"
	FilterBoost     Filter = "boost"
	FilterContrast  Filter = "contrast"
	FilterDarken    Filter = "darken"
	FilterGreyscale Filter = "greyscale"
	FilterLighten   Filter = "lighten"
	FilterMuted     Filter = "muted"
	FilterNegative  Filter = "negative"
)

// Offset nudges a positioned visual, in fractions of the frame.
type Offset struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Transition fades a clip in and out.
type Transition struct {
	In       string  `json:"in,omitempty"`  // "fade"
	Out      string  `json:"out,omitempty"` // "fade"
	Duration float64 `json:"duration"`      // seconds; zero means 0.5
}

// Fade returns a fade in and out of d seconds.
func Fade(d float64) *Transition { return &Transition{In: "fade", Out: "fade", Duration: d} }

// Clip shows an asset for Duration seconds.
//
// The zero values of Scale and Opacity mean 1, Fit means crop and Position
// means center; to hide a clip, leave it out. Effect, scale, opacity, fit,
// position, offset and z_index are always sent; transition and filter only
// when set.
type Clip struct {
	Asset      Asset
	Duration   float64
	Effect     string // free form; "" is sent as null
	Scale      float64
	Opacity    float64
	Fit        Fit
	Position   Position
	Offset     Offset
	ZIndex     int
	Transition *Transition
	Filter     Filter
}

type clipWire struct {
	Asset      Asset       `json:"asset"`
	Duration   float64     `json:"duration"`
	Effect     *string     `json:"effect"`
	Scale      float64     `json:"scale"`
	Opacity    float64     `json:"opacity"`
	Fit        Fit         `json:"fit"`
	Position   Position    `json:"position"`
	Offset     Offset      `json:"offset"`
	ZIndex     int         `json:"z_index"`
	Transition *Transition `json:"transition,omitempty"`
	Filter     Filter      `json:"filter,omitempty"`
}

// MarshalJSON applies the defaults and the always/only-when-set rules.
func (c Clip) MarshalJSON() ([]byte, error) {
	w := clipWire{Asset: c.Asset, Duration: c.Duration, Scale: c.Scale, Opacity: c.Opacity, Fit: c.Fit,
		Position: c.Position, Offset: c.Offset, ZIndex: c.ZIndex, Filter: c.Filter}
	if c.Effect != "" {
		e := c.Effect
		w.Effect = &e
	}
	if w.Scale == 0 {
		w.Scale = 1
	}
	if w.Opacity == 0 {
		w.Opacity = 1
	}
	if w.Position == "" {
		w.Position = PositionCenter
	}
	if c.Transition != nil {
		t := *c.Transition
		if t.Duration == 0 {
			t.Duration = 0.5
		}
		w.Transition = &t
	}
	return json.Marshal(w)
}

// Asset is what a clip shows: *VideoAsset, *AudioAsset, *ImageAsset,
// *TextAsset or *CaptionAsset.
type Asset interface {
	Type() string
}

// Crop trims the edges of a visual, in fractions.
type Crop struct {
	Top    float64 `json:"top"`
	Right  float64 `json:"right"`
	Bottom float64 `json:"bottom"`
	Left   float64 `json:"left"`
}

// VideoAsset plays a video ("m-…") from Start seconds into it.
type VideoAsset struct {
	ID     string
	Start  float64 // trim: seconds skipped at the start of the source
	Volume float64 // zero means 1; set Mute for silence
	Mute   bool    // send volume 0
	Crop   Crop
}

// Type returns "video".
func (*VideoAsset) Type() string { return "video" }

// MarshalJSON writes {type, id, start, volume, crop}.
func (a VideoAsset) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type   string  `json:"type"`
		ID     string  `json:"id"`
		Start  float64 `json:"start"`
		Volume float64 `json:"volume"`
		Crop   Crop    `json:"crop"`
	}{"video", a.ID, a.Start, volume(a.Volume, a.Mute), a.Crop})
}

func volume(v float64, mute bool) float64 {
	if mute {
		return 0
	}
	if v == 0 {
		return 1
	}
	return v
}

// AudioAsset plays an audio ("a-…") from Start seconds into it.
type AudioAsset struct {
	ID     string
	Start  float64
	Volume float64 // zero means 1; set Mute for silence
	Mute   bool
}

// Type returns "audio".
func (*AudioAsset) Type() string { return "audio" }

// MarshalJSON writes {type, id, start, volume}.
func (a AudioAsset) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type   string  `json:"type"`
		ID     string  `json:"id"`
		Start  float64 `json:"start"`
		Volume float64 `json:"volume"`
	}{"audio", a.ID, a.Start, volume(a.Volume, a.Mute)})
}

// ImageAsset shows an image ("img-…"). Size and place it with the clip's
// Scale, Position and Offset.
type ImageAsset struct {
	ID   string
	Crop Crop
}

// Type returns "image".
func (*ImageAsset) Type() string { return "image" }

// MarshalJSON writes {type, id, crop}.
func (a ImageAsset) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type string `json:"type"`
		ID   string `json:"id"`
		Crop Crop   `json:"crop"`
	}{"image", a.ID, a.Crop})
}

// Font styles a TextAsset. Zero fields take the defaults: "Clear Sans",
// 48, "#FFFFFF", opacity 1.
type Font struct {
	Family  string  `json:"family"`
	Size    int     `json:"size"`
	Color   string  `json:"color"`
	Opacity float64 `json:"opacity"`
}

// Alignment places text in its box; zero fields mean center.
type Alignment struct {
	Horizontal string `json:"horizontal"` // left, center, right
	Vertical   string `json:"vertical"`   // top, center, bottom
}

// Border outlines text.
type Border struct {
	Color string  `json:"color"`
	Width float64 `json:"width"`
}

// Shadow shadows text.
type Shadow struct {
	Color string  `json:"color"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
}

// Background is a box behind text.
type Background struct {
	Width         int     `json:"width"`
	Height        int     `json:"height"`
	Color         string  `json:"color"`
	BorderWidth   int     `json:"border_width"`
	Opacity       float64 `json:"opacity"`
	TextAlignment string  `json:"text_alignment"` // center, top, top_right…
}

// TextAsset draws text.
type TextAsset struct {
	Text        string
	Font        Font
	Alignment   Alignment
	TabSize     int // zero means 4
	LineSpacing float64
	Border      *Border
	Shadow      *Shadow
	Background  *Background
	Width       int // pixels; 0 leaves it to the server
	Height      int
}

// Type returns "text".
func (*TextAsset) Type() string { return "text" }

// MarshalJSON writes the text asset with defaults filled in.
func (a TextAsset) MarshalJSON() ([]byte, error) {
	f := a.Font
	if f.Family == "" {
		f.Family = "Clear Sans"
	}
	if f.Size == 0 {
		f.Size = 48
	}
	if f.Color == "" {
		f.Color = "#FFFFFF"
	}
	if f.Opacity == 0 {
		f.Opacity = 1
	}
	al := a.Alignment
	if al.Horizontal == "" {
		al.Horizontal = "center"
	}
	if al.Vertical == "" {
		al.Vertical = "center"
	}
	tab := a.TabSize
	if tab == 0 {
		tab = 4
	}
	var bg *Background
	if a.Background != nil {
		b := *a.Background
		if b.Color == "" {
			b.Color = "#000000"
		}
		if b.Opacity == 0 {
			b.Opacity = 1
		}
		if b.TextAlignment == "" {
			b.TextAlignment = "center"
		}
		bg = &b
	}
	return json.Marshal(struct {
		Type        string      `json:"type"`
		Text        string      `json:"text"`
		Font        Font        `json:"font"`
		Alignment   Alignment   `json:"alignment"`
		TabSize     int         `json:"tabsize"`
		LineSpacing float64     `json:"line_spacing"`
		Border      *Border     `json:"border,omitempty"`
		Shadow      *Shadow     `json:"shadow,omitempty"`
		Background  *Background `json:"background,omitempty"`
		Width       int         `json:"width,omitempty"`
		Height      int         `json:"height,omitempty"`
	}{"text", a.Text, f, al, tab, a.LineSpacing, a.Border, a.Shadow, bg, a.Width, a.Height})
}

// CaptionFont styles captions; zero fields take the defaults.
type CaptionFont struct {
	Name      string  `json:"font_name"` // "Clear Sans"
	Size      int     `json:"font_size"` // 30
	Bold      bool    `json:"bold"`
	Italic    bool    `json:"italic"`
	Underline bool    `json:"underline"`
	Strikeout bool    `json:"strikeout"`
	ScaleX    float64 `json:"scale_x"` // 100
	ScaleY    float64 `json:"scale_y"` // 100
	Spacing   float64 `json:"spacing"`
	Angle     float64 `json:"angle"`
}

// CaptionBorder outlines captions.
type CaptionBorder struct {
	Style        string  `json:"style"` // outline_and_shadow, opaque_box
	Outline      float64 `json:"outline"`
	OutlineColor string  `json:"outline_color"`
	Shadow       float64 `json:"shadow"`
}

// CaptionPosition places captions.
type CaptionPosition struct {
	Alignment string `json:"alignment"` // bottom_center…
	MarginL   int    `json:"margin_l"`
	MarginR   int    `json:"margin_r"`
	MarginV   int    `json:"margin_v"`
}

// CaptionAsset burns captions: Src "auto" (needs a spoken-word index) or a
// base64 ASS file.
type CaptionAsset struct {
	Src            string // default "auto"
	Font           CaptionFont
	PrimaryColor   string // default "&H00FFFFFF"
	SecondaryColor string // default "&H000000FF"
	BackColor      string // default "&H00000000"
	Border         *CaptionBorder
	Position       *CaptionPosition
	Animation      string // box_highlight, color_highlight, reveal, karaoke, impact, supersize
}

// Type returns "caption".
func (*CaptionAsset) Type() string { return "caption" }

// MarshalJSON writes the caption asset with defaults filled in.
func (a CaptionAsset) MarshalJSON() ([]byte, error) {
	f := a.Font
	if f.Name == "" {
		f.Name = "Clear Sans"
	}
	if f.Size == 0 {
		f.Size = 30
	}
	if f.ScaleX == 0 {
		f.ScaleX = 100
	}
	if f.ScaleY == 0 {
		f.ScaleY = 100
	}
	b := CaptionBorder{Style: "outline_and_shadow", Outline: 1, OutlineColor: "&H00000000"}
	if a.Border != nil {
		b = *a.Border
	}
	p := CaptionPosition{Alignment: "bottom_center", MarginL: 30, MarginR: 30, MarginV: 30}
	if a.Position != nil {
		p = *a.Position
	}
	return json.Marshal(struct {
		Type           string          `json:"type"`
		Src            string          `json:"src"`
		Font           CaptionFont     `json:"font"`
		PrimaryColor   string          `json:"primary_color"`
		SecondaryColor string          `json:"secondary_color"`
		BackColor      string          `json:"back_color"`
		Border         CaptionBorder   `json:"border"`
		Position       CaptionPosition `json:"position"`
		Animation      string          `json:"animation,omitempty"`
	}{"caption", or(a.Src, "auto"), f, or(a.PrimaryColor, "&H00FFFFFF"), or(a.SecondaryColor, "&H000000FF"), or(a.BackColor, "&H00000000"), b, p, a.Animation})
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

var (
	positions = map[Position]bool{"": true, PositionCenter: true, PositionTop: true, PositionBottom: true, PositionLeft: true, PositionRight: true, PositionTopLeft: true, PositionTopRight: true, PositionBottomLeft: true, PositionBottomRight: true}
	filters   = map[Filter]bool{"": true, FilterBlur: true, FilterBoost: true, FilterContrast: true, FilterDarken: true, FilterGreyscale: true, FilterLighten: true, FilterMuted: true, FilterNegative: true}
	fits      = map[Fit]bool{"": true, FitCrop: true, FitCover: true, FitContain: true, FitNone: true}
)

// Validate checks what the server would refuse: a missing asset or id,
// an id of the wrong kind, a duration ≤ 0, scale outside 0–10, opacity
// outside 0–1, unknown fit, position or filter, a negative start. Every
// problem is reported, each naming its track and clip.
func (t *Timeline) Validate() error {
	var errs []error
	for ti, tr := range t.Tracks {
		for ci, it := range tr.Clips {
			where := fmt.Sprintf("track %d clip %d", ti, ci)
			c := it.Clip
			if it.Start < 0 {
				errs = append(errs, fmt.Errorf("%s: start %g is negative", where, it.Start))
			}
			if c.Duration <= 0 {
				errs = append(errs, fmt.Errorf("%s: duration %g must be > 0", where, c.Duration))
			}
			if c.Scale < 0 || c.Scale > 10 {
				errs = append(errs, fmt.Errorf("%s: scale %g is outside 0–10", where, c.Scale))
			}
			if c.Opacity < 0 || c.Opacity > 1 {
				errs = append(errs, fmt.Errorf("%s: opacity %g is outside 0–1", where, c.Opacity))
			}
			if !fits[c.Fit] {
				errs = append(errs, fmt.Errorf("%s: fit %q is not crop, cover, contain or none", where, c.Fit))
			}
			if !positions[c.Position] {
				errs = append(errs, fmt.Errorf("%s: position %q is not one of the nine positions", where, c.Position))
			}
			if !filters[c.Filter] {
				errs = append(errs, fmt.Errorf("%s: filter %q is not a known filter", where, c.Filter))
			}
			if err := checkAsset(c.Asset); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", where, err))
			}
		}
	}
	return errors.Join(errs...)
}

func checkAsset(a Asset) error {
	id := func(id, prefix string) error {
		if !strings.HasPrefix(id, prefix) {
			return fmt.Errorf("%s asset id %q must start with %q", a.Type(), id, prefix)
		}
		return nil
	}
	switch v := a.(type) {
	case nil:
		return errors.New("no asset")
	case *VideoAsset:
		if v.Start < 0 {
			return fmt.Errorf("video asset start %g is negative", v.Start)
		}
		return id(v.ID, "m-")
	case *AudioAsset:
		if v.Start < 0 {
			return fmt.Errorf("audio asset start %g is negative", v.Start)
		}
		return id(v.ID, "a-")
	case *ImageAsset:
		return id(v.ID, "img-")
	case *TextAsset:
		if v.Font.Opacity < 0 || v.Font.Opacity > 1 {
			return fmt.Errorf("text font opacity %g is outside 0–1", v.Font.Opacity)
		}
		if v.TabSize < 0 || v.LineSpacing < 0 {
			return errors.New("text tabsize and line spacing must be ≥ 0")
		}
	case *CaptionAsset:
	default:
		return fmt.Errorf("asset type %q is not video, audio, image, text or caption", a.Type())
	}
	return nil
}

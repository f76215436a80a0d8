package videodb

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"time"

	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb/editor"
)

// RendererOptions tune the Renderer. The zero value renders at the plan's
// size on black, with a poster taken from the first clip.
type RendererOptions struct {
	Background string // default "#000000"
	// Fade is a fade in and out on each source clip; zero means none.
	Fade time.Duration
	// NoPoster skips the poster thumbnail.
	NoPoster bool
	Logger   *slog.Logger
}

// Renderer implements render.Renderer with the VideoDB editor.
type Renderer struct {
	c    *Client
	opts RendererOptions
	log  *slog.Logger
}

var _ render.Renderer = (*Renderer)(nil)

// NewRenderer returns a Renderer using c.
func NewRenderer(c *Client, opts RendererOptions) *Renderer {
	log := opts.Logger
	if log == nil {
		log = slog.New(discard{})
	}
	return &Renderer{c: c, opts: opts, log: log}
}

// Render validates the plan (errors wrap render.ErrInvalidPlan), compiles
// it into an editor timeline, renders it and returns the stream (and a
// poster image of the first clip).
//
// When a clip's narration outlasts its source span, the clip holds its last
// frame for the rest of the segment, as the local renderer does: Render asks
// VideoDB for a still at the span's end (a thumbnail, one frame before the
// end) and lays it after the video on the same track. If the still cannot be
// made, a warning is logged and that segment shows the background instead.
func (r *Renderer) Render(ctx context.Context, p *render.Plan) (render.Output, error) {
	if err := render.Validate(p, render.ValidateOptions{}); err != nil {
		return render.Output{}, fmt.Errorf("videodb: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return render.Output{}, fmt.Errorf("videodb: render %q: %w", p.Title, err)
	}
	stills, err := r.stills(ctx, p)
	if err != nil {
		return render.Output{}, err
	}
	tl, err := r.timeline(p, stills)
	if err != nil {
		return render.Output{}, err
	}
	st, err := r.c.Editor.Compile(ctx, tl)
	if err != nil {
		return render.Output{}, fmt.Errorf("videodb: render %q: %w", p.Title, err)
	}
	out := render.Output{Video: session.Media{URL: st.StreamURL, Duration: p.Duration}}
	if !r.opts.NoPoster {
		for _, s := range p.Segments {
			if s.Kind != render.SegClip {
				continue
			}
			at := s.Source.Clamp(p.SourceLength)
			mid := (at.Start + at.Len()/2).Seconds()
			img, err := r.c.Videos.ThumbnailAt(ctx, p.Source.ID, mid)
			if err != nil {
				r.log.WarnContext(ctx, "videodb: no poster", "err", err)
				break
			}
			out.Poster = session.Media{ID: img.ID, URL: img.URL}
			if out.Poster.URL == "" {
				if u, err := r.c.Images.SignedURL(ctx, img.ID); err == nil {
					out.Poster.URL = u
				}
			}
			break
		}
	}
	return out, nil
}

func secs(d time.Duration) float64 { return d.Seconds() }

// frame is how far before a span's end the held still is taken: one frame
// at 25 fps, so the still is a frame the clip really shows.
const frame = 40 * time.Millisecond

// stills makes one image per clip segment whose source span is shorter than
// the segment, keyed by segment index. A failure of the context ends the
// render; any other failure leaves that segment without a still.
func (r *Renderer) stills(ctx context.Context, p *render.Plan) (map[int]string, error) {
	out := map[int]string{}
	for i, s := range p.Segments {
		if s.Kind != render.SegClip {
			continue
		}
		src := s.Source.Clamp(p.SourceLength)
		if !src.Valid() || src.Len() >= s.Duration {
			continue
		}
		at := max(src.End-frame, src.Start)
		img, err := r.c.Videos.ThumbnailAt(ctx, p.Source.ID, at.Seconds())
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("videodb: render %q: %w", p.Title, ctx.Err())
			}
			r.log.WarnContext(ctx, "videodb: no still to hold the last frame; the rest of the segment shows the background",
				"segment", i, "at", session.Clock(at), "err", err)
			continue
		}
		if strings.HasPrefix(img.ID, "img-") {
			out[i] = img.ID
		}
	}
	return out, nil
}

// Timeline builds the editor timeline of a plan, without any request.
//
// Tracks, bottom to top: the source video (muted), cards (image and
// title), captions, badges, narration, and the music bed. Every clip's
// start and duration are the plan's exact times in seconds: nothing is
// rounded or accumulated, so clips neither overlap nor leave gaps. A clip
// shows its source span clamped to the recording; when the narration is
// longer than the span, the rest of the segment holds the background
// here; Render fills it with a still of the span's last frame instead.
// The music is split where narration starts and stops, and played at
// Music.Duck under narration and Music.Volume elsewhere.
func (r *Renderer) Timeline(p *render.Plan) (*editor.Timeline, error) {
	return r.timeline(p, nil)
}

// timeline is Timeline with stills: stills[i] is an image shown after
// segment i's source video until the segment ends.
func (r *Renderer) timeline(p *render.Plan, stills map[int]string) (*editor.Timeline, error) {
	if p == nil || len(p.Segments) == 0 {
		return nil, fmt.Errorf("videodb: the render plan is empty: build it with render.Build")
	}
	tl := editor.New()
	if p.Width > 0 && p.Height > 0 {
		tl.Resolution = fmt.Sprintf("%dx%d", p.Width, p.Height)
	}
	if r.opts.Background != "" {
		tl.Background = r.opts.Background
	}
	video, cards, captions, badges, voice := tl.AddTrack(), tl.AddTrack(), tl.AddTrack(), tl.AddTrack(), tl.AddTrack()
	var speech []session.Span // where narration plays, on the output timeline
	for i, s := range p.Segments {
		start, dur := secs(s.Start), secs(s.Duration)
		if dur <= 0 {
			return nil, fmt.Errorf("videodb: plan segment %d has no duration: rebuild the plan", i)
		}
		if s.Kind == render.SegClip {
			if !strings.HasPrefix(p.Source.ID, "m-") {
				return nil, fmt.Errorf("videodb: the plan's source %q is not a VideoDB video: index the session with the videodb backend", p.Source.ID)
			}
			src := s.Source.Clamp(p.SourceLength)
			if !src.Valid() {
				return nil, fmt.Errorf("videodb: plan segment %d shows %s, outside the %s recording: %w", i, s.Source, session.Clock(p.SourceLength), session.ErrSpan)
			}
			show := min(secs(src.Len()), dur)
			c := editor.Clip{Asset: &editor.VideoAsset{ID: p.Source.ID, Start: secs(src.Start), Mute: true}, Duration: show}
			still, hold := stills[i]
			hold = hold && src.Len() < s.Duration
			if r.opts.Fade > 0 {
				c.Transition = editor.Fade(secs(r.opts.Fade))
				if hold { // fade in on the video, out on the still
					c.Transition.Out = ""
				}
			}
			video.Add(start, c)
			if hold {
				h := editor.Clip{Asset: &editor.ImageAsset{ID: still}, Duration: secs(s.Duration - src.Len())}
				if r.opts.Fade > 0 {
					h.Transition = &editor.Transition{Out: "fade", Duration: secs(r.opts.Fade)}
				}
				video.Add(secs(s.Start+src.Len()), h)
			}
		}
		if s.Card != nil {
			if s.Card.Image.ID != "" {
				if !strings.HasPrefix(s.Card.Image.ID, "img-") {
					return nil, fmt.Errorf("videodb: card image %q of segment %d is not a VideoDB image: generate it with GenerateIntroImage", s.Card.Image.ID, i)
				}
				cards.Add(start, editor.Clip{Asset: &editor.ImageAsset{ID: s.Card.Image.ID}, Duration: dur, Fit: editor.FitCover})
			}
			text := s.Card.Title
			if len(s.Card.Lines) > 0 {
				text += "\n" + strings.Join(s.Card.Lines, "\n")
			}
			cards.Add(start, editor.Clip{Asset: &editor.TextAsset{Text: text, Font: editor.Font{Size: 40}, LineSpacing: 8}, Duration: dur})
		}
		for _, cp := range s.Captions {
			cs := cp.Span.Clamp(s.Duration)
			if !cs.Valid() {
				continue
			}
			captions.Add(start+secs(cs.Start), editor.Clip{
				Asset:    &editor.TextAsset{Text: cp.Text, Font: editor.Font{Size: 28}, Background: &editor.Background{Color: "#000000", Opacity: 0.6}},
				Duration: secs(cs.Len()), Position: editor.PositionBottom, Offset: editor.Offset{Y: 0.05},
			})
		}
		if s.Badge != nil {
			label := "trace · " + strings.ToUpper(string(s.Badge.Kind))
			if s.Badge.File != "" {
				label += " · " + path.Base(s.Badge.File)
			}
			badges.Add(start, editor.Clip{
				Asset:    &editor.TextAsset{Text: label, Font: editor.Font{Size: 24}, Background: &editor.Background{Color: "#000000", Opacity: 0.75}},
				Duration: dur, Position: editor.PositionTopLeft, Opacity: 0.9,
			})
		}
		if !s.Narration.Empty() {
			if !strings.HasPrefix(s.Narration.ID, "a-") {
				return nil, fmt.Errorf("videodb: narration of segment %d is not a VideoDB audio (%q): voice it with the videodb Voice", i, s.Narration.ID)
			}
			nd := dur
			if s.Narration.Duration > 0 {
				nd = min(nd, secs(s.Narration.Duration))
			}
			voice.Add(start, editor.Clip{Asset: &editor.AudioAsset{ID: s.Narration.ID}, Duration: nd})
			speech = append(speech, session.Span{Start: s.Start, End: s.Start + session.FromSeconds(nd)})
		}
	}
	if p.Music != nil && !p.Music.Media.Empty() {
		if !strings.HasPrefix(p.Music.Media.ID, "a-") {
			return nil, fmt.Errorf("videodb: music %q is not a VideoDB audio: generate it with GenerateMusicBed", p.Music.Media.ID)
		}
		total := p.Duration
		if total <= 0 {
			last := p.Segments[len(p.Segments)-1]
			total = last.Start + last.Duration
		}
		addMusic(tl.AddTrack(), p.Music, total, speech)
	}
	if err := tl.Validate(); err != nil {
		return nil, fmt.Errorf("videodb: the timeline built from the plan is not valid: %w", err)
	}
	return tl, nil
}

// addMusic lays the bed over [0, total): one clip per stretch with or
// without speech, looping the music when it is shorter than the video.
func addMusic(tr *editor.Track, m *render.Music, total time.Duration, speech []session.Span) {
	cuts := []time.Duration{0, total}
	for _, sp := range speech {
		cuts = append(cuts, sp.Start, sp.End)
	}
	length := m.Media.Duration
	if length > 0 {
		for t := length; t < total; t += length {
			cuts = append(cuts, t)
		}
	}
	cuts = sortedUnique(cuts, total)
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		vol, talking := m.Volume, false
		for _, sp := range speech {
			if sp.Start <= a && b <= sp.End {
				talking = true
			}
		}
		if talking {
			vol = m.Duck
		}
		at := a
		if length > 0 {
			at = a % length
		}
		tr.Add(secs(a), editor.Clip{Asset: &editor.AudioAsset{ID: m.Media.ID, Start: secs(at), Volume: vol, Mute: vol <= 0}, Duration: secs(b - a)})
	}
}

func sortedUnique(ts []time.Duration, limit time.Duration) []time.Duration {
	seen := map[time.Duration]bool{}
	var out []time.Duration
	for _, t := range ts {
		if t < 0 || t > limit || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

package videodb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/session"
)

// Writer implements narrate.Writer with generate_text.
type Writer struct {
	c     *Client
	Model TextModel // default pro
}

var _ narrate.Writer = (*Writer)(nil)

// NewWriter returns a Writer using model ("" means pro).
func NewWriter(c *Client, model TextModel) *Writer {
	if model == "" {
		model = ModelPro
	}
	return &Writer{c: c, Model: model}
}

// Write sends the prompt's rules and request as one redacted prompt and
// returns the model's text (the JSON text when p.JSON is set).
func (w *Writer) Write(ctx context.Context, p narrate.Prompt) (string, error) {
	prompt := strings.TrimSpace(p.System + "\n\n" + p.User)
	if prompt == "" {
		return "", fmt.Errorf("videodb: empty %s prompt", p.Task)
	}
	rt := ResponseText
	if p.JSON {
		rt = ResponseJSON
	}
	res, err := w.c.Generate.Text(ctx, TextRequest{Prompt: redact.String(prompt), Model: w.Model, ResponseType: rt})
	if err != nil {
		return "", fmt.Errorf("videodb: write %s: %w", p.Task, err)
	}
	return strings.TrimSpace(res.Text()), nil
}

// VoiceOptions choose the voice. The zero value is the server's default voice.
type VoiceOptions struct {
	VoiceName    string // default "Default"
	VoiceCloneID string // speak in a cloned voice
	ModelName    string // e.g. "k2-fsa/OmniVoice"; "" is the server's default
	Config       map[string]any
	// SignedURL also fetches a download URL for each clip.
	SignedURL bool
}

// Voice implements narrate.Voice with generate_voice.
type Voice struct {
	c    *Client
	opts VoiceOptions
}

var _ narrate.Voice = (*Voice)(nil)

// NewVoice returns a Voice using c.
func NewVoice(c *Client, opts VoiceOptions) *Voice { return &Voice{c: c, opts: opts} }

// Speak synthesises text and returns the audio's id, its measured
// duration and (with SignedURL) a download URL.
func (v *Voice) Speak(ctx context.Context, text string) (session.Media, error) {
	text = strings.TrimSpace(redact.String(text))
	if text == "" {
		return session.Media{}, fmt.Errorf("videodb: nothing to speak")
	}
	a, err := v.c.Generate.Voice(ctx, VoiceRequest{Text: text, VoiceName: v.opts.VoiceName, VoiceCloneID: v.opts.VoiceCloneID, ModelName: v.opts.ModelName, Config: v.opts.Config})
	if err != nil {
		return session.Media{}, fmt.Errorf("videodb: speak: %w", err)
	}
	if a.Length <= 0 {
		if got, err := v.c.Audios.Get(ctx, a.ID); err == nil {
			a = got
		}
	}
	if a.Length <= 0 {
		return session.Media{}, fmt.Errorf("videodb: voice %s has no length: %w", a.ID, ErrMalformed)
	}
	m := session.Media{ID: a.ID, Duration: a.Length.Duration()}
	if v.opts.SignedURL {
		if m.URL, err = v.c.Audios.SignedURL(ctx, a.ID); err != nil {
			return session.Media{}, err
		}
	}
	return m, nil
}

// IntroPrompt is the image prompt GenerateIntroImage uses; %s is the title.
const IntroPrompt = "Dark minimal technology background, subtle geometric lines, no text, no logos, calm and clean, for the title card of a code walkthrough titled %q."

// GenerateIntroImage makes a 16:9 background for the intro card.
func GenerateIntroImage(ctx context.Context, c *Client, title string) (session.Media, error) {
	im, err := c.Generate.Image(ctx, ImageRequest{Prompt: fmt.Sprintf(IntroPrompt, redact.String(title)), AspectRatio: Aspect16x9})
	if err != nil {
		return session.Media{}, fmt.Errorf("videodb: intro image: %w", err)
	}
	return session.Media{ID: im.ID, URL: im.URL}, nil
}

// MusicPrompt is the prompt GenerateMusicBed uses.
const MusicPrompt = "subtle ambient electronic background music for a software walkthrough, very low energy, minimal, no vocals"

// GenerateMusicBed makes background music at least d long (whole seconds).
func GenerateMusicBed(ctx context.Context, c *Client, d time.Duration) (session.Media, error) {
	secs := int((d + time.Second - 1) / time.Second)
	a, err := c.Generate.Music(ctx, MusicRequest{Prompt: MusicPrompt, Duration: max(secs, 5)})
	if err != nil {
		return session.Media{}, fmt.Errorf("videodb: music bed: %w", err)
	}
	return session.Media{ID: a.ID, Duration: a.Length.Duration()}, nil
}

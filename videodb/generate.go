package videodb

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// TextModel is the model tier of generate_text.
type TextModel string

// Text model tiers.
const (
	ModelBasic TextModel = "basic"
	ModelPro   TextModel = "pro"
	ModelUltra TextModel = "ultra"
)

// ResponseType is the shape of generate_text's output.
type ResponseType string

// Response types.
const (
	ResponseText ResponseType = "text"
	ResponseJSON ResponseType = "json"
)

// promptUploadLimit is the prompt size above which the prompt is uploaded
// first and sent as prompt_url, as the newer SDKs do.
const promptUploadLimit = 250_000

// GenerateService generates text, speech, music, sound effects and images.
// None of its POSTs is retried on 5xx or a dropped connection: each one
// creates (and bills) a new asset, so a repeat could pay twice.
type GenerateService struct{ c *Client }

// TextRequest asks a language model for text.
type TextRequest struct {
	Collection   string
	Prompt       string
	Model        TextModel    // default basic
	ResponseType ResponseType // default text
	MaxTokens    int
	Temperature  *float64
	CallbackURL  string
}

// TextResult is generate_text's output: a string for ResponseText, a JSON
// value for ResponseJSON.
type TextResult struct {
	Output json.RawMessage `json:"output"`
}

// Text returns the output as a string: the string itself, or the JSON text
// of an object output.
func (r *TextResult) Text() string {
	var s string
	if json.Unmarshal(r.Output, &s) == nil {
		return s
	}
	return string(r.Output)
}

// Text generates text.
func (s *GenerateService) Text(ctx context.Context, r TextRequest) (*TextResult, error) {
	model, rt := r.Model, r.ResponseType
	if model == "" {
		model = ModelBasic
	}
	if rt == "" {
		rt = ResponseText
	}
	switch model {
	case ModelBasic, ModelPro, ModelUltra:
	default:
		return nil, fmt.Errorf("videodb: text model %q is not one of basic, pro, ultra", model)
	}
	if rt != ResponseText && rt != ResponseJSON {
		return nil, fmt.Errorf("videodb: response type %q is not one of text, json", rt)
	}
	body := map[string]any{"model_name": model, "response_type": rt}
	if len(r.Prompt) > promptUploadLimit {
		target, err := s.c.UploadTarget(ctx, r.Collection, "prompt.txt")
		if err != nil {
			return nil, err
		}
		if err := s.c.putBytes(ctx, target, "prompt.txt", "text/plain", []byte(r.Prompt)); err != nil {
			return nil, err
		}
		body["prompt_url"] = target
	} else {
		body["prompt"] = r.Prompt
	}
	if r.MaxTokens > 0 {
		body["max_tokens"] = r.MaxTokens
	}
	if r.Temperature != nil {
		body["temperature"] = *r.Temperature
	}
	if r.CallbackURL != "" {
		body["callback_url"] = r.CallbackURL
	}
	var out TextResult
	err := s.c.call(ctx, &request{method: http.MethodPost, path: s.c.genPath(r.Collection, "text"), body: body}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) genPath(coll, what string) string {
	return "collection/" + url.PathEscape(c.coll(coll)) + "/generate/" + what
}

// VoiceRequest asks for speech.
type VoiceRequest struct {
	Collection string
	Text       string
	VoiceName  string         // default "Default"
	Config     map[string]any // provider settings (stability, similarity_boost…)
	// ModelName picks the speech model ("elevenlabs", "k2-fsa/OmniVoice").
	// Self-hosted models answer with a job, which Voice waits for.
	ModelName    string
	VoiceCloneID string // speak in a cloned voice (see VoiceClonesService)
	SandboxID    string
	CallbackURL  string
}

// Voice generates speech and returns the audio.
func (s *GenerateService) Voice(ctx context.Context, r VoiceRequest) (*Audio, error) {
	if strings.TrimSpace(r.Text) == "" {
		return nil, fmt.Errorf("videodb: generate voice needs text")
	}
	name := r.VoiceName
	if name == "" {
		name = "Default"
	}
	cfg := r.Config
	if cfg == nil {
		cfg = map[string]any{}
	}
	body := map[string]any{"text": r.Text, "audio_type": "voice", "voice_name": name, "config": cfg, "callback_url": nullable(r.CallbackURL)}
	if r.ModelName != "" {
		body["model_name"] = r.ModelName
	}
	if r.VoiceCloneID != "" {
		body["voice_clone_id"] = r.VoiceCloneID
	}
	if r.SandboxID != "" {
		body["sandbox_id"] = r.SandboxID
	}
	var out Audio
	err := s.c.generate(ctx, s.c.genPath(r.Collection, "audio"), body, &out)
	return &out, err
}

// MusicRequest asks for music.
type MusicRequest struct {
	Collection  string
	Prompt      string
	Duration    int // seconds; default 5
	CallbackURL string
}

// Music generates music.
func (s *GenerateService) Music(ctx context.Context, r MusicRequest) (*Audio, error) {
	d := r.Duration
	if d <= 0 {
		d = 5
	}
	body := map[string]any{"prompt": r.Prompt, "duration": d, "audio_type": "music", "callback_url": nullable(r.CallbackURL)}
	var out Audio
	err := s.c.generate(ctx, s.c.genPath(r.Collection, "audio"), body, &out)
	return &out, err
}

// SoundEffectRequest asks for a sound effect.
type SoundEffectRequest struct {
	Collection  string
	Prompt      string
	Duration    float64        // seconds; default 2
	Config      map[string]any // e.g. prompt_influence 0..1
	CallbackURL string
}

// SoundEffect generates a sound effect.
func (s *GenerateService) SoundEffect(ctx context.Context, r SoundEffectRequest) (*Audio, error) {
	d := r.Duration
	if d <= 0 {
		d = 2
	}
	cfg := r.Config
	if cfg == nil {
		cfg = map[string]any{}
	}
	body := map[string]any{"prompt": r.Prompt, "duration": d, "audio_type": "sound_effect", "config": cfg, "callback_url": nullable(r.CallbackURL)}
	var out Audio
	err := s.c.generate(ctx, s.c.genPath(r.Collection, "audio"), body, &out)
	return &out, err
}

// AspectRatio is an image shape.
type AspectRatio string

// Aspect ratios generate_image accepts.
const (
	Aspect1x1  AspectRatio = "1:1"
	Aspect9x16 AspectRatio = "9:16"
	Aspect16x9 AspectRatio = "16:9"
	Aspect4x3  AspectRatio = "4:3"
	Aspect3x4  AspectRatio = "3:4"
)

// ImageRequest asks for an image.
type ImageRequest struct {
	Collection  string
	Prompt      string
	AspectRatio AspectRatio // default 1:1
	ModelName   string      // e.g. "black-forest-labs/FLUX.1-dev"
	Config      map[string]any
	SandboxID   string
	CallbackURL string
}

// Image generates an image. Its URL is usually empty: use
// ImagesService.SignedURL to download it.
func (s *GenerateService) Image(ctx context.Context, r ImageRequest) (*Image, error) {
	ar := r.AspectRatio
	if ar == "" {
		ar = Aspect1x1
	}
	switch ar {
	case Aspect1x1, Aspect9x16, Aspect16x9, Aspect4x3, Aspect3x4:
	default:
		return nil, fmt.Errorf("videodb: aspect ratio %q is not one of 1:1, 9:16, 16:9, 4:3, 3:4", ar)
	}
	body := map[string]any{"prompt": r.Prompt, "aspect_ratio": ar, "callback_url": nullable(r.CallbackURL)}
	if r.ModelName != "" {
		body["model_name"] = r.ModelName
	}
	if r.Config != nil {
		body["config"] = r.Config
	}
	if r.SandboxID != "" {
		body["sandbox_id"] = r.SandboxID
	}
	var out Image
	err := s.c.generate(ctx, s.c.genPath(r.Collection, "image"), body, &out)
	return &out, err
}

// generate posts a generation request; when a self-hosted model answers
// with a job instead of the asset, it waits for the job (GET job/{id}).
func (c *Client) generate(ctx context.Context, path string, body map[string]any, out any) error {
	req := &request{method: http.MethodPost, path: path, body: body}
	data, err := c.callRaw(ctx, req)
	if err != nil {
		return err
	}
	var j ModelJob
	if json.Unmarshal(data, &j) == nil && j.isJob() {
		done, err := c.Jobs.Wait(ctx, j.ID)
		if err != nil {
			return err
		}
		data = done.Data
	}
	return c.decodeData(req, data, out)
}

package narrate

import (
	"context"

	"github.com/tracepr/trace/session"
)

// Writer generates text from a prompt: a language model (videodb's
// generate_text), or the offline extractive writer in this package.
type Writer interface {
	Write(ctx context.Context, p Prompt) (string, error)
}

// Prompt is one request to a Writer.
type Prompt struct {
	Task   string `json:"task"`   // "clip_narration", "pr_description", "focus", "qa"
	System string `json:"system"` // rules: grounded, first person, plain English…
	User   string `json:"user"`   // the evidence and the ask
	JSON   bool   `json:"json"`   // the reply must be JSON
	// Evidence is the structured evidence the prompt was built from, so an
	// offline writer can answer without a model.
	Evidence any `json:"-"`
}

// Voice synthesises speech.
type Voice interface {
	Speak(ctx context.Context, text string) (session.Media, error)
}

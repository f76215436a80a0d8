package main

import (
	"context"
	"net/http"
	"sync"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
)

// Each request the benchmark makes carries the phase of the work it
// belongs to in two headers, so the fakes' logs say which calls depend on
// which (dependsOn).
const (
	headerPhase = "X-Bench-Phase"
	headerGroup = "X-Bench-Group"
)

type phaseKey struct{}

type phase struct{ name, group string }

func withPhase(ctx context.Context, name, group string) context.Context {
	return context.WithValue(ctx, phaseKey{}, phase{name, group})
}

// tagTransport copies the context's phase into the request headers.
type tagTransport struct{ base http.RoundTripper }

func (t tagTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if p, ok := r.Context().Value(phaseKey{}).(phase); ok {
		r = r.Clone(r.Context())
		r.Header.Set(headerPhase, p.name)
		if p.group != "" {
			r.Header.Set(headerGroup, p.group)
		}
	}
	return t.base.RoundTrip(r)
}

// taskPhase names the phase of a narrate prompt.
func taskPhase(task string) string {
	switch task {
	case narrate.TaskClipNarration:
		return "narration"
	case narrate.TaskDescription:
		return "description"
	case narrate.TaskFocus:
		return "focus"
	}
	return task
}

// benchWriter sends every prompt to the model (the VideoDB writer, so the
// call and its latency are real) and answers with the offline writer's
// text: the fake model echoes prompts, and the offline writer's answers
// are in the format each prompt asks for and pass the groundedness check,
// so the pipeline does exactly the work it would with a good model. It
// keeps the prompts, for the seed-order replay.
type benchWriter struct {
	model narrate.Writer

	mu      sync.Mutex
	prompts []narrate.Prompt
}

func (w *benchWriter) Write(ctx context.Context, p narrate.Prompt) (string, error) {
	w.mu.Lock()
	w.prompts = append(w.prompts, p)
	w.mu.Unlock()
	if _, err := w.model.Write(withPhase(ctx, taskPhase(p.Task), ""), p); err != nil {
		return "", err
	}
	return narrate.Offline{}.Write(ctx, p)
}

func (w *benchWriter) Prompts() []narrate.Prompt {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]narrate.Prompt(nil), w.prompts...)
}

type benchVoice struct {
	v     narrate.Voice
	phase string
}

func (v benchVoice) Speak(ctx context.Context, text string) (session.Media, error) {
	return v.v.Speak(withPhase(ctx, v.phase, ""), text)
}

type benchRenderer struct{ r render.Renderer }

func (r benchRenderer) Render(ctx context.Context, p *render.Plan) (render.Output, error) {
	return r.r.Render(withPhase(ctx, "render", ""), p)
}

type benchSink struct{ s ghpr.PRSink }

func (s benchSink) UpsertComment(ctx context.Context, pr ghpr.PR, key ghpr.Key, body string) (ghpr.Comment, error) {
	return s.s.UpsertComment(withPhase(ctx, "publish", key.Kind), pr, key, body)
}

func (s benchSink) UpsertSection(ctx context.Context, pr ghpr.PR, key ghpr.Key, body string) error {
	return s.s.UpsertSection(withPhase(ctx, "publish", key.Kind), pr, key, body)
}

func (s benchSink) Reply(ctx context.Context, pr ghpr.PR, to ghpr.Comment, body string) (ghpr.Comment, error) {
	return s.s.Reply(withPhase(ctx, "publish", "reply"), pr, to, body)
}

type benchDiffs struct{ c *ghpr.Client }

func (d benchDiffs) PRDiff(ctx context.Context, pr ghpr.PR) (session.Diff, error) {
	return d.c.PRDiff(withPhase(ctx, "diff", ""), pr)
}

package narratetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/session"
)

// Writer is a fake narrate.Writer. Replies are given out in order, one per
// call; after the last, Default (or, when Default is nil, the last reply)
// answers. A Reply with Err set fails that call. Safe for concurrent use.
type Writer struct {
	Replies []Reply
	// Default answers calls past the scripted replies; nil repeats the last.
	Default func(p narrate.Prompt) (string, error)

	mu      sync.Mutex
	prompts []narrate.Prompt
}

// Reply is one scripted answer.
type Reply struct {
	Text string
	Err  error
}

// NewWriter returns a Writer that answers with texts in order.
func NewWriter(texts ...string) *Writer {
	w := &Writer{}
	for _, t := range texts {
		w.Replies = append(w.Replies, Reply{Text: t})
	}
	return w
}

// Write records p and returns the next scripted reply.
func (w *Writer) Write(ctx context.Context, p narrate.Prompt) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	w.mu.Lock()
	n := len(w.prompts)
	w.prompts = append(w.prompts, p)
	w.mu.Unlock()
	switch {
	case n < len(w.Replies):
		return w.Replies[n].Text, w.Replies[n].Err
	case w.Default != nil:
		return w.Default(p)
	case len(w.Replies) > 0:
		r := w.Replies[len(w.Replies)-1]
		return r.Text, r.Err
	}
	return "", errors.New("narratetest: no reply scripted")
}

// Prompts returns the prompts received, in order.
func (w *Writer) Prompts() []narrate.Prompt {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]narrate.Prompt(nil), w.prompts...)
}

// Voice is a fake narrate.Voice. Speech lasts len(text)/CharsPerSecond
// seconds (at least MinDuration); texts containing any of FailOn fail.
// Delay, when set, makes each call wait that long (or until the context
// ends), so concurrency can be observed. Safe for concurrent use.
type Voice struct {
	FailOn      []string
	Delay       time.Duration
	MinDuration time.Duration

	mu       sync.Mutex
	inFlight int
	maxIn    int
	texts    []string
}

// Speak returns deterministic media for text.
func (v *Voice) Speak(ctx context.Context, text string) (session.Media, error) {
	v.mu.Lock()
	v.inFlight++
	v.maxIn = max(v.maxIn, v.inFlight)
	v.texts = append(v.texts, text)
	v.mu.Unlock()
	defer func() {
		v.mu.Lock()
		v.inFlight--
		v.mu.Unlock()
	}()
	if v.Delay > 0 {
		t := time.NewTimer(v.Delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return session.Media{}, ctx.Err()
		case <-t.C:
		}
	}
	if err := ctx.Err(); err != nil {
		return session.Media{}, err
	}
	for _, f := range v.FailOn {
		if f != "" && strings.Contains(text, f) {
			return session.Media{}, fmt.Errorf("narratetest: voice refuses text containing %q", f)
		}
	}
	d := time.Duration(float64(len(text)) / narrate.CharsPerSecond * float64(time.Second)).Round(time.Millisecond)
	d = max(d, v.MinDuration)
	return session.Media{ID: fmt.Sprintf("voice-%08x", hash(text)), Duration: d}, nil
}

// MaxConcurrent returns the most calls that ran at the same time.
func (v *Voice) MaxConcurrent() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.maxIn
}

// Texts returns the texts spoken, in call order.
func (v *Voice) Texts() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.texts...)
}

func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

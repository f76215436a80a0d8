package narrate

import (
	"context"
	"io"
	"log/slog"

	"golang.org/x/sync/errgroup"

	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/session"
)

// SpeakOptions tunes Speak. The zero value is usable.
type SpeakOptions struct {
	// Concurrency bounds the calls to the Voice in flight (default 4).
	Concurrency int
	// Log receives a line per failed clip; nil discards.
	Log *slog.Logger
}

// Spoken is the voice of one script. When Err is set the clip has no audio
// and the walkthrough shows its text as a caption card instead; the other
// clips keep theirs.
type Spoken struct {
	Index int           `json:"index"`
	Text  string        `json:"text"`
	Audio session.Media `json:"audio,omitzero"` // Duration is measured by the Voice
	Err   string        `json:"error,omitempty"`
}

// Failed reports whether synthesis failed for this clip.
func (s Spoken) Failed() bool { return s.Err != "" || s.Audio.Empty() }

// Speak synthesises every script through v, at most opt.Concurrency at a
// time, and returns one Spoken per script in the same order. A failure
// affects only its own clip. Text is redacted before it is sent. The only
// error is the context's.
func Speak(ctx context.Context, v Voice, scripts []Script, opt SpeakOptions) ([]Spoken, error) {
	limit := opt.Concurrency
	if limit <= 0 {
		limit = 4
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	out := make([]Spoken, len(scripts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i, s := range scripts {
		out[i] = Spoken{Index: s.Index, Text: s.Text}
		if s.Text == "" {
			out[i].Err = "no narration text"
			continue
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			m, err := v.Speak(gctx, redact.String(s.Text))
			switch {
			case err != nil && gctx.Err() != nil:
				return gctx.Err()
			case err != nil:
				log.Warn("voice failed for a clip; it will show a caption card", "clip", s.Index, "err", err)
				out[i].Err = err.Error()
			case m.Empty():
				out[i].Err = "the voice returned no audio"
			default:
				out[i].Audio = m
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

package attribution

import (
	"context"
	"time"

	"github.com/tracepr/trace/session"
)

// DefaultMargin widens the session window on both sides, so an agent edit
// logged just before the first frame or just after the last still counts.
const DefaultMargin = 2 * time.Minute

// Config is everything Build needs to map one diff.
type Config struct {
	Session    string // trace session id
	ProjectDir string // absolute project directory
	// Epoch and End bound the session (End zero: open-ended); Margin widens
	// the window on both sides (0: DefaultMargin; negative: none).
	Epoch, End time.Time
	Margin     time.Duration
	Diff       session.Diff
	Saves      []session.SaveEvent
	Sources    []Source
	Options    Options
}

// Build reads the sources for edits of the diff's files in the session
// window and classifies the diff. It also returns the edits it used.
func Build(ctx context.Context, c Config) (Report, []Edit, error) {
	margin := c.Margin
	if margin == 0 {
		margin = DefaultMargin
	} else if margin < 0 {
		margin = 0
	}
	var from, to time.Time
	if !c.Epoch.IsZero() {
		from = c.Epoch.Add(-margin)
	}
	if !c.End.IsZero() {
		to = c.End.Add(margin)
	}
	paths := map[string]bool{}
	for _, f := range c.Diff.Files {
		paths[f.Path] = true
		if f.OldPath != "" {
			paths[f.OldPath] = true
		}
	}
	q := Query{ProjectDir: c.ProjectDir, From: from, To: to, Keep: func(p string) bool { return paths[p] }}
	edits, stats, err := Collect(ctx, q, c.Sources...)
	if err != nil {
		return Report{}, nil, err
	}
	r := Classify(Input{Session: c.Session, Diff: c.Diff, Edits: edits, Saves: c.Saves, Epoch: c.Epoch,
		From: from, To: to, Sources: stats, Options: c.Options})
	return r, edits, nil
}

package main

import (
	"context"
	"fmt"

	"github.com/tracepr/trace/session"
)

// afterCapture indexes a captured session and builds its timeline on the
// chosen backend (trace.Pipeline.Stop), unless skipIndex. Indexing is
// resumable: running `trace stop` again after a failure continues it.
func (a *app) afterCapture(ctx context.Context, s *session.Session, skipIndex bool) error {
	if skipIndex {
		if !a.json {
			fmt.Fprintf(a.stderr, "not indexed (--skip-index): run `trace stop %s` again to index it\n", s.ID())
		}
		return nil
	}
	p, err := a.pipeline(s)
	if err != nil {
		return err
	}
	if a.json {
		p.Progress = nil
	}
	if !a.json {
		fmt.Fprintf(a.stderr, "indexing session %s on the %s backend…\n", s.ID(), a.backendName())
	}
	res, err := p.Stop(ctx, s)
	if err != nil {
		return genExit(err)
	}
	if a.json {
		return nil // printCaptured has printed the session
	}
	fmt.Fprintf(a.stderr, "indexed: %d spoken segments, %d scenes, %d agent actions, %d moments on the timeline\n",
		res.Segments, res.Scenes, res.Agent, res.Moments)
	for _, m := range res.Missing {
		fmt.Fprintf(a.stderr, "missing: %s\n", m)
	}
	fmt.Fprintf(a.stderr, "next: trace generate %s [PR_URL | --out DIR]\n", s.ID())
	return nil
}

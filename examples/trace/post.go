package main

import (
	"context"
	"fmt"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/session"
)

// postArtefact publishes one artefact of session s on the pull request prURL
// through the GitHub sink, by upsert: the description as a section of the PR
// body, anything else as a keyed comment edited in place.
func (a *app) postArtefact(ctx context.Context, prURL string, s *session.Session, kind, body string) error {
	if prURL == "" {
		return usageError{"--post needs the pull request to publish on: add --pr URL"}
	}
	pr, err := parsePR(prURL)
	if err != nil {
		return err
	}
	c, err := a.githubClient(ctx, pr)
	if err != nil {
		return err
	}
	cm, err := trace.Publish(ctx, c.Sink(), pr, ghpr.Key{Kind: kind, Session: s.ID()}, body)
	if err != nil {
		return ghExit(err)
	}
	if !a.json {
		where := pr.URL()
		if cm.URL != "" {
			where = cm.URL
		}
		fmt.Fprintf(a.stderr, "published the %s on %s\n", kind, where)
	}
	return nil
}

package main

import (
	"context"
	"fmt"

	"github.com/tracepr/trace/session"
)

// afterCapture runs what follows a captured session. For now it says what
// to run next.
func (a *app) afterCapture(ctx context.Context, s *session.Session, skipIndex bool) error {
	if !a.json {
		fmt.Fprintf(a.stderr, "next: trace generate %s [PR_URL]\n", s.ID())
	}
	return nil
}

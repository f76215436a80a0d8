package sessiontest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/session/sessiontest"
)

// broken wraps the fake and breaks one part of the contract, to prove the
// suite notices.
type broken struct {
	*sessiontest.Fake
	kind  string
	extra int
}

// Work counts a fresh Index call as work when kind is "reindex".
func (b *broken) Work() int { return b.Fake.Work() + b.extra }

func (b *broken) Open(ctx context.Context, s *session.Session) (session.Index, error) {
	if b.kind == "open-before-index" {
		return b.Fake.Index(ctx, s)
	}
	idx, err := b.Fake.Open(ctx, s)
	if err != nil {
		return nil, err
	}
	return brokenIndex{idx, b.kind}, nil
}

func (b *broken) Index(ctx context.Context, s *session.Session) (session.Index, error) {
	if b.kind == "ignore-cancel" {
		ctx = context.Background()
	}
	if b.kind == "reindex" {
		b.extra++
	}
	idx, err := b.Fake.Index(ctx, s)
	if err != nil {
		return nil, err
	}
	return brokenIndex{idx, b.kind}, nil
}

type brokenIndex struct {
	session.Index
	kind string
}

func (x brokenIndex) Transcript(ctx context.Context) ([]session.Segment, error) {
	t, err := x.Index.Transcript(ctx)
	if x.kind == "unsorted" && len(t) > 1 {
		t[0], t[1] = t[1], t[0]
	}
	return t, err
}

func (x brokenIndex) Search(ctx context.Context, q string, typ session.SearchType) ([]session.Hit, error) {
	hits, err := x.Index.Search(ctx, q, typ)
	if x.kind == "search-error" && len(hits) == 0 {
		return nil, errors.New("no results")
	}
	return hits, err
}

func (x brokenIndex) Clip(ctx context.Context, sp session.Span) (string, error) {
	if x.kind == "no-clamp" {
		return "fake://unclamped", nil
	}
	return x.Index.Clip(ctx, sp)
}

const brokenEnv = "SESSIONTEST_BROKEN"

// TestBrokenIndexerChild runs the suite against one broken indexer; it is
// meant to fail, and runs only as the child of TestSuiteCatchesBrokenIndexers.
func TestBrokenIndexerChild(t *testing.T) {
	kind := os.Getenv(brokenEnv)
	if kind == "" {
		t.Skip("runs only as a child of TestSuiteCatchesBrokenIndexers")
	}
	sessiontest.Suite{
		New: func(t *testing.T) (session.Indexer, *session.Session) {
			return &broken{Fake: sessiontest.NewFake(transcript, scenes, 0), kind: kind}, sessiontest.NewSession(t, 50*time.Second)
		},
		Phrases: []string{"rounding"},
	}.Run(t)
}

func TestSuiteCatchesBrokenIndexers(t *testing.T) {
	for kind, want := range map[string]string{
		"open-before-index": "Open before Index: got <nil>, want an error wrapping session.ErrNotIndexed",
		"ignore-cancel":     "Index with a canceled context",
		"unsorted":          "want sorted by time",
		"search-error":      "search with no match: got error no results",
		"no-clamp":          "want an error wrapping session.ErrSpan",
		"reindex":           "second Index did new work",
	} {
		t.Run(kind, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenIndexerChild$", "-test.v")
			cmd.Env = append(os.Environ(), brokenEnv+"="+kind)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the suite passed a broken indexer:\n%s", out)
			assert.Contains(t, string(out), want)
		})
	}
}

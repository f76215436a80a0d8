package sessiontest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/session/sessiontest"
)

func sec(s float64) time.Duration { return session.FromSeconds(s) }

func span(a, b float64) session.Span { return session.Span{Start: sec(a), End: sec(b)} }

var (
	transcript = []session.Segment{
		{Span: span(40, 48), Text: "okay the retry test passes now"},
		{Span: span(2, 9), Text: "let me look at why the cart total is wrong"},
		{Span: span(15, 24), Text: "the rounding happens before the discount, that's the bug"},
	}
	scenes = []session.Scene{
		{Span: span(30, 40), Label: session.LabelTerminal, Errors: []string{"FAIL TestTotal"}, Summary: "go test output"},
		{Span: span(0, 15), Label: session.LabelEditor, Files: []string{"cart/total.go"}, Functions: []string{"Total"}},
	}
)

func TestFakeConformance(t *testing.T) {
	sessiontest.Suite{
		New: func(t *testing.T) (session.Indexer, *session.Session) {
			return sessiontest.NewFake(transcript, scenes, 0), sessiontest.NewSession(t, 50*time.Second)
		},
		Phrases: []string{"rounding", "cart total", "retry"},
		Visual:  []string{"total.go", "TestTotal"},
	}.Run(t)
}

func TestIndexerShortForm(t *testing.T) {
	sessiontest.TestIndexer(t, func(t *testing.T) (session.Indexer, *session.Session) {
		return sessiontest.NewFake(nil, nil, 0), sessiontest.NewSession(t, 10*time.Second)
	})
}

func TestFakeSearch(t *testing.T) {
	ctx := context.Background()
	f := sessiontest.NewFake(transcript, scenes, 50*time.Second)
	s := sessiontest.NewSession(t, 0)
	idx, err := f.Index(ctx, s)
	require.NoError(t, err)

	hits, err := idx.Search(ctx, "why is the cart total so wrong", session.Spoken)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, span(2, 9), hits[0].Span, "the segment with most of the words comes first")
	assert.InDelta(t, 6.0/7.0, hits[0].Score, 1e-9, "6 of the 7 distinct words")
	assert.Equal(t, session.Spoken, hits[0].Type)
	for _, h := range hits[1:] {
		assert.Less(t, h.Score, hits[0].Score)
	}

	hits, err = idx.Search(ctx, "TOTAL.GO", session.Visual)
	require.NoError(t, err)
	require.Len(t, hits, 2, "total.go is two words; the terminal scene mentions go")
	assert.Equal(t, span(0, 15), hits[0].Span)
	assert.Equal(t, 1.0, hits[0].Score)
	assert.Equal(t, span(30, 40), hits[1].Span)
	assert.Equal(t, 0.5, hits[1].Score)
	assert.Equal(t, session.Visual, hits[0].Type)

	hits, err = idx.Search(ctx, "  ...  ", session.Spoken)
	require.NoError(t, err)
	assert.Empty(t, hits, "a query without words matches nothing")
}

func TestFakeClip(t *testing.T) {
	ctx := context.Background()
	f := sessiontest.NewFake(nil, nil, 0)
	s := sessiontest.NewSession(t, 30*time.Second)
	idx, err := f.Index(ctx, s)
	require.NoError(t, err)

	u, err := idx.Clip(ctx, span(25, 90))
	require.NoError(t, err)
	assert.Equal(t, "fake://clip/"+s.ID()+"?start=25.000&end=30.000", u)
	u, err = idx.Clip(ctx, span(-3, 1.25))
	require.NoError(t, err)
	assert.Equal(t, "fake://clip/"+s.ID()+"?start=0.000&end=1.250", u)
	_, err = idx.Clip(ctx, span(31, 40))
	require.ErrorIs(t, err, session.ErrSpan)
	assert.Contains(t, err.Error(), s.ID())
}

func TestFakeWorkAndSessions(t *testing.T) {
	ctx := context.Background()
	f := sessiontest.NewFake(transcript, nil, time.Minute)
	a, b := sessiontest.NewSession(t, time.Minute), sessiontest.NewSession(t, time.Minute)

	_, err := f.Open(ctx, a)
	require.ErrorIs(t, err, session.ErrNotIndexed)
	_, err = f.Index(ctx, a)
	require.NoError(t, err)
	_, err = f.Index(ctx, a)
	require.NoError(t, err)
	assert.Equal(t, 1, f.Work(), "indexing the same session twice does the work once")

	_, err = f.Open(ctx, b)
	require.ErrorIs(t, err, session.ErrNotIndexed, "indexing one session does not index another")

	idx, err := f.Open(ctx, a)
	require.NoError(t, err)
	got, err := idx.Transcript(ctx)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, sec(2), got[0].Span.Start, "sorted by time")
	got[0].Text = "changed by the caller"
	again, _ := idx.Transcript(ctx)
	assert.NotEqual(t, "changed by the caller", again[0].Text, "callers get copies")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = f.Index(cctx, b)
	assert.True(t, errors.Is(err, context.Canceled))
	assert.Equal(t, 1, f.Work())
}

func TestTerms(t *testing.T) {
	assert.Equal(t, []string{"fix", "the", "cart", "total", "go", "bug"}, sessiontest.Terms("Fix the cart/total.go bug — the BUG!"))
	assert.Empty(t, sessiontest.Terms(" ,.;"))
}

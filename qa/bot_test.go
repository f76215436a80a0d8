package qa_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/qa"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/session/sessiontest"
)

var pr = ghpr.PR{Owner: "tracepr", Repo: "trace", Number: 7}

func sec(n int) time.Duration { return time.Duration(n) * time.Second }

// recorded builds an indexed session: a five-minute recording where the
// author talks about a flaky upload and a retry.
func recorded(t *testing.T) (*session.Session, session.Index, *session.Evidence) {
	t.Helper()
	ev := &session.Evidence{
		Length: sec(300),
		Transcript: []session.Segment{
			{Span: session.Span{Start: sec(30), End: sec(38)}, Text: "the upload keeps timing out on large files"},
			{Span: session.Span{Start: sec(120), End: sec(128)}, Text: "I will add a retry with backoff to the uploader"},
		},
		Scenes: []session.Scene{
			{Span: session.Span{Start: sec(60), End: sec(90)}, Label: session.LabelTerminal, Errors: []string{"context deadline exceeded"}, Summary: "upload test failing with a timeout"},
			{Span: session.Span{Start: sec(130), End: sec(170)}, Label: session.LabelEditor, Files: []string{"upload/retry.go"}, Summary: "writing the retry loop"},
		},
	}
	s := sessiontest.NewSession(t, ev.Length)
	idx, err := sessiontest.NewFake(ev.Transcript, ev.Scenes, ev.Length).Index(context.Background(), s)
	require.NoError(t, err)
	return s, idx, ev
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newBot(t *testing.T, sink ghpr.PRSink, s *session.Session, idx qa.Searcher, mod func(*qa.Config)) *qa.Bot {
	cfg := qa.Config{Sink: sink, Index: idx, Session: s, Self: "trace-bot"}
	if mod != nil {
		mod(&cfg)
	}
	b, err := qa.New(cfg)
	require.NoError(t, err)
	return b
}

func TestBotAnswersOnceWithClips(t *testing.T) {
	s, idx, _ := recorded(t)
	sink := ghprtest.NewMemSink()
	q := sink.AddComment(pr, ghpr.Comment{Author: "rev", Association: "MEMBER", Body: "/trace why was the retry added?"})
	ctx := context.Background()

	b := newBot(t, sink, s, idx, nil)
	o, err := b.Handle(ctx, pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeAnswered, o)

	cs := sink.Comments(pr)
	require.Len(t, cs, 2)
	reply := cs[1].Body
	assert.Contains(t, reply, "> /trace why was the retry added?")
	// The spoken hit at 2:00 and the editor scene at 2:10 merge into one
	// moment, padded 5 s each side.
	assert.Contains(t, reply, "fake://clip/"+s.ID()+"?start=115.000&end=175.000")
	assert.Contains(t, reply, "[1:55–2:55](")
	assert.LessOrEqual(t, strings.Count(reply, "fake://clip/"), 3)
	assert.Equal(t, []string{"eyes"}, sink.Reactions(q.ID))

	// Again, and after a restart: nothing new.
	o, err = b.Handle(ctx, pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeDone, o)
	b2 := newBot(t, sink, s, idx, nil)
	o, err = b2.Handle(ctx, pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeDone, o)
	assert.Len(t, sink.Comments(pr), 2)

	// Its own reply is never a command.
	o, err = b2.Handle(ctx, pr, cs[1])
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeIgnored, o)
}

func TestBotNothingInTheSession(t *testing.T) {
	s, idx, _ := recorded(t)
	sink := ghprtest.NewMemSink()
	q := sink.AddComment(pr, ghpr.Comment{Author: "rev", Association: "OWNER", Body: "/trace kubernetes helm chart?"})
	o, err := newBot(t, sink, s, idx, nil).Handle(context.Background(), pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeNothing, o)
	assert.Contains(t, sink.Comments(pr)[1].Body, "Nothing in the recorded session is about this")
	assert.NotContains(t, sink.Comments(pr)[1].Body, "fake://")
}

func TestBotIgnoresBotsAndUnauthorised(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		c    ghpr.Comment
		note bool
		want qa.Outcome
		post bool
	}{
		{"bot account", ghpr.Comment{Author: "dependabot[bot]", Bot: true, Association: "NONE", Body: "/trace retry"}, false, qa.OutcomeIgnored, false},
		{"itself", ghpr.Comment{Author: "trace-bot", Association: "NONE", Body: "/trace retry"}, false, qa.OutcomeIgnored, false},
		{"marker", ghpr.Comment{Author: "someone", Association: "MEMBER", Body: qa.ReplyMarker + "\n/trace retry"}, false, qa.OutcomeIgnored, false},
		{"drive-by, silent", ghpr.Comment{Author: "stranger", Association: "NONE", Body: "/trace retry"}, false, qa.OutcomeNotAllowed, false},
		{"drive-by, noted", ghpr.Comment{Author: "stranger", Association: "CONTRIBUTOR", Body: "/trace retry"}, true, qa.OutcomeNotAllowed, true},
		{"not a command", ghpr.Comment{Author: "rev", Association: "OWNER", Body: "looks good"}, false, qa.OutcomeIgnored, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, idx, _ := recorded(t)
			sink := ghprtest.NewMemSink()
			c := sink.AddComment(pr, tt.c)
			b := newBot(t, sink, s, idx, func(c *qa.Config) { c.NoteNotAllowed = tt.note })
			o, err := b.Handle(ctx, pr, c)
			require.NoError(t, err)
			assert.Equal(t, tt.want, o)
			if tt.post {
				require.Len(t, sink.Comments(pr), 2)
				assert.Contains(t, sink.Comments(pr)[1].Body, "owners, members and collaborators")
			} else {
				assert.Len(t, sink.Comments(pr), 1)
			}
			assert.Empty(t, sink.Reactions(c.ID))
		})
	}
}

func TestBotHelp(t *testing.T) {
	s, idx, _ := recorded(t)
	sink := ghprtest.NewMemSink()
	q := sink.AddComment(pr, ghpr.Comment{Author: "rev", Association: "COLLABORATOR", Body: "/trace"})
	o, err := newBot(t, sink, s, idx, nil).Handle(context.Background(), pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeHelp, o)
	assert.Contains(t, sink.Comments(pr)[1].Body, "/trace <question>")
}

func TestBotUpdatesTheAnswerOfAnEditedQuestion(t *testing.T) {
	s, idx, _ := recorded(t)
	sink := ghprtest.NewMemSink()
	q := sink.AddComment(pr, ghpr.Comment{Author: "rev", Association: "MEMBER", Body: "/trace why the retry?"})
	ctx := context.Background()
	b := newBot(t, sink, s, idx, nil)
	_, err := b.Handle(ctx, pr, q)
	require.NoError(t, err)
	q.Body = "/trace what timed out?"
	o, err := b.Handle(ctx, pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeUpdated, o)
	cs := sink.Comments(pr)
	require.Len(t, cs, 2, "the reply is edited, not repeated")
	assert.Contains(t, cs[1].Body, "> /trace what timed out?")
}

func TestBotReviewCommentThreadsAndSteers(t *testing.T) {
	s, idx, ev := recorded(t)
	sink := ghprtest.NewMemSink()
	q := sink.AddComment(pr, ghpr.Comment{Kind: ghpr.ReviewComment, Author: "rev", Association: "MEMBER", Path: "upload/retry.go", Line: 12, Body: "/trace why this loop?"})
	b := newBot(t, sink, s, idx, func(c *qa.Config) { c.Search.Evidence = ev })
	o, err := b.Handle(context.Background(), pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeAnswered, o)
	cs := sink.Comments(pr)
	require.Len(t, cs, 2)
	assert.Equal(t, ghpr.ReviewComment, cs[1].Kind)
	assert.Equal(t, q.ID, cs[1].InReplyTo)
	assert.Contains(t, cs[1].Body, "start=125.000&end=175.000", "the moment on upload/retry.go")
}

// flaky fails its first n searches.
type flaky struct {
	qa.Searcher
	n int
}

func (f *flaky) Search(ctx context.Context, q string, t session.SearchType) ([]session.Hit, error) {
	if f.n > 0 {
		f.n--
		return nil, errors.New("index unavailable")
	}
	return f.Searcher.Search(ctx, q, t)
}

func TestBotRetriesFailuresWithBackoff(t *testing.T) {
	s, idx, _ := recorded(t)
	sink := ghprtest.NewMemSink()
	q := sink.AddComment(pr, ghpr.Comment{Author: "rev", Association: "MEMBER", Body: "/trace why the retry?"})
	clk := &clock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	src := &flaky{Searcher: idx, n: 4} // two attempts of two searches fail
	ctx := context.Background()
	b := newBot(t, sink, s, src, func(c *qa.Config) { c.Now = clk.now; c.RetryBase = time.Minute })

	o, err := b.Handle(ctx, pr, q)
	require.Error(t, err)
	assert.Equal(t, qa.OutcomeFailed, o)
	assert.Contains(t, err.Error(), "index unavailable")
	assert.Len(t, sink.Comments(pr), 1, "nothing posted")

	o, _ = b.Handle(ctx, pr, q)
	assert.Equal(t, qa.OutcomeDeferred, o, "not before the backoff")

	// A restart remembers the failure, and that it is not done.
	b = newBot(t, sink, s, src, func(c *qa.Config) { c.Now = clk.now; c.RetryBase = time.Minute })
	clk.t = clk.t.Add(time.Minute)
	_, err = b.Handle(ctx, pr, q)
	require.Error(t, err)
	f := b.State().Failed
	require.Len(t, f, 1)
	for _, v := range f {
		assert.Equal(t, 2, v.Attempts)
		assert.Equal(t, clk.t.Add(2*time.Minute), v.Next, "backoff doubles")
	}
	clk.t = clk.t.Add(2 * time.Minute)
	o, err = b.Handle(ctx, pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeAnswered, o)
	assert.Empty(t, b.State().Failed)
	assert.Len(t, sink.Comments(pr), 2)
}

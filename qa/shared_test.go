package qa_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/qa"
	"github.com/tracepr/trace/session"
)

// slowAnswerer is the default answerer, slowed down so that two bots are
// inside their answers at the same time.
type slowAnswerer struct{ narrate.Narrator }

func (a *slowAnswerer) Answer(ctx context.Context, in *narrate.AnswerInput) (narrate.Answer, error) {
	time.Sleep(30 * time.Millisecond)
	return a.Narrator.Answer(ctx, in)
}

// reopen opens s again from disk, as another process would.
func reopen(t *testing.T, s *session.Session) *session.Session {
	t.Helper()
	st, err := session.Open(filepath.Dir(filepath.Dir(s.Dir)))
	require.NoError(t, err)
	s2, err := st.Get(s.ID())
	require.NoError(t, err)
	require.NotSame(t, s, s2)
	return s2
}

// repliesTo counts the bot's replies quoting question q.
func repliesTo(cs []ghpr.Comment, q string) int {
	n := 0
	for _, c := range cs {
		if c.Author == "trace-bot" && strings.Contains(c.Body, "> "+q) {
			n++
		}
	}
	return n
}

// qa-poll and serve on one session, answering the same PR at the same
// time: every question gets exactly one reply.
func TestPollAndWebhookShareState(t *testing.T) {
	s, idx, _ := recorded(t)
	gh := ghprtest.NewServer()
	defer gh.Close()
	gh.AddPR(pr, ghprtest.PROptions{})
	questions := []string{"/trace why was the retry added?", "/trace what timed out?", "/trace why does the upload fail?", "/trace where is the uploader?"}
	var ids []int64
	for _, q := range questions {
		ids = append(ids, gh.AddIssueComment(pr, q, ghprtest.CommentOptions{Author: "rev", Association: "MEMBER"}))
	}
	slow := func(c *qa.Config) { c.Answerer = &slowAnswerer{} }
	poller := newBot(t, gh.Client("t").Sink(), s, idx, slow)
	server := newBot(t, gh.Client("t").Sink(), reopen(t, s), idx, slow)

	secret := []byte("webhook-test-secret")
	hook := qa.NewWebhook(qa.WebhookOptions{Secret: secret, Resolve: func(ctx context.Context, p ghpr.PR) (*qa.Bot, error) { return server, nil }})
	srv := httptest.NewServer(hook)
	defer srv.Close()
	deliver := func(id int64, body string) {
		b := issueCommentEvent(t, id, body, "MEMBER")
		req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(string(b)))
		require.NoError(t, err)
		req.Header.Set("X-GitHub-Event", "issue_comment")
		req.Header.Set("X-Hub-Signature-256", ghpr.Sign(secret, b))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusAccepted, resp.StatusCode)
	}

	ctx := context.Background()
	for round := 0; round < 2; round++ {
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			assert.NoError(t, poller.Poll(ctx, pr, gh.Client("t").Poller(pr), qa.PollOptions{Once: true}))
		}()
		go func() {
			defer wg.Done()
			for i := len(ids) - 1; i >= 0; i-- { // the other way round
				deliver(ids[i], questions[i])
			}
			hook.Wait()
		}()
		wg.Wait()
	}
	// Whatever one bot deferred to the other is done by now: a last poll
	// finds nothing to do.
	require.NoError(t, poller.Poll(ctx, pr, gh.Client("t").Poller(pr), qa.PollOptions{Once: true}))
	require.NoError(t, hook.Shutdown(ctx))

	cs := gh.Comments(pr, ghpr.IssueComment)
	for _, q := range questions {
		assert.Equal(t, 1, repliesTo(cs, q), "replies to %q", q)
	}
	assert.Len(t, cs, 2*len(questions))

	st, err := qa.LoadState(s)
	require.NoError(t, err)
	assert.Len(t, st.Answered, len(questions))
	assert.Empty(t, st.Claimed, "every claim was released")
	assert.Empty(t, st.Failed)
}

// A claim by another bot keeps this one away until it lapses; after that
// (the other bot died) this one answers.
func TestClaimLapses(t *testing.T) {
	s, idx, _ := recorded(t)
	sink := ghprtest.NewMemSink()
	q := sink.AddComment(pr, ghpr.Comment{Author: "rev", Association: "MEMBER", Body: "/trace why was the retry added?"})
	clk := &clock{t: time.Date(2025, 9, 11, 13, 0, 0, 0, time.UTC)}
	key := fmt.Sprintf("%s:%s:%d", pr.String(), q.Kind, q.ID)
	st := qa.State{Schema: 1, Claimed: map[string]qa.Claim{key: {Owner: "other-host/42/abcd", Until: clk.t.Add(time.Minute)}}}
	require.NoError(t, s.WriteJSON(session.FileQA, st))

	b := newBot(t, sink, s, idx, func(c *qa.Config) { c.Now = clk.now })
	o, err := b.Handle(context.Background(), pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeDeferred, o, "the other bot is answering")
	assert.Len(t, sink.Comments(pr), 1)

	clk.t = clk.t.Add(2 * time.Minute)
	o, err = b.Handle(context.Background(), pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeAnswered, o, "the claim lapsed")
	assert.Len(t, sink.Comments(pr), 2)
	got, err := qa.LoadState(s)
	require.NoError(t, err)
	assert.Empty(t, got.Claimed)
	assert.Contains(t, got.Answered, key)
}

// A lock held by a live process for longer than LockWait is an error
// naming the lock file, and nothing is posted.
func TestLockWaitBounded(t *testing.T) {
	s, idx, _ := recorded(t)
	sink := ghprtest.NewMemSink()
	q := sink.AddComment(pr, ghpr.Comment{Author: "rev", Association: "MEMBER", Body: "/trace why was the retry added?"})
	unlock, err := session.LockFile(s.Path("qa.lock"), "test")
	require.NoError(t, err)
	defer unlock()
	b := newBot(t, sink, s, idx, func(c *qa.Config) { c.LockWait = 50 * time.Millisecond })
	o, err := b.Handle(context.Background(), pr, q)
	require.Error(t, err)
	assert.Equal(t, qa.OutcomeFailed, o)
	assert.Contains(t, err.Error(), s.Path("qa.lock"))
	assert.ErrorIs(t, err, session.ErrLocked)
	assert.Len(t, sink.Comments(pr), 1, "no reply without the claim")

	unlock()
	o, err = b.Handle(context.Background(), pr, q)
	require.NoError(t, err)
	assert.Equal(t, qa.OutcomeAnswered, o)
}

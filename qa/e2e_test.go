package qa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/qa"
)

func TestPollingEndToEnd(t *testing.T) {
	s, idx, _ := recorded(t)
	gh := ghprtest.NewServer()
	defer gh.Close()
	gh.AddPR(pr, ghprtest.PROptions{Title: "Retry uploads"})
	q := gh.AddIssueComment(pr, "/trace why was the retry added?", ghprtest.CommentOptions{Author: "rev", Association: "MEMBER"})
	gh.AddIssueComment(pr, "/trace why?", ghprtest.CommentOptions{Author: "ci-helper[bot]", Bot: true, Association: "NONE"})
	gh.AddIssueComment(pr, "/trace why?", ghprtest.CommentOptions{Author: "stranger", Association: "NONE"})
	gh.AddIssueComment(pr, "Nice work", ghprtest.CommentOptions{Author: "rev", Association: "MEMBER"})
	ctx := context.Background()

	client := gh.Client("t")
	b := newBot(t, client.Sink(), s, idx, nil)
	poller := client.Poller(pr)
	require.NoError(t, b.Poll(ctx, pr, poller, qa.PollOptions{Once: true}))

	cs := gh.Comments(pr, ghpr.IssueComment)
	require.Len(t, cs, 5, "exactly one reply")
	reply := cs[4]
	assert.Equal(t, "trace-bot", reply.Author)
	assert.Contains(t, reply.Body, "> /trace why was the retry added?")
	assert.Contains(t, reply.Body, "](fake://clip/"+s.ID()+"?start=")
	assert.Equal(t, []string{"eyes"}, gh.Reactions(q))

	// The next poll sees the bot's own reply (the page changed) and does
	// nothing with it; after that, an idle poll costs only 304s.
	require.NoError(t, b.Poll(ctx, pr, poller, qa.PollOptions{Once: true}))
	assert.Len(t, gh.Comments(pr, ghpr.IssueComment), 5)
	gh.ResetRequests()
	require.NoError(t, b.Poll(ctx, pr, poller, qa.PollOptions{Once: true}))
	assert.Equal(t, 0, gh.Counted())
	require.NotEmpty(t, gh.Requests())
	for _, r := range gh.Requests() {
		assert.Equal(t, http.StatusNotModified, r.Status)
	}

	// A restart (new bot, new poller, no ETags) does not reply twice.
	b2 := newBot(t, gh.Client("t").Sink(), s, idx, nil)
	require.NoError(t, b2.Poll(ctx, pr, gh.Client("t").Poller(pr), qa.PollOptions{Once: true}))
	assert.Len(t, gh.Comments(pr, ghpr.IssueComment), 5)

	// A line comment gets its answer in the thread.
	rc := gh.AddReviewComment(pr, "/trace what timed out here?", ghprtest.CommentOptions{Author: "rev", Association: "OWNER", Path: "upload/retry.go", Line: 3})
	require.NoError(t, b.Poll(ctx, pr, poller, qa.PollOptions{Once: true}))
	rcs := gh.Comments(pr, ghpr.ReviewComment)
	require.Len(t, rcs, 2)
	assert.Equal(t, rc, rcs[1].InReplyTo)
	assert.Contains(t, rcs[1].Body, "timing out")
}

func TestPollSurvivesGitHubFailures(t *testing.T) {
	s, idx, _ := recorded(t)
	gh := ghprtest.NewServer()
	defer gh.Close()
	gh.AddPR(pr, ghprtest.PROptions{})
	gh.AddIssueComment(pr, "/trace why was the retry added?", ghprtest.CommentOptions{Association: "MEMBER"})
	client := gh.Client("t")
	b := newBot(t, client.Sink(), s, idx, nil)
	// The reply's POST fails (and is not retried, it may have landed): the
	// answer is recorded as failed, not done.
	gh.FailNext(1, http.MethodPost, "repos/tracepr/trace/issues/7/comments", http.StatusBadGateway)
	err := b.Poll(context.Background(), pr, client.Poller(pr), qa.PollOptions{Once: true})
	require.Error(t, err)
	assert.Len(t, gh.Comments(pr, ghpr.IssueComment), 1)
	st := b.State()
	assert.Empty(t, st.Answered)
	assert.Len(t, st.Failed, 1)
}

func issueCommentEvent(t *testing.T, id int64, body, assoc string) []byte {
	ev := map[string]any{
		"action":     "created",
		"issue":      map[string]any{"number": pr.Number, "pull_request": map[string]any{"url": "https://api.github.com/repos/tracepr/trace/pulls/7"}},
		"comment":    map[string]any{"id": id, "body": body, "author_association": assoc, "user": map[string]any{"login": "rev", "type": "User"}},
		"repository": map[string]any{"name": pr.Repo, "html_url": "https://github.com/tracepr/trace", "owner": map[string]any{"login": pr.Owner}},
	}
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	return b
}

func TestWebhookEndToEnd(t *testing.T) {
	s, idx, _ := recorded(t)
	gh := ghprtest.NewServer()
	defer gh.Close()
	gh.AddPR(pr, ghprtest.PROptions{})
	bot := newBot(t, gh.Client("t").Sink(), s, idx, nil)
	var resolved atomic.Int32
	secret := []byte("webhook-test-secret")
	hook := qa.NewWebhook(qa.WebhookOptions{Secret: secret, Resolve: func(ctx context.Context, p ghpr.PR) (*qa.Bot, error) {
		resolved.Add(1)
		if p.Same(pr) {
			return bot, nil
		}
		return nil, nil
	}})
	srv := httptest.NewServer(hook)
	defer srv.Close()

	post := func(event string, body []byte, sig string) *http.Response {
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("X-GitHub-Event", event)
		if sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}

	id := gh.AddIssueComment(pr, "/trace why was the retry added?", ghprtest.CommentOptions{Author: "rev", Association: "MEMBER"})
	body := issueCommentEvent(t, id, "/trace why was the retry added?", "MEMBER")

	// Missing and wrong signatures: 401, and no work at all.
	assert.Equal(t, http.StatusUnauthorized, post("issue_comment", body, "").StatusCode)
	assert.Equal(t, http.StatusUnauthorized, post("issue_comment", body, ghpr.Sign([]byte("other"), body)).StatusCode)
	tampered := bytes.Replace(body, []byte("MEMBER"), []byte("OWNER"), 1)
	assert.Equal(t, http.StatusUnauthorized, post("issue_comment", tampered, ghpr.Sign(secret, body)).StatusCode)
	hook.Wait()
	assert.Zero(t, resolved.Load())
	assert.Len(t, gh.Comments(pr, ghpr.IssueComment), 1)

	// A good delivery: 202 at once, one reply in the background; a
	// redelivery does not reply again.
	assert.Equal(t, http.StatusAccepted, post("issue_comment", body, ghpr.Sign(secret, body)).StatusCode)
	hook.Wait()
	assert.Equal(t, http.StatusAccepted, post("issue_comment", body, ghpr.Sign(secret, body)).StatusCode)
	hook.Wait()
	cs := gh.Comments(pr, ghpr.IssueComment)
	require.Len(t, cs, 2)
	assert.Contains(t, cs[1].Body, "fake://clip/")

	// Other events, pings and oversize bodies.
	assert.Equal(t, http.StatusOK, post("ping", []byte(`{}`), ghpr.Sign(secret, []byte(`{}`))).StatusCode)
	push := []byte(`{"ref":"refs/heads/main"}`)
	assert.Equal(t, http.StatusAccepted, post("push", push, ghpr.Sign(secret, push)).StatusCode)
	big := []byte(`{"x":"` + strings.Repeat("a", qa.DefaultMaxWebhookBody) + `"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, post("issue_comment", big, ghpr.Sign(secret, big)).StatusCode)
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.NoError(t, hook.Shutdown(context.Background()))
	assert.Equal(t, int32(2), resolved.Load())
}

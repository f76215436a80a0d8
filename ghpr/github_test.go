package ghpr_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/session"
)

var testPR = ghpr.PR{Owner: "tracepr", Repo: "trace", Number: 7}

func TestPRDiffFromFiles(t *testing.T) {
	s := ghprtest.NewServer()
	defer s.Close()
	files := []ghprtest.File{
		{Path: "a.go", Status: "modified", Patch: "@@ -1,2 +1,3 @@\n package a\n+\n+func A() {}", Additions: 2},
		{Path: "b.go", Status: "added", Patch: "@@ -0,0 +1 @@\n+package b", Additions: 1},
		{Path: "gone.go", Status: "removed", Patch: "@@ -1 +0,0 @@\n-package gone", Deletions: 1},
		{Path: "new/name.go", PreviousPath: "old/name.go", Status: "renamed"},
		{Path: "logo.png", Status: "added"},
	}
	s.AddPR(testPR, ghprtest.PROptions{Files: files, HeadSHA: strings.Repeat("a", 40), BaseSHA: strings.Repeat("b", 40)})
	s.SetPageSize(2)
	d, err := s.Client("t").PRDiff(context.Background(), testPR)
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("a", 40), d.Head)
	assert.Equal(t, strings.Repeat("b", 40), d.Base)
	require.Len(t, d.Files, 5, "all pages read")
	assert.Equal(t, [][2]int{{2, 3}}, d.Files[0].AddedRanges())
	assert.Equal(t, session.FileAdded, d.Files[1].Status)
	assert.Equal(t, session.FileDeleted, d.Files[2].Status)
	assert.Equal(t, session.FileDiff{Path: "new/name.go", OldPath: "old/name.go", Status: session.FileRenamed}, d.Files[3])
	assert.True(t, d.Files[4].Binary)
	for _, r := range s.Requests() {
		assert.NotContains(t, r.Path, "diff", "no raw diff needed")
	}
}

func TestPRDiffFallsBackToRawDiff(t *testing.T) {
	s := ghprtest.NewServer()
	defer s.Close()
	raw := "diff --git a/big.go b/big.go\n--- a/big.go\n+++ b/big.go\n@@ -1 +1,2 @@\n x\n+y\n"
	s.AddPR(testPR, ghprtest.PROptions{
		Files:   []ghprtest.File{{Path: "big.go", Status: "modified", Additions: 1}}, // patch left out
		RawDiff: raw,
	})
	d, err := s.Client("t").PRDiff(context.Background(), testPR)
	require.NoError(t, err)
	require.Len(t, d.Files, 1)
	assert.Equal(t, [][2]int{{2, 2}}, d.Files[0].AddedRanges())
	assert.NotEmpty(t, d.Head)
}

func TestPRDiffKeepsFileListWhenRawDiffRefused(t *testing.T) {
	s := ghprtest.NewServer()
	defer s.Close()
	s.AddPR(testPR, ghprtest.PROptions{Files: []ghprtest.File{{Path: "big.go", Status: "modified", Additions: 1}, {Path: "a.go", Patch: "@@ -1 +1 @@\n-a\n+b", Additions: 1, Deletions: 1}}})
	d, err := s.Client("t").PRDiff(context.Background(), testPR)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.go", "big.go"}, d.Paths())
}

func TestClientErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("bad token is one clear line", func(t *testing.T) {
		s := ghprtest.NewServer()
		defer s.Close()
		s.AddPR(testPR, ghprtest.PROptions{})
		s.SetToken("right")
		_, err := s.Client("wrong").PRDiff(ctx, testPR)
		require.ErrorIs(t, err, ghpr.ErrAuth)
		assert.NotContains(t, err.Error(), "\n")
		assert.Contains(t, err.Error(), "GITHUB_TOKEN")
		assert.Contains(t, err.Error(), "gh auth login")
	})
	t.Run("missing PR", func(t *testing.T) {
		s := ghprtest.NewServer()
		defer s.Close()
		_, err := s.Client("t").PRDiff(ctx, testPR)
		require.ErrorIs(t, err, ghpr.ErrNotFound)
		assert.Contains(t, err.Error(), "tracepr/trace#7")
	})
	t.Run("5xx is retried", func(t *testing.T) {
		s := ghprtest.NewServer()
		defer s.Close()
		s.AddPR(testPR, ghprtest.PROptions{})
		s.FailNext(2, http.MethodGet, "repos/tracepr/trace/pulls/7", http.StatusBadGateway)
		_, err := s.Client("t").PRDiff(ctx, testPR)
		require.NoError(t, err)
		var fails int
		for _, r := range s.Requests() {
			if r.Status == http.StatusBadGateway {
				fails++
			}
		}
		assert.Equal(t, 2, fails)
	})
	t.Run("5xx on POST is not retried", func(t *testing.T) {
		s := ghprtest.NewServer()
		defer s.Close()
		s.AddPR(testPR, ghprtest.PROptions{})
		s.FailNext(1, http.MethodPost, "", http.StatusInternalServerError)
		_, err := s.Client("t").Sink().Reply(ctx, testPR, ghpr.Comment{ID: 1, Kind: ghpr.IssueComment}, "hi")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "500")
		assert.Empty(t, s.Comments(testPR, ghpr.IssueComment), "no comment appeared")
	})
	t.Run("5xx that persists gives up", func(t *testing.T) {
		s := ghprtest.NewServer()
		defer s.Close()
		s.AddPR(testPR, ghprtest.PROptions{})
		s.FailNext(10, "", "", http.StatusInternalServerError)
		_, err := s.Client("t").PRDiff(ctx, testPR)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "try again later")
		assert.Len(t, s.Requests(), 4, "one try and three retries")
	})
	t.Run("secondary rate limit waits Retry-After", func(t *testing.T) {
		s := ghprtest.NewServer()
		defer s.Close()
		s.AddPR(testPR, ghprtest.PROptions{})
		s.SecondaryLimitNext("", "", time.Second)
		start := time.Now()
		_, err := s.Client("t").PRDiff(ctx, testPR)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), time.Second)
	})
	t.Run("primary rate limit beyond MaxWait", func(t *testing.T) {
		s := ghprtest.NewServer()
		defer s.Close()
		s.AddPR(testPR, ghprtest.PROptions{})
		s.ExhaustRateLimit(time.Now().Add(time.Hour))
		_, err := s.Client("t").PRDiff(ctx, testPR)
		require.ErrorIs(t, err, ghpr.ErrRateLimited)
		assert.Contains(t, err.Error(), "wait")
	})
}

func TestPollerCostsNothingWhenIdle(t *testing.T) {
	s := ghprtest.NewServer()
	defer s.Close()
	s.AddPR(testPR, ghprtest.PROptions{})
	s.SetPageSize(2)
	for i := 0; i < 5; i++ {
		s.AddIssueComment(testPR, "comment", ghprtest.CommentOptions{})
	}
	root := s.AddReviewComment(testPR, "/trace why?", ghprtest.CommentOptions{Path: "a.go", Line: 4, Association: "OWNER"})
	ctx := context.Background()
	p := s.Client("t").Poller(testPR)

	cs, changed, err := p.Comments(ctx)
	require.NoError(t, err)
	assert.True(t, changed)
	require.Len(t, cs, 6)
	last := cs[5]
	assert.Equal(t, ghpr.ReviewComment, last.Kind)
	assert.Equal(t, root, last.ID)
	assert.Equal(t, "a.go", last.Path)
	assert.Equal(t, 4, last.Line)
	assert.Equal(t, "OWNER", last.Association)

	s.ResetRequests()
	cs, changed, err = p.Comments(ctx)
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Len(t, cs, 6)
	assert.Equal(t, 0, s.Counted(), "an idle poll costs no rate limit")
	for _, r := range s.Requests() {
		assert.Equal(t, http.StatusNotModified, r.Status, r.Path)
	}

	s.AddIssueComment(testPR, "/trace new", ghprtest.CommentOptions{})
	cs, changed, err = p.Comments(ctx)
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Len(t, cs, 7)

	s.EditComment(root, "/trace why, edited?")
	cs, changed, err = p.Comments(ctx)
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Equal(t, "/trace why, edited?", cs[6].Body)
}

func TestSinkReactAndEdit(t *testing.T) {
	s := ghprtest.NewServer()
	defer s.Close()
	s.AddPR(testPR, ghprtest.PROptions{})
	ctx := context.Background()
	sink := s.Client("t").Sink()
	id := s.AddReviewComment(testPR, "/trace x", ghprtest.CommentOptions{Path: "a.go", Line: 1})
	c := ghpr.Comment{ID: id, Kind: ghpr.ReviewComment}
	require.NoError(t, sink.React(ctx, testPR, c, "eyes"))
	require.NoError(t, sink.React(ctx, testPR, c, "eyes"))
	assert.Equal(t, []string{"eyes"}, s.Reactions(id))
	r, err := sink.Reply(ctx, testPR, c, "first")
	require.NoError(t, err)
	_, err = sink.Edit(ctx, testPR, r, "second")
	require.NoError(t, err)
	cs := s.Comments(testPR, ghpr.ReviewComment)
	require.Len(t, cs, 2)
	assert.Equal(t, "second", cs[1].Body)
}

func TestUpsertCommentRaceLeavesOne(t *testing.T) {
	s := ghprtest.NewServer()
	defer s.Close()
	s.AddPR(testPR, ghprtest.PROptions{})
	key := ghpr.Key{Kind: "walkthrough", Session: "s0000001"}
	ctx := context.Background()
	// Two machines publish at once, each with its own sink.
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Client("t").Sink().UpsertComment(ctx, testPR, key, "walkthrough")
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	var marked int
	for _, c := range s.Comments(testPR, ghpr.IssueComment) {
		if ghpr.HasMarker(c.Body, key) {
			marked++
		}
	}
	assert.Equal(t, 1, marked)
}

func TestUpsertCommentRecreatesADeletedComment(t *testing.T) {
	s := ghprtest.NewServer()
	defer s.Close()
	s.AddPR(testPR, ghprtest.PROptions{})
	key := ghpr.Key{Kind: "focus", Session: "s0000001"}
	ctx := context.Background()
	sink := s.Client("t").Sink()
	c, err := sink.UpsertComment(ctx, testPR, key, "v1")
	require.NoError(t, err)
	// Someone deletes it by hand; the next upsert creates it again.
	req, _ := http.NewRequest(http.MethodDelete, s.URL+"repos/tracepr/trace/issues/comments/"+strconv.FormatInt(c.ID, 10), nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Empty(t, s.Comments(testPR, ghpr.IssueComment))
	_, err = sink.UpsertComment(ctx, testPR, key, "v2")
	require.NoError(t, err)
	cs := s.Comments(testPR, ghpr.IssueComment)
	require.Len(t, cs, 1)
	assert.Contains(t, cs[0].Body, "v2")
}

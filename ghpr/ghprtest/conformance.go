package ghprtest

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
)

// Harness is one fresh PR behind a PRSink, with ways to act as its author
// and to read back what was published.
type Harness struct {
	Sink ghpr.PRSink
	PR   ghpr.PR
	// SetDescription sets the PR description, as the author would.
	SetDescription func(body string)
	// Description reads the PR description back.
	Description func() string
	// AddComment adds a comment by a person: Kind, Body, and for review
	// comments Path, Line and InReplyTo are used. It returns the comment
	// with its id.
	AddComment func(c ghpr.Comment) ghpr.Comment
	// Comments reads back every comment of the PR (both kinds).
	Comments func() []ghpr.Comment
}

// TestPRSink runs the PRSink conformance suite. newHarness is called once
// per subtest and must return a sink on a fresh PR.
func TestPRSink(t *testing.T, newHarness func(t *testing.T) Harness) {
	ctx := context.Background()

	t.Run("UpsertCommentTwiceLeavesOneEditedComment", func(t *testing.T) {
		h := newHarness(t)
		key := ghpr.Key{Kind: "walkthrough", Session: "s0000001"}
		c1, err := h.Sink.UpsertComment(ctx, h.PR, key, "first version")
		require.NoError(t, err)
		c2, err := h.Sink.UpsertComment(ctx, h.PR, key, "second version")
		require.NoError(t, err)
		assert.Equal(t, c1.ID, c2.ID, "the second upsert edits the first comment")
		mine := withMarker(h.Comments(), key)
		require.Len(t, mine, 1)
		assert.Contains(t, mine[0].Body, "second version")
		assert.NotContains(t, mine[0].Body, "first version")
		// Same body again: still one comment.
		_, err = h.Sink.UpsertComment(ctx, h.PR, key, "second version")
		require.NoError(t, err)
		assert.Len(t, withMarker(h.Comments(), key), 1)
	})

	t.Run("UpsertCommentIgnoresQuotes", func(t *testing.T) {
		h := newHarness(t)
		key := ghpr.Key{Kind: "focus", Session: "s0000001"}
		h.AddComment(ghpr.Comment{Kind: ghpr.IssueComment, Body: "> " + key.Marker() + "\n> old text\n\nWhy this?"})
		_, err := h.Sink.UpsertComment(ctx, h.PR, key, "focus guide")
		require.NoError(t, err)
		var quote, mine int
		for _, c := range h.Comments() {
			switch {
			case strings.Contains(c.Body, "Why this?"):
				quote++
				assert.Contains(t, c.Body, "old text", "a person's comment is never edited")
			case ghpr.HasMarker(c.Body, key):
				mine++
			}
		}
		assert.Equal(t, 1, quote)
		assert.Equal(t, 1, mine)
	})

	t.Run("UpsertSectionKeepsAuthorText", func(t *testing.T) {
		h := newHarness(t)
		author := "## Why\r\nFixes the flaky retry. Ünïcode, trailing spaces   \n\n- [ ] tested"
		h.SetDescription(author)
		key := ghpr.Key{Kind: "description", Session: "s0000001"}
		require.NoError(t, h.Sink.UpsertSection(ctx, h.PR, key, "generated v1"))
		d := h.Description()
		require.True(t, strings.HasPrefix(d, author), "author text kept byte for byte above the section:\n%q", d)
		assert.Contains(t, d, key.Marker())
		assert.Contains(t, d, key.EndMarker())
		assert.Contains(t, d, "generated v1")

		require.NoError(t, h.Sink.UpsertSection(ctx, h.PR, key, "generated v2"))
		d2 := h.Description()
		assert.True(t, strings.HasPrefix(d2, author))
		assert.Equal(t, 1, strings.Count(d2, key.Marker()), "one section, replaced in place")
		assert.Contains(t, d2, "generated v2")
		assert.NotContains(t, d2, "generated v1")

		// The author edits above and below the section; only the section changes.
		edited := "New intro.\n\n" + d2 + "\nAdded below by the author."
		h.SetDescription(edited)
		require.NoError(t, h.Sink.UpsertSection(ctx, h.PR, key, "generated v3"))
		d3 := h.Description()
		assert.Equal(t, strings.Replace(edited, "generated v2", "generated v3", 1), d3)
	})

	t.Run("UpsertSectionOnEmptyDescription", func(t *testing.T) {
		h := newHarness(t)
		key := ghpr.Key{Kind: "description", Session: "s0000001"}
		require.NoError(t, h.Sink.UpsertSection(ctx, h.PR, key, "only section"))
		assert.Contains(t, h.Description(), "only section")
	})

	t.Run("DamagedMarkersChangeNothing", func(t *testing.T) {
		h := newHarness(t)
		key := ghpr.Key{Kind: "description", Session: "s0000001"}
		damaged := "Intro\n" + key.Marker() + "\nold section, end marker deleted by hand\nmy notes"
		h.SetDescription(damaged)
		err := h.Sink.UpsertSection(ctx, h.PR, key, "new")
		require.Error(t, err)
		assert.ErrorIs(t, err, ghpr.ErrMarkers)
		assert.Equal(t, damaged, h.Description())
	})

	t.Run("KindsAndSessionsCoexist", func(t *testing.T) {
		h := newHarness(t)
		keys := []ghpr.Key{{Kind: "walkthrough", Session: "s0000001"}, {Kind: "focus", Session: "s0000001"}, {Kind: "walkthrough", Session: "s0000002"}}
		for _, k := range keys {
			_, err := h.Sink.UpsertComment(ctx, h.PR, k, "body of "+k.Kind+" "+k.Session)
			require.NoError(t, err)
		}
		_, err := h.Sink.UpsertComment(ctx, h.PR, keys[0], "updated walkthrough")
		require.NoError(t, err)
		for i, k := range keys {
			mine := withMarker(h.Comments(), k)
			require.Len(t, mine, 1, "key %v", k)
			if i == 0 {
				assert.Contains(t, mine[0].Body, "updated walkthrough")
			} else {
				assert.Contains(t, mine[0].Body, "body of "+k.Kind+" "+k.Session)
			}
		}
		h.SetDescription("Author text")
		for _, k := range keys {
			require.NoError(t, h.Sink.UpsertSection(ctx, h.PR, k, "section "+k.Kind+" "+k.Session))
		}
		require.NoError(t, h.Sink.UpsertSection(ctx, h.PR, keys[1], "focus updated"))
		d := h.Description()
		assert.True(t, strings.HasPrefix(d, "Author text"))
		assert.Contains(t, d, "section walkthrough s0000001")
		assert.Contains(t, d, "section walkthrough s0000002")
		assert.Contains(t, d, "focus updated")
		assert.NotContains(t, d, "section focus s0000001")
	})

	t.Run("ReplyThreads", func(t *testing.T) {
		h := newHarness(t)
		q := h.AddComment(ghpr.Comment{Kind: ghpr.IssueComment, Body: "/trace why the retry?"})
		r, err := h.Sink.Reply(ctx, h.PR, q, "because of the flaky test")
		require.NoError(t, err)
		assert.Equal(t, ghpr.IssueComment, r.Kind)
		assert.NotZero(t, r.ID)

		root := h.AddComment(ghpr.Comment{Kind: ghpr.ReviewComment, Body: "/trace what is this?", Path: "a.go", Line: 3})
		r1, err := h.Sink.Reply(ctx, h.PR, root, "answer one")
		require.NoError(t, err)
		assert.Equal(t, ghpr.ReviewComment, r1.Kind)
		assert.Equal(t, root.ID, r1.InReplyTo, "the reply is in the line comment's thread")
		follow := h.AddComment(ghpr.Comment{Kind: ghpr.ReviewComment, Body: "/trace and then?", Path: "a.go", Line: 3, InReplyTo: root.ID})
		r2, err := h.Sink.Reply(ctx, h.PR, follow, "answer two")
		require.NoError(t, err)
		assert.Equal(t, root.ID, r2.InReplyTo, "a reply to a reply goes to the thread's first comment")

		var found int
		for _, c := range h.Comments() {
			if c.ID == r1.ID || c.ID == r2.ID {
				found++
				assert.Equal(t, root.ID, c.InReplyTo)
			}
		}
		assert.Equal(t, 2, found)
	})

	t.Run("SecretsNeverPublished", func(t *testing.T) {
		h := newHarness(t)
		// Built at run time so no token-shaped string sits in the source.
		secrets := []string{"ghp_" + strings.Repeat("a1B2", 9), "AKIA" + strings.Repeat("Q7", 8)}
		body := "before " + secrets[0] + " middle " + secrets[1] + " after"
		h.SetDescription("Author")
		_, err := h.Sink.UpsertComment(ctx, h.PR, ghpr.Key{Kind: "walkthrough", Session: "s0000001"}, body)
		require.NoError(t, err)
		require.NoError(t, h.Sink.UpsertSection(ctx, h.PR, ghpr.Key{Kind: "description", Session: "s0000001"}, body))
		q := h.AddComment(ghpr.Comment{Kind: ghpr.IssueComment, Body: "/trace token?"})
		_, err = h.Sink.Reply(ctx, h.PR, q, body)
		require.NoError(t, err)
		rc := h.AddComment(ghpr.Comment{Kind: ghpr.ReviewComment, Body: "/trace token?", Path: "a.go", Line: 1})
		_, err = h.Sink.Reply(ctx, h.PR, rc, body)
		require.NoError(t, err)

		published := h.Description()
		for _, c := range h.Comments() {
			published += "\n" + c.Body
		}
		for _, s := range secrets {
			assert.NotContains(t, published, s)
		}
		assert.GreaterOrEqual(t, strings.Count(published, "[REDACTED]"), 8)
		assert.Contains(t, published, "before ")
		assert.Contains(t, published, " after")
	})

	t.Run("CanceledContext", func(t *testing.T) {
		h := newHarness(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := h.Sink.UpsertComment(cctx, h.PR, ghpr.Key{Kind: "walkthrough", Session: "s0000001"}, "x")
		assert.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, withMarker(h.Comments(), ghpr.Key{Kind: "walkthrough", Session: "s0000001"}))
	})
}

func withMarker(cs []ghpr.Comment, key ghpr.Key) []ghpr.Comment {
	var out []ghpr.Comment
	for _, c := range cs {
		if ghpr.HasMarker(c.Body, key) {
			out = append(out, c)
		}
	}
	return out
}

// MemHarness is a Harness on a fresh MemSink.
func MemHarness(t *testing.T) Harness {
	m := NewMemSink()
	pr := ghpr.PR{Owner: "tracepr", Repo: "trace", Number: 1}
	return Harness{
		Sink: m, PR: pr,
		SetDescription: func(b string) { m.SetDescription(pr, b) },
		Description:    func() string { return m.Description(pr) },
		AddComment:     func(c ghpr.Comment) ghpr.Comment { c.Author = "reviewer"; return m.AddComment(pr, c) },
		Comments:       func() []ghpr.Comment { return m.Comments(pr) },
	}
}

// ServerHarness is a Harness on the GitHub sink talking to a fresh fake
// server (closed when the test ends).
func ServerHarness(t *testing.T) Harness {
	s := NewServer()
	t.Cleanup(s.Close)
	pr := ghpr.PR{Owner: "tracepr", Repo: "trace", Number: 7}
	s.AddPR(pr, PROptions{Title: "Retry flaky uploads"})
	s.SetPageSize(2) // exercise pagination in the marker scan
	sink := s.Client("test-token").Sink()
	return Harness{
		Sink: sink, PR: pr,
		SetDescription: func(b string) { s.SetPRBody(pr, b) },
		Description:    func() string { return s.PRBody(pr) },
		AddComment: func(c ghpr.Comment) ghpr.Comment {
			o := CommentOptions{Author: "reviewer", Path: c.Path, Line: c.Line, InReplyTo: c.InReplyTo}
			if c.Kind == ghpr.ReviewComment {
				c.ID = s.AddReviewComment(pr, c.Body, o)
			} else {
				c.Kind = ghpr.IssueComment
				c.ID = s.AddIssueComment(pr, c.Body, o)
			}
			return c
		},
		Comments: func() []ghpr.Comment {
			return append(s.Comments(pr, ghpr.IssueComment), s.Comments(pr, ghpr.ReviewComment)...)
		},
	}
}

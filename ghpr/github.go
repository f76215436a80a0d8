package ghpr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/google/go-github/v62/github"

	"github.com/tracepr/trace/internal/redact"
)

// ErrMarkers is wrapped by the error for a PR description whose trace
// section markers were damaged by hand; nothing is changed then.
var ErrMarkers = errors.New("damaged trace section markers")

// MaxBody is GitHub's limit on a comment or description body, in characters.
const MaxBody = 65536

// MarkedBody is the body of a keyed comment as published: the hidden
// marker on the first line, then body with secrets redacted.
func MarkedBody(key Key, body string) string {
	return key.Marker() + "\n" + redact.String(body)
}

// HasMarker reports whether a published comment body is the one for key
// (the marker opens the body; a quote of it in a reply does not count).
func HasMarker(body string, key Key) bool {
	return strings.HasPrefix(strings.TrimLeft(body, " \t\r\n"), key.Marker())
}

// SpliceSection returns the PR description desc with key's section set to
// body (redacted), between key's start and end markers. An existing section
// is replaced in place and everything outside it is kept byte for byte; a
// new section goes below the author's text. Start and end markers out of
// order, or one without the other, are an error wrapping ErrMarkers.
func SpliceSection(desc string, key Key, body string) (string, error) {
	start, end := key.Marker(), key.EndMarker()
	section := start + "\n" + strings.TrimRight(redact.String(body), "\n") + "\n" + end
	i, j := strings.Index(desc, start), strings.Index(desc, end)
	switch {
	case i < 0 && j < 0:
		if strings.TrimSpace(desc) == "" {
			return section + "\n", nil
		}
		sep := "\n\n"
		if strings.HasSuffix(desc, "\n\n") {
			sep = ""
		} else if strings.HasSuffix(desc, "\n") {
			sep = "\n"
		}
		return desc + sep + section + "\n", nil
	case i >= 0 && j > i:
		return desc[:i] + section + desc[j+len(end):], nil
	default:
		return "", fmt.Errorf("the PR description has a damaged trace section (%s without its pair %s): restore the marker or delete the whole section, then publish again: %w", start, end, ErrMarkers)
	}
}

// Sink publishes on GitHub: the PRSink implementation on a Client. It also
// edits and reacts to comments and reads them for the /trace bot.
type Sink struct {
	c  *Client
	mu sync.Mutex
	// ids remembers where each keyed comment lives, to skip the scan.
	ids map[string]int64
}

// Sink returns the client's PRSink.
func (c *Client) Sink() *Sink { return &Sink{c: c, ids: map[string]int64{}} }

var _ PRSink = (*Sink)(nil)

func cacheKey(pr PR, key Key) string { return pr.String() + "|" + key.Marker() }

// UpsertComment creates the conversation comment marked with key, or edits
// it in place. The PR's comments are scanned (all pages) for the marker, so
// a comment published by an earlier run or another machine is found again.
func (s *Sink) UpsertComment(ctx context.Context, pr PR, key Key, body string) (Comment, error) {
	what := fmt.Sprintf("publish the %s comment on %s", key.Kind, pr)
	full := MarkedBody(key, body)
	if len(full) > MaxBody {
		return Comment{}, fmt.Errorf("%s: the body is %d characters, over GitHub's %d: shorten it", what, len(full), MaxBody)
	}
	gh := s.c.gh
	s.mu.Lock()
	id := s.ids[cacheKey(pr, key)]
	s.mu.Unlock()
	var existing *github.IssueComment
	if id != 0 {
		ic, _, err := gh.Issues.GetComment(ctx, pr.Owner, pr.Repo, id)
		if err == nil && HasMarker(ic.GetBody(), key) {
			existing = ic
		}
	}
	if existing == nil {
		var err error
		if existing, err = s.findMarked(ctx, pr, key); err != nil {
			return Comment{}, s.c.wrap(err, what)
		}
	}
	var out *github.IssueComment
	var err error
	switch {
	case existing != nil && existing.GetBody() == full:
		out = existing
	case existing != nil:
		out, _, err = gh.Issues.EditComment(ctx, pr.Owner, pr.Repo, existing.GetID(), &github.IssueComment{Body: github.String(full)})
	default:
		out, _, err = gh.Issues.CreateComment(ctx, pr.Owner, pr.Repo, pr.Number, &github.IssueComment{Body: github.String(full)})
		if err == nil {
			out, err = s.settleRace(ctx, pr, key, out, full)
		}
	}
	if err != nil {
		return Comment{}, s.c.wrap(err, what)
	}
	s.mu.Lock()
	s.ids[cacheKey(pr, key)] = out.GetID()
	s.mu.Unlock()
	return fromIssueComment(out), nil
}

// findMarked returns the oldest conversation comment of the PR marked with
// key, scanning every page, or nil.
func (s *Sink) findMarked(ctx context.Context, pr PR, key Key) (*github.IssueComment, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := s.c.gh.Issues.ListComments(ctx, pr.Owner, pr.Repo, pr.Number, opts)
		if err != nil {
			return nil, err
		}
		for _, ic := range cs {
			if HasMarker(ic.GetBody(), key) {
				return ic, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

// settleRace makes sure that a comment just created is the only one for
// key: when another run created one at the same time, the older comment
// wins, gets this body, and the newer one (ours) is deleted.
func (s *Sink) settleRace(ctx context.Context, pr PR, key Key, ours *github.IssueComment, full string) (*github.IssueComment, error) {
	first, err := s.findMarked(ctx, pr, key)
	if err != nil || first == nil || first.GetID() == ours.GetID() {
		return ours, err
	}
	if _, err := s.c.gh.Issues.DeleteComment(ctx, pr.Owner, pr.Repo, ours.GetID()); err != nil {
		return ours, err
	}
	if first.GetBody() == full {
		return first, nil
	}
	out, _, err := s.c.gh.Issues.EditComment(ctx, pr.Owner, pr.Repo, first.GetID(), &github.IssueComment{Body: github.String(full)})
	return out, err
}

// UpsertSection sets key's section of the PR description (see
// SpliceSection). The author's text is never changed; an unchanged
// description is not written again.
func (s *Sink) UpsertSection(ctx context.Context, pr PR, key Key, body string) error {
	what := fmt.Sprintf("publish the %s section of %s's description", key.Kind, pr)
	p, _, err := s.c.gh.PullRequests.Get(ctx, pr.Owner, pr.Repo, pr.Number)
	if err != nil {
		return s.c.wrap(err, what)
	}
	desc, err := SpliceSection(p.GetBody(), key, body)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if len(desc) > MaxBody {
		return fmt.Errorf("%s: the description would be %d characters, over GitHub's %d: shorten the section", what, len(desc), MaxBody)
	}
	if desc == p.GetBody() {
		return nil
	}
	_, _, err = s.c.gh.PullRequests.Edit(ctx, pr.Owner, pr.Repo, pr.Number, &github.PullRequest{Body: github.String(desc)})
	return s.c.wrap(err, what)
}

// Reply answers a comment: inside its review thread for a line comment
// (GitHub threads replies on the thread's first comment), as a new
// conversation comment otherwise. The body is redacted.
func (s *Sink) Reply(ctx context.Context, pr PR, to Comment, body string) (Comment, error) {
	what := fmt.Sprintf("reply to comment %d on %s", to.ID, pr)
	body = redact.String(body)
	if len(body) > MaxBody {
		return Comment{}, fmt.Errorf("%s: the reply is %d characters, over GitHub's %d: shorten it", what, len(body), MaxBody)
	}
	if to.Kind == ReviewComment {
		root := to.ID
		if to.InReplyTo != 0 {
			root = to.InReplyTo
		}
		rc, _, err := s.c.gh.PullRequests.CreateCommentInReplyTo(ctx, pr.Owner, pr.Repo, pr.Number, body, root)
		if err != nil {
			return Comment{}, s.c.wrap(err, what)
		}
		return fromReviewComment(rc), nil
	}
	ic, _, err := s.c.gh.Issues.CreateComment(ctx, pr.Owner, pr.Repo, pr.Number, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return Comment{}, s.c.wrap(err, what)
	}
	return fromIssueComment(ic), nil
}

// Edit replaces the body of a comment trace published (a reply whose
// question was edited). The body is redacted.
func (s *Sink) Edit(ctx context.Context, pr PR, c Comment, body string) (Comment, error) {
	what := fmt.Sprintf("edit comment %d on %s", c.ID, pr)
	body = redact.String(body)
	if c.Kind == ReviewComment {
		rc, _, err := s.c.gh.PullRequests.EditComment(ctx, pr.Owner, pr.Repo, c.ID, &github.PullRequestComment{Body: github.String(body)})
		if err != nil {
			return Comment{}, s.c.wrap(err, what)
		}
		return fromReviewComment(rc), nil
	}
	ic, _, err := s.c.gh.Issues.EditComment(ctx, pr.Owner, pr.Repo, c.ID, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return Comment{}, s.c.wrap(err, what)
	}
	return fromIssueComment(ic), nil
}

// React adds a reaction ("eyes" when a command is seen) to a comment.
// Reacting twice is harmless.
func (s *Sink) React(ctx context.Context, pr PR, c Comment, reaction string) error {
	var err error
	if c.Kind == ReviewComment {
		_, _, err = s.c.gh.Reactions.CreatePullRequestCommentReaction(ctx, pr.Owner, pr.Repo, c.ID, reaction)
	} else {
		_, _, err = s.c.gh.Reactions.CreateIssueCommentReaction(ctx, pr.Owner, pr.Repo, c.ID, reaction)
	}
	return s.c.wrap(err, fmt.Sprintf("react to comment %d on %s", c.ID, pr))
}

func fromIssueComment(ic *github.IssueComment) Comment {
	return Comment{ID: ic.GetID(), Kind: IssueComment, URL: ic.GetHTMLURL(), Author: ic.GetUser().GetLogin(), Body: ic.GetBody(),
		Association: ic.GetAuthorAssociation(), Bot: ic.GetUser().GetType() == "Bot", UpdatedAt: ic.GetUpdatedAt().Time}
}

func fromReviewComment(rc *github.PullRequestComment) Comment {
	line := rc.GetLine()
	if line == 0 {
		line = rc.GetOriginalLine()
	}
	start := rc.GetStartLine()
	if start == 0 {
		start = rc.GetOriginalStartLine()
	}
	return Comment{ID: rc.GetID(), Kind: ReviewComment, URL: rc.GetHTMLURL(), Author: rc.GetUser().GetLogin(), Body: rc.GetBody(),
		InReplyTo: rc.GetInReplyTo(), Path: rc.GetPath(), Line: line, StartLine: start,
		Association: rc.GetAuthorAssociation(), Bot: rc.GetUser().GetType() == "Bot", UpdatedAt: rc.GetUpdatedAt().Time}
}

// Poller reads a PR's conversation and review comments with conditional
// requests: each page is asked for with the ETag of its last answer, so a
// PR where nothing changed costs only 304 answers, which do not count
// against GitHub's rate limit. A Poller is for one PR and one goroutine.
type Poller struct {
	c     *Client
	pr    PR
	pages map[string]polledPage // request URL → last answer
}

type polledPage struct {
	etag     string
	comments []Comment
	next     string // URL of the next page, "" on the last
}

// Poller returns a Poller for pr.
func (c *Client) Poller(pr PR) *Poller { return &Poller{c: c, pr: pr, pages: map[string]polledPage{}} }

// Comments returns every conversation and review comment of the PR, oldest
// first within each kind, and whether anything changed since the last call
// (true on the first call).
func (p *Poller) Comments(ctx context.Context) ([]Comment, bool, error) {
	var all []Comment
	changed := false
	for _, kind := range []CommentKind{IssueComment, ReviewComment} {
		var u string
		if kind == IssueComment {
			u = fmt.Sprintf("repos/%s/%s/issues/%d/comments?per_page=100", p.pr.Owner, p.pr.Repo, p.pr.Number)
		} else {
			u = fmt.Sprintf("repos/%s/%s/pulls/%d/comments?per_page=100", p.pr.Owner, p.pr.Repo, p.pr.Number)
		}
		for u != "" {
			cs, next, ch, err := p.page(ctx, u, kind)
			if err != nil {
				return nil, false, err
			}
			changed = changed || ch
			all = append(all, cs...)
			u = next
		}
	}
	return all, changed, nil
}

func (p *Poller) page(ctx context.Context, u string, kind CommentKind) ([]Comment, string, bool, error) {
	what := "read the comments of " + p.pr.String()
	req, err := p.c.gh.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, "", false, fmt.Errorf("%s: %w", what, err)
	}
	prev, known := p.pages[u]
	if known && prev.etag != "" {
		req.Header.Set("If-None-Match", prev.etag)
	}
	var issue []*github.IssueComment
	var review []*github.PullRequestComment
	var v any = &issue
	if kind == ReviewComment {
		v = &review
	}
	resp, err := p.c.gh.Do(ctx, req, v)
	if resp != nil && resp.StatusCode == http.StatusNotModified && known {
		return prev.comments, prev.next, false, nil
	}
	if err != nil {
		return nil, "", false, p.c.wrap(err, what)
	}
	var cs []Comment
	for _, ic := range issue {
		cs = append(cs, fromIssueComment(ic))
	}
	for _, rc := range review {
		cs = append(cs, fromReviewComment(rc))
	}
	next := ""
	if resp.NextPage != 0 {
		if resp.NextPageToken == "" {
			base := u
			if i := strings.IndexByte(base, '?'); i >= 0 {
				base = base[:i]
			}
			next = fmt.Sprintf("%s?per_page=100&page=%d", base, resp.NextPage)
		}
	}
	p.pages[u] = polledPage{etag: resp.Header.Get("ETag"), comments: cs, next: next}
	return cs, next, true, nil
}

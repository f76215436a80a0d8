package ghpr

import (
	"context"
	"fmt"
	"time"
)

// PRSink publishes artefacts on a pull request. Every method is an upsert or
// a reply: publishing twice never leaves two copies, and text a human wrote is
// never changed. Implementations redact secrets before anything leaves the
// machine. GitHub is one implementation; ghprtest has an in-memory one and
// the conformance suite; local writes the artefacts into a folder.
type PRSink interface {
	// UpsertComment creates the comment marked with key, or edits it in place.
	UpsertComment(ctx context.Context, pr PR, key Key, body string) (Comment, error)
	// UpsertSection puts body into the PR description between key's
	// markers, below the author's text, which stays untouched.
	UpsertSection(ctx context.Context, pr PR, key Key, body string) error
	// Reply answers a comment: in its review thread for a line comment,
	// as a new conversation comment otherwise.
	Reply(ctx context.Context, pr PR, to Comment, body string) (Comment, error)
}

// PR identifies a pull request.
type PR struct {
	Host   string `json:"host,omitempty"` // "" or "github.com" for GitHub, else the GHE host
	Owner  string `json:"owner"`
	Repo   string `json:"repo"`
	Number int    `json:"number"`
}

// String formats the reference as owner/repo#N (with the host for GHE).
func (p PR) String() string {
	s := fmt.Sprintf("%s/%s#%d", p.Owner, p.Repo, p.Number)
	if p.Host != "" && p.Host != "github.com" {
		s = p.Host + "/" + s
	}
	return s
}

// Key names one published artefact of one session; it becomes the hidden
// marker <!-- trace:KIND:SESSION --> that upserts find again.
type Key struct {
	Kind    string `json:"kind"` // "walkthrough", "description", "focus", "contribution-map", "qa"
	Session string `json:"session"`
}

// Marker returns the hidden HTML marker for the key.
func (k Key) Marker() string { return "<!-- trace:" + k.Kind + ":" + k.Session + " -->" }

// EndMarker returns the marker that closes the key's section of a PR
// description: <!-- /trace:KIND:SESSION -->.
func (k Key) EndMarker() string { return "<!-- /trace:" + k.Kind + ":" + k.Session + " -->" }

// CommentKind says where a comment lives.
type CommentKind string

// Comment kinds.
const (
	IssueComment  CommentKind = "issue"  // PR conversation
	ReviewComment CommentKind = "review" // line comment on the diff
)

// Comment is a published or received comment.
type Comment struct {
	ID        int64       `json:"id"`
	Kind      CommentKind `json:"kind"`
	URL       string      `json:"url,omitempty"`
	Author    string      `json:"author,omitempty"`
	Body      string      `json:"body,omitempty"`
	InReplyTo int64       `json:"in_reply_to,omitempty"` // review thread root
	Path      string      `json:"path,omitempty"`        // review comments: file
	Line      int         `json:"line,omitempty"`        // review comments: last line
	StartLine int         `json:"start_line,omitempty"`
	// Association is the author's relation to the repository as GitHub
	// reports it: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE…
	Association string `json:"association,omitempty"`
	// Bot reports whether the author is a bot account.
	Bot bool `json:"bot,omitempty"`
	// UpdatedAt is when the body last changed (an edit moves it).
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

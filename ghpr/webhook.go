package ghpr

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrSignature is wrapped by the error for a webhook delivery whose
// X-Hub-Signature-256 is missing or does not match the secret.
var ErrSignature = errors.New("bad webhook signature")

// ErrEvent is wrapped by the error for a webhook body that cannot be read.
var ErrEvent = errors.New("unreadable webhook event")

// VerifySignature checks a delivery's X-Hub-Signature-256 header
// ("sha256=<hex>") against the HMAC-SHA256 of body with secret, in
// constant time. An empty secret never verifies.
func VerifySignature(secret, body []byte, header string) error {
	if len(secret) == 0 {
		return fmt.Errorf("no webhook secret is configured: set one on the server and in the GitHub webhook settings: %w", ErrSignature)
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return fmt.Errorf("the delivery has no X-Hub-Signature-256 header: configure the webhook with a secret: %w", ErrSignature)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return fmt.Errorf("X-Hub-Signature-256 is not hex: %w", ErrSignature)
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return fmt.Errorf("X-Hub-Signature-256 does not match: the webhook secret differs from the server's: %w", ErrSignature)
	}
	return nil
}

// Sign returns the X-Hub-Signature-256 header value for body, as GitHub
// computes it.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Event is a comment event of a pull request, from a webhook delivery.
type Event struct {
	Name    string  // X-GitHub-Event: "issue_comment" or "pull_request_review_comment"
	Action  string  // "created", "edited", "deleted"
	PR      PR      // the pull request
	Comment Comment // the comment as it is now
}

type hookUser struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}

type hookComment struct {
	ID                int64    `json:"id"`
	Body              string   `json:"body"`
	HTMLURL           string   `json:"html_url"`
	User              hookUser `json:"user"`
	AuthorAssociation string   `json:"author_association"`
	Path              string   `json:"path"`
	Line              int      `json:"line"`
	OriginalLine      int      `json:"original_line"`
	StartLine         int      `json:"start_line"`
	InReplyTo         int64    `json:"in_reply_to_id"`
}

type hookPayload struct {
	Action  string       `json:"action"`
	Comment *hookComment `json:"comment"`
	Issue   *struct {
		Number      int             `json:"number"`
		PullRequest json.RawMessage `json:"pull_request"`
	} `json:"issue"`
	PullRequest *struct {
		Number int `json:"number"`
	} `json:"pull_request"`
	Repository *struct {
		Name    string   `json:"name"`
		HTMLURL string   `json:"html_url"`
		Owner   hookUser `json:"owner"`
	} `json:"repository"`
}

// ParseEvent reads a webhook delivery of type name. It returns ok=false
// (and no error) for events that are not about a PR comment: other event
// types, and issue comments on issues rather than pull requests. A body
// that is not the event's JSON is an error wrapping ErrEvent.
func ParseEvent(name string, body []byte) (Event, bool, error) {
	if name != "issue_comment" && name != "pull_request_review_comment" {
		return Event{}, false, nil
	}
	var p hookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return Event{}, false, fmt.Errorf("%s delivery is not valid JSON (%v): %w", name, err, ErrEvent)
	}
	if p.Comment == nil || p.Repository == nil || p.Comment.ID == 0 {
		return Event{}, false, fmt.Errorf("%s delivery has no comment or repository: %w", name, ErrEvent)
	}
	ev := Event{Name: name, Action: p.Action}
	switch name {
	case "issue_comment":
		if p.Issue == nil {
			return Event{}, false, fmt.Errorf("issue_comment delivery has no issue: %w", ErrEvent)
		}
		if len(p.Issue.PullRequest) == 0 || string(p.Issue.PullRequest) == "null" {
			return Event{}, false, nil // a plain issue
		}
		ev.PR.Number = p.Issue.Number
		ev.Comment.Kind = IssueComment
	default:
		if p.PullRequest == nil {
			return Event{}, false, fmt.Errorf("pull_request_review_comment delivery has no pull_request: %w", ErrEvent)
		}
		ev.PR.Number = p.PullRequest.Number
		ev.Comment.Kind = ReviewComment
	}
	ev.PR.Owner, ev.PR.Repo = p.Repository.Owner.Login, p.Repository.Name
	if u, err := url.Parse(p.Repository.HTMLURL); err == nil {
		if h := strings.ToLower(u.Host); h != "" && h != "github.com" {
			ev.PR.Host = h
		}
	}
	if ev.PR.Number <= 0 || !validOwner(ev.PR.Owner) || !validRepo(ev.PR.Repo) || (ev.PR.Host != "" && !validHost(ev.PR.Host)) {
		return Event{}, false, fmt.Errorf("%s delivery names no valid pull request (%s/%s#%d): %w", name, clip(ev.PR.Owner, 40), clip(ev.PR.Repo, 40), ev.PR.Number, ErrEvent)
	}
	c := p.Comment
	line := c.Line
	if line == 0 {
		line = c.OriginalLine
	}
	ev.Comment = Comment{ID: c.ID, Kind: ev.Comment.Kind, URL: c.HTMLURL, Author: c.User.Login, Body: c.Body,
		InReplyTo: c.InReplyTo, Path: c.Path, Line: line, StartLine: c.StartLine,
		Association: c.AuthorAssociation, Bot: c.User.Type == "Bot"}
	return ev, true, nil
}

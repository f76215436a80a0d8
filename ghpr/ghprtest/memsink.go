package ghprtest

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/internal/redact"
)

// MemSink is an in-memory ghpr.PRSink. It behaves like the GitHub sink:
// keyed comments are upserted by marker, sections are spliced into the
// description below the author's text, replies thread on review comments,
// and every body is redacted before it is stored. It is safe for
// concurrent use.
type MemSink struct {
	mu     sync.Mutex
	nextID int64
	descs  map[string]string
	cmts   map[string][]ghpr.Comment // by PR
	react  map[int64][]string
	now    func() time.Time
}

// NewMemSink returns an empty sink.
func NewMemSink() *MemSink {
	return &MemSink{nextID: 1, descs: map[string]string{}, cmts: map[string][]ghpr.Comment{}, react: map[int64][]string{}, now: time.Now}
}

var _ ghpr.PRSink = (*MemSink)(nil)

func prID(pr ghpr.PR) string {
	return fmt.Sprintf("%s/%s/%s#%d", pr.Host, pr.Owner, pr.Repo, pr.Number)
}

// SetDescription sets a PR's description, as its author would.
func (m *MemSink) SetDescription(pr ghpr.PR, body string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.descs[prID(pr)] = body
}

// Description returns a PR's description.
func (m *MemSink) Description(pr ghpr.PR) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.descs[prID(pr)]
}

// AddComment adds a comment a person wrote and returns it with its id.
func (m *MemSink) AddComment(pr ghpr.PR, c ghpr.Comment) ghpr.Comment {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextID++
	c.ID = m.nextID
	if c.Kind == "" {
		c.Kind = ghpr.IssueComment
	}
	c.UpdatedAt = m.now().UTC()
	m.cmts[prID(pr)] = append(m.cmts[prID(pr)], c)
	return c
}

// Comments returns a PR's comments, in the order they were made.
func (m *MemSink) Comments(pr ghpr.PR) []ghpr.Comment {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]ghpr.Comment(nil), m.cmts[prID(pr)]...)
}

// Reactions returns the reactions added to a comment.
func (m *MemSink) Reactions(id int64) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.react[id]...)
}

// UpsertComment implements ghpr.PRSink.
func (m *MemSink) UpsertComment(ctx context.Context, pr ghpr.PR, key ghpr.Key, body string) (ghpr.Comment, error) {
	if err := ctx.Err(); err != nil {
		return ghpr.Comment{}, err
	}
	full := ghpr.MarkedBody(key, body)
	m.mu.Lock()
	defer m.mu.Unlock()
	cs := m.cmts[prID(pr)]
	for i := range cs {
		if cs[i].Kind == ghpr.IssueComment && ghpr.HasMarker(cs[i].Body, key) {
			if cs[i].Body != full {
				cs[i].Body = full
				cs[i].UpdatedAt = m.now().UTC()
			}
			return cs[i], nil
		}
	}
	m.nextID++
	c := ghpr.Comment{ID: m.nextID, Kind: ghpr.IssueComment, Author: "trace", Body: full, Bot: true, UpdatedAt: m.now().UTC()}
	m.cmts[prID(pr)] = append(cs, c)
	return c, nil
}

// UpsertSection implements ghpr.PRSink.
func (m *MemSink) UpsertSection(ctx context.Context, pr ghpr.PR, key ghpr.Key, body string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := ghpr.SpliceSection(m.descs[prID(pr)], key, body)
	if err != nil {
		return err
	}
	m.descs[prID(pr)] = d
	return nil
}

// Reply implements ghpr.PRSink.
func (m *MemSink) Reply(ctx context.Context, pr ghpr.PR, to ghpr.Comment, body string) (ghpr.Comment, error) {
	if err := ctx.Err(); err != nil {
		return ghpr.Comment{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextID++
	c := ghpr.Comment{ID: m.nextID, Kind: ghpr.IssueComment, Author: "trace", Body: redact.String(body), Bot: true, UpdatedAt: m.now().UTC()}
	if to.Kind == ghpr.ReviewComment {
		root := to.ID
		if to.InReplyTo != 0 {
			root = to.InReplyTo
		}
		c.Kind, c.InReplyTo, c.Path, c.Line = ghpr.ReviewComment, root, to.Path, to.Line
	}
	m.cmts[prID(pr)] = append(m.cmts[prID(pr)], c)
	return c, nil
}

// Edit replaces the body of a comment (redacted).
func (m *MemSink) Edit(ctx context.Context, pr ghpr.PR, c ghpr.Comment, body string) (ghpr.Comment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cs := m.cmts[prID(pr)]
	for i := range cs {
		if cs[i].ID == c.ID {
			cs[i].Body = redact.String(body)
			cs[i].UpdatedAt = m.now().UTC()
			return cs[i], nil
		}
	}
	return ghpr.Comment{}, fmt.Errorf("edit comment %d on %s: no such comment: %w", c.ID, pr, ghpr.ErrNotFound)
}

// React adds a reaction to a comment; twice is harmless.
func (m *MemSink) React(ctx context.Context, pr ghpr.PR, c ghpr.Comment, reaction string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.react[c.ID] {
		if r == reaction {
			return nil
		}
	}
	m.react[c.ID] = append(m.react[c.ID], reaction)
	sort.Strings(m.react[c.ID])
	return nil
}

package local

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/internal/fsutil"
	"github.com/tracepr/trace/internal/redact"
)

// Files the folder sink writes.
const (
	SinkDescription = "description.md"
	SinkQA          = "qa.md"
)

// Sink is a ghpr.PRSink that publishes into a folder: one markdown file
// per comment key (upsert overwrites it), the description sections merged
// into description.md between markers (text outside the markers is kept),
// and replies appended to qa.md. Everything written is redacted first.
type Sink struct {
	dir string
	mu  sync.Mutex
}

// NewSink returns a Sink writing into dir (created 0700 on first write).
func NewSink(dir string) *Sink { return &Sink{dir: dir} }

// Dir returns the folder the sink writes into.
func (k *Sink) Dir() string { return k.dir }

var unsafeName = regexp.MustCompile(`[^a-z0-9._-]+`)

// CommentFile returns the file name UpsertComment uses for key.
func CommentFile(key ghpr.Key) string {
	name := unsafeName.ReplaceAllString(strings.ToLower(key.Kind), "-")
	if name == "" || strings.Trim(name, ".") == "" {
		name = "comment"
	}
	return name + ".md"
}

func (k *Sink) prepare(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(k.dir, 0o700); err != nil {
		return fmt.Errorf("output folder %s: %w: choose a writable --out directory", k.dir, err)
	}
	return nil
}

// UpsertComment writes body (after the key's marker) to the key's file,
// replacing what an earlier upsert wrote.
func (k *Sink) UpsertComment(ctx context.Context, pr ghpr.PR, key ghpr.Key, body string) (ghpr.Comment, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.prepare(ctx); err != nil {
		return ghpr.Comment{}, err
	}
	p := filepath.Join(k.dir, CommentFile(key))
	text := key.Marker() + "\n" + strings.TrimRight(redact.String(body), "\n") + "\n"
	if err := fsutil.WriteFile(p, []byte(text), 0o600); err != nil {
		return ghpr.Comment{}, err
	}
	return ghpr.Comment{ID: keyID(key.Marker()), Kind: ghpr.IssueComment, URL: p, Body: text}, nil
}

func keyID(s string) int64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return int64(h.Sum64() >> 1)
}

// endMarker closes a description section.
func endMarker(key ghpr.Key) string { return "<!-- /trace:" + key.Kind + ":" + key.Session + " -->" }

// UpsertSection puts body between the key's markers in description.md,
// appending the section the first time. Everything outside the markers,
// including text a person wrote, stays as it is.
func (k *Sink) UpsertSection(ctx context.Context, pr ghpr.PR, key ghpr.Key, body string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.prepare(ctx); err != nil {
		return err
	}
	p := filepath.Join(k.dir, SinkDescription)
	old, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", p, err)
	}
	return fsutil.WriteFile(p, []byte(MergeSection(string(old), key, redact.String(body))), 0o600)
}

// MergeSection returns doc with key's section set to body: replaced in
// place between its markers, or appended after the existing text.
func MergeSection(doc string, key ghpr.Key, body string) string {
	start, end := key.Marker(), endMarker(key)
	section := start + "\n" + strings.TrimSpace(body) + "\n" + end
	if i := strings.Index(doc, start); i >= 0 {
		if j := strings.Index(doc[i:], end); j >= 0 {
			return doc[:i] + section + doc[i+j+len(end):]
		}
		// A start marker without its end (hand-edited): replace to the end.
		return doc[:i] + section + "\n"
	}
	doc = strings.TrimRight(doc, "\n")
	if doc != "" {
		doc += "\n\n"
	}
	return doc + section + "\n"
}

// Reply appends an answer to qa.md, quoting the question.
func (k *Sink) Reply(ctx context.Context, pr ghpr.PR, to ghpr.Comment, body string) (ghpr.Comment, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.prepare(ctx); err != nil {
		return ghpr.Comment{}, err
	}
	p := filepath.Join(k.dir, SinkQA)
	old, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ghpr.Comment{}, fmt.Errorf("read %s: %w", p, err)
	}
	var b strings.Builder
	b.Write(old)
	if len(old) == 0 {
		b.WriteString("# Questions and answers\n")
	}
	who := to.Author
	if who == "" {
		who = "reviewer"
	}
	fmt.Fprintf(&b, "\n## Reply to comment %d by %s\n\n", to.ID, who)
	for _, l := range strings.Split(strings.TrimSpace(redact.String(to.Body)), "\n") {
		b.WriteString("> " + l + "\n")
	}
	reply := strings.TrimSpace(redact.String(body))
	b.WriteString("\n" + reply + "\n")
	if err := fsutil.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		return ghpr.Comment{}, err
	}
	id := keyID(fmt.Sprintf("%d\x00%d", to.ID, len(old)))
	return ghpr.Comment{ID: id, Kind: to.Kind, URL: p, Body: reply, InReplyTo: to.ID, Path: to.Path, Line: to.Line}, nil
}

package sessiontest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/tracepr/trace/session"
)

// Fake is an in-memory session.Indexer. Index "indexes" a session by handing
// out the transcript and scenes it was built with; Search scores by how many
// of the query's words a segment or scene contains; Clip returns a
// deterministic fake://clip URL. It is safe for concurrent use.
type Fake struct {
	transcript []session.Segment
	scenes     []session.Scene
	length     time.Duration

	mu      sync.Mutex
	indexed map[string]bool // session dirs indexed so far
	work    int
}

// NewFake returns a Fake that indexes every session into this transcript and
// these scenes (copied and sorted by start). A zero length means "use the
// session's Meta.Length".
func NewFake(transcript []session.Segment, scenes []session.Scene, length time.Duration) *Fake {
	f := &Fake{
		transcript: append([]session.Segment(nil), transcript...),
		scenes:     append([]session.Scene(nil), scenes...),
		length:     length,
		indexed:    map[string]bool{},
	}
	sort.SliceStable(f.transcript, func(i, j int) bool { return f.transcript[i].Span.Start < f.transcript[j].Span.Start })
	sort.SliceStable(f.scenes, func(i, j int) bool { return f.scenes[i].Span.Start < f.scenes[j].Span.Start })
	return f
}

// Work returns how many times Index did new work; a second Index of the same
// session does none.
func (f *Fake) Work() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.work
}

// Index implements session.Indexer.
func (f *Fake) Index(ctx context.Context, s *session.Session) (session.Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("index session %s: %w", s.ID(), err)
	}
	f.mu.Lock()
	if !f.indexed[s.Dir] {
		f.indexed[s.Dir] = true
		f.work++
	}
	f.mu.Unlock()
	return f.index(s), nil
}

// Open implements session.Indexer: it fails with session.ErrNotIndexed until
// Index has run for the session.
func (f *Fake) Open(ctx context.Context, s *session.Session) (session.Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open index of session %s: %w", s.ID(), err)
	}
	f.mu.Lock()
	ok := f.indexed[s.Dir]
	f.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("session %s has no index yet: run `trace stop` (or index it): %w", s.ID(), session.ErrNotIndexed)
	}
	return f.index(s), nil
}

func (f *Fake) index(s *session.Session) *fakeIndex {
	length := f.length
	if length <= 0 {
		length = s.Meta.Length
	}
	return &fakeIndex{id: s.ID(), length: length, transcript: f.transcript, scenes: f.scenes}
}

type fakeIndex struct {
	id         string
	length     time.Duration
	transcript []session.Segment
	scenes     []session.Scene
}

func (x *fakeIndex) Transcript(ctx context.Context) ([]session.Segment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return append([]session.Segment(nil), x.transcript...), nil
}

func (x *fakeIndex) Scenes(ctx context.Context) ([]session.Scene, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return append([]session.Scene(nil), x.scenes...), nil
}

// Search scores each segment (spoken) or scene (visual) by the share of the
// query's distinct words it contains; hits come best first, then by time.
func (x *fakeIndex) Search(ctx context.Context, query string, t session.SearchType) ([]session.Hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	terms := Terms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	var hits []session.Hit
	add := func(span session.Span, text string) {
		have := map[string]bool{}
		for _, w := range Terms(text) {
			have[w] = true
		}
		n := 0
		for _, w := range terms {
			if have[w] {
				n++
			}
		}
		if n == 0 {
			return
		}
		span = span.Clamp(x.length)
		if !span.Valid() {
			return
		}
		hits = append(hits, session.Hit{Span: span, Score: float64(n) / float64(len(terms)), Type: t, Text: text})
	}
	switch t {
	case session.Visual:
		for _, sc := range x.scenes {
			add(sc.Span, sceneText(sc))
		}
	default:
		t = session.Spoken
		for _, seg := range x.transcript {
			add(seg.Span, seg.Text)
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Span.Start < hits[j].Span.Start
	})
	return hits, nil
}

func sceneText(sc session.Scene) string {
	parts := []string{string(sc.Label), sc.Summary, sc.RawText}
	parts = append(parts, sc.Files...)
	parts = append(parts, sc.Functions...)
	parts = append(parts, sc.Errors...)
	return strings.Join(parts, " ")
}

// Clip returns fake://clip/<session id>?start=<s>&end=<s> for the span
// clamped to the recording, or an error wrapping session.ErrSpan when
// nothing is left of it.
func (x *fakeIndex) Clip(ctx context.Context, span session.Span) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	c := span.Clamp(x.length)
	if !c.Valid() || (x.length > 0 && c.Start >= x.length) {
		return "", fmt.Errorf("clip %s of session %s (length %s): nothing left inside the recording: %w", span, x.id, session.Clock(x.length), session.ErrSpan)
	}
	return fmt.Sprintf("fake://clip/%s?start=%.3f&end=%.3f", x.id, c.Start.Seconds(), c.End.Seconds()), nil
}

// Terms splits text into lower-case words of letters and digits, the way the
// fake's Search matches them. Each word appears once, in order of first use.
func Terms(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// NewSession creates a session with this recording length in a fresh store
// under t.TempDir, with status captured, ready to be indexed.
func NewSession(t testing.TB, length time.Duration) *session.Session {
	t.Helper()
	st, err := session.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := st.Create(session.CreateOptions{Status: session.StatusCaptured})
	if err != nil {
		t.Fatal(err)
	}
	s.Meta.Length = length
	s.Meta.Epoch = time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return s
}

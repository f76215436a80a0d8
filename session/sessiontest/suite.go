package sessiontest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/tracepr/trace/session"
)

// Suite is the conformance suite for a session.Indexer. Every implementation
// runs it against a real prepared session; the contract it checks is what
// callers (timeline, qa, generate) rely on. An Indexer that has a
// Work() int method (counting uploads, transcriptions, paid calls) is also
// checked to do no new work when a session is indexed a second time.
type Suite struct {
	// New returns the Indexer under test and a captured session that it has
	// not indexed yet. Preparing the session (a short real recording, a
	// fake server…) is the caller's business; New may skip the test when
	// something it needs is missing.
	New func(t *testing.T) (session.Indexer, *session.Session)

	// Phrases are words spoken in the recording: a spoken Search for each
	// must find at least one hit. Visual are words shown on screen, for a
	// visual Search likewise. Either may be empty.
	Phrases []string
	Visual  []string

	// Length is the recording's duration; zero means the session's Meta.Length.
	Length time.Duration
	// Slack is how far past Length a segment, scene or hit may end (recognisers
	// round); zero means exact.
	Slack time.Duration
}

// worker is implemented by Indexers that count the work they do (uploads,
// transcriptions, paid calls), as Fake does. The suite then checks that a
// second Index of the same session does none.
type worker interface{ Work() int }

// TestIndexer runs the conformance suite with no expected phrases.
func TestIndexer(t *testing.T, newIndexer func(t *testing.T) (session.Indexer, *session.Session)) {
	Suite{New: newIndexer}.Run(t)
}

// Run runs the suite as subtests of t. New is called once and the session
// is indexed once (plus one repeat to check idempotence), so a slow real
// backend pays for little work.
func (s Suite) Run(t *testing.T) {
	t.Helper()
	if s.New == nil {
		t.Fatal("sessiontest.Suite.New is nil: give a func that returns an Indexer and a captured session")
	}
	ctx := context.Background()
	ix, sess := s.New(t)
	length := s.Length
	if length <= 0 {
		length = sess.Meta.Length
	}
	if length <= 0 {
		t.Fatal("the session has no length: set Suite.Length or the session's Meta.Length")
	}
	limit := length + s.Slack

	t.Run("OpenBeforeIndex", func(t *testing.T) {
		_, err := ix.Open(ctx, sess)
		if !errors.Is(err, session.ErrNotIndexed) {
			t.Fatalf("Open before Index: got %v, want an error wrapping session.ErrNotIndexed", err)
		}
	})

	t.Run("IndexCanceled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := ix.Index(cctx, sess); !errors.Is(err, context.Canceled) {
			t.Fatalf("Index with a canceled context: got %v, want an error wrapping context.Canceled", err)
		}
	})

	idx, err := ix.Index(ctx, sess)
	if err != nil {
		t.Fatalf("Index: %v", err)
	}
	if idx == nil {
		t.Fatal("Index returned a nil Index and no error")
	}
	transcript, err := idx.Transcript(ctx)
	if err != nil {
		t.Fatalf("Transcript: %v", err)
	}
	scenes, err := idx.Scenes(ctx)
	if err != nil {
		t.Fatalf("Scenes: %v", err)
	}

	t.Run("TranscriptSorted", func(t *testing.T) {
		for i, seg := range transcript {
			checkSpan(t, "segment", i, seg.Span, limit)
			if i > 0 && seg.Span.Start < transcript[i-1].Span.Start {
				t.Errorf("segment %d starts at %s, before segment %d (%s): want sorted by time", i, seg.Span, i-1, transcript[i-1].Span)
			}
		}
	})

	t.Run("ScenesSorted", func(t *testing.T) {
		for i, sc := range scenes {
			checkSpan(t, "scene", i, sc.Span, limit)
			if i > 0 && sc.Span.Start < scenes[i-1].Span.Start {
				t.Errorf("scene %d starts at %s, before scene %d (%s): want sorted by time", i, sc.Span, i-1, scenes[i-1].Span)
			}
			if sc.Label == "" {
				t.Errorf("scene %d has no label: map unknown labels to session.LabelOther", i)
			}
		}
	})

	t.Run("OpenAfterIndex", func(t *testing.T) {
		again, err := ix.Open(ctx, sess)
		if err != nil {
			t.Fatalf("Open after Index: %v", err)
		}
		sameContent(t, "Open", again, transcript, scenes)
	})

	t.Run("IndexIdempotent", func(t *testing.T) {
		w, counts := ix.(worker)
		var before int
		if counts {
			before = w.Work()
		}
		again, err := ix.Index(ctx, sess)
		if counts && w.Work() != before {
			t.Errorf("second Index did new work (Work went from %d to %d): reuse what the first one did", before, w.Work())
		}
		if err != nil {
			t.Fatalf("second Index: %v", err)
		}
		sameContent(t, "second Index", again, transcript, scenes)
	})

	t.Run("SearchNoMatch", func(t *testing.T) {
		for _, typ := range []session.SearchType{session.Spoken, session.Visual} {
			hits, err := idx.Search(ctx, "zqxjvw kwyzzyq", typ)
			if err != nil {
				t.Errorf("%s search with no match: got error %v, want an empty result", typ, err)
			}
			if len(hits) != 0 {
				t.Errorf("%s search for nonsense words: got %d hits (%v), want none", typ, len(hits), hits)
			}
		}
	})

	search := func(t *testing.T, typ session.SearchType, phrases []string) {
		for _, p := range phrases {
			hits, err := idx.Search(ctx, p, typ)
			if err != nil {
				t.Errorf("%s search %q: %v", typ, p, err)
				continue
			}
			if len(hits) == 0 {
				t.Errorf("%s search %q: no hits, want at least one", typ, p)
			}
			for i, h := range hits {
				checkSpan(t, "hit of "+p, i, h.Span, limit)
				if h.Type != typ {
					t.Errorf("%s search %q: hit %d has type %q", typ, p, i, h.Type)
				}
				if i > 0 && h.Score > hits[i-1].Score {
					t.Errorf("%s search %q: hit %d scores %g, more than hit %d (%g): want best first", typ, p, i, h.Score, i-1, hits[i-1].Score)
				}
			}
		}
	}
	t.Run("SearchSpoken", func(t *testing.T) { search(t, session.Spoken, s.Phrases) })
	t.Run("SearchVisual", func(t *testing.T) { search(t, session.Visual, s.Visual) })

	t.Run("Clip", func(t *testing.T) {
		ok := []session.Span{
			{Start: 0, End: length},
			{Start: 0, End: length / 2},
			{Start: length / 4, End: length / 2},
			{Start: length / 2, End: length + time.Hour}, // clamped at the end
			{Start: -time.Minute, End: length / 2},       // clamped at the start
		}
		for _, sp := range ok {
			u, err := idx.Clip(ctx, sp)
			if err != nil {
				t.Errorf("Clip(%s) of a %s recording: %v", sp, session.Clock(length), err)
				continue
			}
			if u == "" {
				t.Errorf("Clip(%s): empty URL and no error", sp)
			}
		}
		bad := []session.Span{
			{Start: length / 2, End: length / 2},                   // empty
			{Start: length / 2, End: length / 4},                   // inverted
			{Start: length + time.Minute, End: length + time.Hour}, // after the end
			{Start: -time.Hour, End: -time.Minute},                 // before the start
		}
		for _, sp := range bad {
			if _, err := idx.Clip(ctx, sp); !errors.Is(err, session.ErrSpan) {
				t.Errorf("Clip(%s) of a %s recording: got %v, want an error wrapping session.ErrSpan", sp, session.Clock(length), err)
			}
		}
	})

	t.Run("Canceled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := ix.Open(cctx, sess); !errors.Is(err, context.Canceled) {
			t.Errorf("Open with a canceled context: got %v, want context.Canceled", err)
		}
		if _, err := idx.Search(cctx, "anything", session.Spoken); !errors.Is(err, context.Canceled) {
			t.Errorf("Search with a canceled context: got %v, want context.Canceled", err)
		}
		if _, err := idx.Clip(cctx, session.Span{Start: 0, End: length}); !errors.Is(err, context.Canceled) {
			t.Errorf("Clip with a canceled context: got %v, want context.Canceled", err)
		}
	})
}

func checkSpan(t *testing.T, what string, i int, sp session.Span, limit time.Duration) {
	t.Helper()
	if !sp.Valid() {
		t.Errorf("%s %d has span %v: want 0 <= start < end", what, i, [2]time.Duration{sp.Start, sp.End})
	}
	if sp.End > limit {
		t.Errorf("%s %d ends at %s, after the recording's end (%s)", what, i, session.Clock(sp.End), session.Clock(limit))
	}
}

func sameContent(t *testing.T, how string, idx session.Index, transcript []session.Segment, scenes []session.Scene) {
	t.Helper()
	ctx := context.Background()
	tr, err := idx.Transcript(ctx)
	if err != nil {
		t.Fatalf("%s: Transcript: %v", how, err)
	}
	sc, err := idx.Scenes(ctx)
	if err != nil {
		t.Fatalf("%s: Scenes: %v", how, err)
	}
	if len(tr) != len(transcript) || (len(tr) > 0 && !reflect.DeepEqual(tr, transcript)) {
		t.Errorf("%s: transcript differs from the one Index returned (%d vs %d segments)", how, len(tr), len(transcript))
	}
	if len(sc) != len(scenes) || (len(sc) > 0 && !reflect.DeepEqual(sc, scenes)) {
		t.Errorf("%s: scenes differ from the ones Index returned (%d vs %d scenes)", how, len(sc), len(scenes))
	}
}

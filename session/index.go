package session

import "context"

// Indexer turns a captured session into an Index: it transcribes speech,
// reads the screen into scenes, and makes both searchable. Implementations
// live in the backends (videodb, local); session/sessiontest has a fake and
// the conformance suite every implementation passes.
//
// Index must be resumable: a second call on a session that was already
// (partly) indexed reuses what was done and does not upload or pay twice.
type Indexer interface {
	// Index builds (or finishes building) the index of a captured session.
	Index(ctx context.Context, s *Session) (Index, error)
	// Open reopens the index built earlier by Index, without new work.
	// It returns an error wrapping ErrNotIndexed when there is none.
	Open(ctx context.Context, s *Session) (Index, error)
}

// Index is the searchable view of one indexed session.
type Index interface {
	// Transcript returns the spoken segments, sorted by time.
	Transcript(ctx context.Context) ([]Segment, error)
	// Scenes returns what the screen showed, sorted by time.
	Scenes(ctx context.Context) ([]Scene, error)
	// Search finds moments matching query in the spoken words or the
	// scenes, best first, each inside the recording. No match is an empty
	// result, not an error.
	Search(ctx context.Context, query string, t SearchType) ([]Hit, error)
	// Clip returns a playable URL or file path for span of the recording,
	// clamped to the recording's length. An empty span after clamping is
	// an error wrapping ErrSpan.
	Clip(ctx context.Context, span Span) (string, error)
}

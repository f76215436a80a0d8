package videodb

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/session"
)

// LiveFile is the JSON-lines log, in the session directory, of the chunks
// the ChunkUploader uploaded and indexed (the last line per chunk wins).
const LiveFile = "videodb-chunks.jsonl"

// ChunkUploader implements capture.ChunkUploader for live mode: each
// closed chunk is uploaded and indexed (speech and scenes) while recording
// goes on, and its transcript and scenes are logged in LiveFile. At stop,
// Indexer.Index reuses every finished chunk, so only what is left (usually
// the last chunk) is done then; Indexer.OpenLive searches the chunks done
// so far.
type ChunkUploader struct {
	ix *Indexer
	s  *session.Session
	mu sync.Mutex
}

var _ capture.ChunkUploader = (*ChunkUploader)(nil)

// NewChunkUploader returns the live uploader of session s.
func NewChunkUploader(ix *Indexer, s *session.Session) *ChunkUploader {
	return &ChunkUploader{ix: ix, s: s}
}

// Upload uploads and indexes one chunk and returns its video id. Calling
// it again for a chunk already done returns the same id without new work;
// a chunk left half done resumes where it stopped.
func (u *ChunkUploader) Upload(ctx context.Context, c capture.Chunk) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var p *part
	for _, r := range liveRecords(u.s) {
		if r.Seq == c.Seq {
			p = r
		}
	}
	if p != nil && p.Done {
		return p.VideoID, nil
	}
	if p == nil {
		rel := c.Path
		if r, err := filepath.Rel(u.s.Path(), c.Path); err == nil && filepath.IsAbs(c.Path) {
			rel = filepath.ToSlash(r)
		}
		p = &part{Seq: c.Seq, Path: rel, Name: fmt.Sprintf("trace-%s-chunk-%d", u.s.ID(), c.Seq), Offset: c.Span.Start, Length: c.Span.Len()}
	}
	save := func() error {
		u.mu.Lock()
		defer u.mu.Unlock()
		return u.s.Append(LiveFile, p)
	}
	if err := u.ix.work(ctx, u.s, p, save); err != nil {
		_ = save()
		return "", fmt.Errorf("live chunk %d: %w", c.Seq, err)
	}
	if err := save(); err != nil {
		return "", err
	}
	return p.VideoID, nil
}

// liveRecords reads LiveFile: the latest record of each chunk, by seq.
func liveRecords(s *session.Session) []*part {
	recs, _, err := session.ReadJSONL[part](s.Path(LiveFile))
	if err != nil {
		return nil
	}
	last := map[int]*part{}
	for i := range recs {
		last[recs[i].Seq] = &recs[i]
	}
	out := make([]*part, 0, len(last))
	for _, p := range last {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// OpenLive returns an index of the live chunks finished so far, for
// searching a session while it is still recording. Hits and clips are on
// the session's time base.
func (ix *Indexer) OpenLive(ctx context.Context, s *session.Session) (*Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st := &state{Live: true}
	for _, p := range liveRecords(s) {
		if p.Done {
			st.Parts = append(st.Parts, p)
		}
	}
	if len(st.Parts) == 0 {
		return nil, fmt.Errorf("session %s has no live chunk indexed yet: wait for the first chunk to upload: %w", s.ID(), session.ErrNotIndexed)
	}
	var tr []session.Segment
	var sc []session.Scene
	for _, p := range st.Parts {
		tr = append(tr, p.Transcript...)
		sc = append(sc, p.Scenes...)
	}
	x := ix.newIndex(s, st, tr, sc)
	x.length = 0
	for _, p := range st.Parts {
		x.length = max(x.length, p.Offset+p.Length)
	}
	return x, nil
}

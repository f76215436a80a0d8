package videodb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/session"
)

// StateFile is the file in a session directory where the VideoDB backend
// records what it uploaded and indexed, so that every step resumes.
const StateFile = "videodb.json"

// BackendIDs keys the Indexer sets in session Metadata.BackendIDs.
const (
	IDVideo      = "videodb.video"       // the recording's video id (not in live mode)
	IDSceneIndex = "videodb.scene_index" // its scene index id
)

// IndexerOptions tune the Indexer. The zero value indexes scenes every
// 10 seconds with ScenePrompt.
type IndexerOptions struct {
	SceneInterval time.Duration // default 10s
	ScenePrompt   string        // default ScenePrompt
	SceneModel    string        // vision model name; "" is the server's default
	LanguageCode  string        // speech language; "" lets the server detect
	// ScoreThreshold is the minimum search score; default 0.2.
	ScoreThreshold float64
	// Results is how many hits a search keeps per video; default 10.
	Results int
	Logger  *slog.Logger
}

// Indexer implements session.Indexer on VideoDB: it uploads the recording
// (or, in live mode, the chunks), indexes speech and scenes, and stores
// the transcript and scenes in the session.
type Indexer struct {
	c    *Client
	opts IndexerOptions
	log  *slog.Logger
	mu   sync.Mutex // one Index at a time per Indexer (state file writes)
}

// NewIndexer returns an Indexer using c.
func NewIndexer(c *Client, opts IndexerOptions) *Indexer {
	if opts.SceneInterval <= 0 {
		opts.SceneInterval = 10 * time.Second
	}
	if opts.ScenePrompt == "" {
		opts.ScenePrompt = ScenePrompt
	}
	if opts.ScoreThreshold <= 0 {
		opts.ScoreThreshold = 0.2
	}
	if opts.Results <= 0 {
		opts.Results = 10
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(discard{})
	}
	return &Indexer{c: c, opts: opts, log: log}
}

var _ session.Indexer = (*Indexer)(nil)

// part is one uploaded video covering [Offset, Offset+Length) of the
// session: the whole recording, or one live chunk.
type part struct {
	Seq          int               `json:"seq"`
	Path         string            `json:"path"` // relative to the session directory
	Name         string            `json:"name"`
	Offset       time.Duration     `json:"offset"`
	Length       time.Duration     `json:"length"`
	VideoID      string            `json:"video_id,omitempty"`
	Spoken       bool              `json:"spoken,omitempty"`
	SceneIndexID string            `json:"scene_index_id,omitempty"`
	Transcript   []session.Segment `json:"transcript,omitempty"`
	Scenes       []session.Scene   `json:"scenes,omitempty"`
	Done         bool              `json:"done,omitempty"`
}

// state is the content of StateFile.
type state struct {
	Live     bool    `json:"live,omitempty"`
	Parts    []*part `json:"parts"`
	Complete bool    `json:"complete,omitempty"`
}

func loadState(s *session.Session) (*state, error) {
	var st state
	if err := s.ReadJSON(StateFile, &st); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &state{}, nil
		}
		return nil, err
	}
	return &st, nil
}

// Index uploads and indexes the session, resuming whatever an earlier run
// finished, and writes session.FileTranscript and session.FileScenes.
func (ix *Indexer) Index(ctx context.Context, s *session.Session) (session.Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	st, err := loadState(s)
	if err != nil {
		return nil, err
	}
	if err := ix.plan(s, st); err != nil {
		return nil, err
	}
	for _, p := range st.Parts {
		if p.Done {
			continue
		}
		if err := ix.indexPart(ctx, s, st, p); err != nil {
			return nil, err
		}
	}
	return ix.finish(s, st)
}

// plan decides the parts: the live chunks when they cover the whole
// recording, the recording file otherwise. A plan already made is kept.
func (ix *Indexer) plan(s *session.Session, st *state) error {
	if len(st.Parts) > 0 {
		return nil
	}
	if chunks := liveChunks(s); len(chunks) > 0 {
		st.Live = true
		for _, c := range chunks {
			st.Parts = append(st.Parts, &part{Seq: c.Seq, Path: c.Path, Offset: c.Span.Start, Length: c.Span.Len(),
				Name: fmt.Sprintf("trace-%s-chunk-%d", s.ID(), c.Seq)})
		}
		// Chunks the live uploader already finished are reused as they are.
		done := map[int]*part{}
		for _, p := range liveRecords(s) {
			done[p.Seq] = p
		}
		for i, p := range st.Parts {
			if d, ok := done[p.Seq]; ok && d.Done {
				st.Parts[i] = d
			}
		}
		return s.WriteJSON(StateFile, st)
	}
	rec := s.Meta.Recording
	if rec == "" {
		rec = "screen.mp4"
	}
	p := &part{Path: rec, Name: "trace-" + s.ID(), Length: s.Meta.Length, VideoID: s.Meta.BackendIDs[IDVideo], SceneIndexID: s.Meta.BackendIDs[IDSceneIndex]}
	st.Parts = []*part{p}
	return s.WriteJSON(StateFile, st)
}

// liveChunks returns the chunks of a live session when they cover the
// recording from 0 to its end without holes; otherwise nil.
func liveChunks(s *session.Session) []capture.Chunk {
	if !s.Meta.Live {
		return nil
	}
	recs, _, err := session.ReadJSONL[capture.ChunkRecord](s.Path(session.FileChunks))
	if err != nil || len(recs) == 0 {
		return nil
	}
	bySeq := map[int]capture.Chunk{}
	for _, r := range recs {
		bySeq[r.Seq] = capture.Chunk{Seq: r.Seq, Path: r.Path, Span: r.Span}
	}
	var out []capture.Chunk
	for _, c := range bySeq {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	var at time.Duration
	const tolerance = 500 * time.Millisecond
	for _, c := range out {
		if d := c.Span.Start - at; d > tolerance || d < -tolerance {
			return nil
		}
		at = c.Span.End
	}
	if s.Meta.Length > 0 && s.Meta.Length-at > tolerance {
		return nil // the tail was never cut into a chunk
	}
	return out
}

func (ix *Indexer) save(s *session.Session, st *state) error {
	if err := s.WriteJSON(StateFile, st); err != nil {
		return fmt.Errorf("videodb: record progress in %s: %w", s.Path(StateFile), err)
	}
	return nil
}

// indexPart brings one part to done, saving after each paid step.
func (ix *Indexer) indexPart(ctx context.Context, s *session.Session, st *state, p *part) error {
	if err := ix.work(ctx, s, p, func() error { return ix.save(s, st) }); err != nil {
		return err
	}
	return ix.save(s, st)
}

func (ix *Indexer) work(ctx context.Context, s *session.Session, p *part, save func() error) error {
	c := ix.c
	if p.VideoID == "" {
		// A video of this name exists when an earlier run uploaded it but
		// crashed before recording the id: reuse it rather than upload twice.
		if id, length, err := ix.findVideo(ctx, p.Name); err != nil {
			return err
		} else if id != "" {
			p.VideoID, p.Length = id, max(p.Length, length)
		} else {
			path := p.Path
			if !filepath.IsAbs(path) {
				path = s.Path(filepath.FromSlash(path))
			}
			up, err := c.UploadFile(ctx, UploadRequest{Path: path, Name: p.Name, MediaType: MediaVideo})
			if err != nil {
				return fmt.Errorf("videodb: upload %s: %w", path, err)
			}
			if up.Video == nil {
				return fmt.Errorf("videodb: upload %s gave %s, not a video: %w", path, up.ID, ErrMalformed)
			}
			p.VideoID = up.ID
			if l := up.Video.Length.Duration(); l > 0 {
				p.Length = l
			}
		}
		if err := save(); err != nil {
			return err
		}
		ix.log.InfoContext(ctx, "videodb: uploaded", "session", s.ID(), "video", p.VideoID, "offset", p.Offset)
	}
	if !p.Spoken && s.Meta.Mic {
		err := c.Videos.IndexSpokenWords(ctx, p.VideoID, SpokenIndexOptions{LanguageCode: ix.opts.LanguageCode})
		var re *RequestError
		if err != nil && !(errors.As(err, &re) && containsFold(re.Message, "already exist")) {
			return fmt.Errorf("videodb: index speech of %s: %w", p.VideoID, err)
		}
		p.Spoken = true
		if err := save(); err != nil {
			return err
		}
	}
	if p.SceneIndexID == "" {
		id, err := c.Videos.IndexScenes(ctx, p.VideoID, SceneIndexOptions{
			ExtractionType: ExtractTime,
			Config:         TimeConfig{Time: ix.opts.SceneInterval.Seconds(), SelectFrames: []string{"first", "last"}},
			Prompt:         ix.opts.ScenePrompt,
			ModelName:      ix.opts.SceneModel,
			Name:           "trace-scenes",
		})
		var ex *ExistingSceneIndexError
		if err != nil && !errors.As(err, &ex) {
			return fmt.Errorf("videodb: index scenes of %s: %w", p.VideoID, err)
		}
		p.SceneIndexID = id
		if err := save(); err != nil {
			return err
		}
	}
	if p.Spoken {
		tr, err := c.Videos.Transcript(ctx, p.VideoID, TranscriptOptions{Segmenter: SegmenterSentence})
		if err != nil {
			return fmt.Errorf("videodb: transcript of %s: %w", p.VideoID, err)
		}
		p.Transcript = p.Transcript[:0]
		for _, w := range tr.Words {
			text := strings.TrimSpace(redact.String(w.Text))
			if sp, ok := p.span(w.Start, w.End); ok && text != "" {
				p.Transcript = append(p.Transcript, session.Segment{Span: sp, Text: text})
			}
		}
	}
	recs, err := c.Videos.SceneIndex(ctx, p.VideoID, p.SceneIndexID)
	if err != nil {
		return fmt.Errorf("videodb: scenes of %s: %w", p.VideoID, err)
	}
	p.Scenes = p.Scenes[:0]
	for _, r := range recs {
		sp, ok := p.span(r.Start, r.End)
		if !ok {
			continue
		}
		sc := ParseSceneDescription(r.Description)
		sc.Span = sp
		p.Scenes = append(p.Scenes, sc)
	}
	p.Done = true
	return nil
}

// span places a part-relative time range on the session's time base,
// clamped to the part.
func (p *part) span(start, end Number) (session.Span, bool) {
	sp := session.Span{Start: start.Duration(), End: end.Duration()}
	if p.Length > 0 {
		sp = sp.Clamp(p.Length)
	} else {
		sp = sp.Clamp(0)
	}
	if !sp.Valid() {
		return session.Span{}, false
	}
	return session.Span{Start: sp.Start + p.Offset, End: sp.End + p.Offset}, true
}

func (ix *Indexer) findVideo(ctx context.Context, name string) (string, time.Duration, error) {
	vids, err := ix.c.Videos.List(ctx, ListOptions{})
	if err != nil {
		return "", 0, fmt.Errorf("videodb: look for an earlier upload of %s: %w", name, err)
	}
	for _, v := range vids {
		if v.Name == name {
			return v.ID, v.Length.Duration(), nil
		}
	}
	return "", 0, nil
}

// finish merges the parts, writes the transcript and scenes, and records
// the ids in the session metadata.
func (ix *Indexer) finish(s *session.Session, st *state) (session.Index, error) {
	var tr []session.Segment
	var sc []session.Scene
	for _, p := range st.Parts {
		tr = append(tr, p.Transcript...)
		sc = append(sc, p.Scenes...)
	}
	sort.SliceStable(tr, func(i, j int) bool { return tr[i].Span.Start < tr[j].Span.Start })
	sort.SliceStable(sc, func(i, j int) bool { return sc[i].Span.Start < sc[j].Span.Start })
	if tr == nil {
		tr = []session.Segment{}
	}
	if sc == nil {
		sc = []session.Scene{}
	}
	if err := s.WriteJSON(session.FileTranscript, tr); err != nil {
		return nil, err
	}
	if err := s.WriteJSON(session.FileScenes, sc); err != nil {
		return nil, err
	}
	st.Complete = true
	if err := ix.save(s, st); err != nil {
		return nil, err
	}
	s.Meta.Backend = "videodb"
	if !st.Live && len(st.Parts) == 1 {
		if s.Meta.BackendIDs == nil {
			s.Meta.BackendIDs = map[string]string{}
		}
		s.Meta.BackendIDs[IDVideo] = st.Parts[0].VideoID
		s.Meta.BackendIDs[IDSceneIndex] = st.Parts[0].SceneIndexID
	}
	if err := s.Save(); err != nil {
		return nil, err
	}
	return ix.newIndex(s, st, tr, sc), nil
}

// Open reopens a finished index from the session's files.
func (ix *Indexer) Open(ctx context.Context, s *session.Session) (session.Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := loadState(s)
	if err != nil {
		return nil, err
	}
	if !st.Complete {
		return nil, fmt.Errorf("session %s has no VideoDB index yet: run `trace stop` or index it: %w", s.ID(), session.ErrNotIndexed)
	}
	var tr []session.Segment
	var sc []session.Scene
	if err := s.ReadJSON(session.FileTranscript, &tr); err != nil {
		return nil, fmt.Errorf("%w: index the session again", err)
	}
	if err := s.ReadJSON(session.FileScenes, &sc); err != nil {
		return nil, fmt.Errorf("%w: index the session again", err)
	}
	return ix.newIndex(s, st, tr, sc), nil
}

func (ix *Indexer) newIndex(s *session.Session, st *state, tr []session.Segment, sc []session.Scene) *Index {
	var end time.Duration
	for _, p := range st.Parts {
		end = max(end, p.Offset+p.Length)
	}
	if s.Meta.Length > 0 {
		end = s.Meta.Length
	}
	return &Index{c: ix.c, opts: ix.opts, parts: st.Parts, length: end, transcript: tr, scenes: sc}
}

// Index is a session indexed on VideoDB. It implements session.Index.
type Index struct {
	c          *Client
	opts       IndexerOptions
	parts      []*part
	length     time.Duration
	transcript []session.Segment
	scenes     []session.Scene
}

var _ session.Index = (*Index)(nil)

// Transcript returns the spoken segments, sorted by time.
func (x *Index) Transcript(ctx context.Context) ([]session.Segment, error) {
	return append([]session.Segment(nil), x.transcript...), ctx.Err()
}

// Scenes returns the described scenes, sorted by time.
func (x *Index) Scenes(ctx context.Context) ([]session.Scene, error) {
	return append([]session.Scene(nil), x.scenes...), ctx.Err()
}

// Search runs a semantic search of speech (Spoken) or of the scene
// descriptions (Visual) over every part, best hits first, on the
// session's time base. No match is an empty result.
func (x *Index) Search(ctx context.Context, query string, t session.SearchType) ([]session.Hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(query) == "" {
		return nil, nil
	}
	var hits []session.Hit
	for _, p := range x.parts {
		o := SearchOptions{Query: query, ScoreThreshold: x.opts.ScoreThreshold, ResultThreshold: x.opts.Results}
		switch t {
		case session.Visual:
			if p.SceneIndexID == "" {
				continue
			}
			o.IndexType, o.SceneIndexID = IndexScene, p.SceneIndexID
		default:
			if !p.Spoken {
				continue
			}
			o.IndexType = IndexSpokenWord
		}
		res, err := x.c.Videos.Search(ctx, p.VideoID, o)
		if err != nil {
			return nil, fmt.Errorf("videodb: %s search for %q: %w", t, query, err)
		}
		for _, sh := range res.Shots() {
			sp, ok := p.span(sh.Start, sh.End)
			if !ok {
				continue
			}
			text := sh.Text
			if t == session.Visual {
				if sc := ParseSceneDescription(text); sc.Summary != "" {
					text = sc.Summary
				}
			}
			hits = append(hits, session.Hit{Span: sp, Score: sh.Score.Float64(), Type: t, Text: redact.String(text)})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	return hits, nil
}

// Clip returns a stream URL of span, clamped to the recording. A span over
// several live chunks is compiled into one stream.
func (x *Index) Clip(ctx context.Context, span session.Span) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	sp := span.Clamp(x.length)
	if !sp.Valid() || sp.Len() == 0 {
		return "", fmt.Errorf("span %s is outside the %s recording: %w", span, session.Clock(x.length), session.ErrSpan)
	}
	var inputs []CompileInput
	var one *part
	var r Range
	for _, p := range x.parts {
		in := sp.Intersect(session.Span{Start: p.Offset, End: p.Offset + p.Length})
		if in.Len() <= 0 {
			continue
		}
		// Milliseconds, rounded inwards so the range stays inside the video.
		r = Range{math.Ceil((in.Start-p.Offset).Seconds()*1000) / 1000, math.Floor((in.End-p.Offset).Seconds()*1000) / 1000}
		if r[1] <= r[0] {
			continue
		}
		one = p
		inputs = append(inputs, CompileInput{VideoID: p.VideoID, Shots: []Range{r}})
	}
	switch len(inputs) {
	case 0:
		return "", fmt.Errorf("span %s has no uploaded video: %w", span, session.ErrSpan)
	case 1:
		st, err := x.c.Videos.StreamRanges(ctx, one.VideoID, []Range{r}, one.Length.Seconds())
		if err != nil {
			return "", err
		}
		return st.StreamURL, nil
	}
	st, err := x.c.Compile(ctx, inputs)
	if err != nil {
		return "", err
	}
	return st.StreamURL, nil
}

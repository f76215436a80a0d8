package local

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/session"
)

// Step names recorded in the session's metadata by the local indexer.
const (
	StepProbe      = "local.probe"
	StepTranscript = "local.transcript"
	StepFrames     = "local.frames"
	StepOCR        = "local.ocr"
	StepScenes     = "local.scenes"
	StepIndex      = "local.index"
)

// Files the local indexer writes under the session directory.
const (
	dirLocal   = "local"
	fileAudio  = "local/audio.wav"
	fileFrames = "local/frames.json"
	fileIndex  = "local/index.json"
	dirFrames  = "local/frames"
	dirClips   = "local/clips"
)

// Options configure the local Indexer. The zero value is ready to use.
type Options struct {
	// SpeechModel is the pocketsphinx model directory (default DefaultSpeechModel).
	SpeechModel string
	// FrameInterval is the longest time between two sampled frames (default 5s).
	FrameInterval time.Duration
	// SceneThreshold is ffmpeg's scene-change score above which a frame is
	// sampled (default 0.3).
	SceneThreshold float64
	// OCRScale is how much frames are enlarged before OCR (default 2), up to
	// OCRMaxWidth pixels wide (default 2560).
	OCRScale    int
	OCRMaxWidth int
	// OCRWorkers bounds the tesseract processes run at once (default: the
	// number of CPUs). Each runs with one thread.
	OCRWorkers int
	// OCRLanguage is tesseract's -l value (default "eng").
	OCRLanguage string
	// DisableOCR and DisableSpeech turn a stage off; the index then lists
	// it in Missing.
	DisableOCR    bool
	DisableSpeech bool
	// Logger receives progress and debug logs; nil discards them.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.SpeechModel == "" {
		o.SpeechModel = DefaultSpeechModel
	}
	if o.FrameInterval <= 0 {
		o.FrameInterval = 5 * time.Second
	}
	if o.SceneThreshold <= 0 {
		o.SceneThreshold = 0.3
	}
	if o.OCRScale <= 0 {
		o.OCRScale = 2
	}
	if o.OCRMaxWidth <= 0 {
		o.OCRMaxWidth = 2560
	}
	if o.OCRWorkers <= 0 {
		o.OCRWorkers = runtime.NumCPU()
	}
	if o.OCRLanguage == "" {
		o.OCRLanguage = "eng"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

// Indexer indexes sessions on this machine. It implements session.Indexer.
type Indexer struct {
	opts Options
	run  *runner
}

// NewIndexer returns an Indexer with opts.
func NewIndexer(opts Options) *Indexer {
	opts = opts.withDefaults()
	return &Indexer{opts: opts, run: newRunner(opts.Logger)}
}

// ToolRuns returns how many times each external tool was run by this
// Indexer and the indexes it returned (for progress reports and tests).
func (ix *Indexer) ToolRuns() map[string]int { return ix.run.snapshot() }

// Index builds the session's index, reusing every stage whose inputs are
// unchanged since the last run. It writes session.FileTranscript and
// session.FileScenes. A missing tool (no OCR, no speech recogniser or
// model) does not fail the index: the stage is skipped and named in
// (*Index).Missing.
func (ix *Indexer) Index(ctx context.Context, s *session.Session) (session.Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rec, err := recordingPath(s)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.Path(dirLocal), 0o700); err != nil {
		return nil, fmt.Errorf("session %s: %w", s.ID(), err)
	}
	recKey, err := fileKey(rec)
	if err != nil {
		return nil, err
	}
	info, err := ix.probeStep(ctx, s, rec, recKey)
	if err != nil {
		return nil, err
	}
	length := info.Duration
	if length <= 0 {
		length = s.Meta.Length
	}

	var (
		segs       []session.Segment
		speechMiss string
		trRec      *session.StepRecord
		frames     []frame
		ocrMiss    string
		frRec      *session.StepRecord
		ocrRec     *session.StepRecord
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		segs, speechMiss, trRec, err = ix.transcriptStage(gctx, s, rec, recKey, info)
		return err
	})
	g.Go(func() (err error) {
		frames, ocrMiss, frRec, ocrRec, err = ix.framesStage(gctx, s, rec, recKey, info)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Step records are written one at a time: the metadata is one file.
	for _, r := range []struct {
		name string
		rec  *session.StepRecord
	}{{StepTranscript, trRec}, {StepFrames, frRec}, {StepOCR, ocrRec}} {
		if r.rec != nil {
			if err := s.RecordStep(r.name, *r.rec); err != nil {
				return nil, err
			}
		}
	}

	scenes, err := ix.scenesStage(ctx, s, frames, length)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, m := range []string{speechMiss, ocrMiss} {
		if m != "" {
			missing = append(missing, m)
		}
	}
	idx := &Index{s: s, run: ix.run, rec: rec, length: length, transcript: segs, scenes: scenes, missing: missing}
	idx.build()
	if err := ix.indexStage(s, idx); err != nil {
		return nil, err
	}
	if s.Meta.Length <= 0 && length > 0 {
		s.Meta.Length = length
		if err := s.Save(); err != nil {
			return nil, err
		}
	}
	return idx, nil
}

// Open reopens the index written by Index, without running any tool.
func (ix *Indexer) Open(ctx context.Context, s *session.Session) (session.Index, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var f indexFile
	if err := s.ReadJSON(fileIndex, &f); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("session %s has no local index: run `trace stop` (or Indexer.Index) first: %w", s.ID(), session.ErrNotIndexed)
		}
		return nil, err
	}
	if f.Schema != indexSchema {
		return nil, fmt.Errorf("session %s: local index schema %d is not %d: index the session again: %w", s.ID(), f.Schema, indexSchema, session.ErrNotIndexed)
	}
	rec, err := recordingPath(s)
	if err != nil {
		return nil, err
	}
	idx := &Index{s: s, run: ix.run, rec: rec, length: session.FromSeconds(f.Length), missing: f.Missing}
	if err := s.ReadJSON(session.FileTranscript, &idx.transcript); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := s.ReadJSON(session.FileScenes, &idx.scenes); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	idx.docs = f.Docs
	idx.spoken, idx.visual = splitDocs(f.Docs)
	return idx, nil
}

// recordingPath finds the session's recording.
func recordingPath(s *session.Session) (string, error) {
	name := s.Meta.Recording
	if name == "" {
		name = "screen.mp4"
	}
	p := name
	if !filepath.IsAbs(p) {
		p = s.Path(name)
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("session %s has no recording at %s: record with `trace start`, or set \"recording\" in %s: %w", s.ID(), p, s.Path(session.MetadataFile), session.ErrNotFound)
	}
	return p, nil
}

// fileKey identifies a file's version cheaply: its name, size and mtime.
func fileKey(p string) (string, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", p, err)
	}
	return hashStrings(filepath.Base(p), strconv.FormatInt(fi.Size(), 10), strconv.FormatInt(fi.ModTime().UnixNano(), 10)), nil
}

// contentKey hashes a file's content; a missing file is "none".
func contentKey(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return "none"
	}
	return hashStrings(string(b))
}

func hashStrings(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// reuse reports whether the step ran with these inputs and its outputs exist.
func reuse(s *session.Session, step string, inputs map[string]string, files ...string) (session.StepRecord, bool) {
	r, ok := s.Step(step)
	if !ok || !r.Same(inputs) {
		return r, false
	}
	for _, f := range files {
		if !s.Exists(f) {
			return r, false
		}
	}
	return r, true
}

func (ix *Indexer) probeStep(ctx context.Context, s *session.Session, rec, recKey string) (probeInfo, error) {
	in := map[string]string{"recording": recKey}
	if r, ok := reuse(s, StepProbe, in); ok {
		d, _ := strconv.ParseFloat(r.Outputs["duration"], 64)
		return probeInfo{Duration: session.FromSeconds(d), HasAudio: r.Outputs["audio"] == "yes", HasVideo: r.Outputs["video"] == "yes"}, nil
	}
	info, err := ix.run.probe(ctx, rec)
	if err != nil {
		return info, fmt.Errorf("session %s: the recording cannot be read (%w): re-run `trace stop` to recover it", s.ID(), err)
	}
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	err = s.RecordStep(StepProbe, session.StepRecord{Inputs: in, Outputs: map[string]string{
		"duration": strconv.FormatFloat(info.Duration.Seconds(), 'f', 6, 64),
		"audio":    yes(info.HasAudio), "video": yes(info.HasVideo),
	}})
	return info, err
}

// transcriptStage extracts the audio and transcribes it, or reuses the
// transcript of an earlier run with the same inputs. missing says why there
// is no transcript, if there is none.
func (ix *Indexer) transcriptStage(ctx context.Context, s *session.Session, rec, recKey string, info probeInfo) (segs []session.Segment, missing string, rec2 *session.StepRecord, err error) {
	engine, why := "", ""
	var model speechModel
	switch {
	case ix.opts.DisableSpeech:
		why = "speech: turned off (Options.DisableSpeech)"
	case !info.HasAudio:
		why = "speech: the recording has no audio stream (recorded without a microphone)"
	default:
		var e error
		if model, e = findModel(ix.opts.SpeechModel); e != nil {
			why = "speech: " + e.Error()
		} else if engine, e = ix.speechEngine(ctx); e != nil {
			why = "speech: " + e.Error()
		}
	}
	in := map[string]string{"recording": recKey, "engine": engine, "model": ix.opts.SpeechModel, "missing": why}
	if r, ok := reuse(s, StepTranscript, in, session.FileTranscript); ok {
		if err := s.ReadJSON(session.FileTranscript, &segs); err == nil {
			return segs, r.Outputs["missing"], nil, nil
		}
	}
	if why == "" {
		wav := s.Path(fileAudio)
		if err := ix.extractAudio(ctx, rec, wav); err != nil {
			return nil, "", nil, err
		}
		segs, err = ix.transcribe(ctx, engine, model, wav)
		os.Remove(wav)
		if err != nil {
			if ctx.Err() != nil {
				return nil, "", nil, err
			}
			// A recogniser that fails leaves the index without speech this
			// time; the step is not recorded, so the next run tries again.
			ix.opts.Logger.Warn("transcription failed; continuing without speech", "session", s.ID(), "err", err)
			return nil, "speech: " + err.Error(), nil, nil
		}
	}
	if segs == nil {
		segs = []session.Segment{}
	}
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].Span.Start < segs[j].Span.Start })
	if err := s.WriteJSON(session.FileTranscript, segs); err != nil {
		return nil, "", nil, err
	}
	return segs, why, &session.StepRecord{Inputs: in, Outputs: map[string]string{"transcript": session.FileTranscript, "segments": strconv.Itoa(len(segs)), "missing": why}}, nil
}

// framesStage samples frames and reads them with OCR, reusing either part
// when its inputs are unchanged.
func (ix *Indexer) framesStage(ctx context.Context, s *session.Session, rec, recKey string, info probeInfo) (frames []frame, missing string, frRec, ocrRec *session.StepRecord, err error) {
	if !info.HasVideo {
		return nil, "scenes: the recording has no video stream", nil, nil, nil
	}
	o := ix.opts
	in := map[string]string{
		"recording": recKey, "interval": o.FrameInterval.String(),
		"threshold": strconv.FormatFloat(o.SceneThreshold, 'g', -1, 64),
		"scale":     fmt.Sprintf("%dx<=%d", o.OCRScale, o.OCRMaxWidth),
	}
	if _, ok := reuse(s, StepFrames, in, fileFrames); ok {
		err = s.ReadJSON(fileFrames, &frames)
	}
	if frames == nil || err != nil {
		frames, err = ix.sampleFrames(ctx, rec, s.Path(dirFrames))
		if err != nil {
			return nil, "", nil, nil, err
		}
		for i := range frames {
			frames[i].Text = ""
		}
		if err := s.WriteJSON(fileFrames, frames); err != nil {
			return nil, "", nil, nil, err
		}
		frRec = &session.StepRecord{Inputs: in, Outputs: map[string]string{"frames": fileFrames, "count": strconv.Itoa(len(frames))}}
		// The OCR of older frames no longer applies.
		os.Remove(s.Path(fileFrames + ".ocr"))
	}

	why := ""
	switch {
	case o.DisableOCR:
		why = "ocr: turned off (Options.DisableOCR)"
	default:
		if _, e := execx.Look("tesseract"); e != nil {
			why = "ocr: " + e.Error()
		}
	}
	const ocrFile = fileFrames + ".ocr"
	ocrIn := map[string]string{"frames": contentKey(s.Path(fileFrames)), "lang": o.OCRLanguage, "missing": why}
	if r, ok := reuse(s, StepOCR, ocrIn, ocrFile); ok {
		var done []frame
		if err := s.ReadJSON(ocrFile, &done); err == nil && len(done) == len(frames) {
			return done, r.Outputs["missing"], frRec, nil, nil
		}
	}
	if why == "" {
		if err := ix.ocrFrames(ctx, s.Path(dirFrames), frames); err != nil {
			if ctx.Err() != nil {
				return nil, "", nil, nil, err
			}
			ix.opts.Logger.Warn("OCR failed; continuing without screen text", "session", s.ID(), "err", err)
			for i := range frames {
				frames[i].Text = ""
			}
			return frames, "ocr: " + err.Error(), frRec, nil, nil
		}
	}
	if err := s.WriteJSON(ocrFile, frames); err != nil {
		return nil, "", nil, nil, err
	}
	return frames, why, frRec, &session.StepRecord{Inputs: ocrIn, Outputs: map[string]string{"ocr": ocrFile, "missing": why}}, nil
}

// scenesStage turns frames into scenes with the window samples and the
// project's file list.
func (ix *Indexer) scenesStage(ctx context.Context, s *session.Session, frames []frame, length time.Duration) ([]session.Scene, error) {
	windows, _, err := session.ReadJSONL[session.WindowSample](s.Path(session.FileWindows))
	if err != nil {
		return nil, fmt.Errorf("session %s: read %s: %w", s.ID(), session.FileWindows, err)
	}
	files := ix.projectFiles(ctx, s.Meta.ProjectDir)
	sort.Strings(files)
	fb, _ := json.Marshal(frames)
	in := map[string]string{
		"frames":  hashStrings(string(fb)),
		"windows": contentKey(s.Path(session.FileWindows)),
		"files":   hashStrings(strings.Join(files, "\n")),
		"length":  secs(length),
	}
	var scenes []session.Scene
	if _, ok := reuse(s, StepScenes, in, session.FileScenes); ok {
		if err := s.ReadJSON(session.FileScenes, &scenes); err == nil {
			return scenes, nil
		}
	}
	scenes = buildScenes(frames, windows, newFileMatcher(files), length)
	if scenes == nil {
		scenes = []session.Scene{}
	}
	if err := s.WriteJSON(session.FileScenes, scenes); err != nil {
		return nil, err
	}
	return scenes, s.RecordStep(StepScenes, session.StepRecord{Inputs: in, Outputs: map[string]string{"scenes": session.FileScenes, "count": strconv.Itoa(len(scenes))}})
}

const indexSchema = 1

// indexFile is local/index.json: the searchable documents and what the
// index lacks.
type indexFile struct {
	Schema    int      `json:"schema"`
	Recording string   `json:"recording"`
	Length    float64  `json:"length"`
	Missing   []string `json:"missing,omitempty"`
	Docs      []doc    `json:"docs"`
}

func (ix *Indexer) indexStage(s *session.Session, idx *Index) error {
	f := indexFile{Schema: indexSchema, Recording: filepath.Base(idx.rec), Length: idx.length.Seconds(), Missing: idx.missing, Docs: idx.docs}
	b, _ := json.Marshal(f)
	in := map[string]string{"content": hashStrings(string(b))}
	if _, ok := reuse(s, StepIndex, in, fileIndex); ok {
		return nil
	}
	if err := s.WriteJSON(fileIndex, f); err != nil {
		return err
	}
	return s.RecordStep(StepIndex, session.StepRecord{Inputs: in, Outputs: map[string]string{"index": fileIndex, "docs": strconv.Itoa(len(f.Docs)), "missing": strings.Join(idx.missing, "; ")}})
}

// Index is a session indexed on this machine. It implements session.Index.
type Index struct {
	s          *session.Session
	run        *runner
	rec        string
	length     time.Duration
	transcript []session.Segment
	scenes     []session.Scene
	missing    []string
	docs       []doc
	spoken     *bm25
	visual     *bm25

	clipMu    sync.Mutex
	keyframes []time.Duration
	kfLoaded  bool
}

func (x *Index) build() {
	x.docs = x.docs[:0]
	for _, sg := range x.transcript {
		x.docs = append(x.docs, doc{Type: session.Spoken, Span: sg.Span, Text: sg.Text})
	}
	for _, sc := range x.scenes {
		text := strings.Join(append(append([]string{sc.Summary, strings.Join(sc.Files, " "), strings.Join(sc.Functions, " ")}, sc.Errors...), sc.RawText), "\n")
		x.docs = append(x.docs, doc{Type: session.Visual, Span: sc.Span, Text: text})
	}
	x.spoken, x.visual = splitDocs(x.docs)
}

func splitDocs(docs []doc) (spoken, visual *bm25) {
	var sp, vi []doc
	for _, d := range docs {
		if d.Type == session.Spoken {
			sp = append(sp, d)
		} else {
			vi = append(vi, d)
		}
	}
	return newBM25(sp), newBM25(vi)
}

// Missing names the parts this index lacks and why, with the fix (for
// example "ocr: tesseract is not installed or not on PATH: install it
// (apt-get install tesseract-ocr tesseract-ocr-eng)"). Empty when complete.
func (x *Index) Missing() []string { return append([]string(nil), x.missing...) }

// Length is the recording's duration.
func (x *Index) Length() time.Duration { return x.length }

// Transcript returns the spoken segments, sorted by time.
func (x *Index) Transcript(ctx context.Context) ([]session.Segment, error) {
	return append([]session.Segment(nil), x.transcript...), ctx.Err()
}

// Scenes returns the scenes, sorted by time.
func (x *Index) Scenes(ctx context.Context) ([]session.Scene, error) {
	return append([]session.Scene(nil), x.scenes...), ctx.Err()
}

// Search ranks the transcript segments (Spoken) or scenes (Visual) against
// query with BM25; the best hit comes first. No match is an empty result.
func (x *Index) Search(ctx context.Context, query string, t session.SearchType) ([]session.Hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch t {
	case session.Spoken:
		return orEmpty(x.spoken.search(query)), nil
	case session.Visual:
		return orEmpty(x.visual.search(query)), nil
	}
	return nil, fmt.Errorf("search type %q unknown: use %q or %q", t, session.Spoken, session.Visual)
}

func orEmpty(h []session.Hit) []session.Hit {
	if h == nil {
		return []session.Hit{}
	}
	return h
}

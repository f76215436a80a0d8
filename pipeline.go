package trace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/tracepr/trace/attribution"
	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

// Pipeline composes trace's steps on one session: Stop (index, evidence,
// timeline) and Generate (clips, attribution, focus, scripts, description,
// voice, plan, render, publish). Every step stores its result in the session
// directory with a hash of its inputs, so running Stop or Generate again after
// a crash, a kill or an error continues where it stopped: what is done is not
// done again, and nothing is published twice.
//
// The zero value is not usable: Stop needs an Indexer, Generate a Renderer
// (or DryRun). Writer, Voice and Sink may be nil.
type Pipeline struct {
	// Indexer indexes a captured session (Stop).
	Indexer session.Indexer
	// Renderer turns the walkthrough plan into a video. Nil: no video is
	// rendered and the walkthrough comment is not published.
	Renderer render.Renderer
	// Writer writes narration and text; nil means narrate.Offline.
	Writer narrate.Writer
	// Voice speaks the narration; nil leaves every clip as a caption card.
	Voice narrate.Voice
	// Sink publishes the artefacts; nil publishes nothing.
	Sink ghpr.PRSink
	// Diffs fetches a PR's diff when a Request names a PR but no diff
	// (ghpr.Client satisfies it); nil means the Request must carry one.
	Diffs DiffSource

	Options
}

// Options tune a Pipeline. The zero value is usable.
type Options struct {
	// Clips configures clip selection (budget, clip lengths, weights).
	Clips clipselect.Options
	// Focus configures the reviewer focus ranking; AgentShare is filled
	// from the contribution map.
	Focus clipselect.FocusOptions
	// Timeline configures the timeline builder (extra classifiers,
	// priority).
	Timeline timeline.Options
	// Render configures the walkthrough plan.
	Render render.Options
	// VoiceConcurrency bounds the clips voiced at once [4].
	VoiceConcurrency int
	// Agents are the agent-log readers used for agent events (Stop) and the
	// contribution map (Generate), e.g. attribution.DefaultDirs(nil).Sources(log).
	// Nil: no agent logs are read, and added lines are human or unknown.
	Agents []attribution.Source
	// AgentMargin widens the session window in which agent edits count
	// (0: attribution.DefaultMargin; negative: none).
	AgentMargin time.Duration
	// Host makes rendered media reachable by the readers of the published
	// artefacts (copies them next to a report, uploads them…) and returns
	// the media to link. Nil links the renderer's output as it is.
	Host func(ctx context.Context, s *session.Session, out render.Output) (render.Output, error)
	// Logger receives a line per step; nil discards.
	Logger *slog.Logger
	// Progress receives an Event as each step starts, progresses, ends,
	// fails or is skipped because it was done before. Calls never overlap.
	Progress func(Event)

	// test hooks: fail this step (by full name) after or before it runs.
	failAt, failBefore string
}

// DiffSource fetches a pull request's diff.
type DiffSource interface {
	PRDiff(ctx context.Context, pr ghpr.PR) (session.Diff, error)
}

// Errors callers branch on.
var (
	// ErrNotCaptured: the session's recording is not final yet.
	ErrNotCaptured = errors.New("session is not captured yet")
	// ErrNoDiff: Generate was given no change to work against.
	ErrNoDiff = errors.New("no diff to generate against")
)

func (p *Pipeline) log() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return p.Logger
}

func (p *Pipeline) stepper(s *session.Session, prefix string) *stepper {
	return &stepper{s: s, prefix: prefix, progress: p.Progress, failAt: p.failAt, failBefore: p.failBefore}
}

// StopResult is what Stop produced.
type StopResult struct {
	// Missing names what the index lacks and why (no OCR, no speech model),
	// when the Indexer reports it.
	Missing  []string         `json:"missing,omitempty"`
	Segments int              `json:"segments"`
	Scenes   int              `json:"scenes"`
	Agent    int              `json:"agent_events"`
	Moments  int              `json:"moments"`
	Timeline string           `json:"timeline"` // file in the session directory
	Kinds    map[string]int   `json:"kinds,omitempty"`
	Length   time.Duration    `json:"-"`
	Status   session.Status   `json:"status"`
	Steps    map[string]State `json:"-"`
}

// indexSummary is the stored result of the index step.
type indexSummary struct {
	Segments int      `json:"segments"`
	Scenes   int      `json:"scenes"`
	Missing  []string `json:"missing,omitempty"`
}

// agentSummary is the stored result of the agent step.
type agentSummary struct {
	Events  int                 `json:"events"`
	Sources []attribution.Stats `json:"sources,omitempty"`
}

// Stop indexes a captured session and builds its timeline: the index step
// (transcript.json, scenes.json), the agent step (agent.jsonl from the agent
// logs over the session window, when Agents are configured) and the timeline
// step (timeline.json). The session moves captured → indexed, or to
// index_failed with the error, so that running Stop again continues.
func (p *Pipeline) Stop(ctx context.Context, s *session.Session) (*StopResult, error) {
	switch s.Meta.Status {
	case session.StatusRecording, session.StatusCaptureFailed:
		return nil, fmt.Errorf("session %s is %s: %w: finish the recording first (trace stop recovers one whose recorder died)", s.ID(), s.Meta.Status, ErrNotCaptured)
	}
	if p.Indexer == nil {
		return nil, errors.New("pipeline has no Indexer: set Pipeline.Indexer (local.NewIndexer or videodb.NewIndexer)")
	}
	res, err := p.stop(ctx, s)
	if err != nil {
		if s.Meta.Status == session.StatusCaptured || s.Meta.Status == session.StatusIndexFailed {
			if terr := s.Transition(session.StatusIndexFailed, err); terr != nil {
				p.log().Warn("could not record the failure in the session", "session", s.ID(), "err", terr)
			}
		}
		return nil, err
	}
	if s.Meta.Status == session.StatusCaptured || s.Meta.Status == session.StatusIndexFailed {
		if err := s.Transition(session.StatusIndexed, nil); err != nil {
			return nil, err
		}
	}
	res.Status = s.Meta.Status
	return res, nil
}

func (p *Pipeline) stop(ctx context.Context, s *session.Session) (*StopResult, error) {
	st := p.stepper(s, "stop/")
	rec := s.Meta.Recording
	idxIn := map[string]any{"recording": rec, "length": s.Meta.Length, "backend_ids": s.Meta.BackendIDs}
	if info, err := statFile(s.Path(rec)); err == nil && rec != "" {
		idxIn["size"], idxIn["mtime"] = info.size, info.mtime
	}
	sum, _, err := runStep(ctx, st, "index", "stop/index.json", idxIn, func(ctx context.Context) (indexSummary, error) {
		ix, err := p.Indexer.Index(ctx, s)
		if err != nil {
			return indexSummary{}, fmt.Errorf("index session %s: %w", s.ID(), err)
		}
		tr, err := ix.Transcript(ctx)
		if err != nil {
			return indexSummary{}, fmt.Errorf("read the transcript of session %s: %w", s.ID(), err)
		}
		sc, err := ix.Scenes(ctx)
		if err != nil {
			return indexSummary{}, fmt.Errorf("read the scenes of session %s: %w", s.ID(), err)
		}
		if tr == nil {
			tr = []session.Segment{}
		}
		if sc == nil {
			sc = []session.Scene{}
		}
		// The backends write these too; writing them here makes every
		// Indexer's output land in the same files.
		if err := s.WriteJSON(session.FileTranscript, tr); err != nil {
			return indexSummary{}, err
		}
		if err := s.WriteJSON(session.FileScenes, sc); err != nil {
			return indexSummary{}, err
		}
		out := indexSummary{Segments: len(tr), Scenes: len(sc)}
		if m, ok := ix.(interface{ Missing() []string }); ok {
			out.Missing = m.Missing()
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range sum.Missing {
		p.log().Warn("index is incomplete", "session", s.ID(), "missing", m)
	}
	res := &StopResult{Missing: sum.Missing, Segments: sum.Segments, Scenes: sum.Scenes, Timeline: session.FileTimeline}

	if len(p.Agents) > 0 {
		epoch, end := s.Window()
		from, to := epoch.Add(-p.margin()), end
		if !end.IsZero() {
			to = end.Add(p.margin())
		}
		in := map[string]any{"project": s.Meta.ProjectDir, "from": from, "to": to, "agents": sourceNames(p.Agents)}
		as, _, err := runStep(ctx, st, "agent", "stop/agent.json", in, func(ctx context.Context) (agentSummary, error) {
			if s.Meta.ProjectDir == "" {
				return agentSummary{}, nil
			}
			edits, stats, err := attribution.Collect(ctx, attribution.Query{ProjectDir: s.Meta.ProjectDir, From: from, To: to}, p.Agents...)
			if err != nil {
				return agentSummary{}, fmt.Errorf("read agent logs for session %s: %w", s.ID(), err)
			}
			evs := attribution.AgentEvents(edits, epoch)
			if err := writeJSONL(s.Path(session.FileAgent), evs); err != nil {
				return agentSummary{}, err
			}
			return agentSummary{Events: len(evs), Sources: stats}, nil
		})
		if err != nil {
			return nil, err
		}
		res.Agent = as.Events
	}

	ev, err := LoadEvidence(s, p.log())
	if err != nil {
		return nil, err
	}
	evHash, err := hashOf(evidenceKey(ev))
	if err != nil {
		return nil, err
	}
	tf, _, err := runStep(ctx, st, "timeline", session.FileTimeline, map[string]any{"evidence": evHash, "classifiers": classifierKinds(p.Timeline)},
		func(ctx context.Context) (timeline.File, error) {
			tl, err := timeline.Build(ev, nil, p.Timeline)
			if err != nil {
				return timeline.File{}, fmt.Errorf("build the timeline of session %s: %w", s.ID(), err)
			}
			return timeline.NewFile(tl, p.Timeline.Priority), nil
		})
	if err != nil {
		return nil, err
	}
	res.Moments = len(tf.Moments)
	res.Length = tf.Length
	res.Kinds = map[string]int{}
	for _, m := range tf.Moments {
		res.Kinds[string(m.Kind)]++
	}
	return res, nil
}

func (p *Pipeline) margin() time.Duration {
	switch {
	case p.AgentMargin == 0:
		return attribution.DefaultMargin
	case p.AgentMargin < 0:
		return 0
	}
	return p.AgentMargin
}

func sourceNames(src []attribution.Source) []string {
	out := make([]string, len(src))
	for i, x := range src {
		out[i] = x.Agent()
	}
	return out
}

func classifierKinds(o timeline.Options) []string {
	var out []string
	for _, c := range o.Classifiers {
		out = append(out, string(c.Kind()))
	}
	return out
}

// evidenceKey is what identifies a session's evidence for step inputs.
func evidenceKey(ev session.Evidence) any {
	return struct {
		Length time.Duration
		Ev     session.Evidence
	}{ev.Length, ev}
}

// LoadEvidence reads everything a session recorded into one session.Evidence,
// sorted by time: transcript.json and scenes.json (written by indexing),
// saves.jsonl, windows.jsonl and agent.jsonl. A missing file is empty
// evidence; a corrupt JSON file is an error naming the file (wrapping
// session.ErrCorrupt); torn JSONL lines are skipped with a warning on log
// (nil discards). Length is the recording's length from the metadata.
func LoadEvidence(s *session.Session, log *slog.Logger) (session.Evidence, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ev := session.Evidence{Length: s.Meta.Length}
	if err := s.ReadJSON(session.FileTranscript, &ev.Transcript); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ev, err
	}
	if err := s.ReadJSON(session.FileScenes, &ev.Scenes); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ev, err
	}
	var err error
	if ev.Saves, err = readLog[session.SaveEvent](s, session.FileSaves, log); err != nil {
		return ev, err
	}
	if ev.Windows, err = readLog[session.WindowSample](s, session.FileWindows, log); err != nil {
		return ev, err
	}
	if ev.Agent, err = readLog[session.AgentEvent](s, session.FileAgent, log); err != nil {
		return ev, err
	}
	ev.Sort()
	return ev, nil
}

func readLog[T any](s *session.Session, name string, log *slog.Logger) ([]T, error) {
	p := s.Path(name)
	v, st, err := session.ReadJSONL[T](p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if st.Skipped > 0 {
		log.Warn("skipped unreadable lines (a torn last line after a crash, or garbage)", "file", p, "skipped", st.Skipped, "lines", st.Lines)
	}
	return v, nil
}

// Request says what Generate works against and where it publishes.
type Request struct {
	// Diff is the change. When nil, Base (git diff Base...HEAD in the
	// session's project) or PR (through Pipeline.Diffs) gives it.
	Diff *session.Diff
	Base string
	// PR is where the artefacts are published; nil publishes them under
	// the key "local" (a folder sink ignores the PR).
	PR *ghpr.PR
	// Title and Branch of the change, for the intro card and description.
	Title, Branch string
	// Template is the repository's pull request template, if any.
	Template string
	// Links are extra lines of the outro card.
	Links []render.Link
	// DryRun stops after the description: no voice, render or publishing.
	DryRun bool
}

// Key returns the name of the request's folder under generate/: the PR as
// host-owner-repo-N, or "local".
func (r Request) Key() string {
	if r.PR == nil {
		return "local"
	}
	k := fmt.Sprintf("%s-%s-%d", r.PR.Owner, r.PR.Repo, r.PR.Number)
	if r.PR.Host != "" && r.PR.Host != "github.com" {
		k = r.PR.Host + "-" + k
	}
	return unsafeKey.ReplaceAllString(strings.ToLower(k), "_")
}

var unsafeKey = regexp.MustCompile(`[^a-z0-9._-]`)

// Result is everything Generate produced. Files are in the session
// directory under Dir.
type Result struct {
	Session     string                  `json:"session"`
	Dir         string                  `json:"dir"` // generate/<key>/ in the session directory
	Diff        session.Diff            `json:"-"`
	Clips       []session.Clip          `json:"clips"`
	Attribution attribution.Report      `json:"attribution"`
	Focus       clipselect.Focus        `json:"focus"`
	FocusText   []narrate.FocusText     `json:"focus_text,omitempty"`
	Scripts     []narrate.Script        `json:"scripts"`
	Description narrate.Description     `json:"description"`
	Voice       []narrate.Spoken        `json:"voice,omitempty"`
	Plan        *render.Plan            `json:"plan,omitempty"`
	Video       render.Output           `json:"video,omitzero"`
	Chapters    []session.Chapter       `json:"chapters,omitempty"`
	Bodies      map[string]string       `json:"-"` // artefact kind → markdown as published
	Published   map[string]ghpr.Comment `json:"published,omitempty"`
	DryRun      bool                    `json:"dry_run,omitempty"`
}

// Artefact kinds, as in the hidden markers of what is published.
const (
	KindWalkthrough     = narrate.KindWalkthrough
	KindDescription     = narrate.KindDescription
	KindFocus           = narrate.KindFocus
	KindContributionMap = attribution.MarkerKind
)

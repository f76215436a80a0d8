package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/attribution"
	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/local"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

// demoSummary is what `trace demo --json` prints: where everything is.
type demoSummary struct {
	Session         string   `json:"session"`
	Out             string   `json:"out"`
	Report          string   `json:"report"`
	Video           string   `json:"video,omitempty"`
	Description     string   `json:"description"`
	Focus           string   `json:"focus"`
	ContributionMap string   `json:"contribution_map"`
	Walkthrough     string   `json:"walkthrough,omitempty"`
	Timeline        string   `json:"timeline"`
	Plan            string   `json:"plan,omitempty"`
	Repository      string   `json:"repository,omitempty"`
	Missing         []string `json:"missing,omitempty"`
	Seconds         float64  `json:"seconds"`
}

func (a *app) demoCommand() *cobra.Command {
	var out string
	var keep bool
	cmd := &cobra.Command{
		Use:   "demo [--out DIR] [--keep]",
		Short: "Run the offline demo: a scripted coding session through the whole pipeline on this machine",
		Long: `demo shows every part of trace working together, offline, in a few minutes.

In a temporary folder it builds a small git repository (a retry package whose
backoff overflows), then plays a scripted minute of coding around it: real
screen media drawn with ffmpeg (the editor, a failing test, a documentation
page, the fix, an AI assistant writing a test, passing tests), real speech
spoken by flite, real file saves at the scripted times seen by the real save
watcher, and a Claude Code log for the test the assistant wrote. The session
is stored in the session store (--home / TRACE_HOME) like any other.

Then it runs the real pipeline on the local backend: indexing (speech to text,
OCR), the timeline, clip selection against git diff main...HEAD, narration,
voice, the rendered walkthrough, the description, the focus guide and the
contribution map, published into --out (default ./trace-demo) with a
report.html that opens in a browser without a server.

Needs ffmpeg/ffprobe (with flite), git, and for the full index the
pocketsphinx model and tesseract (see trace doctor). --keep keeps the
temporary repository (its path is printed).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runDemo(cmd.Context(), out, keep)
		},
	}
	cmd.Flags().StringVar(&out, "out", "trace-demo", "folder for the artefacts and report.html")
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the temporary demo repository and media")
	return cmd
}

func (a *app) runDemo(ctx context.Context, out string, keep bool) error {
	started := time.Now()
	for _, tool := range []string{"ffmpeg", "ffprobe", "git"} {
		if !toolFound(tool) {
			return withCode(exitConfig, fmt.Errorf("trace demo needs %s: install it (apt-get install ffmpeg git), then run `trace doctor`", tool))
		}
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	st, err := a.openStore()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "trace-demo-")
	if err != nil {
		return fmt.Errorf("create the demo's temporary folder: %w", err)
	}
	if keep {
		a.say("demo: keeping the temporary folder %s", work)
	} else {
		defer os.RemoveAll(work)
	}
	repo := filepath.Join(work, "retry")
	claudeDir := filepath.Join(work, "claude")

	a.say("demo: building the repository in %s", repo)
	if err := makeDemoRepo(ctx, repo); err != nil {
		return err
	}
	s, err := st.Create(session.CreateOptions{ProjectDir: repo, Backend: "local", Status: session.StatusRecording})
	if err != nil {
		return err
	}
	s.Meta.Recording = capture.DefaultOutput
	s.Meta.Recorder = "demo"
	if err := s.Save(); err != nil {
		return err
	}
	a.say("demo: session %s: playing %s of scripted coding (screen, voice, saves, an agent) in real time", s.ID(), session.Clock(demoLength()))
	epoch, err := a.playDemo(ctx, s, work, repo, claudeDir)
	if err != nil {
		if terr := s.Transition(session.StatusCaptureFailed, err); terr != nil {
			a.log.Warn("could not record the failure", "err", terr)
		}
		return err
	}
	if err := commitDemoRepo(ctx, repo); err != nil {
		return fmt.Errorf("commit the demo's work: %w", err)
	}
	info, err := capture.Probe(ctx, s.Path(s.Meta.Recording))
	if err != nil {
		return err
	}
	s.Meta.Epoch = epoch
	s.Meta.Length = info.Duration
	s.Meta.Mic = info.Audio
	s.Meta.StoppedAt = epoch.Add(info.Duration)
	if err := s.Transition(session.StatusCaptured, nil); err != nil {
		return err
	}

	p, err := a.localPipeline(s)
	if err != nil {
		return err
	}
	p.Agents = attribution.Dirs{Claude: []string{claudeDir}, Codex: "-", Gemini: "-"}.Sources(evidenceLogger(a))
	p.Host = hostInFolder(out)
	p.Sink = local.NewSink(out)

	a.say("demo: indexing (speech, screen text) and building the timeline")
	sr, err := p.Stop(ctx, s)
	if err != nil {
		return err
	}
	a.say("demo: generating the walkthrough, description, focus guide and contribution map")
	res, err := p.Generate(ctx, s, trace.Request{Base: "main", Title: "retry: cap the backoff delay", Branch: "retry-cap"})
	if err != nil {
		return err
	}
	sum, err := writeDemoReport(s, out, res, sr.Missing)
	if err != nil {
		return err
	}
	sum.Repository = repo
	if !keep {
		sum.Repository = ""
	}
	sum.Seconds = time.Since(started).Seconds()
	if a.json {
		return a.printJSON(sum)
	}
	fmt.Fprintf(a.stdout, "trace demo: session %s done in %s\n\n", s.ID(), time.Since(started).Round(time.Second))
	fmt.Fprintf(a.stdout, "  report       %s\n", sum.Report)
	if sum.Video != "" {
		fmt.Fprintf(a.stdout, "  video        %s\n", sum.Video)
	}
	fmt.Fprintf(a.stdout, "  description  %s\n", sum.Description)
	fmt.Fprintf(a.stdout, "  focus guide  %s\n", sum.Focus)
	fmt.Fprintf(a.stdout, "  contribution %s\n", sum.ContributionMap)
	fmt.Fprintf(a.stdout, "  timeline     %s\n", sum.Timeline)
	for _, m := range sum.Missing {
		fmt.Fprintf(a.stdout, "  missing      %s\n", m)
	}
	fmt.Fprintf(a.stdout, "\nopen %s in a browser; `trace inspect %s` shows the session.\n", sum.Report, s.ID())
	return nil
}

// say prints a progress line on stderr (not with --json).
func (a *app) say(format string, args ...any) {
	if !a.json {
		fmt.Fprintf(a.stderr, format+"\n", args...)
	}
}

// localPipeline is the pipeline on the local backend, whatever --backend says.
func (a *app) localPipeline(s *session.Session) (*trace.Pipeline, error) {
	saved := a.backend
	a.backend = "local"
	defer func() { a.backend = saved }()
	return a.pipeline(s)
}

// playDemo records the scripted session: it draws and speaks the recording
// while the scripted saves are written in real time under a real
// SaveWatcher, logs the agent's save in Claude Code's format, and writes the
// window samples. It returns the epoch.
func (a *app) playDemo(ctx context.Context, s *session.Session, work, repo, claudeDir string) (time.Time, error) {
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	ready := make(chan struct{})
	var mu sync.Mutex
	var appendErr error
	epoch := time.Now()
	w := &capture.SaveWatcher{Root: repo, Epoch: epoch, Ready: ready, Logger: evidenceLogger(a),
		OnSave: func(e session.SaveEvent) {
			mu.Lock()
			defer mu.Unlock()
			if err := s.Append(session.FileSaves, e); err != nil && appendErr == nil {
				appendErr = err
			}
		}}
	watchDone := make(chan error, 1)
	go func() { watchDone <- w.Run(wctx) }()
	select {
	case <-ready:
	case err := <-watchDone:
		return epoch, fmt.Errorf("watch the demo repository: %w", err)
	case <-ctx.Done():
		return epoch, ctx.Err()
	}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := makeDemoMedia(gctx, work, s.Path(s.Meta.Recording)); err != nil {
			return err
		}
		a.say("demo: recording drawn and spoken")
		return nil
	})
	g.Go(func() error {
		current := map[string]string{"backoff.go": demoBackoffBase, "backoff_test.go": demoTestBase, "README.md": demoReadmeBase}
		for _, sv := range demoSaves() {
			t := time.NewTimer(time.Until(epoch.Add(sv.At)))
			select {
			case <-gctx.Done():
				t.Stop()
				return gctx.Err()
			case <-t.C:
			}
			if sv.Agent {
				if err := writeDemoClaudeLog(claudeDir, repo, epoch, sv, current[sv.Path]); err != nil {
					return fmt.Errorf("write the demo's agent log: %w", err)
				}
			}
			if err := os.WriteFile(filepath.Join(repo, sv.Path), []byte(sv.Content), 0o644); err != nil {
				return fmt.Errorf("demo save of %s: %w", sv.Path, err)
			}
			current[sv.Path] = sv.Content
			a.say("demo: %5s  saved %s%s", session.Clock(sv.At), sv.Path, map[bool]string{true: " (by the AI assistant)"}[sv.Agent])
		}
		// Let the watcher fold the last save.
		t := time.NewTimer(time.Until(epoch.Add(demoLength())) + capture.DefaultDebounce*2)
		defer t.Stop()
		select {
		case <-gctx.Done():
			return gctx.Err()
		case <-t.C:
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return epoch, err
	}
	stopWatch()
	if err := <-watchDone; err != nil && ctx.Err() == nil && wctx.Err() == nil {
		return epoch, err
	}
	mu.Lock()
	err := appendErr
	mu.Unlock()
	if err != nil {
		return epoch, fmt.Errorf("record the demo's saves: %w", err)
	}
	for _, ws := range demoWindows() {
		if err := s.Append(session.FileWindows, ws); err != nil {
			return epoch, err
		}
	}
	return epoch, nil
}

// writeDemoReport writes the timeline picture and report.html into out.
func writeDemoReport(s *session.Session, out string, res *trace.Result, missing []string) (demoSummary, error) {
	sum := demoSummary{Session: s.ID(), Out: out, Missing: missing,
		Report:          filepath.Join(out, local.ReportFile),
		Description:     filepath.Join(out, local.SinkDescription),
		Focus:           filepath.Join(out, local.CommentFile(keyOf(trace.KindFocus, s))),
		ContributionMap: filepath.Join(out, local.CommentFile(keyOf(trace.KindContributionMap, s))),
		Timeline:        filepath.Join(out, "timeline.svg"),
	}
	ev, err := trace.LoadEvidence(s, nil)
	if err != nil {
		return sum, err
	}
	var tf timeline.File
	if err := s.ReadJSON(res.Dir+"timeline.json", &tf); err != nil {
		return sum, err
	}
	tl, err := tf.Static()
	if err != nil {
		return sum, err
	}
	svg := timeline.SVG(tl, ev, &res.Diff, timeline.SVGOptions{})
	if err := os.WriteFile(sum.Timeline, svg, 0o644); err != nil {
		return sum, fmt.Errorf("write %s: %w", sum.Timeline, err)
	}
	data := local.ReportData{
		Title:           "retry: cap the backoff delay",
		Subtitle:        "trace demo · session " + s.ID(),
		TimelineSVG:     string(svg),
		Description:     res.Bodies[trace.KindDescription],
		Focus:           res.Bodies[trace.KindFocus],
		ContributionMap: res.Bodies[trace.KindContributionMap],
		Notes:           missing,
	}
	if res.Plan != nil && res.Video.Video.Path != "" {
		data.Video = res.Video.Video.Path
		data.Poster = res.Video.Poster.Path
		data.Captions = res.Video.Captions.Path
		if _, err := os.Stat(filepath.Join(out, local.RenderChapters)); err == nil {
			data.Chapters = local.RenderChapters
		}
		data.ChapterList = local.ReportChapters(res.Plan)
		sum.Video = filepath.Join(out, res.Video.Video.Path)
		sum.Walkthrough = filepath.Join(out, local.CommentFile(keyOf(trace.KindWalkthrough, s)))
		sum.Plan = s.Path(res.Dir + "plan.json")
	}
	if _, err := local.WriteReport(out, data); err != nil {
		return sum, err
	}
	return sum, nil
}

func toolFound(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

func keyOf(kind string, s *session.Session) ghpr.Key {
	return ghpr.Key{Kind: kind, Session: s.ID()}
}

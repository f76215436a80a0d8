package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline/timelinetest"
	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// p1Run is one run of P1: our Generate, then the same work in the seed's
// order, then the seed's whole flow (with its reference voice, intro
// image and music), all through the same fakes. Times are model seconds.
type p1Run struct {
	Clips    int     `json:"clips"`
	Calls    int     `json:"calls"`
	Wall     float64 `json:"wall_s"`
	Crit     float64 `json:"critical_path_s"`
	SeedWall float64 `json:"seed_order_wall_s"`
	SeedCrit float64 `json:"seed_order_critical_path_s"`
	FullWall float64 `json:"seed_flow_wall_s"`
	FullCrit float64 `json:"seed_flow_critical_path_s"`
	Path     string  `json:"critical_path"`
}

const sessionLength = 20 * time.Minute

func runP1(ctx context.Context, cfg config) (*result, error) {
	var runs []p1Run
	for i := range cfg.runs {
		r, err := p1Once(ctx, cfg.seed+uint64(i), cfg.scaleP1)
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", i+1, err)
		}
		runs = append(runs, r)
	}
	col := func(f func(p1Run) float64) []float64 {
		var xs []float64
		for _, r := range runs {
			xs = append(xs, f(r))
		}
		return xs
	}
	wall, crit := col(func(r p1Run) float64 { return r.Wall }), col(func(r p1Run) float64 { return r.Crit })
	sw, sc := col(func(r p1Run) float64 { return r.SeedWall }), col(func(r p1Run) float64 { return r.SeedCrit })
	fw, fc := col(func(r p1Run) float64 { return r.FullWall }), col(func(r p1Run) float64 { return r.FullCrit })
	res := &result{
		Part:   "p1",
		Title:  fmt.Sprintf("generate vs its critical path (VideoDB and GitHub fakes, latency model ×%g, %d clips)", cfg.scaleP1, runs[0].Clips),
		Header: []string{"schedule", "wall (model s)", "critical path (model s)", "wall ÷ critical path", "seed's wall ÷ ours"},
		Rows: [][]string{
			{"trace Generate", secs(wall), secs(crit), ratio(div(wall, crit)), "1"},
			{"same work, seed's order", secs(sw), secs(sc), ratio(div(sw, sc)), ratio(div(sw, wall))},
			{"seed's flow (+ reference voice, intro image, music)", secs(fw), secs(fc), ratio(div(fw, fc)), ratio(div(fw, wall))},
		},
		Notes: []string{
			fmt.Sprintf("Critical path of the first run: %s.", runs[0].Path),
			fmt.Sprintf("%d clips; %d requests to the fakes in trace's run. Model seconds are real seconds ÷ %g.", runs[0].Clips, runs[0].Calls, cfg.scaleP1),
		},
		Raw: map[string]any{"runs": runs, "scale": cfg.scaleP1},
	}
	return res, nil
}

func div(a, b []float64) []float64 {
	var out []float64
	for i := range a {
		if b[i] > 0 {
			out = append(out, a[i]/b[i])
		}
	}
	return out
}

// fixture makes an indexed 20-minute session from the synthetic workday
// generator, with its recording stored on the VideoDB fake.
func fixture(e *env, seed uint64) (*session.Session, *session.Diff, error) {
	ev, diff := timelinetest.Synthetic(timelinetest.Config{Seed: int64(seed), Length: sessionLength,
		Saves: 400, Segments: 240, Scenes: 120, Windows: 80, Agent: 30, Files: 24})
	s, err := e.store.Create(session.CreateOptions{Backend: "videodb", Status: session.StatusRecording})
	if err != nil {
		return nil, nil, err
	}
	if err := s.Transition(session.StatusCaptured, nil); err != nil {
		return nil, nil, err
	}
	for _, w := range []struct {
		name string
		v    any
	}{{session.FileTranscript, ev.Transcript}, {session.FileScenes, ev.Scenes}} {
		if err := s.WriteJSON(w.name, w.v); err != nil {
			return nil, nil, err
		}
	}
	for _, x := range ev.Saves {
		if err := s.Append(session.FileSaves, x); err != nil {
			return nil, nil, err
		}
	}
	for _, x := range ev.Windows {
		if err := s.Append(session.FileWindows, x); err != nil {
			return nil, nil, err
		}
	}
	for _, x := range ev.Agent {
		if err := s.Append(session.FileAgent, x); err != nil {
			return nil, nil, err
		}
	}
	s.Meta.Epoch = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s.Meta.Length = sessionLength
	s.Meta.Mic = true
	s.Meta.Recording = "screen.mp4"
	s.Meta.BackendIDs = map[string]string{videodb.IDVideo: e.vdb.AddVideo("trace-"+s.ID(), sessionLength.Seconds())}
	if err := s.Save(); err != nil {
		return nil, nil, err
	}
	if err := s.Transition(session.StatusIndexed, nil); err != nil {
		return nil, nil, err
	}
	return s, diff, nil
}

func p1Once(ctx context.Context, seed uint64, scale float64) (p1Run, error) {
	var run p1Run
	e, err := newEnv(seed, scale, videodbtest.Options{})
	if err != nil {
		return run, err
	}
	defer e.close()
	s, diff, err := fixture(e, seed)
	if err != nil {
		return run, fmt.Errorf("fixture session: %w", err)
	}
	pr := ghpr.PR{Owner: "acme", Repo: "shop", Number: 1}
	seedPR := ghpr.PR{Owner: "acme", Repo: "shop", Number: 2}
	fullPR := ghpr.PR{Owner: "acme", Repo: "shop", Number: 3}
	for _, p := range []ghpr.PR{pr, seedPR, fullPR} {
		e.gh.AddPR(p, ghprtestPR())
	}
	w := &benchWriter{model: videodb.NewWriter(e.vc, "")}
	voice := videodb.NewVoice(e.vc, videodb.VoiceOptions{})
	renderer := videodb.NewRenderer(e.vc, videodb.RendererOptions{})
	p := &trace.Pipeline{
		Writer: w, Voice: benchVoice{voice, "voice"}, Renderer: benchRenderer{renderer}, Sink: benchSink{e.ghc.Sink()},
		Options: trace.Options{Logger: e.log, Render: render.Options{Quantum: time.Second}},
	}
	req := trace.Request{Diff: diff, PR: &pr, Title: "Loop until the frame is full", Branch: "fix/read-frame"}

	start := time.Now()
	res, err := p.Generate(ctx, s, req)
	if err != nil {
		return run, fmt.Errorf("generate: %w", err)
	}
	run.Wall = time.Since(start).Seconds() / scale
	calls := e.calls()
	run.Calls = len(calls)
	crit, chain := criticalPath(calls, dependsOn)
	run.Crit = crit.Seconds() / scale
	run.Path = describeChain(chain, scale)
	run.Clips = len(res.Clips)

	// The same work in the seed's order, with the same delays.
	e.resetLogs()
	start = time.Now()
	if err := seedOrder(ctx, e, s, res, w.Prompts(), seedPR, false); err != nil {
		return run, fmt.Errorf("seed order: %w", err)
	}
	run.SeedWall = time.Since(start).Seconds() / scale
	crit, _ = criticalPath(e.calls(), dependsOn)
	run.SeedCrit = crit.Seconds() / scale

	e.resetLogs()
	start = time.Now()
	if err := seedOrder(ctx, e, s, res, w.Prompts(), fullPR, true); err != nil {
		return run, fmt.Errorf("seed flow: %w", err)
	}
	run.FullWall = time.Since(start).Seconds() / scale
	crit, _ = criticalPath(e.calls(), dependsOn)
	run.FullCrit = crit.Seconds() / scale
	return run, nil
}

func describeChain(chain []call, scale float64) string {
	var parts []string
	for i := 0; i < len(chain); {
		j := i
		var d time.Duration
		for j < len(chain) && chain[j].Phase == chain[i].Phase && chain[j].Group == chain[i].Group {
			d += chain[j].dur()
			j++
		}
		name := chain[i].Phase
		if chain[i].Group != "" {
			name += " " + chain[i].Group
		}
		if j-i > 1 {
			name = fmt.Sprintf("%s ×%d", name, j-i)
		}
		parts = append(parts, fmt.Sprintf("%s %.1f s", name, d.Seconds()/scale))
		i = j
	}
	return strings.Join(parts, " → ")
}

// refText is the seed's reference-voice sentence (seed-behaviour §7).
const refText = "This is the reference voice for the trace session summary. I will narrate the key changes made during this coding session in a clear, confident tone."

// seedOrder does the work of res the way the seed's generate_pr_video did
// it (seed-behaviour §7, §8, §11, §12): the narration prompts one after
// another, then the clip voices with four workers, then (full) the intro
// image and the music, then the render, then each artefact in turn — the
// walkthrough, the contribution map, the description (its text written
// only then), the focus guide (likewise). Every call goes through the same
// adapters and fakes as trace's run; full adds the seed's reference voice,
// intro image and music bed, which trace does not generate.
func seedOrder(ctx context.Context, e *env, s *session.Session, res *trace.Result, prompts []narrate.Prompt, pr ghpr.PR, full bool) error {
	model := videodb.NewWriter(e.vc, "")
	voice := videodb.NewVoice(e.vc, videodb.VoiceOptions{})
	sink := e.ghc.Sink()
	write := func(task string) error {
		for _, p := range prompts {
			if p.Task == task {
				if _, err := model.Write(withPhase(ctx, taskPhase(task), ""), p); err != nil {
					return err
				}
			}
		}
		return nil
	}
	publish := func(kind string) error {
		key := ghpr.Key{Kind: kind, Session: s.ID()}
		body := strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(res.Bodies[kind]), key.Marker()), "\n")
		if body == "" {
			return nil
		}
		pctx := withPhase(ctx, "publish", kind)
		if kind == trace.KindDescription {
			return sink.UpsertSection(pctx, pr, key, body)
		}
		_, err := sink.UpsertComment(pctx, pr, key, body)
		return err
	}
	if err := write(narrate.TaskClipNarration); err != nil {
		return err
	}
	if full {
		if _, err := voice.Speak(withPhase(ctx, "refvoice", ""), refText); err != nil {
			return err
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(res.Scripts))
	work := make(chan string)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for text := range work {
				if _, err := voice.Speak(withPhase(ctx, "voice", ""), text); err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, sc := range res.Scripts {
		work <- sc.Text
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	if full {
		if _, err := videodb.GenerateIntroImage(withPhase(ctx, "extra", ""), e.vc, "Loop until the frame is full"); err != nil {
			return err
		}
		if _, err := videodb.GenerateMusicBed(withPhase(ctx, "extra", ""), e.vc, res.Plan.Duration); err != nil {
			return err
		}
	}
	if res.Plan != nil {
		if _, err := videodb.NewRenderer(e.vc, videodb.RendererOptions{}).Render(withPhase(ctx, "render", ""), res.Plan); err != nil {
			return err
		}
	}
	for _, step := range []func() error{
		func() error { return publish(trace.KindWalkthrough) },
		func() error { return publish(trace.KindContributionMap) },
		func() error { return write(narrate.TaskDescription) },
		func() error { return publish(trace.KindDescription) },
		func() error { return write(narrate.TaskFocus) },
		func() error { return publish(trace.KindFocus) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

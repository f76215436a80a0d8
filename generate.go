package trace

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tracepr/trace/attribution"
	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/internal/fsutil"
	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

// errVoiceFailed marks a clip whose synthesis failed: the clip becomes a
// caption card, and the step is not recorded so a later run tries again.
var errVoiceFailed = errors.New("voice synthesis failed")

// Generate turns an indexed session and a change into the PR artefacts:
//
//	diff → timeline (against the diff) → clips ─┬─ attribution → focus
//	                                            ├─ scripts → voice (per clip)
//	                                            └─ description
//	→ plan → render → host → publish (walkthrough, description, focus, contribution map)
//
// The branches run side by side. Every step stores its output under
// generate/<req.Key()>/ with a hash of its inputs: a second run reuses
// what is done, and each published artefact is recorded with the hash of its
// body, so it is published once (and edited in place by its key when it
// changes). The session moves to generated, or generate_failed with the error.
// The PR is linked to the session (Meta.PRs).
func (p *Pipeline) Generate(ctx context.Context, s *session.Session, req Request) (*Result, error) {
	switch s.Meta.Status {
	case session.StatusIndexed, session.StatusGenerated, session.StatusGenerateFailed:
	default:
		return nil, fmt.Errorf("session %s is %s, not indexed: %w: run Stop (trace stop %s) first", s.ID(), s.Meta.Status, session.ErrNotIndexed, s.ID())
	}
	if p.Renderer == nil && !req.DryRun {
		p.log().Info("no renderer: the walkthrough video is left out", "session", s.ID())
	}
	res, err := p.generate(ctx, s, req)
	if err != nil {
		if terr := s.Transition(session.StatusGenerateFailed, err); terr != nil {
			p.log().Warn("could not record the failure in the session", "session", s.ID(), "err", terr)
		}
		return nil, err
	}
	if req.PR != nil && !req.DryRun {
		if err := ghpr.LinkSession(s, *req.PR); err != nil {
			return nil, err
		}
	}
	if !req.DryRun {
		if err := s.Transition(session.StatusGenerated, nil); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (p *Pipeline) generate(ctx context.Context, s *session.Session, req Request) (*Result, error) {
	dir := "generate/" + req.Key() + "/"
	st := p.stepper(s, dir)
	res := &Result{Session: s.ID(), Dir: dir, DryRun: req.DryRun, Bodies: map[string]string{}, Published: map[string]ghpr.Comment{}}

	diff, err := p.loadDiff(ctx, s, req)
	if err != nil {
		return nil, err
	}
	res.Diff = diff
	diffHash, err := hashOf(diff)
	if err != nil {
		return nil, err
	}
	if _, _, err := runStep(ctx, st, "diff", dir+"diff.json", diffHash, func(context.Context) (session.Diff, error) { return diff, nil }); err != nil {
		return nil, err
	}

	ev, err := LoadEvidence(s, p.log())
	if err != nil {
		return nil, err
	}
	evHash, err := hashOf(evidenceKey(ev))
	if err != nil {
		return nil, err
	}
	tf, _, err := runStep(ctx, st, "timeline", dir+"timeline.json",
		map[string]any{"evidence": evHash, "diff": diffHash, "classifiers": classifierKinds(p.Timeline)},
		func(context.Context) (timeline.File, error) {
			tl, err := timeline.Build(ev, &diff, p.Timeline)
			if err != nil {
				return timeline.File{}, fmt.Errorf("build the timeline of session %s: %w", s.ID(), err)
			}
			return timeline.NewFile(tl, p.Timeline.Priority), nil
		})
	if err != nil {
		return nil, err
	}
	tl := timeline.Static{Len: tf.Length, Items: tf.Moments}
	tlHash, err := hashOf(tf)
	if err != nil {
		return nil, err
	}

	clipOpts := p.Clips
	clipsRes, _, err := runStep(ctx, st, "clips", dir+"clips.json",
		map[string]any{"timeline": tlHash, "diff": diffHash, "options": clipOptionsKey(clipOpts)},
		func(context.Context) (clipselect.Result, error) {
			r, err := clipselect.Select(tl, ev, &diff, clipOpts)
			if errors.Is(err, clipselect.ErrNoClips) {
				p.log().Warn("no moment of the session is worth a clip: the walkthrough is left out", "session", s.ID())
				return clipselect.Result{Clips: []session.Clip{}}, nil
			}
			return r, err
		})
	if err != nil {
		return nil, err
	}
	res.Clips = clipsRes.Clips
	clipsHash, err := hashOf(res.Clips)
	if err != nil {
		return nil, err
	}
	packs := narrate.ClipPacks(&ev, &diff, res.Clips, narrate.PackOptions{})

	// Three branches run side by side; a failing branch does not cancel the
	// others, so what they finish is recorded and kept for the next run:
	//   - attribution, then focus; both comments are published when ready;
	//   - narration, voice per clip, plan, render, then the walkthrough
	//     comment (the critical path);
	//   - the description, published once the video link is known.
	var (
		g        errgroup.Group
		gctx     = ctx
		mu       sync.Mutex // guards res.Bodies and res.Published
		rendered = make(chan struct{})
		// renderOK says the render branch ended well (a video, or nothing
		// to render): only then is the description published, so a failed
		// render does not post a section that the rerun edits again.
		renderOK bool
	)
	var pr ghpr.PR
	if req.PR != nil {
		pr = *req.PR
	}
	setBody := func(kind, body string) {
		mu.Lock()
		res.Bodies[kind] = body
		mu.Unlock()
	}
	publish := func(kind, body string) error {
		if p.Sink == nil || req.DryRun {
			return nil
		}
		c, err := p.publish(gctx, st, dir, pr, ghpr.Key{Kind: kind, Session: s.ID()}, body)
		if err != nil {
			return err
		}
		mu.Lock()
		res.Published[kind] = c
		mu.Unlock()
		return nil
	}
	g.Go(func() error {
		saves := ev.Saves
		epoch, end := s.Window()
		// The agent logs may have grown since the last run, and reading them
		// costs little: the map is always computed, and recorded by its
		// content, so what depends on it is redone only when it changed.
		rep, _, err := attribution.Build(gctx, attribution.Config{Session: s.ID(), ProjectDir: s.Meta.ProjectDir,
			Epoch: epoch, End: end, Margin: p.AgentMargin, Diff: diff, Saves: saves, Sources: p.Agents})
		if err != nil {
			return fmt.Errorf("contribution map of session %s: %w", s.ID(), err)
		}
		repHash, err := hashOf(rep)
		if err != nil {
			return err
		}
		if _, _, err := runStep(gctx, st, "attribution", dir+"attribution.json", repHash, func(context.Context) (attribution.Report, error) {
			return rep, nil
		}); err != nil {
			return err
		}
		res.Attribution = rep
		contrib := attribution.Markdown(rep, attribution.MarkdownOptions{})
		setBody(KindContributionMap, contrib)
		fo, _, err := runStep(gctx, st, "focus", dir+"focus.json",
			map[string]any{"timeline": tlHash, "diff": diffHash, "attribution": repHash, "top": p.Focus.Top, "weights": p.Focus.Weights},
			func(ctx context.Context) (focusOut, error) {
				opts := p.Focus
				opts.AgentShare = agentShare(rep, p.Focus.AgentShare)
				f := clipselect.RankFocus(tl, ev, diff, opts)
				items := focusItems(f, &ev, &diff)
				n := &narrate.Narrator{Writer: p.Writer, Grounds: narrate.NewGrounds(&ev, &diff), Log: p.Logger}
				var texts []narrate.FocusText
				if len(items) > 0 {
					var err error
					texts, _, err = n.Focus(ctx, &narrate.FocusInput{Items: items})
					if err != nil {
						return focusOut{}, err
					}
				}
				return focusOut{Focus: f, Text: texts}, nil
			})
		if err != nil {
			return err
		}
		res.Focus, res.FocusText = fo.Focus, fo.Text
		focus := narrate.FocusComment(s.ID(), focusEntries(res.Focus, res.FocusText, &ev, &diff))
		setBody(KindFocus, focus)
		var pub errgroup.Group
		pub.Go(func() error { return publish(KindFocus, focus) })
		pub.Go(func() error { return publish(KindContributionMap, contrib) })
		return pub.Wait()
	})
	g.Go(func() (err error) {
		defer func() {
			renderOK = err == nil
			close(rendered)
		}()
		scripts, _, err := runStep(gctx, st, "scripts", dir+"scripts.json", map[string]any{"clips": clipsHash, "evidence": evHash, "diff": diffHash},
			func(ctx context.Context) ([]narrate.Script, error) {
				if len(packs) == 0 {
					return []narrate.Script{}, nil
				}
				n := &narrate.Narrator{Writer: p.Writer, Grounds: narrate.NewGrounds(&ev, &diff), Log: p.Logger}
				return n.Clips(ctx, packs)
			})
		if err != nil {
			return err
		}
		res.Scripts = scripts
		if req.DryRun {
			return nil
		}
		if res.Voice, err = p.voice(gctx, st, dir, scripts); err != nil {
			return err
		}
		if p.Renderer == nil || len(res.Clips) == 0 {
			return nil
		}
		plan, err := p.plan(gctx, st, dir, s, req, &diff, res)
		if err != nil {
			return err
		}
		res.Plan = plan
		res.Chapters = render.Chapters(plan)
		planHash, err := hashOf(plan)
		if err != nil {
			return err
		}
		out, _, err := runStep(gctx, st, "render", dir+"render.json", planHash, func(ctx context.Context) (render.Output, error) {
			o, err := p.Renderer.Render(ctx, plan)
			if err != nil {
				return o, fmt.Errorf("render the walkthrough of session %s: %w", s.ID(), err)
			}
			return o, nil
		})
		if err != nil {
			return err
		}
		video := out
		if p.Host != nil {
			// Hosting is cheap to check and its target may have changed
			// (another --out folder): it runs every time; a Host reuses
			// what it already put in place.
			if video, err = p.Host(gctx, s, out); err != nil {
				return fmt.Errorf("make the walkthrough reachable: %w", err)
			}
		}
		res.Video = video
		walk := narrate.WalkthroughComment(narrate.Walkthrough{
			Session: s.ID(), VideoURL: p.mediaLink(video.Video), PosterURL: p.mediaLink(video.Poster),
			Duration: plan.Duration, Chapters: res.Chapters,
			LocalOnly: p.mediaLink(video.Video) == "" && video.Video.Path != "",
		})
		setBody(KindWalkthrough, walk)
		return publish(KindWalkthrough, walk)
	})
	g.Go(func() error {
		in := map[string]any{"clips": clipsHash, "evidence": evHash, "diff": diffHash, "title": req.Title, "branch": req.Branch, "template": req.Template}
		d, _, err := runStep(gctx, st, "description", dir+"description.json", in, func(ctx context.Context) (narrate.Description, error) {
			pr := narrate.BuildPRPack(narrate.PRInput{Title: req.Title, Branch: req.Branch, Evidence: &ev, Diff: &diff, Clips: res.Clips, Template: req.Template})
			n := &narrate.Narrator{Writer: p.Writer, Grounds: narrate.NewGrounds(&ev, &diff), Log: p.Logger}
			return n.Description(ctx, &pr)
		})
		res.Description = d
		if err != nil {
			return err
		}
		// The section links the walkthrough: wait for the render branch (it
		// closes rendered however it ends; a failed render leaves no link).
		select {
		case <-rendered:
		case <-gctx.Done():
			return gctx.Err()
		}
		body := narrate.DescriptionSection(s.ID(), res.Description, p.mediaLink(res.Video.Video))
		setBody(KindDescription, body)
		if !renderOK {
			return nil // the render branch reports its own error
		}
		return publish(KindDescription, body)
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return res, nil
}

type focusOut struct {
	Focus clipselect.Focus    `json:"focus"`
	Text  []narrate.FocusText `json:"text,omitempty"`
}

func (p *Pipeline) loadDiff(ctx context.Context, s *session.Session, req Request) (session.Diff, error) {
	switch {
	case req.Diff != nil:
		return *req.Diff, nil
	case req.Base != "":
		if s.Meta.ProjectDir == "" {
			return session.Diff{}, fmt.Errorf("session %s has no project directory to diff %s...HEAD in: %w: pass the diff itself", s.ID(), req.Base, ErrNoDiff)
		}
		return ghpr.LocalDiff(ctx, s.Meta.ProjectDir, req.Base)
	case req.PR != nil && p.Diffs != nil:
		return p.Diffs.PRDiff(ctx, *req.PR)
	}
	return session.Diff{}, fmt.Errorf("%w: give Request.Diff, Request.Base, or a PR with Pipeline.Diffs set", ErrNoDiff)
}

// voice synthesises each script as its own step, a few at a time.
func (p *Pipeline) voice(ctx context.Context, st *stepper, dir string, scripts []narrate.Script) ([]narrate.Spoken, error) {
	out := make([]narrate.Spoken, len(scripts))
	if p.Voice == nil {
		for i, sc := range scripts {
			out[i] = narrate.Spoken{Index: sc.Index, Text: sc.Text, Err: "no voice configured"}
		}
		return out, nil
	}
	limit := p.VoiceConcurrency
	if limit <= 0 {
		limit = 4
	}
	// A failed clip does not cancel the others: their voice is kept.
	var g errgroup.Group
	gctx := ctx
	g.SetLimit(limit)
	var mu sync.Mutex
	done := 0
	for i, sc := range scripts {
		g.Go(func() error {
			name := fmt.Sprintf("voice/%d", i)
			sp, _, err := runStep(gctx, st, name, fmt.Sprintf("%svoice/%d.json", dir, i), map[string]any{"text": sc.Text, "index": sc.Index},
				func(ctx context.Context) (narrate.Spoken, error) {
					r, err := narrate.Speak(ctx, p.Voice, []narrate.Script{sc}, narrate.SpeakOptions{Concurrency: 1, Log: p.Logger})
					if err != nil {
						return narrate.Spoken{}, err
					}
					if r[0].Failed() {
						return r[0], fmt.Errorf("clip %d: %w: %s", i, errVoiceFailed, r[0].Err)
					}
					return r[0], nil
				})
			if errors.Is(err, errVoiceFailed) {
				p.log().Warn("voice failed; the clip shows its text as a caption card", "clip", i, "err", err)
				sp = narrate.Spoken{Index: sc.Index, Text: sc.Text, Err: err.Error()}
				err = nil
			}
			if err != nil {
				return err
			}
			mu.Lock()
			out[i] = sp
			done++
			st.emit(Event{Step: st.prefix + "voice", State: StateProgress, Done: done, Total: len(scripts)})
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

func (p *Pipeline) plan(ctx context.Context, st *stepper, dir string, s *session.Session, req Request, diff *session.Diff, res *Result) (*render.Plan, error) {
	src := session.Media{Path: s.Path(s.Meta.Recording), ID: s.Meta.BackendIDs[videoIDKey]}
	if s.Meta.Recording == "" {
		src.Path = ""
	}
	added, removed := 0, 0
	for _, f := range diff.Files {
		a, r := f.Counts()
		added += a
		removed += r
	}
	in := render.Input{
		Title: req.Title, Branch: req.Branch, Source: src, SourceLength: s.Meta.Length,
		Stats:  render.Stats{Recorded: s.Meta.Length, Files: len(diff.Files), Added: added, Removed: removed},
		Links:  req.Links,
		OutDir: s.Path(dir + "video"),
	}
	if in.Title == "" {
		in.Title = "Walkthrough of session " + s.ID()
	}
	byIndex := map[int]narrate.Spoken{}
	for _, v := range res.Voice {
		byIndex[v.Index] = v
	}
	texts := map[int]string{}
	for _, sc := range res.Scripts {
		texts[sc.Index] = sc.Text
	}
	for i, c := range res.Clips {
		ci := render.ClipInput{Clip: c, Text: texts[i]}
		if v, ok := byIndex[i]; ok && !v.Failed() {
			ci.Narration = v.Audio
		}
		in.Clips = append(in.Clips, ci)
	}
	inHash, err := hashOf(struct {
		In  render.Input
		Opt render.Options
	}{in, p.Render})
	if err != nil {
		return nil, err
	}
	plan, _, err := runStep(ctx, st, "plan", dir+"plan.json", inHash, func(context.Context) (*render.Plan, error) {
		pl, err := render.Build(in, p.Render)
		if err != nil {
			return nil, fmt.Errorf("plan the walkthrough of session %s: %w", s.ID(), err)
		}
		if err := render.Validate(pl, render.ValidateOptions{MaxTotal: p.Render.MaxTotal}); err != nil {
			return nil, err
		}
		return pl, nil
	})
	return plan, err
}

// videoIDKey is the backend id of a recording uploaded to VideoDB
// (videodb.IDVideo), which the VideoDB renderer cuts clips from.
const videoIDKey = "videodb.video"

// publishRecord is the stored result of a publish step.
type publishRecord struct {
	Key     ghpr.Key     `json:"key"`
	PR      string       `json:"pr,omitempty"`
	Comment ghpr.Comment `json:"comment,omitzero"`
	At      time.Time    `json:"at"`
}

// publish upserts one artefact, once per body: the step's inputs are the PR,
// the key and the body's hash.
func (p *Pipeline) publish(ctx context.Context, st *stepper, dir string, pr ghpr.PR, key ghpr.Key, body string) (ghpr.Comment, error) {
	body = redact.String(unmark(body, key))
	in := map[string]any{"pr": pr, "key": key, "body": body}
	rec, _, err := runStep(ctx, st, "publish/"+key.Kind, dir+"publish/"+key.Kind+".json", in, func(ctx context.Context) (publishRecord, error) {
		r := publishRecord{Key: key, At: time.Now().UTC()}
		if pr.Number != 0 {
			r.PR = pr.URL()
		}
		var err error
		if key.Kind == KindDescription {
			err = p.Sink.UpsertSection(ctx, pr, key, body)
		} else {
			r.Comment, err = p.Sink.UpsertComment(ctx, pr, key, body)
			r.Comment.Body = ""
		}
		if err != nil {
			return r, fmt.Errorf("publish the %s of session %s: %w", key.Kind, key.Session, err)
		}
		return r, nil
	})
	return rec.Comment, err
}

// Publish upserts one artefact on a pull request through sink, outside a
// pipeline run: the description as a section of the PR body, anything else
// as a keyed comment. body may start with the key's marker (as narrate's and
// attribution's renderers write it); it is redacted before it is sent.
func Publish(ctx context.Context, sink ghpr.PRSink, pr ghpr.PR, key ghpr.Key, body string) (ghpr.Comment, error) {
	body = redact.String(unmark(body, key))
	if key.Kind == KindDescription {
		return ghpr.Comment{}, sink.UpsertSection(ctx, pr, key, body)
	}
	return sink.UpsertComment(ctx, pr, key, body)
}

// FocusEntries pairs a focus ranking with the writer's notes for the focus
// comment (narrate.FocusComment); a file without a note gets the extractive
// one.
func FocusEntries(f clipselect.Focus, texts []narrate.FocusText, ev *session.Evidence, diff *session.Diff) []narrate.FocusEntry {
	return focusEntries(f, texts, ev, diff)
}

// unmark removes the key's marker from the top of a body: the sink puts it
// there itself.
func unmark(body string, key ghpr.Key) string {
	t := strings.TrimLeft(body, " \t\r\n")
	if strings.HasPrefix(t, key.Marker()) {
		return strings.TrimLeft(strings.TrimPrefix(t, key.Marker()), "\r\n")
	}
	return body
}

// mediaLink returns how an artefact links a medium: its URL, or its path
// when the artefacts go into a folder beside it (Host set). A bare local
// path is never linked on a PR: it means nothing to a reviewer and tells
// the author's file layout.
func (p *Pipeline) mediaLink(m session.Media) string {
	if m.URL != "" {
		return m.URL
	}
	if p.Host != nil {
		return m.Path
	}
	return ""
}

// agentShare is, per file, the share of its added lines an agent wrote
// (mixed lines count half), unless given.
func agentShare(r attribution.Report, given map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for _, f := range r.Files {
		if f.Total > 0 && f.Unknown < f.Total {
			out[f.Path] = (float64(f.Agent) + float64(f.Mixed)/2) / float64(f.Total)
		}
	}
	for k, v := range given {
		out[k] = v
	}
	return out
}

func focusItems(f clipselect.Focus, ev *session.Evidence, diff *session.Diff) []narrate.FocusItem {
	items := make([]narrate.FocusItem, 0, len(f.Files))
	for _, ff := range f.Files {
		it := narrate.FocusItem{Path: ff.Path, Score: ff.Score, Ranges: ff.Added}
		for _, r := range ff.Reasons {
			fr := narrate.FocusReason{Text: r.Text, Kind: r.Signal}
			if r.At != nil {
				fr.Span = *r.At
				if it.Pack == nil {
					pk := narrate.SpanPack(ev, diff, *r.At, narrate.PackOptions{MaxHunkLines: 12})
					it.Pack = &pk
				}
			}
			it.Reasons = append(it.Reasons, fr)
		}
		items = append(items, it)
	}
	return items
}

func focusEntries(f clipselect.Focus, texts []narrate.FocusText, ev *session.Evidence, diff *session.Diff) []narrate.FocusEntry {
	byPath := map[string]string{}
	for _, t := range texts {
		byPath[t.Path] = t.Text
	}
	items := focusItems(f, ev, diff)
	out := make([]narrate.FocusEntry, 0, len(items))
	for _, it := range items {
		text := byPath[it.Path]
		if text == "" {
			text = narrate.ExtractiveFocus(it)
		}
		out = append(out, narrate.FocusEntry{Item: it, Text: text})
	}
	return out
}

// clipOptionsKey is the part of clipselect.Options that changes the result.
func clipOptionsKey(o clipselect.Options) any {
	o.Explain = false
	return o
}

type fileStat struct {
	size  int64
	mtime time.Time
}

func statFile(path string) (fileStat, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStat{}, err
	}
	return fileStat{fi.Size(), fi.ModTime().UTC()}, nil
}

// writeJSONL writes a whole JSON-lines file atomically.
func writeJSONL[T any](path string, items []T) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return err
		}
	}
	return fsutil.WriteFile(path, b.Bytes(), 0o600)
}

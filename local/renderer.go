package local

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/fsutil"
	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
)

// Render modes.
const (
	// ModeSegments encodes each plan segment with its own ffmpeg filter
	// graph (in parallel), then joins them by stream copy.
	ModeSegments = "segments"
	// ModeGraph encodes the whole plan with one ffmpeg filter graph.
	ModeGraph = "graph"
)

// Files a render writes into its output directory.
const (
	RenderVideo    = "walkthrough.mp4"
	RenderCaptions = "captions.vtt"
	RenderChapters = "chapters.vtt"
	RenderPoster   = "poster.jpg"
	RenderHLS      = "hls/index.m3u8"
)

// RendererOptions configure the ffmpeg Renderer. The zero value works.
type RendererOptions struct {
	// OutDir receives the video and its sidecars; default Plan.OutDir.
	OutDir string
	// Font is the .ttf used for cards, badges and captions (default: a
	// system font such as DejaVuSans).
	Font string
	// FPS of the output (default 25).
	FPS int
	// BurnCaptions draws the captions into the picture; the WebVTT sidecar
	// is written either way.
	BurnCaptions bool
	// HLS also writes an HLS stream (RenderHLS) beside the MP4.
	HLS bool
	// Mode is ModeSegments (default) or ModeGraph.
	Mode string
	// Parallel bounds the segments encoded at once in ModeSegments
	// (default: the number of CPUs).
	Parallel int
	// Preset is the x264 preset (default "veryfast").
	Preset string
	// Logger receives debug logs; nil discards them.
	Logger *slog.Logger
}

// Renderer renders a render.Plan to an H.264/AAC MP4 with ffmpeg. It
// implements render.Renderer.
type Renderer struct {
	opts RendererOptions
	run  *runner
}

// NewRenderer returns a Renderer with opts.
func NewRenderer(opts RendererOptions) *Renderer {
	if opts.FPS <= 0 {
		opts.FPS = 25
	}
	if opts.Mode == "" {
		opts.Mode = ModeSegments
	}
	if opts.Parallel <= 0 {
		opts.Parallel = runtime.NumCPU()
	}
	if opts.Preset == "" {
		opts.Preset = "veryfast"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Renderer{opts: opts, run: newRunner(opts.Logger)}
}

// ToolRuns returns how many times each external tool was run.
func (r *Renderer) ToolRuns() map[string]int { return r.run.snapshot() }

// Render writes RenderVideo, RenderCaptions, RenderChapters and
// RenderPoster (and RenderHLS when asked) into the output directory. A plan
// rendered before with the same content and options is not rendered again.
func (r *Renderer) Render(ctx context.Context, p *render.Plan) (render.Output, error) {
	if err := ctx.Err(); err != nil {
		return render.Output{}, err
	}
	if err := r.check(p); err != nil {
		return render.Output{}, err
	}
	out := r.opts.OutDir
	if out == "" {
		out = p.OutDir
	}
	if out == "" {
		return render.Output{}, fmt.Errorf("render %q: no output directory: set Plan.OutDir or RendererOptions.OutDir", p.Title)
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return render.Output{}, fmt.Errorf("render output directory %s: %w", out, err)
	}
	font, err := findFont(r.opts.Font)
	if err != nil {
		return render.Output{}, err
	}
	total := planLength(p)
	o := render.Output{
		Video:    session.Media{Path: filepath.Join(out, RenderVideo), Duration: total},
		Captions: session.Media{Path: filepath.Join(out, RenderCaptions)},
		Poster:   session.Media{Path: filepath.Join(out, RenderPoster)},
	}
	if err := fsutil.WriteFile(o.Captions.Path, []byte(CaptionsVTT(p)), 0o600); err != nil {
		return render.Output{}, err
	}
	if err := fsutil.WriteFile(filepath.Join(out, RenderChapters), []byte(ChaptersVTT(p)), 0o600); err != nil {
		return render.Output{}, err
	}

	pb, _ := json.Marshal(struct {
		P    *render.Plan
		D    []time.Duration
		O    RendererOptions
		Font string
	}{p, segDurations(p), RendererOptions{FPS: r.opts.FPS, BurnCaptions: r.opts.BurnCaptions, HLS: r.opts.HLS, Preset: r.opts.Preset}, font})
	key := hashStrings(string(pb))
	stamp := filepath.Join(out, "."+RenderVideo+".plan")
	if b, err := os.ReadFile(stamp); err == nil && string(b) == key && fileExists(o.Video.Path) && fileExists(o.Poster.Path) {
		return o, nil
	}

	work, err := os.MkdirTemp(out, ".render-")
	if err != nil {
		return render.Output{}, err
	}
	defer os.RemoveAll(work)
	tmp := filepath.Join(work, "out.mp4")
	if r.opts.Mode == ModeGraph {
		err = r.renderGraph(ctx, p, work, font, tmp)
	} else {
		err = r.renderSegments(ctx, p, work, font, tmp)
	}
	if err != nil {
		return render.Output{}, fmt.Errorf("render %q: %w", p.Title, err)
	}
	if err := os.Rename(tmp, o.Video.Path); err != nil {
		return render.Output{}, err
	}
	if err := r.poster(ctx, p, o.Video.Path, o.Poster.Path); err != nil {
		return render.Output{}, err
	}
	if r.opts.HLS {
		if err := r.hls(ctx, o.Video.Path, filepath.Join(out, RenderHLS)); err != nil {
			return render.Output{}, err
		}
	}
	info, err := r.run.probe(ctx, o.Video.Path)
	if err != nil {
		return render.Output{}, err
	}
	o.Video.Duration = info.Duration
	if err := fsutil.WriteFile(stamp, []byte(key), 0o600); err != nil {
		return render.Output{}, err
	}
	return o, nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// check validates the plan with render.Validate, then what this renderer
// needs on top: local files for the recording, narration and music.
func (r *Renderer) check(p *render.Plan) error {
	if err := render.Validate(p, render.ValidateOptions{}); err != nil {
		return err
	}
	bad := func(format string, args ...any) error {
		return &render.PlanError{Problems: []string{fmt.Sprintf(format, args...)}}
	}
	for i, s := range p.Segments {
		if s.Kind == render.SegClip && s.Card == nil && p.Source.Path == "" {
			return bad("segment %d is a clip but Plan.Source has no local path: render with the backend that recorded it, or set Source.Path", i)
		}
		if s.Narration.Path != "" && !fileExists(s.Narration.Path) {
			return bad("narration of segment %d (%s) does not exist: synthesise the voice again", i, s.Narration.Path)
		}
	}
	if p.Source.Path != "" && !fileExists(p.Source.Path) {
		return bad("source recording %s does not exist", p.Source.Path)
	}
	if p.Music != nil && p.Music.Media.Path != "" && !fileExists(p.Music.Media.Path) {
		return bad("music %s does not exist: fix Plan.Music or leave it out", p.Music.Media.Path)
	}
	return nil
}

func planLength(p *render.Plan) time.Duration {
	last := p.Segments[len(p.Segments)-1]
	return last.Start + last.Duration
}

// segDurations returns each segment's length rounded to whole frames.
func segDurations(p *render.Plan) []time.Duration {
	out := make([]time.Duration, len(p.Segments))
	for i, s := range p.Segments {
		out[i] = s.Duration
	}
	return out
}

// frames returns how many frames of the given fps last d.
func frames(d time.Duration, fps int) int {
	return max(1, int(math.Round(d.Seconds()*float64(fps))))
}

// segInput is one segment's video input and filter chain.
type segInput struct {
	args  []string // input arguments (-f lavfi -i …, or -ss … -i file)
	chain string   // filter chain reading [IN] and ending unlabelled
}

// segmentVideo builds the input and the filter chain of segment i. Texts
// go through files written into work, named relative to it (ffmpeg runs
// there), so no text needs escaping.
func (r *Renderer) segmentVideo(p *render.Plan, i int, work, font string) (segInput, error) {
	s := p.Segments[i]
	w, h, fps := even(p.Width), even(p.Height), r.opts.FPS
	n := frames(s.Duration, fps)
	d := float64(n) / float64(fps)
	fq := filterQuote(font)
	text := func(name, body string) (string, error) {
		f := fmt.Sprintf("s%02d-%s.txt", i, name)
		return f, os.WriteFile(filepath.Join(work, f), []byte(body), 0o600)
	}
	var in segInput
	var chain []string
	fit := fmt.Sprintf("scale=%d:%d:force_original_aspect_ratio=decrease,pad=%d:%d:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1", w, h, w, h)
	if s.Kind == render.SegClip && s.Card == nil {
		src := s.Source.Len()
		in.args = []string{"-ss", secs(s.Source.Start), "-t", secs(min(src, s.Duration)), "-i", p.Source.Path}
		chain = append(chain, "fps="+strconv.Itoa(fps), fit, "format=yuv420p")
	} else {
		if s.Card != nil && s.Card.Image.Path != "" {
			in.args = []string{"-loop", "1", "-framerate", strconv.Itoa(fps), "-t", strconv.FormatFloat(d, 'f', 3, 64), "-i", s.Card.Image.Path}
			chain = append(chain, fit, "format=yuv420p")
		} else {
			in.args = []string{"-f", "lavfi", "-i", fmt.Sprintf("color=c=0x0d1117:s=%dx%d:r=%d:d=%.3f", w, h, fps, d)}
			chain = append(chain, "format=yuv420p")
		}
		title, lines := p.Title, []string(nil)
		if s.Card != nil {
			title, lines = s.Card.Title, s.Card.Lines
		}
		if title != "" {
			f, err := text("title", title)
			if err != nil {
				return in, err
			}
			chain = append(chain, fmt.Sprintf("drawtext=fontfile=%s:textfile=%s:expansion=none:fontcolor=white:fontsize=%d:x=(w-text_w)/2:y=h*0.36", fq, f, h/12))
		}
		if len(lines) > 0 {
			f, err := text("lines", strings.Join(lines, "\n"))
			if err != nil {
				return in, err
			}
			chain = append(chain, fmt.Sprintf("drawtext=fontfile=%s:textfile=%s:expansion=none:fontcolor=0xc9d1d9:fontsize=%d:line_spacing=%d:x=(w-text_w)/2:y=h*0.52", fq, f, h/24, h/60))
		}
	}
	if s.Badge != nil {
		label := string(s.Badge.Kind)
		if s.Badge.File != "" {
			label += " · " + s.Badge.File
		}
		f, err := text("badge", label)
		if err != nil {
			return in, err
		}
		// Top right: window titles sit left or centre, so the badge hides
		// at most the window's buttons.
		chain = append(chain, fmt.Sprintf("drawtext=fontfile=%s:textfile=%s:expansion=none:fontcolor=white:fontsize=%d:box=1:boxcolor=0x1f6feb@0.85:boxborderw=%d:x=w-text_w-%d:y=%d", fq, f, h/28, h/80, h/40+h/80, h/40))
	}
	if r.opts.BurnCaptions {
		for j, c := range segCaptions(s) {
			f, err := text(fmt.Sprintf("cap%02d", j), c.Text)
			if err != nil {
				return in, err
			}
			chain = append(chain, fmt.Sprintf("drawtext=fontfile=%s:textfile=%s:expansion=none:fontcolor=white:fontsize=%d:box=1:boxcolor=black@0.6:boxborderw=%d:x=(w-text_w)/2:y=h-text_h-%d:enable='between(t,%.3f,%.3f)'",
				fq, f, h/26, h/90, h/14, c.Span.Start.Seconds(), c.Span.End.Seconds()))
		}
	}
	chain = append(chain, fmt.Sprintf("tpad=stop_mode=clone:stop_duration=%.3f", d), fmt.Sprintf("trim=end_frame=%d", n), "setpts=PTS-STARTPTS")
	in.chain = strings.Join(chain, ",")
	return in, nil
}

func even(n int) int { return n + n%2 }

// segCaptions returns a segment's captions clamped to it; a segment with
// narration text but no timed captions gets one caption for its length.
func segCaptions(s render.Segment) []render.Caption {
	var out []render.Caption
	for _, c := range s.Captions {
		sp := c.Span.Clamp(s.Duration)
		if sp.Len() > 0 && strings.TrimSpace(c.Text) != "" {
			out = append(out, render.Caption{Span: sp, Text: c.Text})
		}
	}
	if len(out) == 0 && strings.TrimSpace(s.Text) != "" {
		out = append(out, render.Caption{Span: session.Span{Start: 0, End: s.Duration}, Text: s.Text})
	}
	return out
}

// audioGraph builds the inputs and filter graph of the soundtrack:
// narration placed at each segment's start over silence, and the music bed
// ducked while narration plays. firstInput is the index of its first input;
// the graph ends in [aout].
func (r *Renderer) audioGraph(p *render.Plan, firstInput int) (args []string, graph string) {
	total := planLength(p).Seconds()
	var parts, mix []string
	parts = append(parts, fmt.Sprintf("anullsrc=r=48000:cl=stereo,atrim=duration=%.3f[base]", total))
	mix = append(mix, "[base]")
	k := firstInput
	var speech []string
	for i, s := range p.Segments {
		if s.Narration.Path == "" {
			continue
		}
		args = append(args, "-i", s.Narration.Path)
		ms := s.Start.Milliseconds()
		parts = append(parts, fmt.Sprintf("[%d:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,atrim=duration=%.3f,adelay=%d|%d[n%d]", k, s.Duration.Seconds(), ms, ms, i))
		mix = append(mix, fmt.Sprintf("[n%d]", i))
		end := s.Start + s.Duration
		if s.Narration.Duration > 0 {
			end = s.Start + min(s.Narration.Duration, s.Duration)
		}
		speech = append(speech, fmt.Sprintf("between(t,%.3f,%.3f)", s.Start.Seconds(), end.Seconds()))
		k++
	}
	if p.Music != nil && p.Music.Media.Path != "" {
		args = append(args, "-stream_loop", "-1", "-i", p.Music.Media.Path)
		vol, duck := p.Music.Volume, p.Music.Duck
		if vol <= 0 {
			vol = 0.25
		}
		if duck <= 0 || duck > vol {
			duck = vol / 4
		}
		level := strconv.FormatFloat(vol, 'f', 3, 64)
		if len(speech) > 0 {
			level = fmt.Sprintf("if(%s,%.3f,%.3f)", strings.Join(speech, "+"), duck, vol)
		}
		parts = append(parts, fmt.Sprintf("[%d:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,atrim=duration=%.3f,volume='%s':eval=frame[music]", k, total, level))
		mix = append(mix, "[music]")
	}
	parts = append(parts, fmt.Sprintf("%samix=inputs=%d:duration=first:normalize=0[aout]", strings.Join(mix, ""), len(mix)))
	return args, strings.Join(parts, ";")
}

func (r *Renderer) encodeArgs() []string {
	return []string{"-c:v", "libx264", "-preset", r.opts.Preset, "-crf", "23", "-pix_fmt", "yuv420p", "-r", strconv.Itoa(r.opts.FPS), "-g", strconv.Itoa(2 * r.opts.FPS)}
}

func (r *Renderer) finalArgs(p *render.Plan) []string {
	return []string{"-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-movflags", "+faststart", "-t", secs(planLength(p))}
}

// renderSegments encodes every segment separately (bounded parallelism),
// joins the videos by stream copy and adds the soundtrack.
func (r *Renderer) renderSegments(ctx context.Context, p *render.Plan, work, font, out string) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.opts.Parallel)
	list := &strings.Builder{}
	for i := range p.Segments {
		in, err := r.segmentVideo(p, i, work, font)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("seg%03d.mp4", i)
		fmt.Fprintf(list, "file '%s'\n", name)
		args := append([]string{"-hide_banner", "-loglevel", "error", "-y"}, in.args...)
		args = append(args, "-filter_complex", "[0:v]"+in.chain+"[v]", "-map", "[v]", "-an")
		args = append(append(args, r.encodeArgs()...), name)
		g.Go(func() error {
			if _, err := r.run.run(gctx, execx.Cmd{Tool: "ffmpeg", Dir: work, Args: args}); err != nil {
				return fmt.Errorf("segment %d (%s): %w", i, p.Segments[i].Kind, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(work, "list.txt"), []byte(list.String()), 0o600); err != nil {
		return err
	}
	aargs, agraph := r.audioGraph(p, 1)
	args := []string{"-hide_banner", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", "list.txt"}
	args = append(args, aargs...)
	args = append(args, "-filter_complex", agraph, "-map", "0:v", "-map", "[aout]", "-c:v", "copy")
	args = append(append(args, r.finalArgs(p)...), out)
	_, err := r.run.run(ctx, execx.Cmd{Tool: "ffmpeg", Dir: work, Args: args})
	return err
}

// renderGraph encodes the whole plan in one ffmpeg run.
func (r *Renderer) renderGraph(ctx context.Context, p *render.Plan, work, font, out string) error {
	args := []string{"-hide_banner", "-loglevel", "error", "-y"}
	var graph []string
	var cat strings.Builder
	for i := range p.Segments {
		in, err := r.segmentVideo(p, i, work, font)
		if err != nil {
			return err
		}
		args = append(args, in.args...)
		graph = append(graph, fmt.Sprintf("[%d:v]%s[v%d]", i, in.chain, i))
		fmt.Fprintf(&cat, "[v%d]", i)
	}
	graph = append(graph, fmt.Sprintf("%sconcat=n=%d:v=1:a=0[vout]", cat.String(), len(p.Segments)))
	aargs, agraph := r.audioGraph(p, len(p.Segments))
	args = append(args, aargs...)
	graph = append(graph, agraph)
	args = append(args, "-filter_complex", strings.Join(graph, ";"), "-map", "[vout]", "-map", "[aout]")
	args = append(append(append(args, r.encodeArgs()...), r.finalArgs(p)...), out)
	_, err := r.run.run(ctx, execx.Cmd{Tool: "ffmpeg", Dir: work, Args: args})
	return err
}

// poster saves a frame from the first clip segment (or the first segment).
func (r *Renderer) poster(ctx context.Context, p *render.Plan, video, out string) error {
	s := p.Segments[0]
	for _, seg := range p.Segments {
		if seg.Kind == render.SegClip {
			s = seg
			break
		}
	}
	at := s.Start + min(time.Second, s.Duration/2)
	tmp := out + ".tmp.jpg"
	_, err := r.run.run(ctx, execx.Cmd{Tool: "ffmpeg", Args: []string{"-hide_banner", "-loglevel", "error", "-y",
		"-ss", secs(at), "-i", video, "-frames:v", "1", "-q:v", "3", tmp}})
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("poster of %s: %w", video, err)
	}
	return os.Rename(tmp, out)
}

func (r *Renderer) hls(ctx context.Context, video, playlist string) error {
	dir := filepath.Dir(playlist)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	_, err := r.run.run(ctx, execx.Cmd{Tool: "ffmpeg", Dir: dir, Args: []string{"-hide_banner", "-loglevel", "error", "-y",
		"-i", video, "-c", "copy", "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod",
		"-hls_segment_filename", "seg%03d.ts", filepath.Base(playlist)}})
	if err != nil {
		return fmt.Errorf("HLS of %s: %w", video, err)
	}
	return nil
}

// CaptionsVTT returns the plan's captions as WebVTT, on the walkthrough's
// time base.
func CaptionsVTT(p *render.Plan) string {
	var b strings.Builder
	b.WriteString("WEBVTT\n")
	n := 0
	for _, s := range p.Segments {
		for _, c := range segCaptions(s) {
			n++
			fmt.Fprintf(&b, "\n%d\n%s --> %s\n%s\n", n, vttTime(s.Start+c.Span.Start), vttTime(s.Start+c.Span.End), vttText(c.Text))
		}
	}
	return b.String()
}

// ChaptersVTT returns one WebVTT chapter cue per segment.
func ChaptersVTT(p *render.Plan) string {
	var b strings.Builder
	b.WriteString("WEBVTT\n")
	for i, s := range p.Segments {
		fmt.Fprintf(&b, "\n%d\n%s --> %s\n%s\n", i+1, vttTime(s.Start), vttTime(s.Start+s.Duration), vttText(ChapterTitle(p, i)))
	}
	return b.String()
}

// ChapterTitle names segment i for a chapter list.
func ChapterTitle(p *render.Plan, i int) string {
	s := p.Segments[i]
	switch {
	case s.Card != nil && s.Card.Title != "":
		return s.Card.Title
	case s.Kind == render.SegIntro:
		return p.Title
	case s.Badge != nil && s.Badge.File != "":
		return string(s.Badge.Kind) + ": " + s.Badge.File
	case s.Badge != nil:
		return string(s.Badge.Kind)
	}
	return fmt.Sprintf("Clip at %s", session.Clock(s.Source.Start))
}

func vttTime(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// vttText keeps a cue on its lines: "-->" and blank lines would end it.
func vttText(s string) string {
	s = strings.ReplaceAll(s, "-->", "->")
	s = strings.ReplaceAll(s, "&", "&amp;")
	s = strings.ReplaceAll(s, "<", "&lt;")
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

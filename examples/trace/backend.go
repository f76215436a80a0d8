package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/attribution"
	"github.com/tracepr/trace/internal/fsutil"
	"github.com/tracepr/trace/local"
	"github.com/tracepr/trace/render"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb"
)

// pipeline builds the Pipeline of the chosen backend (--backend, or the
// default from the environment) for session s:
//
//   - local: ffmpeg indexing (pocketsphinx speech, tesseract OCR), the
//     ffmpeg renderer, flite/espeak-ng voice (WAV files kept in the session
//     directory so a rerun reuses them) and the offline writer;
//   - videodb: the VideoDB indexer, editor renderer, generate_text writer
//     and generate_voice voice, with the key from VIDEO_DB_API_KEY.
//
// Agent logs are read from their default places (CLAUDE_CONFIG_DIR, CODEX_HOME,
// GEMINI_CLI_HOME…). Progress goes to stderr, one line per step.
func (a *app) pipeline(s *session.Session) (*trace.Pipeline, error) {
	log := evidenceLogger(a)
	p := &trace.Pipeline{Options: trace.Options{
		Agents:   attribution.DefaultDirs(nil).Sources(log),
		Logger:   log,
		Progress: a.progress(),
	}}
	switch a.backendName() {
	case "videodb":
		c, err := a.videodbClient(log)
		if err != nil {
			return nil, err
		}
		p.Indexer = videodb.NewIndexer(c, videodbIndexerOptions(log))
		p.Renderer = videodb.NewRenderer(c, videodb.RendererOptions{Logger: log})
		p.Writer = videodb.NewWriter(c, "")
		p.Voice = videodb.NewVoice(c, videodb.VoiceOptions{})
	default:
		p.Indexer = local.NewIndexer(local.Options{Logger: log})
		p.Renderer = local.NewRenderer(local.RendererOptions{Logger: log})
		p.Voice = local.NewVoice(local.VoiceOptions{Dir: s.Path("local", "voice"), Logger: log})
		// Writer nil: narrate's offline writer.
	}
	return p, nil
}

func (a *app) backendName() string {
	if a.backend == "" {
		return defaultBackend()
	}
	return a.backend
}

// progress prints pipeline events on stderr as lines: a step starting,
// finishing (with its time), skipped because it was done before, and
// "n/total" for steps that count units.
func (a *app) progress() func(trace.Event) {
	w := a.stderr
	if w == nil {
		w = io.Discard
	}
	var mu sync.Mutex
	return func(e trace.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e.State {
		case trace.StateStart:
			fmt.Fprintf(w, "  %-40s …\n", e.Step)
		case trace.StateDone:
			fmt.Fprintf(w, "  %-40s done in %s\n", e.Step, e.Elapsed.Round(10*time.Millisecond))
		case trace.StateSkipped:
			fmt.Fprintf(w, "  %-40s done before, reused\n", e.Step)
		case trace.StateProgress:
			fmt.Fprintf(w, "  %-40s %d/%d\n", e.Step, e.Done, e.Total)
		case trace.StateFailed:
			fmt.Fprintf(w, "  %-40s failed: %s\n", e.Step, e.Message)
		}
	}
}

// hostInFolder returns a Pipeline.Host that copies the rendered video and
// its poster, captions and chapters into dir, and links them by their names
// (relative to dir, where the folder sink writes the markdown and the report
// page). A file already there with the same size is kept.
func hostInFolder(dir string) func(ctx context.Context, s *session.Session, out render.Output) (render.Output, error) {
	return func(ctx context.Context, s *session.Session, out render.Output) (render.Output, error) {
		if err := fsutil.MkdirPrivate(dir); err != nil {
			return out, fmt.Errorf("create %s: %w: choose a writable --out folder", dir, err)
		}
		if out.Video.Path != "" {
			// The chapters sidecar of the local renderer sits beside the video.
			ch := filepath.Join(filepath.Dir(out.Video.Path), local.RenderChapters)
			if _, err := os.Stat(ch); err == nil {
				if err := copyFile(ch, filepath.Join(dir, local.RenderChapters)); err != nil {
					return out, err
				}
			}
		}
		for _, m := range []*session.Media{&out.Video, &out.Poster, &out.Captions} {
			if m.Path == "" {
				continue
			}
			name := filepath.Base(m.Path)
			if err := copyFile(m.Path, filepath.Join(dir, name)); err != nil {
				return out, err
			}
			m.Path = name
		}
		return out, nil
	}
}

// copyFile copies src to dst atomically, unless dst already has src's size
// and is not older.
func copyFile(src, dst string) error {
	si, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if di, err := os.Stat(dst); err == nil && di.Size() == si.Size() && !di.ModTime().Before(si.ModTime()) {
		return nil
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := fsutil.WriteFile(dst, b, 0o644); err != nil {
		return fmt.Errorf("copy %s to %s: %w: choose a writable --out folder", src, dst, err)
	}
	return nil
}

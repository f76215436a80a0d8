package local

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/session"
)

// frame is one sampled picture of the screen.
type frame struct {
	At   time.Duration `json:"-"`
	File string        `json:"file"` // relative to the frames directory
	Text string        `json:"text,omitempty"`
}

type frameWire struct {
	At   float64 `json:"t"`
	File string  `json:"file"`
	Text string  `json:"text,omitempty"`
}

func (f frame) MarshalJSON() ([]byte, error) {
	return json.Marshal(frameWire{session.Seconds(f.At), f.File, f.Text})
}

func (f *frame) UnmarshalJSON(b []byte) error {
	var w frameWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*f = frame{At: session.FromSeconds(w.At), File: w.File, Text: w.Text}
	return nil
}

// sampleFrames writes a frame at the start, at every scene change and at
// least every interval, scaled up for OCR, into dir, and returns them with
// their times. One ffmpeg pass does the whole recording.
func (ix *Indexer) sampleFrames(ctx context.Context, rec, dir string) ([]frame, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	o := ix.opts
	sel := fmt.Sprintf("select='isnan(prev_selected_t)+gt(scene,%g)+gte(t-prev_selected_t,%g)'", o.SceneThreshold, o.FrameInterval.Seconds())
	scale := fmt.Sprintf("scale='min(iw*%d,%d)':-2:flags=bicubic,format=gray", o.OCRScale, o.OCRMaxWidth)
	graph := sel + ",metadata=mode=print:file=frames.txt," + scale
	_, err := ix.run.run(ctx, execx.Cmd{Tool: "ffmpeg", Dir: dir, Args: []string{
		"-hide_banner", "-loglevel", "error", "-y", "-i", rec, "-an",
		"-vf", graph, "-fps_mode", "vfr", "f%05d.png",
	}})
	if err != nil {
		return nil, fmt.Errorf("sample frames of %s: %w", rec, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "frames.txt"))
	if err != nil {
		return nil, fmt.Errorf("sample frames of %s: %w", rec, err)
	}
	times := parseFrameTimes(string(b))
	var out []frame
	for i, t := range times {
		name := fmt.Sprintf("f%05d.png", i+1)
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			break
		}
		out = append(out, frame{At: t, File: name})
	}
	return out, nil
}

// parseFrameTimes reads the pts_time of each "frame:N pts:P pts_time:T"
// line printed by ffmpeg's metadata filter.
func parseFrameTimes(s string) []time.Duration {
	var out []time.Duration
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(l, "frame:") {
			continue
		}
		for _, f := range strings.Fields(l) {
			if v, ok := strings.CutPrefix(f, "pts_time:"); ok {
				if t, err := strconv.ParseFloat(v, 64); err == nil && t >= 0 {
					out = append(out, session.FromSeconds(t))
				}
			}
		}
	}
	return out
}

// ocrFrames reads every frame with tesseract, one thread per process and
// at most opts.OCRWorkers processes at once.
func (ix *Indexer) ocrFrames(ctx context.Context, dir string, frames []frame) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(ix.opts.OCRWorkers)
	for i := range frames {
		g.Go(func() error {
			out, err := ix.run.run(ctx, execx.Cmd{
				Tool: "tesseract", Dir: dir, Env: []string{"OMP_THREAD_LIMIT=1"},
				Args: []string{frames[i].File, "stdout", "--psm", "6", "-l", ix.opts.OCRLanguage},
			})
			if err != nil {
				return fmt.Errorf("read frame %s at %s: %w", frames[i].File, session.Clock(frames[i].At), err)
			}
			frames[i].Text = redact.String(cleanOCR(string(out)))
			return nil
		})
	}
	return g.Wait()
}

// cleanOCR drops empty lines and trailing space, and lines of pure noise.
func cleanOCR(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimRight(l, " \t\r\f")
		if strings.TrimSpace(l) == "" {
			continue
		}
		alnum := 0
		for _, c := range l {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				alnum++
			}
		}
		if alnum == 0 {
			continue
		}
		lines = append(lines, l)
	}
	return ocrSpacedUnderscore.ReplaceAllString(strings.Join(lines, "\n"), "${1}_$2")
}

// ocrSpacedUnderscore finds the space tesseract often puts before or after
// an underscore in code fonts ("config _test.go").
var ocrSpacedUnderscore = regexp.MustCompile(`(\w) ?_ ?(\w)`)

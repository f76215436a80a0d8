package local

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/session"
)

// runner runs external tools through execx and counts the runs per tool, so
// callers (and tests) can see what a step really did.
type runner struct {
	log    *slog.Logger
	mu     sync.Mutex
	counts map[string]int
}

func newRunner(log *slog.Logger) *runner {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &runner{log: log, counts: map[string]int{}}
}

func (r *runner) run(ctx context.Context, c execx.Cmd) ([]byte, error) {
	r.mu.Lock()
	r.counts[c.Tool]++
	r.mu.Unlock()
	start := time.Now()
	out, err := execx.Run(ctx, c)
	r.log.Debug("ran tool", "tool", c.Tool, "args", len(c.Args), "took", time.Since(start), "err", err)
	return out, err
}

// snapshot returns a copy of the run counts.
func (r *runner) snapshot() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := make(map[string]int, len(r.counts))
	for k, v := range r.counts {
		m[k] = v
	}
	return m
}

// probeInfo is what ffprobe says about a media file.
type probeInfo struct {
	Duration time.Duration
	HasVideo bool
	HasAudio bool
	Width    int
	Height   int
}

// probe reads a file's duration and streams with ffprobe.
func (r *runner) probe(ctx context.Context, path string) (probeInfo, error) {
	out, err := r.run(ctx, execx.Cmd{Tool: "ffprobe", Args: []string{
		"-v", "error", "-show_entries", "format=duration:stream=codec_type,width,height",
		"-of", "json", path,
	}})
	if err != nil {
		return probeInfo{}, fmt.Errorf("read media %s: %w", path, err)
	}
	var w struct {
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
		Streams []struct {
			CodecType string `json:"codec_type"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &w); err != nil {
		return probeInfo{}, fmt.Errorf("read media %s: ffprobe output not understood (%v): check the file plays", path, err)
	}
	var pi probeInfo
	if d, err := strconv.ParseFloat(w.Format.Duration, 64); err == nil {
		pi.Duration = session.FromSeconds(d)
	}
	for _, s := range w.Streams {
		switch s.CodecType {
		case "video":
			if !pi.HasVideo {
				pi.Width, pi.Height = s.Width, s.Height
			}
			pi.HasVideo = true
		case "audio":
			pi.HasAudio = true
		}
	}
	return pi, nil
}

// fontCandidates are fonts tried, in order, for drawtext.
var fontCandidates = []string{
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/TTF/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
	"/usr/share/fonts/truetype/freefont/FreeSans.ttf",
	"/Library/Fonts/Arial.ttf",
	"/System/Library/Fonts/Supplemental/Arial.ttf",
	"C:/Windows/Fonts/arial.ttf",
}

// findFont returns the first usable font file: want if it exists, else a
// known system font. It fails with the fix when there is none.
func findFont(want string) (string, error) {
	if want != "" {
		if _, err := os.Stat(want); err != nil {
			return "", fmt.Errorf("font %s not found: set RendererOptions.Font to an existing .ttf file", want)
		}
		return want, nil
	}
	for _, f := range fontCandidates {
		if _, err := os.Stat(f); err == nil {
			return f, nil
		}
	}
	return "", fmt.Errorf("no font found for title cards (tried %s): install fonts-dejavu-core or set RendererOptions.Font", strings.Join(fontCandidates[:2], ", "))
}

// filterQuote quotes a value for an ffmpeg filter option inside a filter
// graph: the value is single-quoted at the option level and every character
// special to the graph parser is escaped again.
func filterQuote(v string) string {
	// Option level: inside '...', only ' ends the quote; write it as '\''.
	lvl1 := "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
	// Graph level: escape the characters the graph parser treats specially.
	var b strings.Builder
	for _, c := range lvl1 {
		switch c {
		case '\\', '\'', '[', ']', ',', ';':
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// secs formats a duration as seconds for ffmpeg arguments.
func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

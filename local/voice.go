package local

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/fsutil"
	"github.com/tracepr/trace/session"
)

// Voice engines, in the order NewVoice tries them.
const (
	EngineFFmpegFlite = "ffmpeg-flite" // the flite source filter inside ffmpeg
	EngineFlite       = "flite"        // the flite command
	EngineEspeak      = "espeak-ng"    // the espeak-ng command
)

// VoiceOptions configure a Voice. The zero value picks the first engine
// available and writes into a temporary directory.
type VoiceOptions struct {
	// Dir receives the WAV files (default: a new directory under os.TempDir).
	Dir string
	// Engine forces one engine (EngineFFmpegFlite, EngineFlite, EngineEspeak).
	Engine string
	// FliteVoice is the flite voice name (default "slt").
	FliteVoice string
	// Logger receives debug logs; nil discards them.
	Logger *slog.Logger
}

// Voice speaks text offline with flite or espeak-ng. It implements
// narrate.Voice. Speaking the same text twice reuses the first file.
type Voice struct {
	opts VoiceOptions
	run  *runner
	once sync.Once
	eng  string
	err  error
}

// NewVoice returns a Voice; the engine is chosen on first use.
func NewVoice(opts VoiceOptions) *Voice {
	if opts.FliteVoice == "" {
		opts.FliteVoice = "slt"
	}
	return &Voice{opts: opts, run: newRunner(opts.Logger)}
}

// ErrNoVoice is wrapped when no speech engine is installed.
var ErrNoVoice = errors.New("no offline speech engine")

// Engine returns the engine Speak uses, choosing it if needed.
func (v *Voice) Engine(ctx context.Context) (string, error) {
	v.once.Do(func() { v.eng, v.err = v.pick(ctx) })
	return v.eng, v.err
}

func (v *Voice) pick(ctx context.Context) (string, error) {
	if v.opts.Engine != "" {
		switch v.opts.Engine {
		case EngineFFmpegFlite, EngineFlite, EngineEspeak:
			return v.opts.Engine, nil
		}
		return "", fmt.Errorf("voice engine %q unknown: use %s, %s or %s", v.opts.Engine, EngineFFmpegFlite, EngineFlite, EngineEspeak)
	}
	if hasFilter(ctx, v.run, "flite") {
		return EngineFFmpegFlite, nil
	}
	if _, err := execx.Look("flite"); err == nil {
		return EngineFlite, nil
	}
	if _, err := execx.Look("espeak-ng"); err == nil {
		return EngineEspeak, nil
	}
	return "", fmt.Errorf("install flite or espeak-ng (%s): %w", execx.InstallHint("espeak-ng"), ErrNoVoice)
}

// Speak synthesises text into a WAV file and returns it with its measured
// duration. The text goes to the engine through a file, never through a
// command line or a filter graph, so any character is safe.
func (v *Voice) Speak(ctx context.Context, text string) (session.Media, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return session.Media{}, fmt.Errorf("speak: empty text: give the narration some words")
	}
	eng, err := v.Engine(ctx)
	if err != nil {
		return session.Media{}, err
	}
	dir := v.opts.Dir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "trace-voice")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return session.Media{}, fmt.Errorf("voice directory %s: %w", dir, err)
	}
	sum := sha256.Sum256([]byte(eng + "\x00" + v.opts.FliteVoice + "\x00" + text))
	id := hex.EncodeToString(sum[:8])
	out := filepath.Join(dir, "voice-"+id+".wav")
	if _, err := os.Stat(out); err != nil {
		if err := v.synth(ctx, eng, dir, id, text, out); err != nil {
			return session.Media{}, err
		}
	}
	pi, err := v.run.probe(ctx, out)
	if err != nil {
		return session.Media{}, err
	}
	return session.Media{Path: out, ID: id, Duration: pi.Duration}, nil
}

func (v *Voice) synth(ctx context.Context, eng, dir, id, text, out string) error {
	txt := "voice-" + id + ".txt"
	if err := fsutil.WriteFile(filepath.Join(dir, txt), []byte(text+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(filepath.Join(dir, txt))
	tmp := "voice-" + id + ".tmp.wav"
	var c execx.Cmd
	switch eng {
	case EngineFFmpegFlite:
		c = execx.Cmd{Tool: "ffmpeg", Dir: dir, Args: []string{"-hide_banner", "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", "flite=textfile=" + txt + ":voice=" + v.opts.FliteVoice, tmp}}
	case EngineFlite:
		c = execx.Cmd{Tool: "flite", Dir: dir, Args: []string{"-voice", v.opts.FliteVoice, "-f", txt, "-o", tmp}}
	case EngineEspeak:
		c = execx.Cmd{Tool: "espeak-ng", Dir: dir, Args: []string{"-s", "160", "-f", txt, "-w", tmp}}
	}
	if _, err := v.run.run(ctx, c); err != nil {
		os.Remove(filepath.Join(dir, tmp))
		return fmt.Errorf("speak with %s: %w", eng, err)
	}
	if err := os.Rename(filepath.Join(dir, tmp), out); err != nil {
		return fmt.Errorf("speak: %w", err)
	}
	return nil
}

package capture

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tracepr/trace/internal/execx"
)

// WF records a wlroots Wayland compositor (Sway, Hyprland, river…) with
// wf-recorder, mic included (-a, PulseAudio). It writes Matroska, which a
// killed recorder leaves playable, and remuxes it to MP4 on Stop.
// Debian 12 ships wf-recorder 0.3, whose flags this uses.
type WF struct {
	Options
}

// Name returns "wf-recorder".
func (w *WF) Name() string { return WFRecorder }

// rawName is the Matroska file wf-recorder writes before the final remux.
func rawName(output string) string {
	return strings.TrimSuffix(output, filepath.Ext(output)) + ".mkv"
}

// Args returns wf-recorder's argument list for req.
func (w *WF) Args(req Request) ([]string, error) {
	req = req.withDefaults()
	if len(req.AudioInput) > 0 || len(req.VideoInput) > 0 {
		return nil, fmt.Errorf("wf-recorder takes no ffmpeg input override: drop --audio-input, or record the Xwayland display with --recorder x11grab")
	}
	if req.Segment > 0 {
		return nil, fmt.Errorf("live chunks need the ffmpeg recorders; wf-recorder cannot cut them: drop --live, or use --recorder x11grab")
	}
	preset := w.Preset
	if preset == "" {
		preset = "ultrafast"
	}
	args := []string{"-c", "libx264", "-p", "preset=" + preset, "-p", "crf=" + strconv.Itoa(req.CRF),
		"-x", "yuv420p", "-r", strconv.Itoa(req.FPS), "-m", "matroska"}
	if req.Display != "" {
		args = append(args, "-o", req.Display)
	}
	if req.Audio {
		if w.Mic != "" {
			args = append(args, "-a"+w.Mic)
		} else {
			args = append(args, "-a")
		}
	}
	return append(args, "-f", rawName(req.Output)), nil
}

// Start runs wf-recorder and returns once its file has data.
func (w *WF) Start(ctx context.Context, req Request) (Handle, error) {
	req = req.withDefaults()
	args, err := w.Args(req)
	if err != nil {
		return nil, err
	}
	path, err := execx.Look("wf-recorder")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = req.Dir
	setProcAttr(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = io.Discard
	raw := filepath.Join(req.Dir, rawName(req.Output))
	final := filepath.Join(req.Dir, req.Output)
	h := &procHandle{
		name: WFRecorder, out: final, dir: req.Dir,
		stopTimeout: durOr(w.StopTimeout, 15*time.Second),
		log:         w.logger(),
		done:        make(chan struct{}),
		firstFrame:  make(chan struct{}),
		bannerSeen:  make(chan struct{}),
		started:     time.Now(),
	}
	var once sync.Once
	// wf-recorder stops on exactly one SIGINT (several make it abort).
	h.quit = func() error {
		var err error
		once.Do(func() { err = cmd.Process.Signal(os.Interrupt) })
		return err
	}
	h.kill = func() error { return cmd.Process.Kill() }
	h.finish = func(ctx context.Context) error {
		_, err := execx.Output(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", raw, "-c", "copy", "-movflags", "+faststart", final)
		if err != nil {
			// The Matroska file is still playable: keep it as the recording.
			h.out = raw
			return nil
		}
		os.Remove(raw)
		return nil
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start wf-recorder: %w", err)
	}
	h.pid = cmd.Process.Pid
	go func() {
		h.readStderr(stderr, w.Log)
		h.exited(cmd.Wait())
	}()
	// wf-recorder prints no frame times: the epoch is when its file first
	// holds data, less one frame (an estimate, good to about a frame).
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.done:
				return
			case <-t.C:
				if st, err := os.Stat(raw); err == nil && st.Size() > 0 {
					h.setEpoch(time.Now().Add(-time.Second / time.Duration(req.FPS)))
					return
				}
			}
		}
	}()
	return h.waitStarted(ctx, durOr(w.StartTimeout, 20*time.Second))
}

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/session"
)

// recordSpec is what `trace start` asks the recording process to do. It
// is written to the session directory, so the detached process (and a
// later look at the session) knows how it was recorded.
type recordSpec struct {
	Recorder   string   `json:"recorder"`
	Reason     string   `json:"reason,omitempty"`
	Project    string   `json:"project,omitempty"`
	FPS        int      `json:"fps"`
	Audio      bool     `json:"audio"`
	AudioInput []string `json:"audio_input,omitempty"`
	Live       bool     `json:"live,omitempty"`
	Chunk      float64  `json:"chunk_seconds,omitempty"`
	Display    string   `json:"display,omitempty"`
}

// fileRecordSpec holds the recordSpec in the session directory.
const fileRecordSpec = "capture.json"

func (a *app) startCommand() *cobra.Command {
	var (
		spec       recordSpec
		noMic      bool
		foreground bool
		audioInput string
		chunk      time.Duration
	)
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Start recording a session (screen, mic, file saves, active window) in the background",
		Long: `Start recording a coding session. The recorder runs in a background process
(its log is recorder.log in the session directory) and this command returns
with the session id; finish with ` + "`trace stop`" + `. With --foreground it stays
attached, and Ctrl-C finishes the recording properly.

The recorder is picked from the desktop (X11: ffmpeg x11grab; wlroots
Wayland: wf-recorder; macOS: avfoundation; Windows: gdigrab); ` + "`trace doctor`" + `
says which one and why, and --recorder overrides it.`,
		Example: `  trace start --project .
  trace start --foreground --no-mic
  trace start --audio-input "-f pulse -i alsa_input.usb-mic"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.openStore()
			if err != nil {
				return err
			}
			if s, pid := activeRecording(st); s != nil {
				return withCode(exitConflict, fmt.Errorf("session %s is already recording (process %d): stop it with `trace stop %s` first", s.ID(), pid, s.ID()))
			}
			if spec.Recorder == "" {
				choice, err := capture.Detect(capture.EnvFromOS())
				if err != nil {
					return withCode(exitConfig, err)
				}
				spec.Recorder, spec.Reason = choice.Name, choice.Reason
			} else if _, err := capture.New(spec.Recorder, capture.Options{}); err != nil {
				return usageError{"--recorder: " + err.Error()}
			}
			for _, tool := range recorderTools(spec.Recorder) {
				if _, err := execx.Look(tool); err != nil {
					return withCode(exitConfig, err)
				}
			}
			if spec.Project != "" {
				abs, err := filepath.Abs(spec.Project)
				if err != nil {
					return err
				}
				if st, err := os.Stat(abs); err != nil || !st.IsDir() {
					return usageError{fmt.Sprintf("--project %s is not a directory: pass the project you are working on", spec.Project)}
				}
				spec.Project = abs
			}
			spec.Audio = !noMic
			spec.AudioInput = strings.Fields(audioInput)
			if spec.Live {
				if err := a.checkLive(); err != nil {
					return withCode(exitConfig, err)
				}
				spec.Chunk = chunk.Seconds()
			}
			s, err := st.Create(session.CreateOptions{ProjectDir: spec.Project, Backend: a.backend})
			if err != nil {
				return err
			}
			s.Meta.Recorder = spec.Recorder
			s.Meta.Live = spec.Live
			if err := s.Save(); err != nil {
				return err
			}
			if err := s.WriteJSON(fileRecordSpec, spec); err != nil {
				return err
			}
			if foreground {
				return a.recordForeground(ctx, s, spec)
			}
			return a.startDetached(ctx, s, spec)
		},
	}
	f := cmd.Flags()
	f.StringVar(&spec.Project, "project", ".", "project directory whose file saves are logged (\"\" for none)")
	f.BoolVar(&spec.Live, "live", false, "upload closed chunks of the recording while you work")
	f.BoolVar(&noMic, "no-mic", false, "do not record the microphone")
	f.BoolVar(&foreground, "foreground", false, "record in this process; Ctrl-C finishes the recording")
	f.IntVar(&spec.FPS, "fps", capture.DefaultFPS, "frames per second")
	f.StringVar(&spec.Recorder, "recorder", "", "recorder to use: "+strings.Join(capture.Backends(), ", ")+" (default: picked from the desktop)")
	f.StringVar(&audioInput, "audio-input", "", "ffmpeg input arguments for the audio instead of the default mic (space-separated, e.g. \"-f pulse -i SOURCE\")")
	f.StringVar(&spec.Display, "display", "", "X11 display, macOS screen or Windows capture target (default from the environment)")
	f.DurationVar(&chunk, "chunk", 15*time.Second, "length of each live chunk (with --live)")
	return cmd
}

// recorderTools lists the programs a recorder needs.
func recorderTools(name string) []string {
	if name == capture.WFRecorder {
		return []string{"wf-recorder", "ffmpeg", "ffprobe"}
	}
	return []string{"ffmpeg", "ffprobe"}
}

// activeRecording returns a session whose recording process is alive.
func activeRecording(st *session.Store) (*session.Session, int) {
	list, err := st.List()
	if err != nil {
		return nil, 0
	}
	for i := len(list.Sessions) - 1; i >= 0; i-- {
		s := list.Sessions[i]
		if s.Meta.Status != session.StatusRecording {
			continue
		}
		if pid, ok := capture.Recording(s, time.Now()); ok {
			return s, pid
		}
	}
	return nil, 0
}

// startDetached runs the recording in a detached copy of this program and
// returns once it records (or fails with its reason).
func (a *app) startDetached(ctx context.Context, s *session.Session, spec recordSpec) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the trace program to run the recorder: %w", err)
	}
	logf, err := os.OpenFile(s.Path(capture.FileRecorderLog), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	args := []string{"--home", a.home, "--backend", a.backend, "-v", recordCommandName, s.ID()}
	child := exec.Command(exe, args...)
	child.Stdout, child.Stderr = logf, logf
	child.Dir = s.Dir
	detach(child)
	if err := child.Start(); err != nil {
		return fmt.Errorf("start the recording process: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	deadline := time.NewTimer(45 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			capture.RequestStop(s)
			return ctx.Err()
		case err := <-exited:
			s.Reload()
			reason := s.Meta.Error
			if reason == "" {
				reason = fmt.Sprintf("it exited (%v); see %s", err, s.Path(capture.FileRecorderLog))
			}
			return fmt.Errorf("the recorder did not start: %s", reason)
		case <-deadline.C:
			capture.RequestStop(s)
			return fmt.Errorf("the recorder did not record a frame within 45s; see %s, then run `trace stop %s`", s.Path(capture.FileRecorderLog), s.ID())
		case <-tick.C:
			if err := s.Reload(); err != nil || s.Meta.Epoch.IsZero() {
				continue
			}
			pid, _ := capture.Running(s)
			if a.json {
				return a.printJSON(map[string]any{"session": s.ID(), "status": s.Meta.Status, "pid": pid, "recorder": spec.Recorder,
					"reason": spec.Reason, "epoch": s.Meta.Epoch, "dir": s.Dir, "audio": spec.Audio, "live": spec.Live})
			}
			fmt.Fprintf(a.stdout, "%s\n", s.ID())
			fmt.Fprintf(a.stderr, "recording session %s with %s (process %d); finish with `trace stop`\n", s.ID(), spec.Recorder, pid)
			return nil
		}
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/session"
)

// recordCommandName is the hidden command `trace start` runs detached.
const recordCommandName = "__record"

func (a *app) recordCommand() *cobra.Command {
	return &cobra.Command{
		Use:    recordCommandName + " SESSION",
		Short:  "Run a session's recording (started by `trace start`)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore()
			if err != nil {
				return err
			}
			s, err := st.Get(args[0])
			if err != nil {
				return err
			}
			var spec recordSpec
			if err := s.ReadJSON(fileRecordSpec, &spec); err != nil {
				return err
			}
			_, err = a.record(cmd.Context(), s, spec, a.log, os.Stderr)
			return err
		},
	}
}

// record runs the whole recording of s until it is stopped (stop file,
// ctx) or the recorder dies.
func (a *app) record(ctx context.Context, s *session.Session, spec recordSpec, log *slog.Logger, ffLog io.Writer) (capture.Result, error) {
	env := capture.EnvFromOS()
	rec, err := capture.New(spec.Recorder, capture.Options{Log: ffLog, Logger: log, Env: &env})
	if err != nil {
		return capture.Result{}, err
	}
	cfg := capture.Config{
		Recorder: rec,
		Request:  capture.Request{FPS: spec.FPS, Audio: spec.Audio, AudioInput: spec.AudioInput, Display: spec.Display},
		Project:  spec.Project,
		Logger:   log,
	}
	if spec.Live {
		up, err := a.liveUploader(ctx, s)
		if err != nil {
			return capture.Result{}, err
		}
		cfg.Uploader = up
		cfg.Request.Segment = time.Duration(spec.Chunk * float64(time.Second))
	}
	if src, name, err := capture.DetectWindowSource(env); err == nil {
		cfg.Windows = src
		log.Info("active window source", "source", name)
	} else {
		log.Info("active window not recorded", "why", err)
	}
	res, err := capture.Record(ctx, s, cfg)
	if err != nil {
		return res, fmt.Errorf("session %s: %w", s.ID(), err)
	}
	return res, nil
}

// recordForeground records in this process, printing where the log goes;
// Ctrl-C (ctx) finishes the recording and leaves a captured session.
func (a *app) recordForeground(ctx context.Context, s *session.Session, spec recordSpec) error {
	logf, err := os.OpenFile(s.Path(capture.FileRecorderLog), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(a.stderr, "recording session %s with %s; press Ctrl-C to finish\n", s.ID(), spec.Recorder)
	res, err := a.record(ctx, s, spec, a.log, logf)
	if err != nil {
		return err
	}
	return a.printCaptured(s, res.Path, false)
}

// printCaptured reports a captured session.
func (a *app) printCaptured(s *session.Session, path string, recovered bool) error {
	m := s.Meta
	if a.json {
		return a.printJSON(map[string]any{"session": m.ID, "status": m.Status, "epoch": m.Epoch, "length": session.Seconds(m.Length),
			"mic": m.Mic, "recorder": m.Recorder, "recording": path, "recovered": recovered, "dir": s.Dir})
	}
	mic := "no audio"
	if m.Mic {
		mic = "with audio"
	}
	note := ""
	if recovered {
		note = " (recovered after the recorder died)"
	}
	fmt.Fprintf(a.stdout, "session %s captured%s: %s, %s, %s\n", m.ID, note, session.Clock(m.Length), mic, path)
	return nil
}

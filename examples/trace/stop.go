package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/session"
)

func (a *app) stopCommand() *cobra.Command {
	var (
		skipIndex bool
		timeout   time.Duration
	)
	cmd := &cobra.Command{
		Use:   "stop [SESSION]",
		Short: "Finish a recording, index it and build its timeline (recovers one whose recorder died)",
		Long: `Ask the recording process to finish (through a stop file in the session
directory, so it works the same on every OS), wait for a playable file, and
mark the session captured with its measured length and epoch. When the
recorder died (crash, kill, reboot), stop recovers what it wrote: the
recording is fragmented, so all but the last second or so plays.

Then the session is indexed on the chosen backend (speech to text, what the
screen showed, a search index) and its timeline is built, so ` + "`trace generate`" + `
can follow. --skip-index stops after the capture; running stop again later
indexes then. Indexing is resumable: what was done is not done again.

Without SESSION, the session being recorded (or else the latest) is used.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := a.stopTarget(args)
			if err != nil {
				return err
			}
			recovered := false
			switch s.Meta.Status {
			case session.StatusRecording, session.StatusCaptureFailed:
				recovered, err = a.finishRecording(ctx, s, timeout)
				if err != nil {
					return err
				}
			default:
				if !a.json {
					fmt.Fprintf(a.stderr, "session %s was already stopped (%s)\n", s.ID(), s.Meta.Status)
				}
			}
			if err := a.printCaptured(s, s.Path(recordingName(s)), recovered); err != nil {
				return err
			}
			return a.afterCapture(ctx, s, skipIndex)
		},
	}
	cmd.Flags().BoolVar(&skipIndex, "skip-index", false, "only finish the recording; do not index it")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Minute, "how long to wait for the recorder to finish its file (and, with --live, its last chunk uploads)")
	return cmd
}

func recordingName(s *session.Session) string {
	if s.Meta.Recording != "" {
		return s.Meta.Recording
	}
	return capture.DefaultOutput
}

// stopTarget is the named session, or the one being recorded, or the latest.
func (a *app) stopTarget(args []string) (*session.Session, error) {
	if len(args) == 1 && args[0] != "latest" {
		return a.session(args[0])
	}
	st, err := a.openStore()
	if err != nil {
		return nil, err
	}
	if s, _ := activeRecording(st); s != nil {
		return s, nil
	}
	list, err := st.List()
	if err != nil {
		return nil, err
	}
	for i := len(list.Sessions) - 1; i >= 0; i-- {
		if list.Sessions[i].Meta.Status == session.StatusRecording {
			return list.Sessions[i], nil
		}
	}
	return a.session("")
}

// finishRecording stops a live recorder, or recovers the session when its
// recorder is gone. It reports whether the session was recovered.
func (a *app) finishRecording(ctx context.Context, s *session.Session, timeout time.Duration) (bool, error) {
	pid, alive := capture.Running(s)
	if alive {
		if err := capture.RequestStop(s); err != nil {
			return false, err
		}
		if !a.json {
			fmt.Fprintf(a.stderr, "stopping session %s (process %d)…\n", s.ID(), pid)
		}
		deadline := time.NewTimer(timeout)
		defer deadline.Stop()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
	wait:
		for {
			select {
			case <-ctx.Done():
				return false, ctx.Err()
			case <-deadline.C:
				if _, fresh := capture.Recording(s, time.Now()); !fresh {
					return false, withCode(exitConflict, fmt.Errorf("process %d holds session %s's lock but writes no heartbeat: if it is not trace's recorder (a pid reused after a reboot), delete %s and run `trace stop %s` again to recover the file", pid, s.ID(), s.Path(session.FileLock), s.ID()))
				}
				return false, fmt.Errorf("the recorder of session %s (process %d) did not finish within %s: wait and run `trace stop %s` again, or end process %d and run it again to recover the file", s.ID(), pid, timeout, s.ID(), pid)
			case <-tick.C:
				if err := s.Reload(); err == nil && s.Meta.Status != session.StatusRecording {
					break wait
				}
				if _, alive := capture.Running(s); !alive {
					s.Reload()
					break wait
				}
			}
		}
		if s.Meta.Status == session.StatusCaptured {
			return false, nil
		}
	} else if hb, err := capture.ReadHeartbeat(s.Path(session.FileHeartbeat)); err == nil && !a.json {
		fmt.Fprintf(a.stderr, "the recorder of session %s is not running (last heartbeat %s ago): recovering what it wrote\n",
			s.ID(), time.Since(hb.UpdatedAt).Round(time.Second))
	}
	if _, err := capture.Recover(ctx, s); err != nil {
		var le *session.LockedError
		if errors.As(err, &le) {
			return false, withCode(exitConflict, err)
		}
		if errors.Is(err, capture.ErrNotPlayable) {
			return false, withCode(exitConflict, err)
		}
		return false, err
	}
	return true, nil
}

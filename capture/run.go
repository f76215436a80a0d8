package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tracepr/trace/internal/fsutil"
	"github.com/tracepr/trace/session"
)

// Files a recording process keeps in the session directory, besides the
// recording, session.FileSaves, FileWindows, FileHeartbeat and FileChunks.
const (
	// FileStop asks the recording process to finish: `trace stop` writes
	// it, the process polls for it. It works the same on every OS.
	FileStop = "stop"
	// FileRecorderLog holds the recorder's own output.
	FileRecorderLog = "recorder.log"
)

// Config says what Record runs besides the recorder. The zero value of
// each optional part turns it off.
type Config struct {
	Recorder Recorder
	Request  Request // Dir is set to the session directory
	// Project is the directory whose saves are logged; "" logs none.
	Project string
	// Ignore overrides the SaveWatcher's git-ignore check.
	Ignore   Ignorer
	Debounce time.Duration
	// Windows reads the active window; nil logs none.
	Windows    WindowSource
	WindowPoll time.Duration
	// Uploader receives live chunks (Request.Segment must be > 0).
	Uploader ChunkUploader
	// UploadWait bounds how long Record waits, after the recorder stopped,
	// for the last chunk's upload; default 2 minutes.
	UploadWait time.Duration
	Heartbeat  time.Duration // default DefaultHeartbeat
	// StopPoll is how often the stop file is looked for; default 250ms.
	StopPoll time.Duration
	// Started, when set, is called once the first frame is recorded.
	Started func(h Handle)
	Logger  *slog.Logger
}

// Record records a session from start to finish: it takes the session's
// lock, starts the recorder, stores the epoch at once (so a crash can be
// recovered), runs the save watcher, window poller, heartbeat and live
// uploads, and waits until ctx ends, the stop file appears (RequestStop)
// or the recorder dies. Then it stops everything cleanly, stores the
// measured length and whether audio was recorded, and marks the session
// captured (or capture_failed when no playable file exists).
func Record(ctx context.Context, s *session.Session, cfg Config) (Result, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Recorder == nil {
		return Result{}, errors.New("capture: Config.Recorder is nil")
	}
	unlock, err := s.Lock()
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	os.Remove(s.Path(FileStop))

	req := cfg.Request
	req.Dir = s.Dir
	req = req.withDefaults()
	if cfg.Uploader != nil && req.Segment <= 0 {
		req.Segment = 15 * time.Second
	}
	// The recorder is stopped below, in order; it must not see ctx end first.
	h, err := cfg.Recorder.Start(context.WithoutCancel(ctx), req)
	if err != nil {
		s.Transition(session.StatusCaptureFailed, err)
		return Result{}, err
	}
	epoch := h.Epoch()
	s.Meta.Epoch = epoch.UTC()
	s.Meta.Recorder = cfg.Recorder.Name()
	s.Meta.Recording = req.Output
	s.Meta.Live = req.Segment > 0
	if err := s.Save(); err != nil {
		h.Stop(context.Background())
		return Result{}, err
	}
	log.Info("recording", "session", s.ID(), "recorder", s.Meta.Recorder, "epoch", epoch)
	if cfg.Started != nil {
		cfg.Started(h)
	}

	side, stopSide := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSide()
	var wg sync.WaitGroup
	var logMu sync.Mutex
	appendLine := func(name string, v any) {
		logMu.Lock()
		defer logMu.Unlock()
		if err := s.Append(name, v); err != nil {
			log.Error("append", "file", name, "err", err)
		}
	}
	run := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(side); err != nil {
				log.Warn(name+" stopped", "err", err)
			}
		}()
	}
	// The heartbeat outlives the other side tasks: after a stop request the
	// process may still wait for the last live uploads, and `trace stop`
	// must see it alive (a silent process holding the lock looks foreign).
	hb := &Heartbeater{Path: s.Path(session.FileHeartbeat), Every: cfg.Heartbeat, Start: epoch, Recorder: s.Meta.Recorder, File: s.Path(req.Output)}
	beat, stopBeat := context.WithCancel(context.WithoutCancel(ctx))
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		if err := hb.Run(beat); err != nil {
			log.Warn("heartbeat stopped", "err", err)
		}
	}()
	defer func() { stopBeat(); <-beatDone }()
	if cfg.Project != "" {
		sw := &SaveWatcher{Root: cfg.Project, Epoch: epoch, Debounce: cfg.Debounce, Ignore: cfg.Ignore, Logger: log,
			OnSave: func(e session.SaveEvent) { appendLine(session.FileSaves, e) }}
		run("save watcher", sw.Run)
	}
	if cfg.Windows != nil {
		wp := &WindowPoller{Source: cfg.Windows, Every: cfg.WindowPoll, Epoch: epoch, Logger: log,
			OnChange: func(w session.WindowSample) { appendLine(session.FileWindows, w) }}
		run("window poller", wp.Run)
	}
	uploadDone := make(chan error, 1)
	uploadCtx, cancelUploads := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelUploads()
	if src, ok := h.(ChunkSource); ok && cfg.Uploader != nil && src.Chunks() != nil {
		up := &Uploads{Uploader: cfg.Uploader, Dir: s.Dir, Logger: log}
		go func() { uploadDone <- up.Run(uploadCtx, src.Chunks()) }()
	} else {
		uploadDone <- nil
	}

	// Wait for the end.
	poll := time.NewTicker(durOr(cfg.StopPoll, 250*time.Millisecond))
	defer poll.Stop()
	why := ""
wait:
	for {
		select {
		case <-ctx.Done():
			why = "interrupted"
			break wait
		case <-h.Done():
			why = "recorder exited"
			break wait
		case <-poll.C:
			if _, err := os.Stat(s.Path(FileStop)); err == nil {
				why = "stop requested"
				break wait
			}
		}
	}
	log.Info("finishing", "session", s.ID(), "why", why)
	res, stopErr := h.Stop(context.Background())
	stopSide()
	wg.Wait()
	uw := durOr(cfg.UploadWait, 2*time.Minute)
	select {
	case err := <-uploadDone:
		if err != nil {
			log.Warn("live upload", "err", err)
		}
	case <-time.After(uw):
		cancelUploads()
		log.Warn("gave up waiting for the last live chunk upload", "after", uw)
		<-uploadDone
	}
	defer os.Remove(s.Path(FileStop))
	if stopErr != nil {
		s.Transition(session.StatusCaptureFailed, stopErr)
		return Result{}, stopErr
	}
	if derr := h.Err(); derr != nil {
		log.Warn("the recorder died; what it wrote was kept", "err", derr)
	}
	if err := finish(s, res, time.Now()); err != nil {
		return res, err
	}
	return res, nil
}

// finish stores a finished recording's measurements and marks the session captured.
func finish(s *session.Session, res Result, stoppedAt time.Time) error {
	if !res.Epoch.IsZero() {
		s.Meta.Epoch = res.Epoch.UTC()
	}
	s.Meta.Length = res.Duration
	s.Meta.Mic = res.Audio
	s.Meta.StoppedAt = stoppedAt.UTC()
	return s.Transition(session.StatusCaptured, nil)
}

// RequestStop asks the process recording s to finish, by writing the stop
// file it polls for.
func RequestStop(s *session.Session) error {
	return fsutil.WriteFile(s.Path(FileStop), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
}

// Running returns the pid of the process holding the session's lock (the
// recording process) and whether it is alive.
func Running(s *session.Session) (pid int, alive bool) {
	b, err := os.ReadFile(s.Path(session.FileLock))
	if err != nil {
		return 0, false
	}
	pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, false
	}
	return pid, session.ProcessAlive(pid)
}

// StaleAfter is how old a heartbeat may get before the recorder that
// writes it counts as hung or gone (a pid reused after a reboot holds no
// heartbeat).
const StaleAfter = 30 * time.Second

// Recording reports whether a live recording process holds s: its lock's
// pid runs and its heartbeat is fresh (or, just after start, the lock is
// younger than StaleAfter). A pid that runs with a stale heartbeat is a
// hung recorder or an unrelated process that reused the pid.
func Recording(s *session.Session, now time.Time) (pid int, ok bool) {
	pid, alive := Running(s)
	if !alive {
		return pid, false
	}
	if hb, err := ReadHeartbeat(s.Path(session.FileHeartbeat)); err == nil {
		return pid, !hb.Stale(now, StaleAfter)
	}
	st, err := os.Stat(s.Path(session.FileLock))
	return pid, err == nil && now.Sub(st.ModTime()) < StaleAfter
}

// Recover finishes a session whose recording process died: it measures
// what was written (fragmented MP4 plays up to the last second before the
// crash), stores it, and marks the session captured. When nothing playable
// is left the session is marked capture_failed and the error says so.
func Recover(ctx context.Context, s *session.Session) (Result, error) {
	if pid, alive := Running(s); alive {
		return Result{}, &session.LockedError{Session: s.ID(), PID: pid, Path: s.Path(session.FileLock)}
	}
	name := s.Meta.Recording
	if name == "" {
		name = DefaultOutput
	}
	path := s.Path(name)
	if _, err := os.Stat(path); err != nil {
		if _, err := os.Stat(s.Path(rawName(name))); err == nil {
			path = s.Path(rawName(name)) // wf-recorder died before its remux
			s.Meta.Recording = rawName(name)
		}
	}
	info, err := Probe(ctx, path)
	if err != nil {
		if errors.Is(err, ErrNotPlayable) {
			err = fmt.Errorf("session %s cannot be recovered: %w; the recorder log is %s", s.ID(), err, s.Path(FileRecorderLog))
			s.Transition(session.StatusCaptureFailed, err)
		}
		return Result{}, err
	}
	epoch := s.Meta.Epoch
	if epoch.IsZero() {
		epoch = s.Meta.CreatedAt
	}
	stopped := epoch.Add(info.Duration)
	if hb, err := ReadHeartbeat(s.Path(session.FileHeartbeat)); err == nil && !hb.UpdatedAt.IsZero() {
		stopped = hb.UpdatedAt
	}
	res := Result{Path: path, Duration: info.Duration, Epoch: epoch, Audio: info.Audio, FPS: info.FPS, Width: info.Width, Height: info.Height}
	if err := finish(s, res, stopped); err != nil {
		return res, err
	}
	return res, nil
}

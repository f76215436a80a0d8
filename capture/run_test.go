package capture_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/capture/capturetest"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
)

func newSession(t *testing.T, project string) *session.Session {
	st, err := session.Open(t.TempDir())
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ProjectDir: project})
	require.NoError(t, err)
	return s
}

func TestRecordStopFileFinishesTheSession(t *testing.T) {
	testutil.NeedTool(t, "git")
	project := t.TempDir()
	require.NoError(t, exec.Command("git", "init", "-q", project).Run())
	s := newSession(t, project)
	windows := capture.WindowSourceFunc(func(context.Context) (capture.Window, error) {
		return capture.Window{App: "Code", Title: "main.go"}, nil
	})
	started := make(chan capture.Handle, 1)
	done := make(chan error, 1)
	var res capture.Result
	go func() {
		var err error
		res, err = capture.Record(context.Background(), s, capture.Config{
			Recorder: &capturetest.Recorder{}, Request: capture.Request{Audio: true},
			Project: project, Debounce: 50 * time.Millisecond, Windows: windows, WindowPoll: 50 * time.Millisecond,
			Heartbeat: 100 * time.Millisecond, StopPoll: 20 * time.Millisecond,
			Started: func(h capture.Handle) { started <- h },
		})
		done <- err
	}()
	h := <-started
	// While recording: the lock is held by this process, the epoch is stored.
	pid, alive := capture.Running(s)
	assert.Equal(t, os.Getpid(), pid)
	assert.True(t, alive)
	st, err := session.Open(filepath.Dir(filepath.Dir(s.Dir)))
	require.NoError(t, err)
	onDisk, err := st.Get(s.ID())
	require.NoError(t, err)
	assert.Equal(t, h.Epoch().UTC(), onDisk.Meta.Epoch, "the epoch is saved as soon as it is known")
	assert.Equal(t, session.StatusRecording, onDisk.Meta.Status)

	time.Sleep(200 * time.Millisecond)
	write(t, filepath.Join(project, "main.go"), "package main\n")
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, capture.RequestStop(onDisk))
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the stop file did not stop the recording")
	}
	require.NoError(t, onDisk.Reload())
	m := onDisk.Meta
	assert.Equal(t, session.StatusCaptured, m.Status)
	assert.Equal(t, "fake", m.Recorder)
	assert.Equal(t, "screen.mp4", m.Recording)
	assert.True(t, m.Mic)
	assert.Equal(t, res.Duration, m.Length)
	assert.Greater(t, m.Length, 400*time.Millisecond)
	assert.False(t, m.StoppedAt.IsZero())
	assert.NoFileExists(t, onDisk.Path(capture.FileStop))
	assert.NoFileExists(t, onDisk.Path(session.FileLock), "the lock is released")

	saves, _, err := session.ReadJSONL[session.SaveEvent](onDisk.Path(session.FileSaves))
	require.NoError(t, err)
	require.Len(t, saves, 1)
	assert.Equal(t, "main.go", saves[0].Path)
	assert.GreaterOrEqual(t, saves[0].At, 200*time.Millisecond, "the save was written 200ms after the first frame")
	assert.Less(t, saves[0].At, m.Length, "and before the recording stopped")
	wins, _, err := session.ReadJSONL[session.WindowSample](onDisk.Path(session.FileWindows))
	require.NoError(t, err)
	require.Len(t, wins, 1, "one sample: the window never changed")
	hb, err := capture.ReadHeartbeat(onDisk.Path(session.FileHeartbeat))
	require.NoError(t, err)
	assert.Equal(t, os.Getpid(), hb.PID)
}

func TestRecordRecorderFailsToStart(t *testing.T) {
	s := newSession(t, "")
	_, err := capture.Record(context.Background(), s, capture.Config{Recorder: &capturetest.Recorder{StartErr: assert.AnError}})
	require.ErrorIs(t, err, assert.AnError)
	assert.Equal(t, session.StatusCaptureFailed, s.Meta.Status)
	assert.Contains(t, s.Meta.Error, assert.AnError.Error())
}

func TestRecordCancelFinalizes(t *testing.T) {
	s := newSession(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := capture.Record(ctx, s, capture.Config{Recorder: &capturetest.Recorder{}, Started: func(capture.Handle) {
			time.AfterFunc(300*time.Millisecond, cancel)
		}})
		done <- err
	}()
	require.NoError(t, <-done)
	assert.Equal(t, session.StatusCaptured, s.Meta.Status, "Ctrl-C leaves a captured session")
}

func TestRecoverAfterKill9(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	display := capturetest.Xvfb(t, "640x480x24")
	capturetest.Animate(t, display, 200*time.Millisecond)
	s := newSession(t, "")
	started := make(chan capture.Handle, 1)
	done := make(chan error, 1)
	go func() {
		_, err := capture.Record(context.Background(), s, capture.Config{Recorder: x11(t, display),
			Request: capture.Request{Display: display, Audio: true, AudioInput: sine}, Started: func(h capture.Handle) { started <- h }})
		done <- err
	}()
	h := <-started
	time.Sleep(3 * time.Second)
	require.NoError(t, syscall.Kill(pidOf(t, h), syscall.SIGKILL))
	require.NoError(t, <-done, "a killed recorder still leaves a captured session")
	assert.Equal(t, session.StatusCaptured, s.Meta.Status)
	assert.Greater(t, s.Meta.Length, 1500*time.Millisecond)

	// Recover on a session left in "recording" by a dead process.
	s.Meta.Status = session.StatusCaptureFailed
	require.NoError(t, s.Transition(session.StatusRecording, nil))
	res, err := capture.Recover(context.Background(), s)
	require.NoError(t, err)
	assert.Equal(t, session.StatusCaptured, s.Meta.Status)
	assert.Equal(t, s.Meta.Length, res.Duration)
	assert.True(t, s.Meta.Mic)
}

func TestRecoverNothingPlayable(t *testing.T) {
	testutil.NeedTool(t, "ffprobe")
	s := newSession(t, "")
	write(t, s.Path("screen.mp4"), "\x00\x00\x00\x1cftypisom")
	_, err := capture.Recover(context.Background(), s)
	require.ErrorIs(t, err, capture.ErrNotPlayable)
	assert.Equal(t, session.StatusCaptureFailed, s.Meta.Status)
	assert.Contains(t, err.Error(), "recorder.log")
}

func TestRecordingNeedsAFreshHeartbeat(t *testing.T) {
	s := newSession(t, "")
	_, ok := capture.Recording(s, time.Now())
	assert.False(t, ok, "no lock: not recording")

	unlock, err := s.Lock()
	require.NoError(t, err)
	defer unlock()
	pid, ok := capture.Recording(s, time.Now())
	assert.Equal(t, os.Getpid(), pid)
	assert.True(t, ok, "a fresh lock without a heartbeat yet: starting")
	_, ok = capture.Recording(s, time.Now().Add(time.Minute))
	assert.False(t, ok, "an old lock and no heartbeat: a reused pid")

	hb := &capture.Heartbeater{Path: s.Path(session.FileHeartbeat)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, hb.Run(ctx))
	_, ok = capture.Recording(s, time.Now().Add(10*time.Second))
	assert.True(t, ok)
	_, ok = capture.Recording(s, time.Now().Add(capture.StaleAfter+time.Second))
	assert.False(t, ok, "a stale heartbeat: hung or gone")
}

func TestRecordLiveUploadsEveryChunkBeforeReturning(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	display := capturetest.Xvfb(t, "640x480x24")
	capturetest.Animate(t, display, 200*time.Millisecond)
	s := newSession(t, "")
	up := &probingUploader{got: map[int]capture.Chunk{}, infos: map[int]capture.Info{}}
	done := make(chan error, 1)
	go func() {
		_, err := capture.Record(context.Background(), s, capture.Config{Recorder: x11(t, display), Uploader: up,
			Request: capture.Request{Display: display, Segment: 2 * time.Second},
			Started: func(capture.Handle) { time.AfterFunc(5*time.Second, func() { capture.RequestStop(s) }) }})
		done <- err
	}()
	require.NoError(t, <-done)
	assert.True(t, s.Meta.Live)
	recs, _, err := session.ReadJSONL[capture.ChunkRecord](s.Path(session.FileChunks))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(recs), 2)
	var covered time.Duration
	for _, r := range recs {
		assert.NotEmpty(t, r.ID, "chunk %d was uploaded before Record returned", r.Seq)
		covered += r.Span.Len()
	}
	assert.InDelta(t, s.Meta.Length.Seconds(), covered.Seconds(), 0.3, "the last chunk was waited for")
}

package capture_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/capture/capturetest"
	"github.com/tracepr/trace/internal/testutil"
)

// sine is a real-time paced synthetic mic (an unpaced lavfi source runs
// ahead of the screen grabber and stalls the muxer).
var sine = []string{"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000,arealtime"}

func x11(t *testing.T, display string) *capture.FFmpeg {
	env := capture.Env{GOOS: "linux", Display: display}
	return &capture.FFmpeg{Grabber: capture.X11Grab, Options: capture.Options{Env: &env, StopTimeout: 10 * time.Second}}
}

func pidOf(t *testing.T, h capture.Handle) int {
	p, ok := h.(interface{ PID() int })
	require.True(t, ok, "the ffmpeg handle exposes its PID")
	return p.PID()
}

func TestX11GrabConforms(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	display := capturetest.Xvfb(t, "640x480x24")
	capturetest.Animate(t, display, 200*time.Millisecond)
	capturetest.TestRecorder(t, func(t *testing.T) capturetest.Setup {
		return capturetest.Setup{
			Recorder: x11(t, display),
			Request:  capture.Request{Dir: t.TempDir(), Display: display},
			Kill: func(t *testing.T, h capture.Handle) {
				require.NoError(t, syscall.Kill(pidOf(t, h), syscall.SIGKILL))
			},
		}
	})
}

func TestX11GrabRecordsDurationFPSAndAudio(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	display := capturetest.Xvfb(t, "1280x720x24")
	capturetest.Animate(t, display, 150*time.Millisecond)
	dir := t.TempDir()
	rec := x11(t, display)
	ctx := context.Background()
	h, err := rec.Start(ctx, capture.Request{Dir: dir, Display: display, Audio: true, AudioInput: sine, FPS: 10})
	require.NoError(t, err)
	epoch := h.Epoch()
	time.Sleep(4 * time.Second)
	stopAsked := time.Now()
	res, err := h.Stop(ctx)
	require.NoError(t, err)

	// The recording spans from the first frame to the moment Stop was asked.
	want := stopAsked.Sub(epoch)
	assert.InDelta(t, want.Seconds(), res.Duration.Seconds(), 0.5, "duration %v, epoch→stop %v", res.Duration, want)
	assert.InDelta(t, 10, res.FPS, 1.5, "frame rate")
	assert.Equal(t, 1280, res.Width)
	assert.Equal(t, 720, res.Height)
	assert.True(t, res.Audio, "the sine input gives an audio stream")

	info, err := capture.Probe(ctx, res.Path)
	require.NoError(t, err)
	require.True(t, info.Audio)
	assert.InDelta(t, info.VideoDuration.Seconds(), info.AudioDuration.Seconds(), 0.6, "audio covers the recording")
	assert.Equal(t, filepath.Join(dir, "screen.mp4"), res.Path)
}

func TestX11GrabKilledLeavesPlayableFile(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	display := capturetest.Xvfb(t, "640x480x24")
	capturetest.Animate(t, display, 200*time.Millisecond)
	dir := t.TempDir()
	h, err := x11(t, display).Start(context.Background(), capture.Request{Dir: dir, Display: display, Audio: true, AudioInput: sine})
	require.NoError(t, err)
	time.Sleep(4 * time.Second)
	require.NoError(t, syscall.Kill(pidOf(t, h), syscall.SIGKILL))
	<-h.Done()
	require.Error(t, h.Err())
	info, err := capture.Probe(context.Background(), filepath.Join(dir, "screen.mp4"))
	require.NoError(t, err, "a kill -9 leaves a playable file")
	assert.Greater(t, info.Duration, 2500*time.Millisecond, "at most about a second is lost")
	// Stop on the dead recorder recovers the same file.
	res, err := h.Stop(context.Background())
	require.NoError(t, err)
	assert.Equal(t, info.Duration, res.Duration)
}

func TestX11GrabNoDisplayFailsClearly(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg")
	_, err := x11(t, ":987").Start(context.Background(), capture.Request{Dir: t.TempDir(), Display: ":987"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x11grab")
	_, statErr := os.Stat(":987")
	assert.True(t, os.IsNotExist(statErr))
}

func TestX11GrabWithoutAMicRecordsTheScreenAlone(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	display := capturetest.Xvfb(t, "640x480x24")
	// An ALSA device that does not exist stands for a machine without a mic.
	rec := x11(t, display)
	rec.Mic = "alsa"
	t.Setenv("ALSA_CONFIG_PATH", filepath.Join(t.TempDir(), "none.conf"))
	h, err := rec.Start(context.Background(), capture.Request{Dir: t.TempDir(), Display: display, Audio: true})
	require.NoError(t, err, "no mic is not a reason to record nothing")
	time.Sleep(time.Second)
	res, err := h.Stop(context.Background())
	require.NoError(t, err)
	assert.False(t, res.Audio, "the result says there is no audio: measured, not assumed")
	assert.Positive(t, res.Duration)
}

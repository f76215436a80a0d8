package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

// traceCLI is the trace program built for a test, run against one home.
type traceCLI struct {
	bin, home string
	env       []string
}

func (c traceCLI) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(c.bin, append([]string{"--home", c.home}, args...)...)
	cmd.Env = append(os.Environ(), c.env...)
	return cmd
}

func (c traceCLI) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := c.cmd(args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run trace %v: %v", args, err)
	}
	return o.String(), e.String(), code
}

func (c traceCLI) meta(t *testing.T, id string) session.Metadata {
	t.Helper()
	st, err := session.Open(c.home)
	require.NoError(t, err)
	s, err := st.Get(id)
	require.NoError(t, err)
	return s.Meta
}

func buildTrace(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "trace")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "build trace: %s", out)
	return bin
}

func TestStartStopUnderXvfb(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe", "git")
	display := capturetest.Xvfb(t, "800x600x24")
	capturetest.Animate(t, display, 200*time.Millisecond)
	bin := buildTrace(t)
	newCLI := func(t *testing.T) traceCLI {
		return traceCLI{bin: bin, home: t.TempDir(), env: []string{"DISPLAY=" + display, "XDG_SESSION_TYPE=x11", "WAYLAND_DISPLAY=", "XDG_CURRENT_DESKTOP="}}
	}
	sine := "-f lavfi -i sine=frequency=440:sample_rate=16000,arealtime"

	t.Run("BackgroundStartStop", func(t *testing.T) {
		c := newCLI(t)
		project := t.TempDir()
		require.NoError(t, exec.Command("git", "init", "-q", project).Run())
		out, errOut, code := c.run(t, "--json", "start", "--project", project, "--audio-input", sine)
		require.Equal(t, 0, code, errOut)
		var started struct {
			Session string `json:"session"`
			PID     int    `json:"pid"`
			Status  string `json:"status"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &started), out)
		assert.Equal(t, "recording", started.Status)
		assert.NotEqual(t, os.Getpid(), started.PID)
		assert.True(t, session.ProcessAlive(started.PID), "the recorder runs detached")

		// A second start is refused with the session id, exit code 6.
		_, errOut, code = c.run(t, "start", "--project", project)
		assert.Equal(t, exitConflict, code)
		assert.Contains(t, errOut, started.Session)

		time.Sleep(time.Second)
		require.NoError(t, os.WriteFile(filepath.Join(project, "main.go"), []byte("package main\n"), 0o644))
		time.Sleep(2 * time.Second)
		out, errOut, code = c.run(t, "--json", "stop", "--skip-index")
		require.Equal(t, 0, code, errOut)
		var stopped struct {
			Session   string  `json:"session"`
			Status    string  `json:"status"`
			Length    float64 `json:"length"`
			Mic       bool    `json:"mic"`
			Recovered bool    `json:"recovered"`
			Recording string  `json:"recording"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &stopped), out)
		assert.Equal(t, started.Session, stopped.Session)
		assert.Equal(t, "captured", stopped.Status)
		assert.False(t, stopped.Recovered)
		assert.True(t, stopped.Mic)
		assert.InDelta(t, 3.0, stopped.Length, 1.0)
		assert.Eventually(t, func() bool { return !session.ProcessAlive(started.PID) }, 5*time.Second, 50*time.Millisecond, "the recorder process exits")

		m := c.meta(t, started.Session)
		assert.Equal(t, session.StatusCaptured, m.Status)
		assert.Equal(t, "x11grab", m.Recorder)
		assert.False(t, m.Epoch.IsZero())
		info, err := capture.Probe(context.Background(), stopped.Recording)
		require.NoError(t, err)
		assert.Equal(t, info.Duration, m.Length)
		saves, _, err := session.ReadJSONL[session.SaveEvent](filepath.Join(c.home, "sessions", started.Session, session.FileSaves))
		require.NoError(t, err)
		require.Len(t, saves, 1)
		assert.Equal(t, "main.go", saves[0].Path)
		assert.GreaterOrEqual(t, saves[0].At, time.Second, "written a second after start returned, so after the first frame")
		assert.Less(t, saves[0].At, m.Length, "and before stop")

		// stop again: nothing to do, same answer.
		out, _, code = c.run(t, "--json", "stop", "--skip-index", started.Session)
		assert.Equal(t, 0, code)
		assert.Contains(t, out, `"captured"`)
	})

	t.Run("RecorderKilledIsRecovered", func(t *testing.T) {
		c := newCLI(t)
		out, errOut, code := c.run(t, "--json", "start", "--project", "", "--audio-input", sine)
		require.Equal(t, 0, code, errOut)
		var started struct {
			Session string `json:"session"`
			PID     int    `json:"pid"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &started))
		time.Sleep(3 * time.Second)
		// kill -9 the recording process and its ffmpeg: nothing finishes the file.
		ff := childPIDs(started.PID)
		require.NoError(t, syscall.Kill(started.PID, syscall.SIGKILL))
		for _, p := range ff {
			syscall.Kill(p, syscall.SIGKILL)
		}
		require.Eventually(t, func() bool { return !session.ProcessAlive(started.PID) }, 5*time.Second, 20*time.Millisecond)
		assert.Equal(t, session.StatusRecording, c.meta(t, started.Session).Status)

		out, errOut, code = c.run(t, "--json", "stop", "--skip-index")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, `"recovered": true`)
		m := c.meta(t, started.Session)
		assert.Equal(t, session.StatusCaptured, m.Status)
		assert.Greater(t, m.Length, 1500*time.Millisecond, "the fragmented file plays up to about a second before the kill")
		assert.True(t, m.Mic)
	})

	t.Run("ForegroundCtrlC", func(t *testing.T) {
		c := newCLI(t)
		cmd := c.cmd("--json", "start", "--foreground", "--project", "", "--no-mic")
		var o bytes.Buffer
		var e lockedBuffer
		cmd.Stdout, cmd.Stderr = &o, &e
		require.NoError(t, cmd.Start())
		require.Eventually(t, func() bool { return strings.Contains(e.String(), "press Ctrl-C") }, 20*time.Second, 50*time.Millisecond)
		time.Sleep(2500 * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(os.Interrupt))
		err := cmd.Wait()
		require.NoError(t, err, "Ctrl-C finishes cleanly: %s", e.String())
		var res struct {
			Session string  `json:"session"`
			Status  string  `json:"status"`
			Mic     bool    `json:"mic"`
			Length  float64 `json:"length"`
		}
		require.NoError(t, json.Unmarshal(o.Bytes(), &res), o.String())
		assert.Equal(t, "captured", res.Status)
		assert.False(t, res.Mic, "--no-mic records no audio, and the session says so")
		assert.Greater(t, res.Length, 1.5)
	})

	t.Run("UnsupportedDesktop", func(t *testing.T) {
		c := newCLI(t)
		c.env = append(c.env, "XDG_SESSION_TYPE=wayland", "WAYLAND_DISPLAY=wayland-0", "XDG_CURRENT_DESKTOP=GNOME")
		_, errOut, code := c.run(t, "start")
		assert.Equal(t, exitConfig, code)
		assert.Contains(t, errOut, "GNOME on Wayland")
		assert.Contains(t, errOut, "Xorg")
		st, err := session.Open(c.home)
		require.NoError(t, err)
		list, err := st.List()
		require.NoError(t, err)
		assert.Empty(t, list.Sessions, "no session is created for a desktop that cannot be recorded")
	})
}

// lockedBuffer is a bytes.Buffer safe to read while a process writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// childPIDs lists the direct children of pid (Linux /proc).
func childPIDs(pid int) []int {
	var out []int
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(pid) + "/children")
	if err != nil {
		return nil
	}
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

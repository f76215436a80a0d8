package local

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
)

// The scripted recording every indexer test uses: three 4-second scenes of
// 640×360 at 10 fps (code in an editor, a failing test in a terminal, a
// documentation page), each with one sentence spoken by flite.
var fixtureScenes = []struct {
	screen   string
	sentence string
	app      string
	title    string
}{
	{"package config\n\nfunc parseConfig(path string) error {\n    return loadDefaults(path)\n}", "i am going to fix the parser today", "code", "config.go - demo - Visual Studio Code"},
	{"$ go test ./...\n--- FAIL: TestParseConfig (0.00s)\nconfig_test.go:12: unexpected end of input\nFAIL demo/config 0.01s", "the test is failing with an error", "gnome-terminal", "dev@box: ~/demo"},
	{"encoding/json - Go Packages\nPackage json implements encoding and\ndecoding of JSON documents", "now i will read the documentation", "firefox", "json package - Mozilla Firefox"},
}

const fixtureSceneLen = 4 * time.Second

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// fixtureRecording returns the path of the scripted recording, making it
// once per test binary.
func fixtureRecording(t testing.TB) string {
	t.Helper()
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp("", "trace-local-fixture-")
		if fixtureErr == nil {
			fixtureErr = makeRecording(context.Background(), fixtureDir)
		}
	})
	require.NoError(t, fixtureErr)
	return filepath.Join(fixtureDir, "screen.mp4")
}

func makeRecording(ctx context.Context, dir string) error {
	font := "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
	if _, err := os.Stat(font); err != nil {
		f, err := findFont("")
		if err != nil {
			return err
		}
		font = f
	}
	var args []string
	var graph, cat strings.Builder
	n := len(fixtureScenes)
	d := fixtureSceneLen.Seconds()
	for i, sc := range fixtureScenes {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("screen%d.txt", i)), []byte(sc.screen), 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("say%d.txt", i)), []byte(sc.sentence), 0o600); err != nil {
			return err
		}
		bg := []string{"0x1e1e1e", "0x000000", "0xf4f4f4"}[i]
		fg := []string{"white", "0x33ff33", "black"}[i]
		args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("color=c=%s:s=640x360:r=10:d=%g", bg, d))
		fmt.Fprintf(&graph, "[%d:v]drawtext=fontfile=%s:textfile=screen%d.txt:expansion=none:fontcolor=%s:fontsize=20:x=24:y=30:line_spacing=8[v%d];", i, font, i, fg, i)
	}
	for i := range fixtureScenes {
		args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("flite=textfile=say%d.txt:voice=slt", i))
		fmt.Fprintf(&graph, "[%d:a]aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono,adelay=500,apad=whole_dur=%g,atrim=duration=%g[a%d];", n+i, d, d, i)
		fmt.Fprintf(&cat, "[v%d][a%d]", i, i)
	}
	fmt.Fprintf(&graph, "%sconcat=n=%d:v=1:a=1[v][a]", cat.String(), n)
	args = append(args, "-filter_complex", graph.String(), "-map", "[v]", "-map", "[a]",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "screen.mp4")
	_, err := execx.Run(ctx, execx.Cmd{Tool: "ffmpeg", Dir: dir, Args: append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)})
	return err
}

// newFixtureSession makes a session in a fresh store whose recording is the
// fixture, with a project directory holding the files the screens name and
// window samples for the three scenes.
func newFixtureSession(t testing.TB, withWindows bool) *session.Session {
	t.Helper()
	rec := fixtureRecording(t)
	st, err := session.Open(t.TempDir())
	require.NoError(t, err)
	proj := t.TempDir()
	for _, f := range []string{"config/config.go", "config/config_test.go", "README.md", "go.mod"} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(proj, f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(proj, f), []byte("x\n"), 0o644))
	}
	s, err := st.Create(session.CreateOptions{ProjectDir: proj, Backend: "local", Status: session.StatusCaptured})
	require.NoError(t, err)
	copyFile(t, rec, s.Path("screen.mp4"))
	s.Meta.Recording = "screen.mp4"
	s.Meta.Mic = true
	require.NoError(t, s.Save())
	if withWindows {
		for i, sc := range fixtureScenes {
			require.NoError(t, s.Append(session.FileWindows, session.WindowSample{At: time.Duration(i) * fixtureSceneLen, App: sc.app, Title: sc.title}))
		}
	}
	return s
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.Create(to)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}

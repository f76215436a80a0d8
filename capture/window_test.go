package capture_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/capture/capturetest"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
)

func TestParsers(t *testing.T) {
	w, err := capture.ParseHyprctl([]byte(`{"address":"0x1","class":"kitty","title":"vim main.go","pid":42}`))
	require.NoError(t, err)
	assert.Equal(t, capture.Window{App: "kitty", Title: "vim main.go"}, w)
	w, err = capture.ParseHyprctl([]byte(`{}`))
	require.NoError(t, err)
	assert.Equal(t, capture.Window{}, w, "no window focused")
	_, err = capture.ParseHyprctl([]byte(`Invalid`))
	assert.ErrorContains(t, err, "hyprctl")

	tree := `{"type":"root","nodes":[{"type":"output","nodes":[{"type":"workspace","nodes":[
	  {"type":"con","focused":false,"name":"other","app_id":"foot"},
	  {"type":"con","focused":true,"name":"Go docs — Firefox","app_id":null,"window_properties":{"class":"firefox"}}]}]}]}`
	w, err = capture.ParseSwayTree([]byte(tree))
	require.NoError(t, err)
	assert.Equal(t, capture.Window{App: "firefox", Title: "Go docs — Firefox"}, w)
	w, err = capture.ParseSwayTree([]byte(`{"type":"root","nodes":[{"type":"floating_con","focused":true,"name":"x","app_id":"foot"}]}`))
	require.NoError(t, err)
	assert.Equal(t, capture.Window{App: "foot", Title: "x"}, w)

	assert.Equal(t, capture.Window{App: "XTerm", Title: `say "hi"`},
		capture.ParseXprop([]byte("WM_CLASS(STRING) = \"xterm\", \"XTerm\"\n_NET_WM_NAME(UTF8_STRING) = \"say \\\"hi\\\"\"\nWM_NAME(STRING) = \"ignored\"\n")))
	assert.Equal(t, capture.Window{App: "Xmessage", Title: "main.go"},
		capture.ParseXprop([]byte("WM_CLASS(STRING) = \"xmessage\", \"Xmessage\"\n_NET_WM_NAME:  no such atom on any window.\nWM_NAME(STRING) = \"main.go\"\n")))
	assert.Equal(t, capture.Window{App: "Code", Title: "a\tb"}, capture.ParseTabbed([]byte("Code\ta\tb\r\n")))
}

func TestDetectWindowSource(t *testing.T) {
	for _, tt := range []struct {
		env  capture.Env
		want string
	}{
		{capture.Env{GOOS: "darwin"}, "osascript"},
		{capture.Env{GOOS: "windows"}, "powershell"},
		{capture.Env{GOOS: "linux", CurrentDesktop: "Hyprland", Display: ":1"}, "hyprctl"},
		{capture.Env{GOOS: "linux", CurrentDesktop: "sway"}, "swaymsg"},
		{capture.Env{GOOS: "linux", CurrentDesktop: "XFCE", Display: ":0"}, "xdotool+xprop"},
	} {
		_, name, err := capture.DetectWindowSource(tt.env)
		require.NoError(t, err)
		assert.Equal(t, tt.want, name)
	}
	_, _, err := capture.DetectWindowSource(capture.Env{GOOS: "linux"})
	assert.Error(t, err)
}

func TestX11WindowPollerWithRealWindows(t *testing.T) {
	testutil.NeedTool(t, "xdotool", "xprop", "xmessage")
	display := capturetest.Xvfb(t, "640x480x24")
	open := func(title string) {
		cmd := exec.Command("xmessage", "-title", title, "hello")
		cmd.Env = append(cmd.Environ(), "DISPLAY="+display)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		require.Eventually(t, func() bool {
			c := exec.Command("xdotool", "search", "--name", title, "windowfocus")
			c.Env = append(c.Environ(), "DISPLAY="+display)
			return c.Run() == nil
		}, 5*time.Second, 50*time.Millisecond)
	}
	open("main.go - trace")
	var got []session.WindowSample
	samples := make(chan session.WindowSample, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go (&capture.WindowPoller{Source: capture.X11Window{Display: display}, Every: 100 * time.Millisecond, Epoch: time.Now(),
		OnChange: func(s session.WindowSample) { samples <- s }}).Run(ctx)
	got = append(got, <-samples)
	open("password=hunter2secret in notes")
	got = append(got, <-samples)
	assert.Equal(t, "Xmessage", got[0].App)
	assert.Equal(t, "main.go - trace", got[0].Title)
	assert.Equal(t, "Xmessage", got[1].App)
	assert.NotContains(t, got[1].Title, "hunter2secret")
	assert.Greater(t, got[1].At, got[0].At)
}

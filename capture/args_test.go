package capture_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}

func TestArgsGolden(t *testing.T) {
	linux := capture.Env{GOOS: "linux", Display: ":0", PulseSocket: true}
	alsa := capture.Env{GOOS: "linux", Display: ":1"}
	mac := capture.Env{GOOS: "darwin"}
	win := capture.Env{GOOS: "windows"}
	tests := []struct {
		name string
		rec  interface {
			Args(capture.Request) ([]string, error)
		}
		req capture.Request
	}{
		{"x11grab", &capture.FFmpeg{Grabber: capture.X11Grab, Options: capture.Options{Env: &linux}}, capture.Request{Audio: true}},
		{"x11grab_alsa_nomic", &capture.FFmpeg{Grabber: capture.X11Grab, Options: capture.Options{Env: &alsa}}, capture.Request{FPS: 30, CRF: 28, Size: "1920x1080"}},
		{"x11grab_alsa_mic", &capture.FFmpeg{Grabber: capture.X11Grab, Options: capture.Options{Env: &alsa}}, capture.Request{Audio: true}},
		{"x11grab_live_sine", &capture.FFmpeg{Grabber: capture.X11Grab, Options: capture.Options{Env: &linux}},
			capture.Request{Audio: true, AudioInput: []string{"-f", "lavfi", "-i", "sine=frequency=440,arealtime"}, Segment: 15 * time.Second}},
		{"avfoundation", &capture.FFmpeg{Grabber: capture.AVFoundation, Options: capture.Options{Env: &mac}}, capture.Request{Audio: true}},
		{"avfoundation_nomic", &capture.FFmpeg{Grabber: capture.AVFoundation, Options: capture.Options{Env: &mac}}, capture.Request{Display: "2"}},
		{"gdigrab", &capture.FFmpeg{Grabber: capture.GDIGrab, Options: capture.Options{Env: &win, Mic: "Microphone (Realtek Audio)"}}, capture.Request{Audio: true}},
		{"gdigrab_nomic_device", &capture.FFmpeg{Grabber: capture.GDIGrab, Options: capture.Options{Env: &win}}, capture.Request{Audio: true}},
		{"wf-recorder", &capture.WF{}, capture.Request{Audio: true}},
		{"wf-recorder_output_mic", &capture.WF{Options: capture.Options{Mic: "alsa_input.usb-mic"}}, capture.Request{Audio: true, Display: "DP-1", FPS: 15}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args, err := tt.rec.Args(tt.req)
			require.NoError(t, err)
			golden(t, tt.name, strings.Join(args, "\n")+"\n")
		})
	}
}

func TestWFRecorderRefusesWhatItCannotDo(t *testing.T) {
	_, err := (&capture.WF{}).Args(capture.Request{Segment: time.Second})
	assert.ErrorContains(t, err, "--live")
	_, err = (&capture.WF{}).Args(capture.Request{Audio: true, AudioInput: []string{"-f", "lavfi", "-i", "sine"}})
	assert.ErrorContains(t, err, "--audio-input")
}

func TestNewUnknown(t *testing.T) {
	_, err := capture.New("obs", capture.Options{})
	assert.ErrorContains(t, err, "x11grab")
	for _, name := range capture.Backends() {
		r, err := capture.New(name, capture.Options{})
		require.NoError(t, err)
		assert.Equal(t, name, r.Name())
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name    string
		env     capture.Env
		want    string
		wantErr string
	}{
		{"x11", capture.Env{GOOS: "linux", SessionType: "x11", Display: ":0", CurrentDesktop: "GNOME"}, capture.X11Grab, ""},
		{"display only", capture.Env{GOOS: "linux", Display: ":99"}, capture.X11Grab, ""},
		{"sway", capture.Env{GOOS: "linux", SessionType: "wayland", WaylandDisplay: "wayland-1", CurrentDesktop: "sway"}, capture.WFRecorder, ""},
		{"hyprland", capture.Env{GOOS: "linux", WaylandDisplay: "wayland-1", Display: ":1", CurrentDesktop: "Hyprland"}, capture.WFRecorder, ""},
		{"gnome wayland", capture.Env{GOOS: "linux", SessionType: "wayland", WaylandDisplay: "wayland-0", Display: ":0", CurrentDesktop: "ubuntu:GNOME"}, "", "Xorg"},
		{"kde wayland", capture.Env{GOOS: "linux", SessionType: "wayland", WaylandDisplay: "wayland-0", CurrentDesktop: "KDE"}, "", "portal"},
		{"unknown wayland", capture.Env{GOOS: "linux", SessionType: "wayland", WaylandDisplay: "wayland-0"}, capture.WFRecorder, ""},
		{"nested wayland in x11", capture.Env{GOOS: "linux", SessionType: "x11", WaylandDisplay: "wayland-9", Display: ":0"}, capture.X11Grab, ""},
		{"tty", capture.Env{GOOS: "linux", SessionType: "tty"}, "", "DISPLAY"},
		{"macos", capture.Env{GOOS: "darwin"}, capture.AVFoundation, ""},
		{"windows", capture.Env{GOOS: "windows"}, capture.GDIGrab, ""},
		{"freebsd x11", capture.Env{GOOS: "freebsd", Display: ":0"}, capture.X11Grab, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := capture.Detect(tt.env)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, capture.ErrUnsupported)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Name)
			assert.NotEmpty(t, c.Reason)
		})
	}
}

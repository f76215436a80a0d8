package capture

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Backend names, as accepted by New and `trace start --recorder`.
const (
	X11Grab      = "x11grab"      // ffmpeg x11grab: Linux X11 and Xwayland
	WFRecorder   = "wf-recorder"  // wf-recorder: wlroots Wayland compositors
	AVFoundation = "avfoundation" // ffmpeg avfoundation: macOS
	GDIGrab      = "gdigrab"      // ffmpeg gdigrab: Windows
)

// Backends lists every recorder name New accepts.
func Backends() []string { return []string{X11Grab, WFRecorder, AVFoundation, GDIGrab} }

// ErrUnsupported is wrapped by the error Detect returns when this desktop
// cannot be recorded by any backend.
var ErrUnsupported = errors.New("screen cannot be recorded here")

// Env is what Detect looks at. EnvFromOS fills it from the process.
type Env struct {
	GOOS           string // runtime.GOOS
	SessionType    string // XDG_SESSION_TYPE: "x11", "wayland", "tty"
	WaylandDisplay string // WAYLAND_DISPLAY
	Display        string // DISPLAY (X11 or Xwayland)
	CurrentDesktop string // XDG_CURRENT_DESKTOP, e.g. "GNOME", "KDE", "sway", "Hyprland"
	// PulseSocket reports whether a PulseAudio (or PipeWire-pulse) server
	// is reachable; it picks pulse over ALSA for the mic.
	PulseSocket bool
}

// EnvFromOS reads Env from the environment of this process.
func EnvFromOS() Env {
	e := Env{
		GOOS:           runtime.GOOS,
		SessionType:    os.Getenv("XDG_SESSION_TYPE"),
		WaylandDisplay: os.Getenv("WAYLAND_DISPLAY"),
		Display:        os.Getenv("DISPLAY"),
		CurrentDesktop: os.Getenv("XDG_CURRENT_DESKTOP"),
	}
	if os.Getenv("PULSE_SERVER") != "" {
		e.PulseSocket = true
	} else if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" {
		if _, err := os.Stat(rt + "/pulse/native"); err == nil {
			e.PulseSocket = true
		}
	}
	return e
}

// Choice is the recorder Detect picked and why.
type Choice struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// wlroots lists desktops (lower case, as found in XDG_CURRENT_DESKTOP)
// whose compositor speaks wlr-screencopy, which wf-recorder needs.
var wlroots = []string{"sway", "hyprland", "river", "wayfire", "labwc", "dwl", "qtile", "niri", "wlroots"}

// portalOnly lists Wayland desktops that allow screen capture only through
// the desktop portal, which trace does not drive.
var portalOnly = []string{"gnome", "kde", "plasma", "unity", "budgie", "cinnamon", "pantheon", "cosmic"}

// Detect picks the recorder for env and says why. On a desktop that cannot
// be recorded (GNOME or KDE on Wayland, no display at all) it returns an
// error wrapping ErrUnsupported that says what to do instead; it never
// picks a recorder that would record black frames.
func Detect(env Env) (Choice, error) {
	switch env.GOOS {
	case "darwin":
		return Choice{AVFoundation, "macOS: ffmpeg avfoundation records the screen and mic (needs Screen Recording and Microphone permission for the terminal)"}, nil
	case "windows":
		return Choice{GDIGrab, "Windows: ffmpeg gdigrab records the desktop; the mic comes from dshow"}, nil
	}
	desktop := strings.ToLower(env.CurrentDesktop)
	wayland := strings.EqualFold(env.SessionType, "wayland") || env.WaylandDisplay != ""
	if wayland {
		for _, d := range wlroots {
			if strings.Contains(desktop, d) {
				return Choice{WFRecorder, fmt.Sprintf("Wayland session on %s (wlroots screencopy): wf-recorder records it", env.CurrentDesktop)}, nil
			}
		}
		for _, d := range portalOnly {
			if strings.Contains(desktop, d) {
				return Choice{}, fmt.Errorf("%s on Wayland lets apps record the screen only through the desktop portal, which trace does not drive yet (x11grab would record black frames): log out, pick an X11 session at the login screen (\"GNOME on Xorg\", \"Plasma (X11)\"), then run trace start again: %w", env.CurrentDesktop, ErrUnsupported)
			}
		}
		if desktop == "" && env.Display != "" && !strings.EqualFold(env.SessionType, "wayland") {
			// WAYLAND_DISPLAY leaked into an X11 session (nested compositor, ssh -X…).
			return Choice{X11Grab, "X11 display " + env.Display + " is set and no Wayland desktop is named: ffmpeg x11grab records it"}, nil
		}
		name := env.CurrentDesktop
		if name == "" {
			name = "an unnamed compositor"
		}
		return Choice{WFRecorder, fmt.Sprintf("Wayland session on %s: trying wf-recorder, which works on wlroots compositors (pass --recorder x11grab to record the Xwayland display instead)", name)}, nil
	}
	if env.Display != "" || strings.EqualFold(env.SessionType, "x11") {
		d := env.Display
		if d == "" {
			d = ":0"
		}
		return Choice{X11Grab, "X11 session on display " + d + ": ffmpeg x11grab records it"}, nil
	}
	return Choice{}, fmt.Errorf("no graphical session found (DISPLAY and WAYLAND_DISPLAY are unset): run trace start from a terminal inside your desktop session, or set DISPLAY (for example DISPLAY=:0): %w", ErrUnsupported)
}

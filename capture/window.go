package capture

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/session"
)

// Window is the active application and its window title.
type Window struct {
	App   string
	Title string
}

// WindowSource reads the active window. An empty Window (nothing focused)
// is not an error.
type WindowSource interface {
	Active(ctx context.Context) (Window, error)
}

// WindowSourceFunc adapts a function to WindowSource.
type WindowSourceFunc func(ctx context.Context) (Window, error)

// Active calls f.
func (f WindowSourceFunc) Active(ctx context.Context) (Window, error) { return f(ctx) }

// DetectWindowSource picks how to read the active window on env:
// hyprctl on Hyprland, swaymsg on Sway, xdotool and xprop on X11,
// osascript on macOS, PowerShell on Windows. It returns the source's name.
func DetectWindowSource(env Env) (WindowSource, string, error) {
	desktop := strings.ToLower(env.CurrentDesktop)
	switch {
	case env.GOOS == "darwin":
		return Osascript{}, "osascript", nil
	case env.GOOS == "windows":
		return PowerShell{}, "powershell", nil
	case strings.Contains(desktop, "hyprland"):
		return Hyprctl{}, "hyprctl", nil
	case strings.Contains(desktop, "sway"):
		return Swaymsg{}, "swaymsg", nil
	case env.Display != "":
		return X11Window{Display: env.Display}, "xdotool+xprop", nil
	}
	return nil, "", fmt.Errorf("no way to read the active window on this desktop (%q): window titles are not recorded; this does not stop the recording", env.CurrentDesktop)
}

// Hyprctl reads the active window from Hyprland (`hyprctl activewindow -j`).
type Hyprctl struct{}

// Active asks hyprctl.
func (Hyprctl) Active(ctx context.Context) (Window, error) {
	b, err := execx.Output(ctx, "hyprctl", "activewindow", "-j")
	if err != nil {
		return Window{}, err
	}
	return ParseHyprctl(b)
}

// ParseHyprctl reads `hyprctl activewindow -j` output.
func ParseHyprctl(b []byte) (Window, error) {
	var v struct {
		Class string `json:"class"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return Window{}, fmt.Errorf("hyprctl printed unreadable JSON: %v", err)
	}
	return Window{App: v.Class, Title: v.Title}, nil
}

// Swaymsg reads the focused window from Sway (`swaymsg -t get_tree`).
type Swaymsg struct{}

// Active asks swaymsg.
func (Swaymsg) Active(ctx context.Context) (Window, error) {
	b, err := execx.Output(ctx, "swaymsg", "-t", "get_tree", "-r")
	if err != nil {
		return Window{}, err
	}
	return ParseSwayTree(b)
}

type swayNode struct {
	Focused          bool                    `json:"focused"`
	Type             string                  `json:"type"`
	Name             *string                 `json:"name"`
	AppID            *string                 `json:"app_id"`
	WindowProperties *struct{ Class string } `json:"window_properties"`
	Nodes            []swayNode              `json:"nodes"`
	FloatingNodes    []swayNode              `json:"floating_nodes"`
}

// ParseSwayTree finds the focused window in `swaymsg -t get_tree` output.
func ParseSwayTree(b []byte) (Window, error) {
	var root swayNode
	if err := json.Unmarshal(b, &root); err != nil {
		return Window{}, fmt.Errorf("swaymsg printed an unreadable tree: %v", err)
	}
	var find func(n *swayNode, depth int) *swayNode
	find = func(n *swayNode, depth int) *swayNode {
		if depth > 64 {
			return nil
		}
		if n.Focused && (n.Type == "con" || n.Type == "floating_con") {
			return n
		}
		for i := range n.Nodes {
			if f := find(&n.Nodes[i], depth+1); f != nil {
				return f
			}
		}
		for i := range n.FloatingNodes {
			if f := find(&n.FloatingNodes[i], depth+1); f != nil {
				return f
			}
		}
		return nil
	}
	n := find(&root, 0)
	if n == nil {
		return Window{}, nil
	}
	var w Window
	if n.AppID != nil && *n.AppID != "" {
		w.App = *n.AppID
	} else if n.WindowProperties != nil {
		w.App = n.WindowProperties.Class
	}
	if n.Name != nil {
		w.Title = *n.Name
	}
	return w, nil
}

// X11Window reads the focused X11 window with xdotool (its id) and xprop
// (its class and title). It works without a window manager too.
type X11Window struct {
	Display string // default: $DISPLAY
}

// Active asks xdotool and xprop.
func (x X11Window) Active(ctx context.Context) (Window, error) {
	var env []string
	if x.Display != "" {
		env = []string{"DISPLAY=" + x.Display}
	}
	b, err := execx.Run(ctx, execx.Cmd{Tool: "xdotool", Args: []string{"getactivewindow"}, Env: env})
	if err != nil {
		if errors.Is(err, execx.ErrNotInstalled) {
			return Window{}, err
		}
		// No _NET_ACTIVE_WINDOW (no window manager): the input focus.
		b, err = execx.Run(ctx, execx.Cmd{Tool: "xdotool", Args: []string{"getwindowfocus"}, Env: env})
		if err != nil {
			return Window{}, err
		}
	}
	id, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
	if err != nil || id <= 1 { // 0/1: no window, or PointerRoot
		return Window{}, nil
	}
	out, err := execx.Run(ctx, execx.Cmd{Tool: "xprop", Args: []string{"-id", strconv.FormatUint(id, 10), "WM_CLASS", "_NET_WM_NAME", "WM_NAME"}, Env: env})
	if err != nil {
		return Window{}, err
	}
	return ParseXprop(out), nil
}

// ParseXprop reads WM_CLASS, _NET_WM_NAME and WM_NAME from xprop output.
// The app is WM_CLASS's class part; the title prefers _NET_WM_NAME (UTF-8).
func ParseXprop(b []byte) Window {
	var w Window
	var wmName string
	for _, line := range strings.Split(string(b), "\n") {
		name, val, ok := strings.Cut(line, " = ")
		if !ok {
			continue
		}
		strs := xpropStrings(val)
		switch {
		case strings.HasPrefix(name, "WM_CLASS("):
			if len(strs) > 0 {
				w.App = strs[len(strs)-1]
			}
		case strings.HasPrefix(name, "_NET_WM_NAME("):
			if len(strs) > 0 {
				w.Title = strs[0]
			}
		case strings.HasPrefix(name, "WM_NAME("):
			if len(strs) > 0 {
				wmName = strs[0]
			}
		}
	}
	if w.Title == "" {
		w.Title = wmName
	}
	return w
}

// xpropStrings splits `"a", "b"` into its quoted strings (with \" and \\).
func xpropStrings(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			return out
		}
		s = s[i+1:]
		var b strings.Builder
		closed := false
		for j := 0; j < len(s); j++ {
			c := s[j]
			if c == '\\' && j+1 < len(s) {
				j++
				b.WriteByte(s[j])
				continue
			}
			if c == '"' {
				s = s[j+1:]
				closed = true
				break
			}
			b.WriteByte(c)
		}
		out = append(out, b.String())
		if !closed {
			return out
		}
	}
}

// Osascript reads the frontmost app and its front window's title on macOS
// (needs Accessibility permission for the terminal to see titles).
type Osascript struct{}

const osascriptFront = `tell application "System Events"
	set p to first application process whose frontmost is true
	set t to ""
	try
		set t to name of front window of p
	end try
	return (name of p) & tab & t
end tell`

// Active asks osascript.
func (Osascript) Active(ctx context.Context) (Window, error) {
	b, err := execx.Output(ctx, "osascript", "-e", osascriptFront)
	if err != nil {
		return Window{}, err
	}
	return ParseTabbed(b), nil
}

// PowerShell reads the foreground window's process name and title on
// Windows through user32.
type PowerShell struct{}

const psForeground = `Add-Type @"
using System; using System.Runtime.InteropServices; using System.Text;
public static class TraceFg {
  [DllImport("user32.dll")] public static extern IntPtr GetForegroundWindow();
  [DllImport("user32.dll", CharSet=CharSet.Unicode)] public static extern int GetWindowText(IntPtr h, StringBuilder s, int n);
  [DllImport("user32.dll")] public static extern uint GetWindowThreadProcessId(IntPtr h, out uint pid);
}
"@
$h = [TraceFg]::GetForegroundWindow(); $sb = New-Object System.Text.StringBuilder 1024
[void][TraceFg]::GetWindowText($h, $sb, 1024); $procId = 0; [void][TraceFg]::GetWindowThreadProcessId($h, [ref]$procId)
$name = ""; try { $name = (Get-Process -Id $procId).ProcessName + ".exe" } catch {}
[Console]::Out.Write($name + "` + "`t" + `" + $sb.ToString())`

// Active asks PowerShell.
func (PowerShell) Active(ctx context.Context) (Window, error) {
	b, err := execx.Output(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command", psForeground)
	if err != nil {
		return Window{}, err
	}
	return ParseTabbed(b), nil
}

// ParseTabbed reads "app<TAB>title" (osascript and PowerShell output).
func ParseTabbed(b []byte) Window {
	s := strings.TrimRight(string(b), "\r\n")
	app, title, _ := strings.Cut(s, "\t")
	return Window{App: strings.TrimSpace(app), Title: strings.TrimSpace(title)}
}

// DefaultWindowPoll is how often the active window is read.
const DefaultWindowPoll = time.Second

// WindowPoller samples the active window and reports it only when it
// changes. Titles pass through the redactor before they are reported.
type WindowPoller struct {
	Source   WindowSource
	Every    time.Duration // default DefaultWindowPoll
	Epoch    time.Time     // samples are offsets from it
	OnChange func(session.WindowSample)
	Logger   *slog.Logger
}

// Run polls until ctx ends. A failing poll is logged (once until it works
// again) and polling goes on.
func (p *WindowPoller) Run(ctx context.Context) error {
	if p.Source == nil || p.OnChange == nil {
		return errors.New("capture: WindowPoller needs a Source and OnChange")
	}
	log := p.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	every := p.Every
	if every <= 0 {
		every = DefaultWindowPoll
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var last Window
	have, failing := false, false
	for {
		pctx, cancel := context.WithTimeout(ctx, max(every, 2*time.Second))
		w, err := p.Source.Active(pctx)
		cancel()
		now := time.Now()
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			if !failing {
				log.Warn("reading the active window failed", "err", err)
			}
			failing = true
		case w == (Window{}):
			// Nothing focused: no sample; the next window counts as a change.
			failing, have = false, false
		default:
			failing = false
			w.Title = redact.String(w.Title)
			if !have || w != last {
				have, last = true, w
				p.OnChange(session.WindowSample{At: now.Sub(p.Epoch).Round(time.Millisecond), App: w.App, Title: w.Title})
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

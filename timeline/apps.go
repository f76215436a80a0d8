package timeline

import (
	"path"
	"strings"
)

// AppClass is what kind of application a window belongs to.
type AppClass string

// Application classes.
const (
	AppBrowser   AppClass = "browser"
	AppEditor    AppClass = "editor"
	AppTerminal  AppClass = "terminal"
	AppAssistant AppClass = "assistant"
	AppOther     AppClass = "other"
)

// Known application names, normalised by normApp: lower case, no ".exe" or
// ".app", last path element. Reverse-DNS ids (org.gnome.Terminal,
// com.google.Chrome) are listed whole and also matched by their last part.
var (
	browserApps = set("firefox", "firefox-esr", "librewolf", "waterfox", "navigator", "org.mozilla.firefox",
		"chromium", "chromium-browser", "org.chromium.chromium", "google-chrome", "google-chrome-stable",
		"google-chrome-beta", "google chrome", "chrome", "com.google.chrome",
		"msedge", "microsoft-edge", "microsoft-edge-stable", "microsoft edge", "com.microsoft.edgemac",
		"safari", "com.apple.safari", "arc", "company.thebrowser.browser",
		"brave", "brave-browser", "brave browser", "com.brave.browser",
		"vivaldi", "vivaldi-stable", "opera", "qutebrowser", "epiphany", "org.gnome.epiphany", "zen", "zen browser", "zen-browser", "floorp")
	editorApps = set("code", "code-oss", "code - oss", "vscodium", "codium", "visual studio code", "com.microsoft.vscode",
		"cursor", "windsurf", "zed", "dev.zed.zed", "sublime_text", "sublime text", "subl",
		"gnome-text-editor", "org.gnome.texteditor", "gedit", "org.gnome.gedit", "kate", "org.kde.kate", "kwrite",
		"nvim", "vim", "gvim", "neovide", "emacs", "xcode", "com.apple.dt.xcode", "devenv", "notepad++", "notepad",
		"idea", "idea64", "goland", "goland64", "pycharm", "pycharm64", "webstorm", "webstorm64", "clion", "rider",
		"rustrover", "phpstorm", "rubymine", "datagrip", "android studio", "studio64", "intellij idea", "fleet", "helix", "hx")
	terminalApps = set("terminal", "com.apple.terminal", "iterm2", "iterm", "com.googlecode.iterm2",
		"windowsterminal", "windows terminal", "cmd", "conhost", "powershell", "pwsh", "wt",
		"org.gnome.terminal", "gnome-terminal", "gnome-terminal-server", "org.gnome.console", "kgx", "ptyxis", "org.gnome.ptyxis",
		"konsole", "org.kde.konsole", "xterm", "uxterm", "urxvt", "rxvt", "st", "terminator", "tilix", "com.gexperts.tilix",
		"alacritty", "kitty", "wezterm", "wezterm-gui", "org.wezfurlong.wezterm", "foot", "footclient",
		"warp", "dev.warp.warp-stable", "ghostty", "com.mitchellh.ghostty", "hyper", "tabby", "xfce4-terminal", "lxterminal", "mate-terminal", "tmux")
	assistantApps = set("claude", "com.anthropic.claudefordesktop", "chatgpt", "com.openai.chat", "copilot", "microsoft copilot", "gemini", "perplexity")
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func normApp(app string) string {
	a := strings.ToLower(strings.TrimSpace(app))
	a = strings.ReplaceAll(a, `\`, "/")
	a = path.Base(a)
	a = strings.TrimSuffix(a, ".exe")
	a = strings.TrimSuffix(a, ".app")
	a = strings.TrimSuffix(a, ".desktop")
	if a == "." || a == "/" {
		return ""
	}
	return a
}

// ClassifyApp says whether a window's application is a browser, an editor or
// IDE, a terminal, an AI assistant, or something else. It knows the names
// window systems report on Linux (X11 WM_CLASS, Wayland app ids such as
// org.gnome.Terminal), macOS ("Google Chrome", "iTerm2", bundle ids) and
// Windows (chrome.exe, msedge.exe, WindowsTerminal.exe, Code.exe).
func ClassifyApp(app string) AppClass {
	a := normApp(app)
	if a == "" {
		return AppOther
	}
	for _, cand := range []string{a, lastDot(a)} {
		switch {
		case assistantApps[cand]:
			return AppAssistant
		case editorApps[cand], strings.HasPrefix(cand, "jetbrains-"):
			return AppEditor
		case terminalApps[cand]:
			return AppTerminal
		case browserApps[cand]:
			return AppBrowser
		}
	}
	return AppOther
}

func lastDot(a string) string {
	if i := strings.LastIndexByte(a, '.'); i >= 0 && i < len(a)-1 {
		return a[i+1:]
	}
	return a
}

// docsTitle reports whether a window title looks like documentation or a
// developer Q&A page.
func docsTitle(title string) bool {
	t := strings.ToLower(title)
	for _, k := range docsMarkers {
		if strings.Contains(t, k) {
			return true
		}
	}
	return false
}

var docsMarkers = []string{"stack overflow", "stackoverflow", "docs.", "documentation", " - mdn", "mdn web docs",
	"go packages", "package documentation", "readthedocs", "read the docs", "github.com", " · github", "- github", "wiki", "tutorial",
	"reference", "api docs", "man page", "manpage", "developer.", "devdocs", "rust-lang.org", "python.org"}

// assistantTitle reports whether a window title names an AI assistant.
func assistantTitle(title string) bool {
	t := strings.ToLower(title)
	for _, k := range assistantMarkers {
		if strings.Contains(t, k) {
			return true
		}
	}
	return false
}

var assistantMarkers = []string{"chatgpt", "claude", "copilot chat", "github copilot", "gemini", "cursor chat", "codex", "aider"}

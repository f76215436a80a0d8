package execx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// ErrNotInstalled is wrapped by the error for a tool that is not on PATH.
var ErrNotInstalled = errors.New("tool not installed")

// installHints says how to get each tool, per OS.
var installHints = map[string]map[string]string{
	"ffmpeg":                  {"linux": "apt-get install ffmpeg", "darwin": "brew install ffmpeg", "windows": "winget install ffmpeg"},
	"ffprobe":                 {"linux": "apt-get install ffmpeg", "darwin": "brew install ffmpeg", "windows": "winget install ffmpeg"},
	"git":                     {"linux": "apt-get install git", "darwin": "xcode-select --install", "windows": "winget install Git.Git"},
	"tesseract":               {"linux": "apt-get install tesseract-ocr tesseract-ocr-eng", "darwin": "brew install tesseract", "windows": "winget install UB-Mannheim.TesseractOCR"},
	"espeak-ng":               {"linux": "apt-get install espeak-ng", "darwin": "brew install espeak-ng"},
	"flite":                   {"linux": "apt-get install flite", "darwin": "brew install flite"},
	"Xvfb":                    {"linux": "apt-get install xvfb"},
	"xdotool":                 {"linux": "apt-get install xdotool"},
	"wf-recorder":             {"linux": "apt-get install wf-recorder"},
	"chromium":                {"linux": "apt-get install chromium"},
	"gh":                      {"linux": "apt-get install gh", "darwin": "brew install gh", "windows": "winget install GitHub.cli"},
	"pocketsphinx_continuous": {"linux": "apt-get install pocketsphinx pocketsphinx-en-us"},
}

// InstallHint returns how to install a tool on this OS, or "".
func InstallHint(tool string) string {
	if h, ok := installHints[tool]; ok {
		return h[runtime.GOOS]
	}
	return ""
}

// NotInstalledError reports a missing tool and its fix.
type NotInstalledError struct{ Tool string }

func (e *NotInstalledError) Error() string {
	if h := InstallHint(e.Tool); h != "" {
		return fmt.Sprintf("%s is not installed or not on PATH: install it (%s)", e.Tool, h)
	}
	return fmt.Sprintf("%s is not installed or not on PATH: install it and try again", e.Tool)
}

// Unwrap makes errors.Is(err, ErrNotInstalled) true.
func (e *NotInstalledError) Unwrap() error { return ErrNotInstalled }

// ExitError is a tool that ran and failed; Stderr holds the tail of its
// output (the last 4 KiB), and Error shows its last three lines.
type ExitError struct {
	Tool   string
	Args   []string
	Code   int
	Stderr string
}

func (e *ExitError) Error() string {
	// The last few lines of stderr say what went wrong; the banner and
	// progress before them do not.
	var lines []string
	for _, l := range strings.Split(e.Stderr, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	msg := strings.Join(lines, " | ")
	if msg == "" {
		msg = "no output"
	}
	return fmt.Sprintf("%s exited with status %d: %s", e.Tool, e.Code, msg)
}

// Look finds a tool on PATH, or returns a *NotInstalledError.
func Look(tool string) (string, error) {
	p, err := exec.LookPath(tool)
	if err != nil {
		return "", &NotInstalledError{Tool: tool}
	}
	return p, nil
}

// Cmd describes one run of a tool.
type Cmd struct {
	Tool   string
	Args   []string
	Dir    string
	Env    []string // extra KEY=VALUE entries on top of the current environment
	Stdin  io.Reader
	Stdout io.Writer // default: captured and returned by Run
}

// waitDelay bounds how long Run waits for a tool's output pipes to close
// after the tool itself has exited or been killed.
const waitDelay = 2 * time.Second

// maxStderr bounds how much stderr is kept for an error message.
const maxStderr = 4 << 10

// Run runs the command to completion and returns its stdout (when Stdout is
// nil). It honours ctx (the process is killed when ctx ends), and a failure
// carries the tail of stderr.
func Run(ctx context.Context, c Cmd) ([]byte, error) {
	path, err := Look(c.Tool)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, c.Args...)
	cmd.Dir = c.Dir
	if len(c.Env) > 0 {
		cmd.Env = append(cmd.Environ(), c.Env...)
	}
	cmd.Stdin = c.Stdin
	killGroup(cmd)
	// After the process ends (or is killed), stop waiting for output that
	// an escaped grandchild may still hold open.
	cmd.WaitDelay = waitDelay
	var out bytes.Buffer
	if c.Stdout != nil {
		cmd.Stdout = c.Stdout
	} else {
		cmd.Stdout = &out
	}
	var stderr tailBuffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if err != nil {
		if ctx.Err() != nil {
			return out.Bytes(), fmt.Errorf("%s: %w", c.Tool, ctx.Err())
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return out.Bytes(), &ExitError{Tool: c.Tool, Args: c.Args, Code: ee.ExitCode(), Stderr: stderr.String()}
		}
		return out.Bytes(), fmt.Errorf("run %s: %w", c.Tool, err)
	}
	return out.Bytes(), nil
}

// Output is Run with just a tool and arguments.
func Output(ctx context.Context, tool string, args ...string) ([]byte, error) {
	return Run(ctx, Cmd{Tool: tool, Args: args})
}

// tailBuffer keeps the last maxStderr bytes written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > maxStderr {
		t.b = append(t.b[:0], t.b[len(t.b)-maxStderr:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

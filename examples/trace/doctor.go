package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/session"
)

// checkStatus is the verdict of one doctor check.
type checkStatus string

const (
	checkPass checkStatus = "PASS"
	checkWarn checkStatus = "WARN" // an optional feature will not work
	checkFail checkStatus = "FAIL" // the local backend cannot run
)

// checkResult is one line of `trace doctor`.
type checkResult struct {
	Name   string      `json:"name"`
	Status checkStatus `json:"status"`
	Detail string      `json:"detail,omitempty"`
	Fix    string      `json:"fix,omitempty"` // what to do, for WARN and FAIL
}

// doctorCheck inspects one thing and reports one or more results. It never
// prints a secret.
type doctorCheck func(ctx context.Context, a *app) []checkResult

// doctorChecks are the checks `trace doctor` runs, in order. A command that
// needs something of the machine adds its check here.
var doctorChecks = []doctorCheck{
	checkFFmpeg,
	checkTool("ffprobe", "reads the length and streams of recordings", checkFail),
	checkTool("git", "reads the change a session explains", checkFail),
	checkSpeechModel,
	checkVoice,
	checkTesseract,
	checkDisplay,
	checkCapture,
	checkStore,
	checkVideoDB,
	checkGitHub,
	checkChromium,
}

// speechModelDir is where Debian's pocketsphinx-en-us puts the model that
// ffmpeg's asr filter uses.
const speechModelDir = "/usr/share/pocketsphinx/model/en-us"

type doctorOutput struct {
	OK      bool          `json:"ok"` // no FAIL: the local backend can run
	Backend string        `json:"backend"`
	Checks  []checkResult `json:"checks"`
}

func (a *app) doctorCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check what is installed and configured, with the fix for each missing piece",
		Long: `Check the tools, models, tokens and directories trace uses, one line each:
PASS, WARN (an optional feature will not work) or FAIL (the local backend
cannot run), with the fix for every WARN and FAIL. Secrets are never shown,
only whether they are set.

Exit status 0 when nothing FAILs, 4 otherwise.`,
		Example: `  trace doctor
  trace doctor --json | jq '.checks[] | select(.status != "PASS")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := a.runDoctor(cmd.Context())
			if a.json {
				if err := a.printJSON(out); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				for _, r := range out.Checks {
					line := fmt.Sprintf("%s\t%s\t%s", r.Status, r.Name, r.Detail)
					if r.Fix != "" {
						line += " — fix: " + r.Fix
					}
					fmt.Fprintln(tw, line)
				}
				tw.Flush()
				failed := 0
				for _, r := range out.Checks {
					if r.Status == checkFail {
						failed++
					}
				}
				if out.OK {
					fmt.Fprintf(a.stdout, "\nready: the local backend can run (backend in use: %s)\n", out.Backend)
				} else {
					fmt.Fprintf(a.stdout, "\nnot ready: %d check(s) failed; apply the fixes above and run `trace doctor` again\n", failed)
				}
			}
			if !out.OK {
				return withCode(exitConfig, errSilent)
			}
			return nil
		},
	}
}

func (a *app) runDoctor(ctx context.Context) doctorOutput {
	out := doctorOutput{OK: true, Backend: a.backend, Checks: []checkResult{}}
	for _, c := range doctorChecks {
		for _, r := range c(ctx, a) {
			if r.Status == checkFail {
				out.OK = false
			}
			out.Checks = append(out.Checks, r)
		}
	}
	return out
}

// toolOutput runs a tool briefly and returns its stdout.
func toolOutput(ctx context.Context, tool string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	b, err := execx.Output(ctx, tool, args...)
	return string(b), err
}

func missing(name, why string, status checkStatus, err error) checkResult {
	fix := execx.InstallHint(name)
	if fix == "" {
		fix = "install " + name + " and put it on PATH"
	}
	detail := "not installed or not on PATH"
	if err != nil && !strings.Contains(err.Error(), "not installed") {
		detail = oneLine(err)
	}
	return checkResult{Name: name, Status: status, Detail: detail + " (" + why + ")", Fix: fix}
}

func checkTool(tool, why string, status checkStatus) doctorCheck {
	return func(ctx context.Context, a *app) []checkResult {
		if _, err := execx.Look(tool); err != nil {
			return []checkResult{missing(tool, why, status, err)}
		}
		out, err := toolOutput(ctx, tool, "-version")
		if err != nil {
			out, err = toolOutput(ctx, tool, "--version")
		}
		if err != nil {
			return []checkResult{missing(tool, why, status, err)}
		}
		return []checkResult{{Name: tool, Status: checkPass, Detail: firstLine(out)}}
	}
}

func checkFFmpeg(ctx context.Context, a *app) []checkResult {
	const why = "records the screen, cuts clips and renders videos"
	if _, err := execx.Look("ffmpeg"); err != nil {
		return []checkResult{missing("ffmpeg", why, checkFail, err)}
	}
	ver, err := toolOutput(ctx, "ffmpeg", "-hide_banner", "-version")
	if err != nil {
		return []checkResult{missing("ffmpeg", why, checkFail, err)}
	}
	res := []checkResult{{Name: "ffmpeg", Status: checkPass, Detail: firstLine(ver)}}
	filters, err := toolOutput(ctx, "ffmpeg", "-hide_banner", "-filters")
	have := ffmpegFilters(filters)
	for _, f := range []struct {
		name, why string
		status    checkStatus
	}{
		{"asr", "speech to text for the local backend", checkFail},
		{"flite", "a voice for narration inside ffmpeg; espeak-ng or flite can stand in", checkWarn},
	} {
		name := "ffmpeg " + f.name + " filter"
		switch {
		case err != nil:
			res = append(res, checkResult{Name: name, Status: f.status, Detail: "could not list ffmpeg's filters: " + oneLine(err), Fix: "check that `ffmpeg -filters` runs"})
		case have[f.name]:
			res = append(res, checkResult{Name: name, Status: checkPass, Detail: f.why})
		default:
			res = append(res, checkResult{Name: name, Status: f.status, Detail: "this ffmpeg was built without it (" + f.why + ")",
				Fix: "use an ffmpeg built with --enable-pocketsphinx --enable-libflite (Debian's ffmpeg package has both)"})
		}
	}
	return res
}

// ffmpegFilters parses `ffmpeg -filters`: lines like " ... asr  A->A  Automatic Speech Recognition".
func ffmpegFilters(out string) map[string]bool {
	have := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 3 && strings.Contains(f[2], "->") {
			have[f[1]] = true
		}
	}
	return have
}

func checkSpeechModel(ctx context.Context, a *app) []checkResult {
	const name = "pocketsphinx model"
	fi, err := os.Stat(speechModelDir)
	if err != nil || !fi.IsDir() {
		return []checkResult{{Name: name, Status: checkFail, Detail: speechModelDir + " not found (the local backend's speech to text needs it)",
			Fix: "apt-get install pocketsphinx pocketsphinx-en-us"}}
	}
	return []checkResult{{Name: name, Status: checkPass, Detail: speechModelDir}}
}

func checkVoice(ctx context.Context, a *app) []checkResult {
	const name = "voice"
	var found []string
	for _, t := range []string{"espeak-ng", "flite"} {
		if _, err := execx.Look(t); err == nil {
			found = append(found, t)
		}
	}
	if len(found) == 0 {
		if filters, err := toolOutput(ctx, "ffmpeg", "-hide_banner", "-filters"); err == nil && ffmpegFilters(filters)["flite"] {
			found = append(found, "ffmpeg flite filter")
		}
	}
	if len(found) == 0 {
		return []checkResult{{Name: name, Status: checkFail, Detail: "no speech synthesiser (narration of the walkthrough video needs one)", Fix: "apt-get install espeak-ng (or flite)"}}
	}
	return []checkResult{{Name: name, Status: checkPass, Detail: strings.Join(found, ", ")}}
}

func checkTesseract(ctx context.Context, a *app) []checkResult {
	const why = "reads code and errors off the screen; without it scenes are labelled but not read"
	if _, err := execx.Look("tesseract"); err != nil {
		return []checkResult{missing("tesseract", why, checkWarn, err)}
	}
	langs, err := toolOutput(ctx, "tesseract", "--list-langs")
	if err != nil {
		return []checkResult{missing("tesseract", why, checkWarn, err)}
	}
	for _, l := range strings.Fields(langs) {
		if l == "eng" {
			return []checkResult{{Name: "tesseract", Status: checkPass, Detail: "with English data"}}
		}
	}
	return []checkResult{{Name: "tesseract", Status: checkWarn, Detail: "installed without English data (" + why + ")", Fix: "apt-get install tesseract-ocr-eng"}}
}

func checkDisplay(ctx context.Context, a *app) []checkResult {
	const name = "display server"
	switch {
	case runtime.GOOS == "darwin" || runtime.GOOS == "windows":
		return []checkResult{{Name: name, Status: checkPass, Detail: "the " + runtime.GOOS + " desktop"}}
	case os.Getenv("WAYLAND_DISPLAY") != "":
		return []checkResult{{Name: name, Status: checkPass, Detail: "Wayland " + os.Getenv("WAYLAND_DISPLAY")}}
	case os.Getenv("DISPLAY") != "":
		return []checkResult{{Name: name, Status: checkPass, Detail: "X11 " + os.Getenv("DISPLAY")}}
	}
	if _, err := execx.Look("Xvfb"); err == nil {
		return []checkResult{{Name: name, Status: checkWarn, Detail: "no DISPLAY or WAYLAND_DISPLAY: `trace start` cannot record the screen here",
			Fix: "run inside your desktop session, or headless: `Xvfb :99 -screen 0 1280x720x24 & export DISPLAY=:99`"}}
	}
	return []checkResult{{Name: name, Status: checkWarn, Detail: "no DISPLAY or WAYLAND_DISPLAY and no Xvfb: `trace start` cannot record the screen here",
		Fix: "run inside your desktop session, or install a headless server: apt-get install xvfb"}}
}

func checkStore(ctx context.Context, a *app) []checkResult {
	const name = "session store"
	st, err := session.Open(a.home)
	if err != nil {
		return []checkResult{{Name: name, Status: checkFail, Detail: oneLine(err), Fix: "set TRACE_HOME or --home to a writable directory"}}
	}
	a.store = st
	return []checkResult{{Name: name, Status: checkPass, Detail: st.Root() + " is writable"}}
}

func checkVideoDB(ctx context.Context, a *app) []checkResult {
	const name = "VideoDB key"
	for _, k := range []string{"VIDEO_DB_API_KEY", "VIDEODB_API_KEY"} {
		if strings.TrimSpace(os.Getenv(k)) != "" {
			return []checkResult{{Name: name, Status: checkPass, Detail: k + " is set (not shown)"}}
		}
	}
	status, detail := checkWarn, "not set: the local backend is used, and nothing leaves this machine"
	if a.backend == "videodb" {
		status, detail = checkFail, "not set, but the videodb backend was chosen"
	}
	return []checkResult{{Name: name, Status: status, Detail: detail, Fix: "to use VideoDB, export VIDEO_DB_API_KEY with the key from your VideoDB console"}}
}

func checkGitHub(ctx context.Context, a *app) []checkResult {
	const name = "GitHub token"
	for _, k := range []string{"GITHUB_TOKEN", "GH_TOKEN"} {
		if strings.TrimSpace(os.Getenv(k)) != "" {
			return []checkResult{{Name: name, Status: checkPass, Detail: k + " is set (not shown)"}}
		}
	}
	if _, err := execx.Look("gh"); err == nil {
		tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if _, err := ghpr.Token(tctx, ""); err == nil {
			return []checkResult{{Name: name, Status: checkPass, Detail: "`gh auth token` works (not shown)"}}
		}
	}
	return []checkResult{{Name: name, Status: checkWarn, Detail: "none found: publishing to pull requests and the /trace bot will not work; `generate --out DIR` still does",
		Fix: "export GITHUB_TOKEN (a token with repo scope) or run `gh auth login`"}}
}

func checkChromium(ctx context.Context, a *app) []checkResult {
	for _, t := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if _, err := execx.Look(t); err == nil {
			return []checkResult{{Name: "chromium", Status: checkPass, Detail: t + " (checks the report page renders)"}}
		}
	}
	return []checkResult{{Name: "chromium", Status: checkWarn, Detail: "not found: the report page is not checked in a real browser", Fix: execx.InstallHint("chromium")}}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, " Copyright"); i > 0 {
		s = s[:i] // ffmpeg's version line goes on with its copyright
	}
	return strings.TrimSpace(s)
}

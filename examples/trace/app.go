package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/session"
)

// Exit codes, documented in `trace --help`.
const (
	exitOK          = 0
	exitFailure     = 1   // anything not listed below
	exitUsage       = 2   // bad flags or arguments
	exitNotFound    = 3   // no such session, PR or file
	exitConfig      = 4   // missing tool, token or unusable store
	exitRemote      = 5   // VideoDB or GitHub failed or refused
	exitConflict    = 6   // locked, already recording, corrupt state
	exitInterrupted = 130 // Ctrl-C
)

const exitCodesHelp = `Exit codes:
  0    success
  1    failure not listed below
  2    usage: bad flags or arguments
  3    not found: no such session, PR or file
  4    configuration: a missing tool, token, or an unusable TRACE_HOME
  5    remote: VideoDB or GitHub failed or refused
  6    conflict: a session is locked, already recording, or its files are corrupt
  130  interrupted`

// errSilent marks an error already reported to the user.
var errSilent = errors.New("already reported")

// usageError marks bad flags or arguments.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// codedError carries an explicit exit code.
type codedError struct {
	code int
	err  error
}

func (e codedError) Error() string { return e.err.Error() }
func (e codedError) Unwrap() error { return e.err }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return codedError{code, err}
}

func exitCode(ctx context.Context, err error) int {
	var ce codedError
	var ue usageError
	switch {
	case errors.As(err, &ce):
		return ce.code
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, session.ErrNotFound), errors.Is(err, session.ErrAmbiguous), errors.Is(err, session.ErrNotIndexed):
		return exitNotFound
	case errors.Is(err, session.ErrStore), errors.Is(err, execx.ErrNotInstalled):
		return exitConfig
	case errors.Is(err, session.ErrLocked), errors.Is(err, session.ErrCorrupt), errors.Is(err, session.ErrSchema), errors.Is(err, session.ErrTransition):
		return exitConflict
	}
	if strings.Contains(err.Error(), "unknown flag") || strings.Contains(err.Error(), "unknown command") || strings.Contains(err.Error(), "accepts ") || strings.Contains(err.Error(), "requires at least") {
		return exitUsage
	}
	return exitFailure
}

func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " ")
}

// app holds what every command shares: global flags, output streams, logger.
type app struct {
	stdout, stderr io.Writer
	home           string
	json           bool
	verbose        int
	backend        string
	log            *slog.Logger
	store          *session.Store
}

func newApp(stdout, stderr io.Writer) *app {
	return &app{stdout: stdout, stderr: stderr}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "trace",
		Short: "Give pull requests a memory: record a session, publish a narrated walkthrough",
		Long: `trace records a coding session (screen, mic, file saves, active window) and turns
it into pull-request artefacts: a narrated walkthrough video, a grounded PR
description, a reviewer focus guide, a human-vs-agent contribution map, and a
/trace bot that answers reviewers with timestamped clips.

Backends: "local" (default; ffmpeg and friends on this machine, nothing leaves
it) and "videodb" (default when VIDEO_DB_API_KEY or VIDEODB_API_KEY is set).

Environment:
  TRACE_HOME          session store (default ~/.trace); --home overrides
  TRACE_BACKEND       local or videodb; --backend overrides
  VIDEO_DB_API_KEY    VideoDB API key (alias VIDEODB_API_KEY)
  GITHUB_TOKEN        GitHub token (else ` + "`gh auth token`" + ` is asked)

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			level := slog.LevelWarn
			if a.verbose == 1 {
				level = slog.LevelInfo
			} else if a.verbose > 1 {
				level = slog.LevelDebug
			}
			a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
			if a.home == "" {
				a.home = session.DefaultHome()
			}
			if a.backend == "" {
				a.backend = defaultBackend()
			}
			if a.backend != "local" && a.backend != "videodb" {
				return usageError{fmt.Sprintf("--backend %q: use local or videodb", a.backend)}
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{err.Error() + " (see `" + cmd.CommandPath() + " --help`)"}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.home, "home", "", "session store directory (env TRACE_HOME, default ~/.trace)")
	pf.BoolVar(&a.json, "json", false, "print machine-readable JSON instead of text")
	pf.CountVarP(&a.verbose, "verbose", "v", "log more (-v info, -vv debug) to stderr")
	pf.StringVar(&a.backend, "backend", "", "local or videodb (env TRACE_BACKEND; default videodb when a VideoDB key is set, else local)")

	root.AddCommand(
		a.prDescriptionCommand(),
		a.versionCommand(),
		a.startCommand(),
		a.stopCommand(),
		a.recordCommand(),
		a.contributionMapCommand(),
		a.timelineCommand(),
		a.focusCommand(),
		a.sessionsCommand(),
		a.inspectCommand(),
		a.transcriptCommand(),
		a.doctorCommand(),
		a.qaPollCommand(),
		a.serveCommand(),
		a.demoCommand(),
		a.generateCommand(),
		a.clipsCommand(),
	)
	return root
}

func defaultBackend() string {
	if b := os.Getenv("TRACE_BACKEND"); b != "" {
		return b
	}
	if os.Getenv("VIDEO_DB_API_KEY") != "" || os.Getenv("VIDEODB_API_KEY") != "" {
		return "videodb"
	}
	return "local"
}

// openStore opens the session store once per run.
func (a *app) openStore() (*session.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	st, err := session.Open(a.home)
	if err != nil {
		return nil, err
	}
	a.store = st
	return st, nil
}

// session resolves a session argument: an id, a unique prefix, or "" / "latest".
func (a *app) session(arg string) (*session.Session, error) {
	st, err := a.openStore()
	if err != nil {
		return nil, err
	}
	if arg == "" || arg == "latest" {
		return st.Latest()
	}
	return st.Get(arg)
}

// printJSON writes v as indented JSON to stdout.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

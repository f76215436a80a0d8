package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/attribution"
	"github.com/tracepr/trace/session"
)

func (a *app) contributionMapCommand() *cobra.Command {
	var (
		prURL, diffFile, base, format, project string
		claudeDirs                             []string
		codexDir, geminiDir                    string
		margin                                 time.Duration
		post                                   bool
	)
	cmd := &cobra.Command{
		Use:   "contribution-map [SESSION] [--pr URL | --diff FILE | --base REF]",
		Short: "Say which added lines of a change a human wrote and which an AI agent wrote",
		Long: `Read the session logs of Claude Code, Codex CLI and Gemini CLI for edits of the
project made during the session (its recording, plus --margin on each side),
and classify every added line of the change as agent, mixed (an agent wrote
it and the human changed it), human (saved by the human, written by no agent)
or unknown (nothing recorded covers it, and the output says why).

The change comes from --diff FILE (a unified diff; - reads stdin), --base REF
(git diff REF...HEAD in the project) or --pr URL (the PR's files on GitHub).
Without SESSION, the latest session is used.

Formats: markdown (the PR comment, with its hidden upsert marker), json (every
line with its evidence; also --json), agent-trace (an Agent Trace record other
tools read).

Agent logs are looked for in CLAUDE_CONFIG_DIR or ~/.claude and
~/.config/claude, CODEX_HOME or ~/.codex, and ~/.gemini (GEMINI_CLI_HOME);
the --*-dir flags override them ("-" turns an agent off).

--post publishes the markdown map as a comment on the --pr pull request,
found again by its hidden marker and edited in place on every run.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if a.json {
				format = "json"
			}
			switch format {
			case "markdown", "md", "json", "agent-trace":
			default:
				return usageError{fmt.Sprintf("--format %q: use markdown, json or agent-trace", format)}
			}
			arg := ""
			if len(args) > 0 {
				arg = args[0]
			}
			s, err := a.session(arg)
			if err != nil {
				return err
			}
			dir := project
			if dir == "" {
				dir = s.Meta.ProjectDir
			}
			if dir == "" {
				if dir, err = os.Getwd(); err != nil {
					return err
				}
				a.log.Warn("session has no project directory; using the current directory", "session", s.ID(), "dir", dir)
			}
			if dir, err = filepath.Abs(dir); err != nil {
				return err
			}
			diff, err := a.loadDiff(ctx, diffFile, base, prURL, dir)
			if err != nil {
				return err
			}
			saves, st, err := session.ReadJSONL[session.SaveEvent](s.Path(session.FileSaves))
			if err != nil {
				return fmt.Errorf("read %s: %w", s.Path(session.FileSaves), err)
			}
			if st.Skipped > 0 {
				a.log.Warn("skipped unreadable save events (a torn last line after a crash, or garbage)", "file", s.Path(session.FileSaves), "skipped", st.Skipped)
			}
			epoch, end := s.Window()
			if margin == 0 {
				margin = -1 // Build reads 0 as "the default"; here 0 means none
			}
			dirs := attribution.DefaultDirs(nil)
			if len(claudeDirs) > 0 {
				dirs.Claude = claudeDirs
			}
			if codexDir != "" {
				dirs.Codex = codexDir
			}
			if geminiDir != "" {
				dirs.Gemini = geminiDir
			}
			r, edits, err := attribution.Build(ctx, attribution.Config{
				Session: s.ID(), ProjectDir: dir, Epoch: epoch, End: end, Margin: margin,
				Diff: diff, Saves: saves, Sources: dirs.Sources(a.log),
			})
			if err != nil {
				return err
			}
			files := 0
			for _, st := range r.Sources {
				files += st.Files
				a.log.Info("agent logs read", "agent", st.Agent, "files", st.Files, "bytes", st.Bytes, "edits", st.Edits,
					"skipped", st.Skipped(), "rejected", st.Rejected, "out_of_window", st.OutOfWindow)
			}
			if files == 0 && !a.json {
				fmt.Fprintf(a.stderr, "no agent logs of %s from the session's time were found (looked in %v, %s, %s): lines can only be human or unknown; pass --claude-dir, --codex-dir or --gemini-dir if the agents keep their logs elsewhere\n",
					dir, dirs.Claude, dirs.Codex, dirs.Gemini)
			}
			a.log.Debug("agent edits in the window", "edits", len(edits))
			if post {
				if err := a.postArtefact(ctx, prURL, s, trace.KindContributionMap, attribution.Markdown(r, attribution.MarkdownOptions{})); err != nil {
					return err
				}
			}
			switch format {
			case "json":
				return a.printJSON(r)
			case "agent-trace":
				return a.printJSON(attribution.AgentTrace(r, attribution.ExportOptions{ToolVersion: trace.Version}))
			default:
				_, err := fmt.Fprint(a.stdout, attribution.Markdown(r, attribution.MarkdownOptions{}))
				return err
			}
		},
	}
	f := cmd.Flags()
	f.StringVar(&prURL, "pr", "", "pull request URL whose files to map")
	f.StringVar(&diffFile, "diff", "", "unified diff file to map (- reads stdin)")
	f.StringVar(&base, "base", "", "map `git diff REF...HEAD` in the project")
	f.StringVar(&format, "format", "markdown", "markdown, json or agent-trace")
	f.StringVar(&project, "project", "", "project directory (default: the session's)")
	f.StringSliceVar(&claudeDirs, "claude-dir", nil, "Claude Code config directory holding projects/ (repeatable)")
	f.StringVar(&codexDir, "codex-dir", "", "Codex home holding sessions/")
	f.StringVar(&geminiDir, "gemini-dir", "", "Gemini CLI directory holding tmp/")
	f.DurationVar(&margin, "margin", attribution.DefaultMargin, "widen the session window by this much on each side")
	f.BoolVar(&post, "post", false, "also publish the map as a comment on the --pr pull request (edited in place on every run)")
	return cmd
}

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/attribution"
	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/session"
)

func (a *app) focusCommand() *cobra.Command {
	var diffFile, base, prURL string
	var top int
	var post bool
	var noAgent bool
	var claudeDirs []string
	var codexDir, geminiDir string
	cmd := &cobra.Command{
		Use:   "focus [SESSION]",
		Short: "Rank the diff's files for review by what the session shows about them",
		Long: `Rank the files of a change for review, from the recorded session: time stuck
on them, errors seen while editing them, how often they were saved and
reworked, how much an AI agent did, and the size of the change. Each reason
points to the moment of the session it comes from; the added line ranges say
where to look.

The change comes from --diff FILE (a unified diff; - reads stdin) or --base
REF (git diff REF...HEAD in the session's project). SESSION is an id, a
unique prefix, or "latest" (the default).

The share of each file an AI agent wrote is measured from the session logs of
Claude Code, Codex CLI and Gemini CLI over the session's time, as
contribution-map does (agent lines count whole, mixed lines half). The logs
are looked for where contribution-map looks; the --*-dir flags override that
("-" turns an agent off) and --no-agent skips them. Without logs, the agent
actions recorded in the session stand in.

--post publishes the guide as a comment on the --pr pull request (whose diff
is used when neither --diff nor --base is given), found again by its hidden
marker and edited in place on every run.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if top < 1 {
				return usageError{fmt.Sprintf("--top %d: give at least 1", top)}
			}
			s, err := a.session(argOr(args, ""))
			if err != nil {
				return err
			}
			diff, err := a.loadDiff(cmd.Context(), diffFile, base, prURL, s.Meta.ProjectDir)
			if err != nil {
				return err
			}
			ev, err := a.loadEvidence(s)
			if err != nil {
				return err
			}
			tl, err := a.sessionTimeline(cmd.Context(), s, ev, &diff, false)
			if err != nil {
				return err
			}
			opts := clipselect.FocusOptions{Top: top}
			if !noAgent {
				opts.AgentShare, err = a.agentShare(cmd.Context(), s, diff, ev.Saves, agentDirs(claudeDirs, codexDir, geminiDir))
				if err != nil {
					return err
				}
			}
			f := clipselect.RankFocus(tl, ev, diff, opts)
			if post {
				body := narrate.FocusComment(s.ID(), trace.FocusEntries(f, nil, &ev, &diff))
				if err := a.postArtefact(cmd.Context(), prURL, s, trace.KindFocus, body); err != nil {
					return err
				}
			}
			if a.json {
				return a.printJSON(f)
			}
			printFocus(a, f)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&diffFile, "diff", "", "unified diff of the change (- reads stdin)")
	fl.StringVar(&base, "base", "", "base ref: use `git diff BASE...HEAD` in the session's project")
	fl.IntVar(&top, "top", 4, "how many files to list")
	fl.StringVar(&prURL, "pr", "", "pull request URL: its diff (unless --diff or --base), and where --post publishes")
	fl.BoolVar(&post, "post", false, "also publish the focus guide as a comment on the --pr pull request (edited in place on every run)")
	fl.BoolVar(&noAgent, "no-agent", false, "do not read agent logs; count only the agent actions the session recorded")
	fl.StringSliceVar(&claudeDirs, "claude-dir", nil, "Claude Code config directory holding projects/ (repeatable)")
	fl.StringVar(&codexDir, "codex-dir", "", "Codex home holding sessions/")
	fl.StringVar(&geminiDir, "gemini-dir", "", "Gemini CLI directory holding tmp/")
	return cmd
}

// agentDirs is attribution.DefaultDirs with the --claude-dir, --codex-dir
// and --gemini-dir overrides applied.
func agentDirs(claude []string, codex, gemini string) attribution.Dirs {
	dirs := attribution.DefaultDirs(nil)
	if len(claude) > 0 {
		dirs.Claude = claude
	}
	if codex != "" {
		dirs.Codex = codex
	}
	if gemini != "" {
		dirs.Gemini = gemini
	}
	return dirs
}

// agentShare measures, per diff path, the share of its added lines an AI
// agent wrote, from the agents' logs over the session window: agent lines
// count whole, mixed lines (an agent's, changed by hand) half. It returns nil
// when the session has no project directory or no agent log of the window
// was found, so that RankFocus falls back on the recorded agent actions.
func (a *app) agentShare(ctx context.Context, s *session.Session, diff session.Diff, saves []session.SaveEvent, dirs attribution.Dirs) (map[string]float64, error) {
	log := evidenceLogger(a)
	dir := s.Meta.ProjectDir
	if dir == "" {
		log.Info("session has no project directory; agent share taken from the recorded agent actions", "session", s.ID())
		return nil, nil
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	epoch, end := s.Window()
	r, _, err := attribution.Build(ctx, attribution.Config{
		Session: s.ID(), ProjectDir: dir, Epoch: epoch, End: end,
		Diff: diff, Saves: saves, Sources: dirs.Sources(log),
	})
	if err != nil {
		return nil, fmt.Errorf("measure the agent share: %w (pass --no-agent to rank without it)", err)
	}
	edits := 0
	for _, st := range r.Sources {
		edits += st.Edits
	}
	if edits == 0 {
		log.Info("no agent edits of the project in the session's time; agent share taken from the recorded agent actions", "project", dir)
		return nil, nil
	}
	share := map[string]float64{}
	for _, f := range r.Files {
		if f.Total > 0 {
			share[f.Path] = (float64(f.Agent) + float64(f.Mixed)/2) / float64(f.Total)
		}
	}
	return share, nil
}

func printFocus(a *app, f clipselect.Focus) {
	if len(f.Files) == 0 {
		fmt.Fprintf(a.stdout, "no file of the %d in the diff stands out: the session shows no trouble, churn or agent work on them\n", f.Considered)
		return
	}
	fmt.Fprintf(a.stdout, "review these %d of %d changed files first:\n", len(f.Files), f.Considered)
	for i, x := range f.Files {
		name := x.Path
		if x.OldPath != "" {
			name = x.OldPath + " → " + x.Path
		}
		fmt.Fprintf(a.stdout, "\n%d. %s  (score %.2f, %s)\n", i+1, name, x.Score, x.Status)
		if len(x.Added) > 0 {
			fmt.Fprintf(a.stdout, "   added lines: %s\n", lineRanges(x.Added))
		}
		for _, r := range x.Reasons {
			at := "     "
			if r.At != nil {
				at = fmt.Sprintf("%5s", session.Clock(r.At.Start))
			}
			fmt.Fprintf(a.stdout, "   %s  %-7s %.2f  %s\n", at, r.Signal, r.Value, r.Text)
		}
	}
}

func lineRanges(rs [][2]int) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		if r[0] == r[1] {
			parts = append(parts, fmt.Sprintf("L%d", r[0]))
		} else {
			parts = append(parts, fmt.Sprintf("L%d-L%d", r[0], r[1]))
		}
	}
	return strings.Join(parts, ", ")
}

package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/session"
)

func (a *app) focusCommand() *cobra.Command {
	var diffFile, base string
	var top int
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
unique prefix, or "latest" (the default).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if top < 1 {
				return usageError{fmt.Sprintf("--top %d: give at least 1", top)}
			}
			s, err := a.session(argOr(args, ""))
			if err != nil {
				return err
			}
			diff, err := a.loadDiff(cmd.Context(), diffFile, base, "", s.Meta.ProjectDir)
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
			f := clipselect.RankFocus(tl, ev, diff, clipselect.FocusOptions{Top: top})
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
	return cmd
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

package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/session"
)

// clipsOutput is what `trace clips --json` prints.
type clipsOutput struct {
	Session string               `json:"session"`
	Length  float64              `json:"length"` // recording, seconds
	Budget  float64              `json:"budget"` // most seconds of clips asked for
	Total   float64              `json:"total"`  // seconds of clips selected
	Clips   []session.Clip       `json:"clips"`
	Skipped []clipselect.Skipped `json:"skipped,omitempty"`
}

func (a *app) clipsCommand() *cobra.Command {
	var diffFile, base string
	var budget time.Duration
	var explain bool
	cmd := &cobra.Command{
		Use:   "clips [SESSION] (--diff FILE | --base REF) [--budget DUR] [--explain]",
		Short: "Show the clips of a session a reviewer of the change should watch, and why",
		Long: `Rank the moments of a session's timeline against a change and show the clips a
walkthrough of it would use: each clip's span, kind, narrative role, files,
its score part by part (relevance, role, novelty, quality) and the reason it
was chosen. With --explain, every moment left out is listed too, with why.

The change comes from --diff FILE (a unified diff; - reads stdin) or --base
REF (git diff REF...HEAD in the session's project). --budget is the most
time the clips may add up to (default 1m30s). SESSION is an id, a unique
prefix, or "latest" (the default).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if budget < 0 || (cmd.Flags().Changed("budget") && budget < time.Second) {
				return usageError{fmt.Sprintf("--budget %s: give at least 1s, for example --budget 90s", budget)}
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
			opts := clipselect.Options{Budget: clipselect.Budget{Max: budget}, Explain: explain}
			if budget > 0 {
				opts.Budget.Min = min(30*time.Second, budget)
			}
			res, err := clipselect.Select(tl, ev, &diff, opts)
			if err != nil && !errors.Is(err, clipselect.ErrNoClips) {
				return err
			}
			if budget == 0 {
				budget = 90 * time.Second
			}
			out := clipsOutput{Session: s.ID(), Length: tl.Len.Seconds(), Budget: budget.Seconds(), Total: res.Total.Seconds(),
				Clips: res.Clips, Skipped: res.Skipped}
			if out.Clips == nil {
				out.Clips = []session.Clip{}
			}
			if a.json {
				return a.printJSON(out)
			}
			printClips(a, out, tl.Len, budget, res.Total, explain)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&diffFile, "diff", "", "unified diff of the change (- reads stdin)")
	f.StringVar(&base, "base", "", "base ref: use `git diff BASE...HEAD` in the session's project")
	f.DurationVar(&budget, "budget", 0, "most time the clips may add up to (default 1m30s)")
	f.BoolVar(&explain, "explain", false, "also list every moment left out, and why")
	return cmd
}

func printClips(a *app, o clipsOutput, length, budget, total time.Duration, explain bool) {
	w := a.stdout
	if len(o.Clips) == 0 {
		fmt.Fprintf(w, "session %s: no moment of the %s recording is worth a clip for this change\n", o.Session, session.Clock(length))
	} else {
		fmt.Fprintf(w, "session %s: %d clip%s, %s of the %s recording (budget %s)\n", o.Session, len(o.Clips), clipsPlural(len(o.Clips)),
			session.Clock(total), session.Clock(length), session.Clock(budget))
	}
	for i, c := range o.Clips {
		role := c.Role
		if role == "" {
			role = "-"
		}
		fmt.Fprintf(w, "\n%d. %s  %s  role %s  score %.2f  files %s\n", i+1, c.Span, c.Kind, role, c.Score, filesShort(c.Files))
		if len(c.Parts) > 0 {
			fmt.Fprintf(w, "   %s\n", scoreParts(c.Parts))
		}
		if c.Reason != "" {
			fmt.Fprintf(w, "   why: %s\n", oneLineText(c.Reason, 200))
		}
	}
	if !explain {
		return
	}
	if len(o.Skipped) == 0 {
		fmt.Fprintln(w, "\nno moment was left out")
		return
	}
	fmt.Fprintf(w, "\nleft out (%d moment%s):\n", len(o.Skipped), clipsPlural(len(o.Skipped)))
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "SPAN\tKIND\tSCORE\tWHY")
	for _, sk := range o.Skipped {
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\n", sk.Span, sk.Kind, sk.Score, oneLineText(sk.Reason, 120))
	}
	tw.Flush()
}

// scoreParts writes "relevance 0.40 + role 0.20 + …".
func scoreParts(ps []session.ScorePart) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%s %.2f", p.Name, p.Value))
	}
	return strings.Join(parts, " + ")
}

func clipsPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/narrate"
)

// prDescriptionCommand prints the PR description built by the offline
// writer from a session's evidence and a diff.
func (a *app) prDescriptionCommand() *cobra.Command {
	var diffFile, base, prURL, title string
	var post bool
	cmd := &cobra.Command{
		Use:   "pr-description [SESSION] [--diff FILE | --base REF | --pr URL]",
		Short: "Print a grounded PR description (summary, what changed, why, struggles, follow-ups, test plan)",
		Long: `pr-description writes the pull request description section from a session's
evidence (transcript, scenes, saves, agent actions) and the diff, with the
offline writer: every sentence is taken from the evidence and checked.
SESSION is an id, a unique prefix or "latest" (the default).
The diff comes from --diff FILE ("-" for stdin), --base REF (git diff REF...HEAD
in the session's project) or --pr URL. --json prints the description with the
checker's verdict. --post publishes it on the --pr pull request as a section
of the description between trace's markers (edited in place on every run;
the author's text is never changed).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			arg := ""
			if len(args) == 1 {
				arg = args[0]
			}
			s, err := a.session(arg)
			if err != nil {
				return err
			}
			ev, err := a.loadEvidence(s)
			if err != nil {
				return err
			}
			diff, err := a.loadDiff(cmd.Context(), diffFile, base, prURL, s.Meta.ProjectDir)
			if err != nil {
				return err
			}
			// The clips a walkthrough would show carry the stuck moments and
			// errors the Struggles come from, as in trace generate.
			tl, err := a.sessionTimeline(cmd.Context(), s, ev, &diff, false)
			if err != nil {
				return err
			}
			clips, err := clipselect.Select(tl, ev, &diff, clipselect.Options{})
			if err != nil && !errors.Is(err, clipselect.ErrNoClips) {
				return err
			}
			pr := narrate.BuildPRPack(narrate.PRInput{Title: title, Evidence: &ev, Diff: &diff, Clips: clips.Clips})
			n := &narrate.Narrator{Grounds: narrate.NewGrounds(&ev, &diff), Log: a.log}
			d, err := n.Description(cmd.Context(), &pr)
			if err != nil {
				return err
			}
			body := narrate.DescriptionSection(s.Meta.ID, d, "")
			if post {
				if err := a.postArtefact(cmd.Context(), prURL, s, trace.KindDescription, body); err != nil {
					return err
				}
			}
			if a.json {
				return a.printJSON(d)
			}
			_, err = fmt.Fprint(a.stdout, body)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&diffFile, "diff", "", "unified diff file (\"-\" reads stdin)")
	f.StringVar(&base, "base", "", "base ref: diff REF...HEAD in the session's project")
	f.StringVar(&prURL, "pr", "", "pull request URL to take the diff from")
	f.StringVar(&title, "title", "", "the PR title, used as the one-line summary")
	f.BoolVar(&post, "post", false, "also publish it as the trace section of the PR description (--pr), below the author's text")
	return cmd
}

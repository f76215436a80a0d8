package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/internal/fsutil"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

func (a *app) timelineCommand() *cobra.Command {
	var diffFile, base, svgFile string
	var rebuild bool
	cmd := &cobra.Command{
		Use:   "timeline [SESSION]",
		Short: "Show a session's tagged timeline: progress, stuck, research, speech, agent and idle moments",
		Long: `Show a session's timeline: one gap-free row of tagged moments from the start
of the recording to its end, each with its confidence, files and evidence.

The timeline is read from the session's timeline.json when that is newer than
the evidence it was built from; otherwise it is built (and saved). With
--diff or --base it is built against the PR's diff (saves of changed files
weigh more) and not saved. SESSION is an id, a unique prefix, or "latest"
(the default).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.session(argOr(args, ""))
			if err != nil {
				return err
			}
			ev, err := a.loadEvidence(s)
			if err != nil {
				return err
			}
			var diff *session.Diff
			if diffFile != "" || base != "" {
				d, err := a.loadDiff(cmd.Context(), diffFile, base, "", s.Meta.ProjectDir)
				if err != nil {
					return err
				}
				diff = &d
			}
			tl, err := a.sessionTimeline(cmd.Context(), s, ev, diff, rebuild)
			if err != nil {
				return err
			}
			if svgFile != "" {
				if err := fsutil.WriteFile(svgFile, timeline.SVG(tl, ev, diff, timeline.SVGOptions{}), 0o644); err != nil {
					return fmt.Errorf("write the timeline picture to %s: %w: choose a writable path", svgFile, err)
				}
			}
			if a.json {
				return a.printJSON(timeline.NewFile(tl, nil))
			}
			printTimeline(a, s, tl)
			if svgFile != "" {
				fmt.Fprintf(a.stdout, "\npicture: %s\n", svgFile)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&diffFile, "diff", "", "unified diff of the change (- reads stdin)")
	f.StringVar(&base, "base", "", "base ref: use `git diff BASE...HEAD` in the session's project")
	f.StringVar(&svgFile, "svg", "", "also write the timeline as an SVG picture to this file")
	f.BoolVar(&rebuild, "rebuild", false, "build the timeline again even if timeline.json is up to date")
	return cmd
}

func argOr(args []string, d string) string {
	if len(args) > 0 {
		return args[0]
	}
	return d
}

// sessionTimeline returns the session's timeline: the stored timeline.json
// when it is newer than every evidence file and no diff is given, else a
// fresh build (saved when built without a diff).
func (a *app) sessionTimeline(ctx context.Context, s *session.Session, ev session.Evidence, diff *session.Diff, rebuild bool) (timeline.Static, error) {
	if err := ctx.Err(); err != nil {
		return timeline.Static{}, err
	}
	if diff == nil && !rebuild && timelineFresh(s) {
		var f timeline.File
		err := s.ReadJSON(session.FileTimeline, &f)
		if err == nil {
			tl, ferr := f.Static()
			if ferr == nil && tl.Len == ev.Length {
				return tl, nil
			}
			err = ferr
		}
		if err != nil {
			evidenceLogger(a).Warn("stored timeline not usable; building it again", "file", s.Path(session.FileTimeline), "err", err)
		}
	}
	tl, err := timeline.Build(ev, diff, timeline.Options{})
	if err != nil {
		if errors.Is(err, timeline.ErrNoLength) {
			return tl, fmt.Errorf("session %s: %w", s.ID(), err)
		}
		return tl, err
	}
	if diff == nil {
		if err := s.WriteJSON(session.FileTimeline, timeline.NewFile(tl, nil)); err != nil {
			evidenceLogger(a).Warn("could not save the timeline", "file", s.Path(session.FileTimeline), "err", err)
		}
	}
	return tl, nil
}

// timelineFresh reports whether timeline.json exists and is newer than the
// evidence files and the metadata (whose length it depends on).
func timelineFresh(s *session.Session) bool {
	st, err := os.Stat(s.Path(session.FileTimeline))
	if err != nil {
		return false
	}
	for _, name := range []string{session.MetadataFile, session.FileTranscript, session.FileScenes, session.FileSaves, session.FileWindows, session.FileAgent} {
		in, err := os.Stat(s.Path(name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil || !in.ModTime().Before(st.ModTime()) {
			return false
		}
	}
	return true
}

func printTimeline(a *app, s *session.Session, tl timeline.Static) {
	fmt.Fprintf(a.stdout, "session %s: %s recorded, %d moments\n\n", s.ID(), session.Clock(tl.Len), len(tl.Items))
	if len(tl.Items) == 0 {
		fmt.Fprintln(a.stdout, "nothing recorded yet: the session has no evidence and no recording length")
		return
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "SPAN\tKIND\tCONF\tFILES\tEVIDENCE\tSUMMARY")
	for _, m := range tl.Items {
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\t%s\t%s\n", m.Span, m.Kind, m.Confidence, filesShort(m.Files), evidenceShort(m.Evidence), oneLineText(m.Summary, 90))
	}
	tw.Flush()
}

func filesShort(fs []string) string {
	switch len(fs) {
	case 0:
		return "-"
	case 1, 2:
		return strings.Join(fs, ",")
	}
	return fmt.Sprintf("%s,+%d", strings.Join(fs[:2], ","), len(fs)-2)
}

// evidenceShort counts references by collection: "3 saves, 1 scene".
func evidenceShort(refs []session.EvidenceRef) string {
	if len(refs) == 0 {
		return "-"
	}
	order := []session.EvidenceType{session.EvSave, session.EvSegment, session.EvScene, session.EvWindow, session.EvAgent}
	n := map[session.EvidenceType]int{}
	for _, r := range refs {
		n[r.Type]++
	}
	var parts []string
	for _, t := range order {
		if c := n[t]; c > 0 {
			name := string(t)
			if c > 1 {
				name += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", c, name))
		}
	}
	return strings.Join(parts, ", ")
}

func oneLineText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

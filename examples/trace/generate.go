package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/attribution"
	"github.com/tracepr/trace/clipselect"
	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/local"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

// generateSummary is what `trace generate --json` prints.
type generateSummary struct {
	Session   string            `json:"session"`
	PR        string            `json:"pr,omitempty"`
	Out       string            `json:"out,omitempty"`
	Report    string            `json:"report,omitempty"`
	Dir       string            `json:"dir"` // the session folder holding every step's output
	Clips     []session.Clip    `json:"clips"`
	Video     string            `json:"video,omitempty"`
	Published map[string]string `json:"published,omitempty"` // kind → comment URL or file
	DryRun    bool              `json:"dry_run,omitempty"`
	Bodies    map[string]string `json:"bodies,omitempty"` // dry run: what would be published
}

func (a *app) generateCommand() *cobra.Command {
	var (
		out, base, diffFile, title string
		dryRun, draft              bool
		budget                     time.Duration
		claudeDirs                 []string
		codexDir, geminiDir        string
	)
	cmd := &cobra.Command{
		Use:   "generate [SESSION] [PR_URL] [--out DIR] [--dry-run] [--base REF | --diff FILE]",
		Short: "Select clips, narrate, voice, render and publish every PR artefact of a session",
		Long: `generate turns an indexed session and a change into the PR artefacts: the
narrated walkthrough video, the description section, the reviewer focus guide
and the contribution map.

Where they go:
  --out DIR     into a folder (markdown files, the video, report.html); nothing
                leaves the machine
  PR_URL        onto the pull request: keyed comments edited in place and a
                section of the description below the author's text
  neither       the PR is opened from the current branch of the session's
                project (staged changes are committed; see ghpr's rules), then
                the artefacts are published on it

The change is --diff FILE, else --base REF (git diff REF...HEAD in the
project), else the PR's diff; with neither and no PR, --base defaults to main.
When generate opens the PR, the change is read from the project against the
PR's base (--base, else origin's default branch, else main).
--dry-run prints the clips (with their score parts) and the texts that would
be published, without voice, render or publishing.

Every step is recorded in the session: running generate again after a failure
or Ctrl-C continues where it stopped and publishes nothing twice. SESSION is
an id, a unique prefix or "latest" (the default).`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			sessArg, prArg := splitSessionPR(args)
			s, err := a.session(sessArg)
			if err != nil {
				return err
			}
			p, err := a.pipeline(s)
			if err != nil {
				return err
			}
			if budget > 0 {
				p.Clips.Budget = clipselect.Budget{Max: budget}
			}
			if len(claudeDirs) > 0 || codexDir != "" || geminiDir != "" {
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
				p.Agents = dirs.Sources(evidenceLogger(a))
			}
			req := trace.Request{Title: title, Base: base, DryRun: dryRun, Branch: gitBranch(ctx, s.Meta.ProjectDir)}
			if diffFile != "" {
				d, err := a.loadDiff(ctx, diffFile, "", "", s.Meta.ProjectDir)
				if err != nil {
					return err
				}
				req.Diff = &d
			}
			sum := generateSummary{Session: s.ID(), DryRun: dryRun, Published: map[string]string{}}
			switch {
			case out != "":
				abs, err := filepath.Abs(out)
				if err != nil {
					return err
				}
				sum.Out = abs
				if !dryRun {
					p.Sink = local.NewSink(abs)
					p.Host = hostInFolder(abs)
				}
				if prArg != "" {
					pr, err := parsePR(prArg)
					if err != nil {
						return err
					}
					req.PR = &pr
				}
			case prArg != "":
				pr, err := parsePR(prArg)
				if err != nil {
					return err
				}
				c, err := a.githubClient(ctx, pr)
				if err != nil {
					return err
				}
				req.PR = &pr
				p.Diffs = c
				if !dryRun {
					p.Sink = c.Sink()
				}
			case !dryRun:
				if s.Meta.ProjectDir == "" {
					return usageError{"session " + s.ID() + " has no project directory to open a PR from: pass PR_URL or --out DIR"}
				}
				repo, err := ghpr.RepoFromRemote(gitRemoteURL(ctx, s.Meta.ProjectDir))
				if err != nil {
					return withCode(exitConfig, fmt.Errorf("open a PR from %s: %w: add a GitHub remote named origin, or pass PR_URL or --out DIR", s.Meta.ProjectDir, err))
				}
				c, err := a.githubClient(ctx, repo)
				if err != nil {
					return err
				}
				t := title
				if t == "" {
					t = "trace session " + s.ID()
				}
				// The PR's base is the one OpenPR would pick, named here so
				// the change can be read from the project itself: it is
				// exactly what was pushed, whether or not GitHub has
				// computed the new PR's diff yet.
				if base == "" {
					base = gitDefaultBase(ctx, s.Meta.ProjectDir)
				}
				pr, err := c.OpenPR(ctx, ghpr.OpenOptions{RepoDir: s.Meta.ProjectDir, Session: s.ID(), Title: title, Message: t, Draft: draft, Base: base})
				if err != nil {
					if errors.Is(err, ghpr.ErrDirty) {
						return withCode(exitConflict, err)
					}
					return ghExit(err)
				}
				a.say("opened %s", pr.URL())
				req.PR = &pr
				p.Diffs = c
				p.Sink = c.Sink()
				req.Branch = gitBranch(ctx, s.Meta.ProjectDir)
				if req.Diff == nil {
					req.Base = base
				}
			}
			if req.Diff == nil && req.Base == "" && (req.PR == nil || p.Diffs == nil) {
				req.Base = "main"
			}
			if req.PR != nil {
				sum.PR = req.PR.URL()
			}
			res, err := p.Generate(ctx, s, req)
			if err != nil {
				var le *session.LockedError
				if errors.As(err, &le) {
					return withCode(exitConflict, err)
				}
				return genExit(err)
			}
			sum.Dir = s.Path(res.Dir)
			sum.Clips = res.Clips
			if res.Video.Video.Path != "" || res.Video.Video.URL != "" {
				sum.Video = firstNonEmpty(res.Video.Video.URL, res.Video.Video.Path)
				if sum.Out != "" && res.Video.Video.Path != "" {
					sum.Video = filepath.Join(sum.Out, res.Video.Video.Path)
				}
			}
			for kind, c := range res.Published {
				switch {
				case c.URL != "":
					sum.Published[kind] = c.URL
				case sum.Out != "":
					if kind == trace.KindDescription {
						sum.Published[kind] = filepath.Join(sum.Out, local.SinkDescription)
					} else {
						sum.Published[kind] = filepath.Join(sum.Out, local.CommentFile(keyOf(kind, s)))
					}
				default:
					sum.Published[kind] = sum.PR
				}
			}
			if sum.Out != "" && !dryRun {
				if sum.Report, err = writeGenerateReport(s, sum.Out, res, req); err != nil {
					return err
				}
			}
			if dryRun {
				sum.Bodies = res.Bodies
			}
			if a.json {
				return a.printJSON(sum)
			}
			if dryRun {
				printDryRun(a, res)
				return nil
			}
			fmt.Fprintf(a.stdout, "session %s: %d clips", s.ID(), len(res.Clips))
			if sum.Video != "" {
				fmt.Fprintf(a.stdout, ", walkthrough %s", sum.Video)
			}
			fmt.Fprintln(a.stdout)
			for _, kind := range []string{trace.KindWalkthrough, trace.KindDescription, trace.KindFocus, trace.KindContributionMap} {
				if v, ok := sum.Published[kind]; ok {
					fmt.Fprintf(a.stdout, "  %-17s %s\n", kind, v)
				}
			}
			if sum.Report != "" {
				fmt.Fprintf(a.stdout, "  %-17s %s\n", "report", sum.Report)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "write the artefacts and report.html into this folder instead of publishing on GitHub")
	f.StringVar(&base, "base", "", "diff REF...HEAD in the session's project (and the PR's base when opening one)")
	f.StringVar(&diffFile, "diff", "", "unified diff file of the change (- reads stdin)")
	f.StringVar(&title, "title", "", "the change's title (intro card, description, and the PR when opening one)")
	f.BoolVar(&dryRun, "dry-run", false, "print the clips and texts that would be published; no voice, render or publishing")
	f.BoolVar(&draft, "draft", false, "open the PR as a draft (when no PR_URL is given)")
	f.DurationVar(&budget, "budget", 0, "longest total of the clips (default 90s)")
	f.StringSliceVar(&claudeDirs, "claude-dir", nil, "Claude Code config directory holding projects/ (repeatable)")
	f.StringVar(&codexDir, "codex-dir", "", "Codex home holding sessions/ (- turns it off)")
	f.StringVar(&geminiDir, "gemini-dir", "", "Gemini CLI directory holding tmp/ (- turns it off)")
	return cmd
}

// genExit gives GitHub's errors their exit codes and leaves the others as
// they are.
func genExit(err error) error {
	for _, e := range []error{ghpr.ErrAuth, ghpr.ErrNoToken, ghpr.ErrNotFound, ghpr.ErrRateLimited, ghpr.ErrPRRef, ghpr.ErrMarkers} {
		if errors.Is(err, e) {
			return ghExit(err)
		}
	}
	return err
}

// splitSessionPR reads generate's arguments: SESSION PR_URL by position
// when both are given; a single one is the PR when it looks like a URL or
// an OWNER/REPO#N reference (so a malformed one is reported as a PR
// reference, not as an unknown session), else the session.
func splitSessionPR(args []string) (sess, pr string) {
	switch len(args) {
	case 2:
		return args[0], args[1]
	case 1:
		if looksLikePR(args[0]) {
			return "", args[0]
		}
		return args[0], ""
	}
	return "", ""
}

func looksLikePR(s string) bool {
	return strings.ContainsAny(s, "/#") || strings.Contains(s, "://")
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

// gitBranch is the current branch of the repository in dir, or "".
func gitBranch(ctx context.Context, dir string) string {
	if dir == "" {
		return ""
	}
	b, err := execx.Run(ctx, execx.Cmd{Tool: "git", Args: []string{"rev-parse", "--abbrev-ref", "HEAD"}, Dir: dir})
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// gitDefaultBase is the branch a PR from dir goes into by default: the
// default branch of origin as the clone recorded it, else "main".
func gitDefaultBase(ctx context.Context, dir string) string {
	b, err := execx.Run(ctx, execx.Cmd{Tool: "git", Args: []string{"symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"}, Dir: dir})
	if ref := strings.TrimSpace(string(b)); err == nil && strings.HasPrefix(ref, "origin/") {
		return strings.TrimPrefix(ref, "origin/")
	}
	return "main"
}

func gitRemoteURL(ctx context.Context, dir string) string {
	b, err := execx.Run(ctx, execx.Cmd{Tool: "git", Args: []string{"remote", "get-url", "origin"}, Dir: dir})
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func printDryRun(a *app, res *trace.Result) {
	fmt.Fprintf(a.stdout, "dry run of session %s: %d clips (nothing voiced, rendered or published)\n\n", res.Session, len(res.Clips))
	for i, c := range res.Clips {
		var parts []string
		for _, p := range c.Parts {
			parts = append(parts, fmt.Sprintf("%s %.2f", p.Name, p.Value))
		}
		fmt.Fprintf(a.stdout, "%d. %s  %-8s %-8s score %.2f (%s)  %s\n", i+1, c.Span, c.Kind, c.Role, c.Score, strings.Join(parts, ", "), strings.Join(c.Files, ", "))
		if i < len(res.Scripts) {
			fmt.Fprintf(a.stdout, "   %s\n", res.Scripts[i].Text)
		}
	}
	for _, kind := range []string{trace.KindDescription, trace.KindFocus, trace.KindContributionMap} {
		fmt.Fprintf(a.stdout, "\n----- %s -----\n%s", kind, res.Bodies[kind])
	}
}

// writeGenerateReport writes timeline.svg and report.html into out.
func writeGenerateReport(s *session.Session, out string, res *trace.Result, req trace.Request) (string, error) {
	ev, err := trace.LoadEvidence(s, nil)
	if err != nil {
		return "", err
	}
	var tf timeline.File
	if err := s.ReadJSON(res.Dir+"timeline.json", &tf); err != nil {
		return "", err
	}
	tl, err := tf.Static()
	if err != nil {
		return "", err
	}
	svg := timeline.SVG(tl, ev, &res.Diff, timeline.SVGOptions{})
	if err := os.WriteFile(filepath.Join(out, "timeline.svg"), svg, 0o644); err != nil {
		return "", fmt.Errorf("write the timeline picture into %s: %w", out, err)
	}
	title := req.Title
	if title == "" {
		title = "Session " + s.ID()
	}
	sub := "session " + s.ID()
	if req.PR != nil {
		sub = req.PR.String() + " · " + sub
	}
	data := local.ReportData{Title: title, Subtitle: sub, TimelineSVG: string(svg),
		Description: res.Bodies[trace.KindDescription], Focus: res.Bodies[trace.KindFocus], ContributionMap: res.Bodies[trace.KindContributionMap]}
	if res.Plan != nil && res.Video.Video.Path != "" && !filepath.IsAbs(res.Video.Video.Path) {
		data.Video, data.Poster, data.Captions = res.Video.Video.Path, res.Video.Poster.Path, res.Video.Captions.Path
		if _, err := os.Stat(filepath.Join(out, local.RenderChapters)); err == nil {
			data.Chapters = local.RenderChapters
		}
		data.ChapterList = local.ReportChapters(res.Plan)
	}
	return local.WriteReport(out, data)
}

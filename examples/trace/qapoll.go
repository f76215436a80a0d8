package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/local"
	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/qa"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb"
)

// qaFlags are the bot settings shared by qa-poll and serve.
type qaFlags struct {
	associations []string
	noteOthers   bool
	maxReply     int
}

func (f *qaFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringSliceVar(&f.associations, "associations", qa.DefaultAssociations(), "author associations answered (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR…)")
	cmd.Flags().BoolVar(&f.noteOthers, "note-others", false, "reply with a short note to commenters who may not ask, instead of staying silent")
	cmd.Flags().IntVar(&f.maxReply, "max-reply", qa.DefaultMaxReply, "longest reply, in bytes")
}

func (a *app) qaPollCommand() *cobra.Command {
	var interval time.Duration
	var once bool
	var qf qaFlags
	cmd := &cobra.Command{
		Use:   "qa-poll PR_URL [SESSION]",
		Short: "Answer /trace questions on a PR by polling its comments",
		Long: `qa-poll answers reviewers' /trace questions on a pull request, in the PR
conversation and in line comments on the diff, with a short answer and up to
three clips of the recorded session.

It polls with conditional requests (ETags), so a PR where nothing changed costs
no GitHub rate limit. What was answered is kept in the session (qa.json): a
restart never answers twice, an edited question gets its answer edited, and a
failed answer is retried later. Stop it with Ctrl-C.

Without SESSION, the session linked to the PR (by trace generate) is used.

Examples:
  trace qa-poll https://github.com/acme/api/pull/42
  trace qa-poll acme/api#42 3f9c1e2a --interval 1m
  trace qa-poll acme/api#42 --once --json`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if interval < 5*time.Second {
				return usageError{fmt.Sprintf("--interval %s is too short: use 5s or more", interval)}
			}
			pr, err := parsePR(args[0])
			if err != nil {
				return err
			}
			var s *session.Session
			if len(args) == 2 {
				s, err = a.session(args[1])
			} else {
				s, err = a.sessionForPR(pr)
			}
			if err != nil {
				return err
			}
			client, err := a.githubClient(ctx, pr)
			if err != nil {
				return err
			}
			bot, err := a.newQABot(ctx, s, client, qf)
			if err != nil {
				return err
			}
			if !a.json {
				fmt.Fprintf(a.stderr, "answering /trace on %s from session %s (every %s; Ctrl-C stops)\n", pr.URL(), s.ID(), interval)
			}
			err = bot.Poll(ctx, pr, client.Poller(pr), qa.PollOptions{Interval: interval, Once: once, OnPoll: func(sum qa.Summary, err error) {
				a.reportPoll(sum, err)
			}})
			if err != nil {
				return ghExit(err)
			}
			if ctx.Err() != nil && !a.json {
				fmt.Fprintln(a.stderr, "stopped")
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&interval, "interval", 30*time.Second, "time between polls")
	cmd.Flags().BoolVar(&once, "once", false, "poll once, answer, and exit")
	qf.register(cmd)
	return cmd
}

// reportPoll prints what one poll did: a JSON line with --json, else a
// line when something was answered.
func (a *app) reportPoll(sum qa.Summary, err error) {
	if a.json {
		v := map[string]any{"at": time.Now().UTC().Format(time.RFC3339), "outcomes": sum}
		if err != nil {
			v["error"] = oneLine(err)
		}
		_ = a.printJSON(v)
		return
	}
	var parts []string
	for _, o := range []qa.Outcome{qa.OutcomeAnswered, qa.OutcomeNothing, qa.OutcomeHelp, qa.OutcomeUpdated, qa.OutcomeNotAllowed, qa.OutcomeFailed} {
		if n := sum[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ReplaceAll(string(o), "_", " ")))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(a.stdout, "%s %s\n", time.Now().Format("15:04:05"), strings.Join(parts, ", "))
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "trace: %s\n", oneLine(err))
	}
}

// sessionForPR finds the session linked to a PR (the newest when several are).
func (a *app) sessionForPR(pr ghpr.PR) (*session.Session, error) {
	st, err := a.openStore()
	if err != nil {
		return nil, err
	}
	ss, err := ghpr.SessionsForPR(st, pr)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, fmt.Errorf("no session is linked to %s: pass the session id (trace qa-poll %s SESSION), or publish with `trace generate SESSION %s` first: %w", pr, pr, pr.URL(), session.ErrNotFound)
	}
	return ss[len(ss)-1], nil
}

// newQABot opens the session's index on its backend and builds the bot:
// answers are written by the backend's model when it has one (VideoDB),
// else by narrate's offline writer, and always checked against the
// session's evidence.
func (a *app) newQABot(ctx context.Context, s *session.Session, client *ghpr.Client, qf qaFlags) (*qa.Bot, error) {
	idx, writer, err := a.qaBackend(ctx, s)
	if err != nil {
		return nil, err
	}
	ev, err := a.loadEvidence(s)
	if err != nil {
		return nil, err
	}
	self := ""
	if u, _, err := client.GitHub().Users.Get(ctx, ""); err == nil {
		self = u.GetLogin()
	} else {
		a.log.Debug("could not read the token's login; trace's own comments are still recognised by their marker", "err", err)
	}
	return qa.New(qa.Config{
		Sink:           client.Sink(),
		Index:          idx,
		Session:        s,
		Answerer:       &narrate.Narrator{Writer: writer, Grounds: narrate.NewGrounds(&ev, nil), Log: a.log},
		Self:           self,
		Associations:   qf.associations,
		NoteNotAllowed: qf.noteOthers,
		MaxReply:       qf.maxReply,
		Search:         qa.SearchOptions{Length: ev.Length, Evidence: &ev},
		Logger:         a.log,
	})
}

// qaBackend reopens the index the session was indexed with, and the
// backend's writer (nil: narrate's offline writer).
func (a *app) qaBackend(ctx context.Context, s *session.Session) (session.Index, narrate.Writer, error) {
	backend := s.Meta.Backend
	if backend == "" {
		backend = a.backend
	}
	switch backend {
	case "videodb":
		c, err := videodb.New(videodb.Options{Logger: a.log})
		if err != nil {
			return nil, nil, withCode(exitConfig, fmt.Errorf("session %s was indexed on VideoDB: %w: set VIDEO_DB_API_KEY", s.ID(), err))
		}
		idx, err := videodb.NewIndexer(c, videodb.IndexerOptions{Logger: a.log}).Open(ctx, s)
		if err != nil {
			return nil, nil, a.indexErr(s, err)
		}
		return idx, videodb.NewWriter(c, ""), nil
	default:
		idx, err := local.NewIndexer(local.Options{Logger: a.log}).Open(ctx, s)
		if err != nil {
			return nil, nil, a.indexErr(s, err)
		}
		return idx, nil, nil
	}
}

func (a *app) indexErr(s *session.Session, err error) error {
	if errors.Is(err, session.ErrNotIndexed) {
		return fmt.Errorf("session %s is not indexed yet, so there is nothing to search: run `trace stop` (it indexes) and try again: %w", s.ID(), err)
	}
	return err
}

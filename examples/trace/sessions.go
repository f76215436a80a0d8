package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/session"
)

// sessionRow is one session as `trace sessions --json` prints it.
type sessionRow struct {
	ID         string   `json:"id"`
	CreatedAt  string   `json:"created_at"`
	Status     string   `json:"status"`
	Length     float64  `json:"length"` // seconds; 0 until the recording is final
	ProjectDir string   `json:"project_dir,omitempty"`
	Backend    string   `json:"backend,omitempty"`
	PRs        []string `json:"prs"`
	Error      string   `json:"error,omitempty"`
	Dir        string   `json:"dir"`
}

type sessionsOutput struct {
	Sessions []sessionRow `json:"sessions"`
	Broken   []string     `json:"broken"` // one line per session that could not be read
}

func (a *app) sessionsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sessions",
		Short: "List the recorded sessions (and remove one with `sessions rm`)",
		Long: `List the sessions in the store, oldest first: id, when it was created, its
status, the recording's length, the project directory and the PRs it was
published to. A session whose files cannot be read is listed on stderr with
its error and the fix, never hidden.`,
		Example: `  trace sessions
  trace sessions --json | jq -r '.sessions[].id'
  trace --home /tmp/trace-home sessions`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore()
			if err != nil {
				return err
			}
			r, err := st.List()
			if err != nil {
				return err
			}
			out := sessionsOutput{Sessions: []sessionRow{}, Broken: []string{}}
			for _, s := range r.Sessions {
				out.Sessions = append(out.Sessions, rowOf(s))
			}
			for _, b := range r.Broken {
				out.Broken = append(out.Broken, oneLine(b))
			}
			if a.json {
				return a.printJSON(out)
			}
			for _, b := range out.Broken {
				fmt.Fprintln(a.stderr, "trace: unreadable session: "+b)
			}
			if len(out.Sessions) == 0 {
				fmt.Fprintf(a.stdout, "no sessions in %s yet: record one with `trace start`, or run `trace demo`\n", st.Root())
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tCREATED\tSTATUS\tLENGTH\tPROJECT\tPRS")
			for _, s := range out.Sessions {
				length := "-"
				if s.Length > 0 {
					length = session.Clock(session.FromSeconds(s.Length))
				}
				prs := "-"
				if len(s.PRs) > 0 {
					prs = strings.Join(s.PRs, " ")
				}
				project := s.ProjectDir
				if project == "" {
					project = "-"
				}
				status := s.Status
				if s.Error != "" {
					status += " (" + s.Error + ")"
				}
				created := s.CreatedAt
				if t, err := time.Parse(time.RFC3339Nano, s.CreatedAt); err == nil {
					created = t.Local().Format("2006-01-02 15:04")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, created, status, length, project, prs)
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(a.sessionsRmCommand())
	return cmd
}

func rowOf(s *session.Session) sessionRow {
	prs := s.Meta.PRs
	if prs == nil {
		prs = []string{}
	}
	return sessionRow{
		ID:         s.ID(),
		CreatedAt:  s.Meta.CreatedAt.UTC().Format(time.RFC3339),
		Status:     string(s.Meta.Status),
		Length:     session.Seconds(s.Meta.Length),
		ProjectDir: s.Meta.ProjectDir,
		Backend:    s.Meta.Backend,
		PRs:        prs,
		Error:      s.Meta.Error,
		Dir:        s.Dir,
	}
}

func (a *app) sessionsRmCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "rm SESSION...",
		Short: "Delete sessions: their directories and everything recorded in them",
		Long: `Delete sessions from the store. SESSION is an id or a unique prefix of one;
a session whose metadata is corrupt can be deleted too. A session that a
running trace holds (recording, indexing) is refused: stop it first.
Nothing is deleted on the server side (VideoDB uploads, PR comments).`,
		Example: `  trace sessions rm 5a3c9e1f2b7d4c08
  trace sessions rm 5a3c`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore()
			if err != nil {
				return err
			}
			var deleted []string
			for _, arg := range args {
				if arg == "latest" {
					return usageError{"sessions rm needs an id, not \"latest\": see `trace sessions`"}
				}
				id, err := st.Resolve(arg)
				if err != nil {
					return err
				}
				if err := st.Delete(id); err != nil {
					return err
				}
				deleted = append(deleted, id)
				if !a.json {
					fmt.Fprintln(a.stdout, "deleted session "+id)
				}
			}
			if a.json {
				return a.printJSON(map[string][]string{"deleted": deleted})
			}
			return nil
		},
	}
}

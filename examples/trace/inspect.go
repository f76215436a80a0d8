package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

// inspectOutput is what `trace inspect --json` prints.
type inspectOutput struct {
	Dir      string                 `json:"dir"`
	Metadata session.Metadata       `json:"metadata"`
	Lock     *lockInfo              `json:"lock,omitempty"`
	Files    []fileInfo             `json:"files"`
	Counts   evidenceCounts         `json:"counts"`
	Skipped  map[string]int         `json:"skipped_lines,omitempty"` // JSONL file → torn or garbage lines
	Moments  map[string]momentStats `json:"moments,omitempty"`       // from timeline.json, by kind
	Problems []string               `json:"problems"`
}

type lockInfo struct {
	PID   int  `json:"pid"`
	Alive bool `json:"alive"`
}

type fileInfo struct {
	Name  string `json:"name"`
	Size  int64  `json:"size"`
	Dir   bool   `json:"dir,omitempty"`
	Files int    `json:"files,omitempty"` // for a directory: how many files it holds
}

type evidenceCounts struct {
	Segments   int `json:"segments"`
	Scenes     int `json:"scenes"`
	Saves      int `json:"saves"`
	SavedFiles int `json:"saved_files"`
	Windows    int `json:"windows"`
	Agent      int `json:"agent_events"`
}

type momentStats struct {
	Count   int     `json:"count"`
	Seconds float64 `json:"seconds"`
}

func (a *app) inspectCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "inspect [SESSION]",
		Short: "Show everything stored about a session: metadata, steps, files, evidence counts, moments",
		Long: `Show what the store holds for one session: its metadata (status, epoch,
length, project, backend ids, PRs), the record of each step that ran (what
it produced and from which inputs), the files in its directory with their
sizes, how many transcript segments, scenes, saves, window changes and agent
events it has, and a summary of its moments when timeline.json exists.
Problems (a corrupt file, torn log lines) are listed, not fatal.

SESSION is an id, a unique prefix, or "latest" (the default).`,
		Example: `  trace inspect
  trace inspect 5a3c
  trace inspect latest --json | jq .counts`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.session(argOr(args, ""))
			if err != nil {
				return err
			}
			out := inspectSession(s)
			if a.json {
				return a.printJSON(out)
			}
			printInspect(a, out)
			return nil
		},
	}
}

func inspectSession(s *session.Session) inspectOutput {
	out := inspectOutput{Dir: s.Dir, Metadata: s.Meta, Files: []fileInfo{}, Problems: []string{}}
	if pid, err := readLockPID(s.Path(session.FileLock)); err == nil {
		out.Lock = &lockInfo{PID: pid, Alive: session.ProcessAlive(pid)}
	}
	ents, err := os.ReadDir(s.Dir)
	if err != nil {
		out.Problems = append(out.Problems, fmt.Sprintf("read %s: %v", s.Dir, err))
	}
	for _, e := range ents {
		fi := fileInfo{Name: e.Name(), Dir: e.IsDir()}
		if e.IsDir() {
			_ = filepath.WalkDir(filepath.Join(s.Dir, e.Name()), func(_ string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if info, err := d.Info(); err == nil {
						fi.Size += info.Size()
						fi.Files++
					}
				}
				return nil
			})
		} else if info, err := e.Info(); err == nil {
			fi.Size = info.Size()
		}
		out.Files = append(out.Files, fi)
	}

	var transcript []session.Segment
	var scenes []session.Scene
	for _, f := range []struct {
		name string
		v    any
	}{{session.FileTranscript, &transcript}, {session.FileScenes, &scenes}} {
		if err := s.ReadJSON(f.name, f.v); err != nil && !errors.Is(err, fs.ErrNotExist) {
			out.Problems = append(out.Problems, oneLine(err))
		}
	}
	out.Counts.Segments, out.Counts.Scenes = len(transcript), len(scenes)
	out.Skipped = map[string]int{}
	saves := countLog[session.SaveEvent](s, session.FileSaves, &out)
	files := map[string]bool{}
	for _, e := range saves {
		files[e.Path] = true
	}
	out.Counts.Saves, out.Counts.SavedFiles = len(saves), len(files)
	out.Counts.Windows = len(countLog[session.WindowSample](s, session.FileWindows, &out))
	out.Counts.Agent = len(countLog[session.AgentEvent](s, session.FileAgent, &out))
	if len(out.Skipped) == 0 {
		out.Skipped = nil
	}

	if s.Exists(session.FileTimeline) {
		var f timeline.File
		if err := s.ReadJSON(session.FileTimeline, &f); err != nil {
			out.Problems = append(out.Problems, oneLine(err))
		} else if tl, err := f.Static(); err != nil {
			out.Problems = append(out.Problems, s.Path(session.FileTimeline)+": "+oneLine(err))
		} else {
			out.Moments = map[string]momentStats{}
			for _, m := range tl.Items {
				ms := out.Moments[string(m.Kind)]
				ms.Count++
				ms.Seconds += session.Seconds(m.Span.Len())
				out.Moments[string(m.Kind)] = ms
			}
		}
	}
	return out
}

func countLog[T any](s *session.Session, name string, out *inspectOutput) []T {
	p := s.Path(name)
	v, st, err := session.ReadJSONL[T](p)
	if err != nil {
		out.Problems = append(out.Problems, fmt.Sprintf("read %s: %v", p, err))
	}
	if st.Skipped > 0 {
		out.Skipped[name] = st.Skipped
		out.Problems = append(out.Problems, fmt.Sprintf("%s: %d of %d lines unreadable (a torn last line after a crash, or garbage); they are skipped", p, st.Skipped, st.Lines))
	}
	return v
}

func readLockPID(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var pid int
	_, err = fmt.Sscanf(strings.TrimSpace(string(b)), "%d", &pid)
	return pid, err
}

func printInspect(a *app, out inspectOutput) {
	m := out.Metadata
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	row("session", m.ID)
	status := string(m.Status)
	if m.Error != "" {
		status += ": " + m.Error
	}
	row("status", status)
	row("created", fmtTime(m.CreatedAt))
	row("epoch", fmtTime(m.Epoch))
	row("stopped", fmtTime(m.StoppedAt))
	if m.Length > 0 {
		row("length", session.Clock(m.Length)+fmt.Sprintf(" (%.1fs)", m.Length.Seconds()))
	} else {
		row("length", "unknown until the recording is final")
	}
	row("project", m.ProjectDir)
	rec := m.Recorder
	if m.Recording != "" {
		rec += " → " + m.Recording
	}
	if rec != "" {
		if m.Mic {
			rec += ", with mic"
		} else {
			rec += ", no mic"
		}
		if m.Live {
			rec += ", live"
		}
	}
	row("recorder", rec)
	row("backend", m.Backend)
	row("backend ids", joinMap(m.BackendIDs))
	row("PRs", strings.Join(m.PRs, " "))
	row("labels", joinMap(m.Labels))
	row("dir", out.Dir)
	if out.Lock != nil {
		state := "held by running process"
		if !out.Lock.Alive {
			state = "stale: left by process that has exited; the next writer takes it over"
		}
		row("lock", fmt.Sprintf("%s %d", state, out.Lock.PID))
	}
	tw.Flush()

	if len(m.Steps) > 0 {
		fmt.Fprintln(a.stdout, "\nsteps")
		names := make([]string, 0, len(m.Steps))
		for n := range m.Steps {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return m.Steps[names[i]].At.Before(m.Steps[names[j]].At) })
		for _, n := range names {
			r := m.Steps[n]
			line := fmt.Sprintf("\t%s\t%s", n, fmtTime(r.At))
			if len(r.Inputs) > 0 {
				line += "\tfrom " + joinMap(r.Inputs)
			}
			if len(r.Outputs) > 0 {
				line += "\t→ " + joinMap(r.Outputs)
			}
			fmt.Fprintln(tw, line)
		}
		tw.Flush()
	}

	fmt.Fprintln(a.stdout, "\nfiles")
	for _, f := range out.Files {
		name, extra := f.Name, ""
		if f.Dir {
			name += "/"
			extra = fmt.Sprintf(" in %d files", f.Files)
		}
		fmt.Fprintf(tw, "\t%s\t%s%s\n", name, humanBytes(f.Size), extra)
	}
	tw.Flush()

	c := out.Counts
	fmt.Fprintln(a.stdout, "\nevidence")
	fmt.Fprintf(a.stdout, "  %d transcript segments, %d scenes, %d saves of %d files, %d window changes, %d agent events\n",
		c.Segments, c.Scenes, c.Saves, c.SavedFiles, c.Windows, c.Agent)

	if out.Moments != nil {
		fmt.Fprintln(a.stdout, "\nmoments (timeline.json)")
		kinds := make([]string, 0, len(out.Moments))
		for k := range out.Moments {
			kinds = append(kinds, k)
		}
		sort.Slice(kinds, func(i, j int) bool { return out.Moments[kinds[i]].Seconds > out.Moments[kinds[j]].Seconds })
		for _, k := range kinds {
			ms := out.Moments[k]
			fmt.Fprintf(tw, "\t%s\t%d\t%s\n", k, ms.Count, session.Clock(session.FromSeconds(ms.Seconds)))
		}
		tw.Flush()
	}
	if len(out.Problems) > 0 {
		fmt.Fprintln(a.stdout, "\nproblems")
		for _, p := range out.Problems {
			fmt.Fprintln(a.stdout, "  "+p)
		}
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05.000 UTC")
}

func joinMap(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ", ")
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

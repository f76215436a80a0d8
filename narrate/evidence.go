package narrate

import (
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// Pack is the evidence that falls in one clip (or one span) of the session:
// what was said, what the screen showed, which files were saved, what an
// agent did, and the diff hunks of the files involved. Prompts are built from
// packs, the offline writer writes from them, and the checker's extractive
// replacements come from them.
type Pack struct {
	Index      int                  `json:"index"` // the clip's position in the clip list
	Span       session.Span         `json:"span"`
	Kind       session.MomentKind   `json:"kind,omitempty"`
	Role       string               `json:"role,omitempty"`
	Files      []string             `json:"files,omitempty"` // the clip's files, then those seen in the span
	Transcript []session.Segment    `json:"transcript,omitempty"`
	Scenes     []session.Scene      `json:"scenes,omitempty"`
	Saves      []session.SaveEvent  `json:"saves,omitempty"`
	Agent      []session.AgentEvent `json:"agent,omitempty"`
	Hunks      []FileHunks          `json:"hunks,omitempty"`
}

// FileHunks is the part of one file's diff a pack carries.
type FileHunks struct {
	Path   string             `json:"path"`
	Status session.FileStatus `json:"status"`
	Hunks  []session.Hunk     `json:"hunks"`
}

// Spoken returns the pack's transcript text, joined.
func (p Pack) Spoken() string {
	parts := make([]string, 0, len(p.Transcript))
	for _, s := range p.Transcript {
		if t := strings.TrimSpace(s.Text); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}

// MainFile returns the file the pack is most about, or "".
func (p Pack) MainFile() string {
	if len(p.Files) > 0 {
		return p.Files[0]
	}
	return ""
}

// Errors returns the distinct error texts the scenes showed, in order.
func (p Pack) Errors() []string {
	var out []string
	for _, sc := range p.Scenes {
		out = appendUnique(out, sc.Errors...)
	}
	return out
}

// PackOptions bounds the size of packs. The zero value is usable.
type PackOptions struct {
	// MaxHunkLines caps the diff lines carried per file (default 40).
	MaxHunkLines int
}

func (o PackOptions) maxHunkLines() int {
	if o.MaxHunkLines > 0 {
		return o.MaxHunkLines
	}
	return 40
}

// ClipPacks returns one pack per clip: everything in ev that overlaps the
// clip's span, and the hunks of diff files the clip is about (its files, the
// files saved or edited by an agent in the span, files the screen showed).
// ev must be sorted (session.Evidence.Sort).
func ClipPacks(ev *session.Evidence, diff *session.Diff, clips []session.Clip, opt PackOptions) []Pack {
	out := make([]Pack, 0, len(clips))
	for i, c := range clips {
		p := SpanPack(ev, diff, c.Span, opt)
		p.Index = i
		p.Kind = c.Kind
		p.Role = c.Role
		p.Files = appendUnique(resolveFiles(diff, c.Files), p.Files...)
		p.Hunks = hunksFor(diff, p.Files, opt.maxHunkLines())
		out = append(out, p)
	}
	return out
}

// SpanPack returns the evidence overlapping span, with the diff hunks of the
// files involved.
func SpanPack(ev *session.Evidence, diff *session.Diff, span session.Span, opt PackOptions) Pack {
	p := Pack{Span: span}
	if ev == nil {
		ev = &session.Evidence{}
	}
	var files []string
	for _, s := range ev.Transcript {
		if s.Span.Overlaps(span) {
			p.Transcript = append(p.Transcript, s)
		}
	}
	for _, sc := range ev.Scenes {
		if sc.Span.Overlaps(span) {
			p.Scenes = append(p.Scenes, sc)
		}
	}
	for _, s := range ev.Saves {
		if span.Contains(s.At) {
			p.Saves = append(p.Saves, s)
			files = append(files, s.Path)
		}
	}
	for _, a := range ev.Agent {
		if span.Contains(a.At) {
			p.Agent = append(p.Agent, a)
			if a.Path != "" {
				files = append(files, a.Path)
			}
		}
	}
	for _, sc := range p.Scenes {
		files = append(files, sc.Files...)
	}
	p.Files = appendUnique(nil, resolveFiles(diff, files)...)
	p.Hunks = hunksFor(diff, p.Files, opt.maxHunkLines())
	return p
}

// resolveFiles maps file names as seen (a basename on screen, "./a/b.go") to
// the diff's paths when exactly one diff path matches; others stay as seen.
func resolveFiles(diff *session.Diff, files []string) []string {
	out := make([]string, 0, len(files))
	for _, f := range files {
		f = strings.TrimPrefix(strings.TrimSpace(f), "./")
		if f == "" {
			continue
		}
		out = append(out, resolveFile(diff, f))
	}
	return out
}

func resolveFile(diff *session.Diff, f string) string {
	if diff == nil || diff.Has(f) {
		return f
	}
	match := ""
	for _, d := range diff.Files {
		if strings.HasSuffix(d.Path, "/"+f) {
			if match != "" {
				return f // ambiguous
			}
			match = d.Path
		}
	}
	if match != "" {
		return match
	}
	return f
}

// hunksFor returns the diff hunks of files, cut to maxLines lines per file.
func hunksFor(diff *session.Diff, files []string, maxLines int) []FileHunks {
	if diff == nil {
		return nil
	}
	var out []FileHunks
	for _, f := range files {
		fd, ok := diff.File(f)
		if !ok || fd.Binary {
			continue
		}
		fh := FileHunks{Path: fd.Path, Status: fd.Status}
		left := maxLines
		for _, h := range fd.Hunks {
			if left <= 0 {
				break
			}
			hc := h
			if len(hc.Lines) > left {
				hc.Lines = hc.Lines[:left]
			}
			left -= len(hc.Lines)
			fh.Hunks = append(fh.Hunks, hc)
		}
		out = append(out, fh)
	}
	return out
}

// FileChange is one file of the PR with its line counts.
type FileChange struct {
	Path    string             `json:"path"`
	OldPath string             `json:"old_path,omitempty"`
	Status  session.FileStatus `json:"status"`
	Added   int                `json:"added"`
	Removed int                `json:"removed"`
	Binary  bool               `json:"binary,omitempty"`
}

// Note is one added diff line worth following up (TODO, FIXME, XXX, HACK).
type Note struct {
	Path string `json:"path"`
	Line int    `json:"line"`
	Text string `json:"text"` // the comment text from the marker word on
}

// PRPack is the evidence for the whole pull request, at a coarser grain than
// clip packs: every file with counts, the whole transcript, the scenes that
// say something, agent actions, the follow-up notes added in the diff, and a
// pack per clip.
type PRPack struct {
	Title    string               `json:"title,omitempty"`
	Branch   string               `json:"branch,omitempty"`
	Length   time.Duration        `json:"-"`
	Files    []FileChange         `json:"files"`
	Added    int                  `json:"added"`
	Removed  int                  `json:"removed"`
	Spoken   []session.Segment    `json:"transcript,omitempty"`
	Scenes   []session.Scene      `json:"scenes,omitempty"`
	Agent    []session.AgentEvent `json:"agent,omitempty"`
	Notes    []Note               `json:"notes,omitempty"`
	Clips    []Pack               `json:"clips,omitempty"`
	Template string               `json:"template,omitempty"` // the repository's pull request template
}

// PRInput is what BuildPRPack reads.
type PRInput struct {
	Title, Branch string
	Evidence      *session.Evidence
	Diff          *session.Diff
	Clips         []session.Clip
	// Template is the repository's pull request template, if it has one.
	Template string
	Options  PackOptions
}

// BuildPRPack gathers the evidence for the PR description.
func BuildPRPack(in PRInput) PRPack {
	ev := in.Evidence
	if ev == nil {
		ev = &session.Evidence{}
	}
	diff := in.Diff
	if diff == nil {
		diff = &session.Diff{}
	}
	p := PRPack{Title: in.Title, Branch: in.Branch, Length: ev.Length, Template: strings.TrimSpace(in.Template)}
	for _, f := range diff.Files {
		a, r := f.Counts()
		p.Files = append(p.Files, FileChange{Path: f.Path, OldPath: f.OldPath, Status: f.Status, Added: a, Removed: r, Binary: f.Binary})
		p.Added += a
		p.Removed += r
	}
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	p.Spoken = ev.Transcript
	for _, sc := range ev.Scenes {
		// Terminal scenes count even when blank otherwise: a clean run
		// after an error is evidence that the error was dealt with.
		if sc.Summary != "" || len(sc.Errors) > 0 || len(sc.Files) > 0 || len(sc.Functions) > 0 || sc.Label == session.LabelTerminal {
			p.Scenes = append(p.Scenes, sc)
		}
	}
	p.Agent = ev.Agent
	p.Notes = FollowUpNotes(diff)
	p.Clips = ClipPacks(ev, diff, in.Clips, in.Options)
	return p
}

var noteRE = regexp.MustCompile(`\b(TODO|FIXME|XXX|HACK)\b[:(]?.*`)

// FollowUpNotes returns the TODO/FIXME/XXX/HACK comments on added lines of
// the diff, in diff order.
func FollowUpNotes(diff *session.Diff) []Note {
	if diff == nil {
		return nil
	}
	var out []Note
	for _, f := range diff.Files {
		for _, l := range f.Added() {
			m := noteRE.FindString(l.Text)
			if m == "" {
				continue
			}
			out = append(out, Note{Path: f.Path, Line: l.NewLine, Text: strings.TrimSpace(strings.TrimRight(strings.TrimSpace(m), "*/->#"))})
		}
	}
	return out
}

// appendUnique appends the items of add not already in list (and not empty).
func appendUnique(list []string, add ...string) []string {
	for _, a := range add {
		if a == "" {
			continue
		}
		dup := false
		for _, l := range list {
			if l == a {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, a)
		}
	}
	return list
}

// base returns a path's last element.
func base(p string) string { return path.Base(p) }

package session

import "sort"

// FileStatus says what a diff did to a file.
type FileStatus string

// File statuses.
const (
	FileAdded    FileStatus = "added"
	FileModified FileStatus = "modified"
	FileDeleted  FileStatus = "deleted"
	FileRenamed  FileStatus = "renamed"
	FileCopied   FileStatus = "copied"
)

// LineKind is the first column of a unified diff line.
type LineKind byte

// Line kinds.
const (
	LineContext LineKind = ' '
	LineAdded   LineKind = '+'
	LineRemoved LineKind = '-'
)

// MarshalText writes the kind as "context", "added" or "removed".
func (k LineKind) MarshalText() ([]byte, error) {
	switch k {
	case LineAdded:
		return []byte("added"), nil
	case LineRemoved:
		return []byte("removed"), nil
	default:
		return []byte("context"), nil
	}
}

// UnmarshalText reads what MarshalText writes.
func (k *LineKind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "added", "+":
		*k = LineAdded
	case "removed", "-":
		*k = LineRemoved
	default:
		*k = LineContext
	}
	return nil
}

// DiffLine is one line of a hunk. OldLine is set for context and removed
// lines, NewLine for context and added lines (1-based; 0 when absent).
type DiffLine struct {
	Kind    LineKind `json:"kind"`
	Text    string   `json:"text"`
	OldLine int      `json:"old_line,omitempty"`
	NewLine int      `json:"new_line,omitempty"`
}

// Hunk is one @@ block of a unified diff.
type Hunk struct {
	OldStart int        `json:"old_start"`
	OldLines int        `json:"old_lines"`
	NewStart int        `json:"new_start"`
	NewLines int        `json:"new_lines"`
	Section  string     `json:"section,omitempty"` // the text after the second @@
	Lines    []DiffLine `json:"lines"`
}

// FileDiff is the change to one file.
type FileDiff struct {
	Path    string     `json:"path"`               // new path ("" never; for deletions, the old path)
	OldPath string     `json:"old_path,omitempty"` // set for renames and copies
	Status  FileStatus `json:"status"`
	Binary  bool       `json:"binary,omitempty"`
	Hunks   []Hunk     `json:"hunks,omitempty"`
}

// Added returns the added lines of the file, in order.
func (f FileDiff) Added() []DiffLine {
	var out []DiffLine
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			if l.Kind == LineAdded {
				out = append(out, l)
			}
		}
	}
	return out
}

// AddedRanges returns the added lines as inclusive [from, to] new-file line ranges.
func (f FileDiff) AddedRanges() [][2]int {
	var out [][2]int
	for _, l := range f.Added() {
		if n := len(out); n > 0 && out[n-1][1]+1 == l.NewLine {
			out[n-1][1] = l.NewLine
			continue
		}
		out = append(out, [2]int{l.NewLine, l.NewLine})
	}
	return out
}

// Counts returns the number of added and removed lines.
func (f FileDiff) Counts() (added, removed int) {
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			switch l.Kind {
			case LineAdded:
				added++
			case LineRemoved:
				removed++
			}
		}
	}
	return
}

// Diff is a whole change set, as from a pull request or git diff.
type Diff struct {
	Base  string     `json:"base,omitempty"` // base ref or sha, when known
	Head  string     `json:"head,omitempty"`
	Files []FileDiff `json:"files"`
}

// Paths returns the paths of all files in the diff, sorted.
func (d Diff) Paths() []string {
	out := make([]string, 0, len(d.Files))
	for _, f := range d.Files {
		out = append(out, f.Path)
	}
	sort.Strings(out)
	return out
}

// File returns the diff of the file at path (matched exactly against the new
// or the old path), or false.
func (d Diff) File(path string) (FileDiff, bool) {
	for _, f := range d.Files {
		if f.Path == path || (f.OldPath != "" && f.OldPath == path) {
			return f, true
		}
	}
	return FileDiff{}, false
}

// Has reports whether path is one of the diff's files (exact match only).
func (d Diff) Has(path string) bool { _, ok := d.File(path); return ok }

package attribution

import (
	"strings"
)

// patchFile is one file section of a Codex apply_patch envelope.
type patchFile struct {
	Kind  string // "add", "update" or "delete"
	Path  string // the target path (the move target for a moved file)
	Added []string
	Old   []string // removed lines, for following the file's history
}

const (
	beginPatch = "*** Begin Patch"
	endPatch   = "*** End Patch"
)

// parseApplyPatch reads the apply_patch grammar:
//
//	*** Begin Patch
//	*** Add File: path      (then "+" lines)
//	*** Update File: path   (optionally "*** Move to: path", then "@@" hunks of " ", "-", "+" lines)
//	*** Delete File: path
//	*** End Patch
//
// It is tolerant: text before the first file header and unknown "***" lines
// are ignored, and a missing End Patch keeps what was read.
func parseApplyPatch(text string) []patchFile {
	var out []patchFile
	var cur *patchFile
	flush := func() {
		if cur != nil && cur.Path != "" {
			out = append(out, *cur)
		}
		cur = nil
	}
	for _, l := range splitLines(text) {
		l = strings.TrimSuffix(l, "\r")
		switch {
		case strings.HasPrefix(l, "*** Add File:"):
			flush()
			cur = &patchFile{Kind: "add", Path: strings.TrimSpace(l[len("*** Add File:"):])}
		case strings.HasPrefix(l, "*** Update File:"):
			flush()
			cur = &patchFile{Kind: "update", Path: strings.TrimSpace(l[len("*** Update File:"):])}
		case strings.HasPrefix(l, "*** Delete File:"):
			flush()
			cur = &patchFile{Kind: "delete", Path: strings.TrimSpace(l[len("*** Delete File:"):])}
		case strings.HasPrefix(l, "*** Move to:"):
			if cur != nil {
				cur.Path = strings.TrimSpace(l[len("*** Move to:"):])
			}
		case strings.HasPrefix(l, endPatch):
			flush()
		case strings.HasPrefix(l, "***"), strings.HasPrefix(l, "@@"):
			// Begin Patch, End of File, hunk headers: no content.
		case cur == nil:
		case strings.HasPrefix(l, "+"):
			cur.Added = append(cur.Added, l[1:])
		case strings.HasPrefix(l, "-"):
			cur.Old = append(cur.Old, l[1:])
		}
	}
	flush()
	return out
}

// findPatch returns the apply_patch envelope inside s (a shell command, a
// heredoc, a small program calling tools.apply_patch), or "". When the
// envelope sits inside a quoted string with escaped newlines, it is
// unescaped.
func findPatch(s string) string {
	i := strings.Index(s, beginPatch)
	if i < 0 {
		return ""
	}
	rest := s[i:]
	if j := strings.Index(rest, endPatch); j >= 0 {
		rest = rest[:j+len(endPatch)]
	}
	if !strings.Contains(rest, "\n") && strings.Contains(rest, `\n`) {
		rest = unescapeString(rest)
	}
	return rest
}

// unescapeString undoes the escapes of a JSON or JavaScript string literal.
func unescapeString(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\', '"', '\'', '`', '/':
			b.WriteByte(s[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

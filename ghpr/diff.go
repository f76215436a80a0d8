package ghpr

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/session"
)

// ErrDiff is wrapped by every error about a diff that cannot be read.
var ErrDiff = errors.New("malformed diff")

// DiffError says where a diff stopped making sense.
type DiffError struct {
	Line int    // 1-based line of the input
	Msg  string // what was wrong and what to do
}

func (e *DiffError) Error() string {
	return fmt.Sprintf("diff line %d: %s", e.Line, e.Msg)
}

// Unwrap makes errors.Is(err, ErrDiff) true.
func (e *DiffError) Unwrap() error { return ErrDiff }

// ParseDiff reads a unified diff as written by `git diff`, `git format-patch`
// or `diff -u` into a session.Diff: renames and copies (with or without
// content changes), added and deleted files, binary files (marked Binary,
// without hunks), mode-only changes (Modified, no hunks), quoted paths, and
// "\ No newline at end of file" markers (dropped). Every line carries its old
// and new line numbers.
//
// Text before the first file header (a commit message) and after the last
// hunk (a format-patch signature) is ignored. Empty input is an empty diff.
// Input that has text but no file header, a hunk whose lines do not match
// its header, or a diff cut off inside a hunk is an error wrapping ErrDiff
// that names the line; the files read up to that point are returned with it.
func ParseDiff(r io.Reader) (session.Diff, error) {
	p := &diffParser{br: bufio.NewReaderSize(r, 64<<10)}
	err := p.parse()
	d := session.Diff{Files: p.files}
	if d.Files == nil {
		d.Files = []session.FileDiff{}
	}
	return d, err
}

type diffParser struct {
	br      *bufio.Reader
	lineNo  int
	pending *string // one line of look-ahead
	files   []session.FileDiff
	sawText bool
}

// next returns the next line without its line ending, or false at EOF.
func (p *diffParser) next() (string, bool, error) {
	if p.pending != nil {
		s := *p.pending
		p.pending = nil
		p.lineNo++
		return s, true, nil
	}
	s, err := p.br.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", false, fmt.Errorf("read diff: %w", err)
	}
	if s == "" && err == io.EOF {
		return "", false, nil
	}
	p.lineNo++
	s = strings.TrimSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\r")
	return s, true, nil
}

// unread pushes a line back; the next call of next returns it again.
func (p *diffParser) unread(s string) {
	p.pending = &s
	p.lineNo--
}

func (p *diffParser) errorf(format string, args ...any) error {
	return &DiffError{Line: p.lineNo, Msg: fmt.Sprintf(format, args...)}
}

func (p *diffParser) parse() error {
	for {
		line, ok, err := p.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch {
		case strings.HasPrefix(line, "diff --git "):
			if err := p.gitFile(line); err != nil {
				return err
			}
		case strings.HasPrefix(line, "diff --cc ") || strings.HasPrefix(line, "diff --combined "):
			return p.errorf("combined (merge) diffs are not supported: diff against one parent instead (git diff BASE...HEAD)")
		case strings.HasPrefix(line, "--- "):
			// A plain unified diff (diff -u) has no git header.
			plus, ok, err := p.next()
			if err != nil {
				return err
			}
			if ok && strings.HasPrefix(plus, "+++ ") {
				if err := p.plainFile(line, plus); err != nil {
					return err
				}
				continue
			}
			if ok {
				p.unread(plus)
			}
			p.sawText = true
		default:
			if strings.TrimSpace(line) != "" {
				p.sawText = true
			}
		}
	}
	if len(p.files) == 0 && p.sawText {
		return &DiffError{Line: 1, Msg: "no file header (\"diff --git a/… b/…\" or \"--- …\" then \"+++ …\") found: this is not a unified diff; produce one with `git diff BASE...HEAD`"}
	}
	return nil
}

// gitFile reads one file of a git diff, from its "diff --git" line on.
func (p *diffParser) gitFile(header string) error {
	start := p.lineNo
	oldP, newP, _ := splitGitHeader(strings.TrimPrefix(header, "diff --git "))
	f := session.FileDiff{Status: session.FileModified}
	var renameFrom, renameTo, copyFrom, copyTo string
	var fromMinus, fromPlus string
	haveMinus, havePlus := false, false
	for {
		line, ok, err := p.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch {
		case strings.HasPrefix(line, "old mode "), strings.HasPrefix(line, "new mode "),
			strings.HasPrefix(line, "index "), strings.HasPrefix(line, "similarity index "),
			strings.HasPrefix(line, "dissimilarity index "):
			continue
		case strings.HasPrefix(line, "new file mode "):
			f.Status = session.FileAdded
			continue
		case strings.HasPrefix(line, "deleted file mode "):
			f.Status = session.FileDeleted
			continue
		case strings.HasPrefix(line, "rename from "):
			renameFrom = unquote(strings.TrimPrefix(line, "rename from "))
			continue
		case strings.HasPrefix(line, "rename to "):
			renameTo = unquote(strings.TrimPrefix(line, "rename to "))
			continue
		case strings.HasPrefix(line, "copy from "):
			copyFrom = unquote(strings.TrimPrefix(line, "copy from "))
			continue
		case strings.HasPrefix(line, "copy to "):
			copyTo = unquote(strings.TrimPrefix(line, "copy to "))
			continue
		case strings.HasPrefix(line, "Binary files ") && strings.HasSuffix(line, " differ"):
			f.Binary = true
			if a, b, ok := splitBinaryLine(line); ok {
				if a != "/dev/null" {
					fromMinus, haveMinus = stripPrefix(a, "a/"), true
				} else if f.Status == session.FileModified {
					f.Status = session.FileAdded
				}
				if b != "/dev/null" {
					fromPlus, havePlus = stripPrefix(b, "b/"), true
				} else if f.Status == session.FileModified {
					f.Status = session.FileDeleted
				}
			}
			continue
		case line == "GIT binary patch":
			f.Binary = true
			if err := p.skipBinaryPatch(); err != nil {
				return err
			}
			continue
		case strings.HasPrefix(line, "--- "):
			name := parseFileLine(strings.TrimPrefix(line, "--- "))
			if name == "/dev/null" {
				f.Status = session.FileAdded
			} else {
				fromMinus, haveMinus = stripPrefix(name, "a/"), true
			}
			continue
		case strings.HasPrefix(line, "+++ "):
			name := parseFileLine(strings.TrimPrefix(line, "+++ "))
			if name == "/dev/null" {
				f.Status = session.FileDeleted
			} else {
				fromPlus, havePlus = stripPrefix(name, "b/"), true
			}
			continue
		case strings.HasPrefix(line, "@@"):
			p.unread(line)
			hunks, err := p.hunks()
			if err != nil {
				p.files = append(p.files, finishFile(f, oldP, newP, renameFrom, renameTo, copyFrom, copyTo, fromMinus, fromPlus, haveMinus, havePlus))
				return err
			}
			f.Hunks = hunks
		default:
			p.unread(line)
		}
		break
	}
	f = finishFile(f, oldP, newP, renameFrom, renameTo, copyFrom, copyTo, fromMinus, fromPlus, haveMinus, havePlus)
	if f.Path == "" {
		return &DiffError{Line: start, Msg: fmt.Sprintf("cannot tell the file name from %q: regenerate the diff with git (paths with spaces need ---/+++ lines)", header)}
	}
	p.files = append(p.files, f)
	return nil
}

func finishFile(f session.FileDiff, oldP, newP, renameFrom, renameTo, copyFrom, copyTo, fromMinus, fromPlus string, haveMinus, havePlus bool) session.FileDiff {
	// The most reliable names win: rename/copy lines, then ---/+++ lines,
	// then the diff --git header.
	oldName, newName := oldP, newP
	if haveMinus {
		oldName = fromMinus
	}
	if havePlus {
		newName = fromPlus
	}
	switch {
	case renameFrom != "" || renameTo != "":
		f.Status = session.FileRenamed
		if renameFrom != "" {
			oldName = renameFrom
		}
		if renameTo != "" {
			newName = renameTo
		}
	case copyFrom != "" || copyTo != "":
		f.Status = session.FileCopied
		if copyFrom != "" {
			oldName = copyFrom
		}
		if copyTo != "" {
			newName = copyTo
		}
	}
	switch f.Status {
	case session.FileDeleted:
		f.Path = oldName
		if f.Path == "" {
			f.Path = newName
		}
	case session.FileRenamed, session.FileCopied:
		f.Path, f.OldPath = newName, oldName
	default:
		f.Path = newName
		if f.Path == "" {
			f.Path = oldName
		}
	}
	return f
}

// plainFile reads one file of a diff without git headers.
func (p *diffParser) plainFile(minus, plus string) error {
	oldName := parseFileLine(strings.TrimPrefix(minus, "--- "))
	newName := parseFileLine(strings.TrimPrefix(plus, "+++ "))
	if strings.HasPrefix(oldName, "a/") && strings.HasPrefix(newName, "b/") {
		oldName, newName = oldName[2:], newName[2:]
	}
	f := session.FileDiff{Status: session.FileModified}
	switch {
	case oldName == "/dev/null":
		f.Status, f.Path = session.FileAdded, newName
	case newName == "/dev/null":
		f.Status, f.Path = session.FileDeleted, oldName
	default:
		f.Path = newName
	}
	hunks, err := p.hunks()
	f.Hunks = hunks
	p.files = append(p.files, f)
	return err
}

// hunks reads consecutive @@ hunks.
func (p *diffParser) hunks() ([]session.Hunk, error) {
	var out []session.Hunk
	for {
		line, ok, err := p.next()
		if err != nil {
			return out, err
		}
		if !ok {
			return out, nil
		}
		if !strings.HasPrefix(line, "@@") {
			p.unread(line)
			return out, nil
		}
		h, err := parseHunkHeader(line)
		if err != nil {
			return out, p.errorf("%v", err)
		}
		oldLeft, newLeft := h.OldLines, h.NewLines
		oldNo, newNo := h.OldStart, h.NewStart
		for oldLeft > 0 || newLeft > 0 {
			l, ok, err := p.next()
			if err != nil {
				return out, err
			}
			if !ok {
				out = append(out, h)
				return out, p.errorf("the diff ends inside the hunk %q (%d old and %d new lines missing): it is truncated; regenerate it", line, oldLeft, newLeft)
			}
			if l == "" {
				// Some tools strip the space of an empty context line.
				l = " "
			}
			switch l[0] {
			case ' ':
				if oldLeft == 0 || newLeft == 0 {
					return out, p.errorf("context line past the end of the hunk %q: the hunk header's line counts are wrong; regenerate the diff", line)
				}
				h.Lines = append(h.Lines, session.DiffLine{Kind: session.LineContext, Text: l[1:], OldLine: oldNo, NewLine: newNo})
				oldNo++
				newNo++
				oldLeft--
				newLeft--
			case '-':
				if oldLeft == 0 {
					return out, p.errorf("removed line past the end of the hunk %q: the hunk header's line counts are wrong; regenerate the diff", line)
				}
				h.Lines = append(h.Lines, session.DiffLine{Kind: session.LineRemoved, Text: l[1:], OldLine: oldNo})
				oldNo++
				oldLeft--
			case '+':
				if newLeft == 0 {
					return out, p.errorf("added line past the end of the hunk %q: the hunk header's line counts are wrong; regenerate the diff", line)
				}
				h.Lines = append(h.Lines, session.DiffLine{Kind: session.LineAdded, Text: l[1:], NewLine: newNo})
				newNo++
				newLeft--
			case '\\':
				// "\ No newline at end of file"
			default:
				return out, p.errorf("unexpected line %q inside the hunk %q (%d old and %d new lines still expected): the diff is damaged or was edited by hand; regenerate it", clip(l, 60), line, oldLeft, newLeft)
			}
		}
		// A trailing "\ No newline at end of file" belongs to this hunk.
		if l, ok, err := p.next(); err != nil {
			return out, err
		} else if ok && !strings.HasPrefix(l, "\\") {
			p.unread(l)
		}
		out = append(out, h)
	}
}

// parseHunkHeader reads "@@ -a,b +c,d @@ section".
func parseHunkHeader(line string) (session.Hunk, error) {
	var h session.Hunk
	rest, ok := strings.CutPrefix(line, "@@ -")
	if !ok {
		return h, fmt.Errorf("bad hunk header %q: want \"@@ -OLD,N +NEW,N @@\"", clip(line, 80))
	}
	end := strings.Index(rest, " @@")
	if end < 0 {
		return h, fmt.Errorf("bad hunk header %q: no closing @@", clip(line, 80))
	}
	ranges := rest[:end]
	h.Section = strings.TrimPrefix(rest[end+3:], " ")
	oldR, newR, ok := strings.Cut(ranges, " +")
	if !ok {
		return h, fmt.Errorf("bad hunk header %q: no +NEW range", clip(line, 80))
	}
	var err error
	if h.OldStart, h.OldLines, err = parseRange(oldR); err != nil {
		return h, fmt.Errorf("bad hunk header %q: %v", clip(line, 80), err)
	}
	if h.NewStart, h.NewLines, err = parseRange(newR); err != nil {
		return h, fmt.Errorf("bad hunk header %q: %v", clip(line, 80), err)
	}
	return h, nil
}

// maxHunkLines bounds a hunk's declared size so a hostile header cannot make
// the parser wait for billions of lines it will never see.
const maxHunkLines = 50_000_000

func parseRange(s string) (start, n int, err error) {
	a, b, has := strings.Cut(s, ",")
	start, err = strconv.Atoi(a)
	if err != nil || start < 0 {
		return 0, 0, fmt.Errorf("range %q is not a line number", s)
	}
	n = 1
	if has {
		n, err = strconv.Atoi(b)
		if err != nil || n < 0 || n > maxHunkLines {
			return 0, 0, fmt.Errorf("range %q has a bad line count", s)
		}
	}
	return start, n, nil
}

func (p *diffParser) skipBinaryPatch() error {
	// "literal N" / "delta N" blocks of base85 lines, each block ended by a
	// blank line; a reverse block may follow.
	blocks := 0
	for {
		line, ok, err := p.next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if strings.HasPrefix(line, "literal ") || strings.HasPrefix(line, "delta ") {
			blocks++
			for {
				l, ok, err := p.next()
				if err != nil {
					return err
				}
				if !ok || l == "" {
					break
				}
			}
			if blocks == 2 {
				return nil
			}
			continue
		}
		if line == "" {
			continue
		}
		p.unread(line)
		return nil
	}
}

// splitGitHeader splits "a/X b/Y" of a diff --git line.
func splitGitHeader(s string) (oldP, newP string, ok bool) {
	if strings.HasPrefix(s, `"`) {
		first, rest, ok := cutQuoted(s)
		if !ok {
			return "", "", false
		}
		rest = strings.TrimPrefix(rest, " ")
		second := rest
		if strings.HasPrefix(rest, `"`) {
			second, _, _ = cutQuoted(rest)
		}
		return stripPrefix(first, "a/"), stripPrefix(second, "b/"), true
	}
	if i := strings.Index(s, ` "`); i >= 0 {
		second, _, ok := cutQuoted(s[i+1:])
		if ok {
			return stripPrefix(s[:i], "a/"), stripPrefix(second, "b/"), true
		}
	}
	// Unquoted: with no rename both halves are the same path, which may
	// contain spaces; "a/P b/P" has length 2*len(P)+5.
	if len(s) >= 7 && (len(s)-1)%2 == 0 {
		half := (len(s) - 1) / 2
		a, b := s[:half], s[half+1:]
		if s[half] == ' ' && len(a) > 2 && len(b) > 2 && a[2:] == b[2:] {
			return stripPrefix(a, "a/"), stripPrefix(b, "b/"), true
		}
	}
	if i := strings.Index(s, " b/"); i >= 0 {
		return stripPrefix(s[:i], "a/"), s[i+3:], true
	}
	if a, b, ok := strings.Cut(s, " "); ok {
		return a, b, true
	}
	return "", "", false
}

// splitBinaryLine reads "Binary files A and B differ".
func splitBinaryLine(line string) (a, b string, ok bool) {
	s := strings.TrimSuffix(strings.TrimPrefix(line, "Binary files "), " differ")
	if strings.HasPrefix(s, `"`) {
		first, rest, ok := cutQuoted(s)
		if !ok {
			return "", "", false
		}
		rest = strings.TrimPrefix(rest, " and ")
		if strings.HasPrefix(rest, `"`) {
			rest, _, _ = cutQuoted(rest)
		}
		return first, rest, true
	}
	// The separator is ambiguous when a path contains " and "; prefer the
	// split whose second half looks like a path the diff would name.
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], " and ")
		if j < 0 {
			break
		}
		k := i + j
		second := s[k+5:]
		if second == "/dev/null" || strings.HasPrefix(second, "b/") || strings.HasPrefix(second, `"`) {
			if strings.HasPrefix(second, `"`) {
				second, _, _ = cutQuoted(second)
			}
			return s[:k], second, true
		}
		i = k + 5
	}
	if a, b, ok := strings.Cut(s, " and "); ok {
		return a, b, true
	}
	return "", "", false
}

// parseFileLine reads the name of a ---/+++ line: quoted, or up to a tab
// (diff -u puts a timestamp after one).
func parseFileLine(s string) string {
	if strings.HasPrefix(s, `"`) {
		if name, _, ok := cutQuoted(s); ok {
			return name
		}
	}
	if i := strings.IndexByte(s, '\t'); i >= 0 {
		s = s[:i]
	}
	return s
}

func stripPrefix(s, prefix string) string { return strings.TrimPrefix(s, prefix) }

func unquote(s string) string {
	if strings.HasPrefix(s, `"`) {
		if name, _, ok := cutQuoted(s); ok {
			return name
		}
	}
	return s
}

// cutQuoted reads a C-style quoted string as git writes it (core.quotePath)
// at the start of s and returns it unescaped and the rest of s.
func cutQuoted(s string) (val, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	var b []byte
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return string(b), s[i+1:], true
		case '\\':
			if i+1 >= len(s) {
				return "", s, false
			}
			i++
			switch e := s[i]; e {
			case 'n':
				b = append(b, '\n')
			case 't':
				b = append(b, '\t')
			case 'r':
				b = append(b, '\r')
			case 'a':
				b = append(b, '\a')
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'v':
				b = append(b, '\v')
			case '0', '1', '2', '3':
				if i+2 < len(s) {
					if n, err := strconv.ParseUint(s[i:i+3], 8, 8); err == nil {
						b = append(b, byte(n))
						i += 2
						continue
					}
				}
				b = append(b, e)
			default:
				b = append(b, e)
			}
		default:
			b = append(b, c)
		}
	}
	return "", s, false
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// parsePatch reads the hunks of one file's patch as GitHub's pulls API
// returns it (hunks only, no file headers).
func parsePatch(patch string) ([]session.Hunk, error) {
	p := &diffParser{br: bufio.NewReader(strings.NewReader(patch))}
	h, err := p.hunks()
	if err != nil {
		return h, err
	}
	if l, ok, _ := p.next(); ok {
		return h, p.errorf("unexpected line %q after the last hunk", clip(l, 60))
	}
	return h, nil
}

// LocalDiff returns the changes of the current branch of the git repository
// in repoDir since it left base: `git diff base...HEAD`, with renames
// detected. It is what a pull request from HEAD into base would show, so it
// covers committed work only: staged and unstaged edits are left out (commit
// them first). Base and Head of the result are the resolved commit ids.
func LocalDiff(ctx context.Context, repoDir, base string) (session.Diff, error) {
	if base == "" {
		return session.Diff{}, fmt.Errorf("no base ref given for the local diff of %s: pass the branch the PR goes into (for example main)", repoDir)
	}
	if strings.HasPrefix(base, "-") {
		return session.Diff{}, fmt.Errorf("base ref %q looks like a flag: pass a branch, tag or commit", base)
	}
	git := func(args ...string) ([]byte, error) {
		return execx.Run(ctx, execx.Cmd{Tool: "git", Args: args, Dir: repoDir, Env: []string{"GIT_TERMINAL_PROMPT=0", "LC_ALL=C"}})
	}
	if _, err := git("rev-parse", "--git-dir"); err != nil {
		if errors.Is(err, execx.ErrNotInstalled) {
			return session.Diff{}, err
		}
		return session.Diff{}, fmt.Errorf("%s is not a git repository (%v): pass the project directory, or a diff file with --diff", repoDir, err)
	}
	baseSHA, err := git("rev-parse", "--verify", "--quiet", base+"^{commit}")
	if err != nil {
		return session.Diff{}, fmt.Errorf("base ref %q is not a commit in %s: fetch it (git fetch origin %s) or pass another base", base, repoDir, base)
	}
	headSHA, err := git("rev-parse", "--verify", "HEAD^{commit}")
	if err != nil {
		return session.Diff{}, fmt.Errorf("%s has no commits on HEAD yet: commit your work first", repoDir)
	}
	out, err := git("-c", "core.quotePath=true", "diff", "--no-color", "--no-ext-diff", "--no-textconv",
		"-M", "--src-prefix=a/", "--dst-prefix=b/", base+"...HEAD", "--")
	if err != nil {
		return session.Diff{}, fmt.Errorf("git diff %s...HEAD in %s: %w", base, repoDir, err)
	}
	d, err := ParseDiff(strings.NewReader(string(out)))
	if err != nil {
		return d, fmt.Errorf("git diff %s...HEAD in %s: %w", base, repoDir, err)
	}
	d.Base = strings.TrimSpace(string(baseSHA))
	d.Head = strings.TrimSpace(string(headSHA))
	return d, nil
}

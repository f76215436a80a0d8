package capture

import (
	"bytes"
	"context"
	"errors"
	"path"
	"strings"

	"github.com/tracepr/trace/internal/execx"
)

// Ignorer says which project paths (slash-separated, relative to the
// project) to leave out of the save log.
type Ignorer interface {
	Ignored(ctx context.Context, rels []string) (map[string]bool, error)
}

// GitIgnore asks `git check-ignore` about a batch of paths at once. Outside
// a git work tree nothing is ignored.
type GitIgnore struct {
	Root string // project directory
	off  bool
}

// Ignored returns the subset of rels that git ignores.
func (g *GitIgnore) Ignored(ctx context.Context, rels []string) (map[string]bool, error) {
	out := map[string]bool{}
	if g.off || len(rels) == 0 {
		return out, nil
	}
	var in bytes.Buffer
	for _, r := range rels {
		in.WriteString(r)
		in.WriteByte(0)
	}
	b, err := execx.Run(ctx, execx.Cmd{Tool: "git", Args: []string{"-C", g.Root, "check-ignore", "--stdin", "-z"}, Stdin: &in})
	if err != nil {
		var ee *execx.ExitError
		switch {
		case errors.As(err, &ee) && ee.Code == 1: // nothing ignored
			return out, nil
		case errors.As(err, &ee) && ee.Code == 128: // not a git work tree
			g.off = true
			return out, nil
		case errors.Is(err, execx.ErrNotInstalled):
			g.off = true
			return out, nil
		}
		return out, err
	}
	for _, p := range bytes.Split(b, []byte{0}) {
		if len(p) > 0 {
			out[strings.TrimSuffix(string(p), "/")] = true
		}
	}
	return out, nil
}

// EditorTemp reports whether a file name is one an editor or tool writes
// on the way to saving the real file: swap files, backups, write-then-rename
// temporaries, lock files. Such files never appear in the save log.
func EditorTemp(name string) bool {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	switch {
	case base == "4913", base == ".DS_Store", base == "":
		return true
	case strings.HasSuffix(base, "~"):
		return true
	case strings.HasPrefix(base, ".#"), strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#"):
		return true
	case strings.HasPrefix(base, ".goutputstream-"), strings.HasPrefix(base, ".~lock."):
		return true
	case strings.HasPrefix(base, ".") && strings.Contains(base, ".tmp-"):
		return true
	case strings.Contains(base, ".tmp.") && strings.HasPrefix(base, "."):
		return true
	}
	for _, suf := range []string{".swp", ".swo", ".swx", ".swpx", ".tmp", ".temp", ".crswap", ".kate-swp", "___jb_tmp___", "___jb_old___", ".bak", ".orig", ".part"} {
		if strings.HasSuffix(base, suf) {
			return true
		}
	}
	return false
}

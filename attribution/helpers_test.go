package attribution

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run go test ./attribution -update")
	require.Equal(t, string(want), string(got), "golden %s differs: run go test ./attribution -update and review the change", name)
}

func goldenJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	golden(t, name, append(b, '\n'))
}

// parseGitDiff is a small unified diff reader for tests (the real one lives
// in ghpr, which this package does not import).
func parseGitDiff(t testing.TB, text string) session.Diff {
	t.Helper()
	var d session.Diff
	var f *session.FileDiff
	var h *session.Hunk
	var oldN, newN int
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "diff --git "):
			d.Files = append(d.Files, session.FileDiff{Status: session.FileModified})
			f, h = &d.Files[len(d.Files)-1], nil
			parts := strings.Fields(l)
			f.Path = strings.TrimPrefix(parts[len(parts)-1], "b/")
		case f == nil:
		case strings.HasPrefix(l, "new file mode"):
			f.Status = session.FileAdded
		case strings.HasPrefix(l, "deleted file mode"):
			f.Status = session.FileDeleted
		case strings.HasPrefix(l, "Binary files"):
			f.Binary = true
		case strings.HasPrefix(l, "@@"):
			f.Hunks = append(f.Hunks, session.Hunk{})
			h = &f.Hunks[len(f.Hunks)-1]
			fields := strings.Fields(l)
			o := strings.Split(strings.TrimPrefix(fields[1], "-"), ",")
			n := strings.Split(strings.TrimPrefix(fields[2], "+"), ",")
			h.OldStart, _ = strconv.Atoi(o[0])
			h.NewStart, _ = strconv.Atoi(n[0])
			oldN, newN = h.OldStart, h.NewStart
		case h == nil, strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"):
		case strings.HasPrefix(l, "+"):
			h.Lines = append(h.Lines, session.DiffLine{Kind: session.LineAdded, Text: l[1:], NewLine: newN})
			newN++
		case strings.HasPrefix(l, "-"):
			h.Lines = append(h.Lines, session.DiffLine{Kind: session.LineRemoved, Text: l[1:], OldLine: oldN})
			oldN++
		case strings.HasPrefix(l, " "):
			h.Lines = append(h.Lines, session.DiffLine{Kind: session.LineContext, Text: l[1:], OldLine: oldN, NewLine: newN})
			oldN++
			newN++
		}
	}
	require.NoError(t, sc.Err())
	return d
}

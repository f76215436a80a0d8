package ghpr

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got, as indented JSON, with testdata/name (or rewrites it under -update).
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	require.NoError(t, err)
	b = append(b, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, b, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test ./ghpr -run %s -update", t.Name())
	assert.Equal(t, string(want), string(b))
}

func TestParseDiffGolden(t *testing.T) {
	for _, name := range []string{"git.diff", "git-binary-patch.diff", "format-patch.diff", "plain.diff"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", name))
			require.NoError(t, err)
			defer f.Close()
			d, err := ParseDiff(f)
			require.NoError(t, err)
			golden(t, strings.TrimSuffix(name, ".diff")+".golden.json", d)
		})
	}
}

func TestParseDiffGitFeatures(t *testing.T) {
	f, err := os.Open("testdata/git.diff")
	require.NoError(t, err)
	defer f.Close()
	d, err := ParseDiff(f)
	require.NoError(t, err)

	byPath := map[string]session.FileDiff{}
	for _, f := range d.Files {
		byPath[f.Path] = f
	}
	tests := []struct {
		path    string
		status  session.FileStatus
		oldPath string
		binary  bool
		added   int
		removed int
	}{
		{"added.go", session.FileAdded, "", false, 1, 0},
		{"gone.txt", session.FileDeleted, "", false, 0, 1},
		{"img.png", session.FileAdded, "", true, 0, 0},
		{"main.go", session.FileModified, "", false, 3, 1},
		{"new.txt", session.FileRenamed, "old.txt", false, 1, 1},
		{"nonl.txt", session.FileModified, "", false, 1, 1},
		{"run.sh", session.FileModified, "", false, 0, 0}, // mode only
		{"thé.md", session.FileRenamed, "café.md", false, 0, 0},
		{"with space.txt", session.FileModified, "", false, 1, 1},
	}
	require.Len(t, d.Files, len(tests))
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, ok := byPath[tt.path]
			require.True(t, ok, "file %s missing; have %v", tt.path, d.Paths())
			assert.Equal(t, tt.status, f.Status)
			assert.Equal(t, tt.oldPath, f.OldPath)
			assert.Equal(t, tt.binary, f.Binary)
			a, r := f.Counts()
			assert.Equal(t, tt.added, a, "added")
			assert.Equal(t, tt.removed, r, "removed")
		})
	}
	// New-file line numbers of main.go's added lines.
	assert.Equal(t, [][2]int{{3, 4}, {6, 6}}, byPath["main.go"].AddedRanges())
	assert.Equal(t, [][2]int{{8, 8}}, byPath["new.txt"].AddedRanges())
	assert.Equal(t, "four", byPath["new.txt"].Hunks[0].Section)
}

func TestParseDiffErrors(t *testing.T) {
	tests := []struct {
		file string
		line int
		want string
	}{
		{"truncated.diff", 6, "truncated"},
		{"damaged.diff", 6, "unexpected line"},
		{"badheader.diff", 4, "bad hunk header"},
		{"notadiff.txt", 1, "not a unified diff"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			require.NoError(t, err)
			defer f.Close()
			_, err = ParseDiff(f)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrDiff)
			var de *DiffError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, tt.line, de.Line)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseDiffKeepsFilesBeforeDamage(t *testing.T) {
	in := "diff --git a/ok.go b/ok.go\n--- a/ok.go\n+++ b/ok.go\n@@ -1 +1 @@\n-a\n+b\n" +
		"diff --git a/bad.go b/bad.go\n--- a/bad.go\n+++ b/bad.go\n@@ -1,2 +1,2 @@\n x\n"
	d, err := ParseDiff(strings.NewReader(in))
	require.ErrorIs(t, err, ErrDiff)
	require.Len(t, d.Files, 2)
	assert.Equal(t, "ok.go", d.Files[0].Path)
	assert.Equal(t, "bad.go", d.Files[1].Path)
}

func TestParseDiffEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, d session.Diff)
	}{
		{"empty", "", func(t *testing.T, d session.Diff) { assert.Empty(t, d.Files) }},
		{"blank lines only", "\n\n", func(t *testing.T, d session.Diff) { assert.Empty(t, d.Files) }},
		{"removed line that looks like a header", "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n--- a\n+++ b\n-c\n+d\n",
			func(t *testing.T, d session.Diff) {
				require.Len(t, d.Files, 1)
				lines := d.Files[0].Hunks[0].Lines
				require.Len(t, lines, 4)
				assert.Equal(t, "-- a", lines[0].Text)
				assert.Equal(t, session.LineRemoved, lines[0].Kind)
				assert.Equal(t, "++ b", lines[1].Text)
				assert.Equal(t, session.LineAdded, lines[1].Kind)
			}},
		{"crlf", "diff --git a/x b/x\r\n--- a/x\r\n+++ b/x\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n",
			func(t *testing.T, d session.Diff) {
				require.Len(t, d.Files, 1)
				assert.Equal(t, "x", d.Files[0].Path)
				assert.Equal(t, "b", d.Files[0].Hunks[0].Lines[1].Text)
			}},
		{"stripped empty context line", "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n\n-c\n+d\n",
			func(t *testing.T, d session.Diff) {
				l := d.Files[0].Hunks[0].Lines
				require.Len(t, l, 4)
				assert.Equal(t, session.DiffLine{Kind: session.LineContext, Text: "", OldLine: 2, NewLine: 2}, l[1])
				assert.Equal(t, 3, l[3].NewLine)
			}},
		{"empty new file", "diff --git a/e b/e\nnew file mode 100644\nindex 0000000..e69de29\n",
			func(t *testing.T, d session.Diff) {
				require.Len(t, d.Files, 1)
				assert.Equal(t, session.FileAdded, d.Files[0].Status)
				assert.Equal(t, "e", d.Files[0].Path)
			}},
		{"deleted binary", "diff --git a/b.bin b/b.bin\ndeleted file mode 100644\nindex 1..0\nBinary files a/b.bin and /dev/null differ\n",
			func(t *testing.T, d session.Diff) {
				require.Len(t, d.Files, 1)
				assert.Equal(t, session.FileDeleted, d.Files[0].Status)
				assert.True(t, d.Files[0].Binary)
				assert.Equal(t, "b.bin", d.Files[0].Path)
			}},
		{"copy", "diff --git a/a.go b/c.go\nsimilarity index 100%\ncopy from a.go\ncopy to c.go\n",
			func(t *testing.T, d session.Diff) {
				assert.Equal(t, session.FileDiff{Path: "c.go", OldPath: "a.go", Status: session.FileCopied}, d.Files[0])
			}},
		{"hunk without counts", "--- a/x\n+++ b/x\n@@ -3 +3 @@\n-a\n+b\n",
			func(t *testing.T, d session.Diff) {
				assert.Equal(t, 3, d.Files[0].Hunks[0].Lines[1].NewLine)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDiff(strings.NewReader(tt.in))
			require.NoError(t, err)
			tt.check(t, d)
		})
	}
}

func TestParseDiffCombinedRefused(t *testing.T) {
	_, err := ParseDiff(strings.NewReader("diff --cc x.go\nindex 1,2..3\n"))
	require.ErrorIs(t, err, ErrDiff)
	assert.Contains(t, err.Error(), "combined")
}

func TestParsePatch(t *testing.T) {
	h, err := parsePatch("@@ -1,2 +1,3 @@\n a\n+b\n c")
	require.NoError(t, err)
	require.Len(t, h, 1)
	assert.Equal(t, 2, h[0].Lines[1].NewLine)
	_, err = parsePatch("@@ -1 +1 @@\n-a\n+b\ngarbage")
	assert.ErrorIs(t, err, ErrDiff)
}

func TestLocalDiff(t *testing.T) {
	testutil.NeedTool(t, "git")
	dir := t.TempDir()
	testutil.GitInit(t, dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n"), 0o644))
	testutil.Git(t, dir, "add", "a.go")
	testutil.Git(t, dir, "commit", "-qm", "base")
	testutil.Git(t, dir, "checkout", "-qb", "feature")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n\nfunc A() {}\n"), 0o644))
	testutil.Git(t, dir, "commit", "-qam", "add A")
	// Work on main after the branch point must not show up (three-dot diff).
	testutil.Git(t, dir, "checkout", "-q", "main")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main-only.go"), []byte("package a\n"), 0o644))
	testutil.Git(t, dir, "add", "main-only.go")
	testutil.Git(t, dir, "commit", "-qm", "main moves on")
	testutil.Git(t, dir, "checkout", "-q", "feature")
	// Uncommitted edits are left out.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dirty.go"), []byte("package a\n"), 0o644))

	ctx := context.Background()
	d, err := LocalDiff(ctx, dir, "main")
	require.NoError(t, err)
	assert.Equal(t, []string{"a.go"}, d.Paths())
	assert.Equal(t, [][2]int{{2, 3}}, d.Files[0].AddedRanges())
	assert.Equal(t, testutil.Git(t, dir, "rev-parse", "main"), d.Base)
	assert.Equal(t, testutil.Git(t, dir, "rev-parse", "HEAD"), d.Head)

	_, err = LocalDiff(ctx, dir, "no-such-branch")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `base ref "no-such-branch" is not a commit`)

	_, err = LocalDiff(ctx, t.TempDir(), "main")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a git repository")

	_, err = LocalDiff(ctx, dir, "--output=/tmp/x")
	assert.ErrorContains(t, err, "looks like a flag")
}

func FuzzParseDiff(f *testing.F) {
	for _, name := range []string{"git.diff", "git-binary-patch.diff", "format-patch.diff", "plain.diff", "truncated.diff", "damaged.diff", "badheader.diff"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(string(b))
	}
	f.Add("diff --git \"a/x\\303\" \"b/y\"\n")
	f.Add("@@ -1,99999999 +1 @@\n")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := ParseDiff(strings.NewReader(in))
		if err != nil && !errors.Is(err, ErrDiff) {
			t.Fatalf("error does not wrap ErrDiff: %v", err)
		}
		for _, f := range d.Files {
			for _, h := range f.Hunks {
				old, nw := 0, 0
				for _, l := range h.Lines {
					switch l.Kind {
					case session.LineAdded:
						nw++
						if l.OldLine != 0 {
							t.Fatalf("added line with an old line number: %+v", l)
						}
					case session.LineRemoved:
						old++
						if l.NewLine != 0 {
							t.Fatalf("removed line with a new line number: %+v", l)
						}
					default:
						old++
						nw++
					}
				}
				if err == nil && (old != h.OldLines || nw != h.NewLines) {
					t.Fatalf("hunk %+v has %d old and %d new lines", h, old, nw)
				}
			}
		}
	})
}

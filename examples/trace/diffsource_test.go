package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/internal/testutil"
)

func TestLoadDiff(t *testing.T) {
	a := newApp(io.Discard, io.Discard)
	a.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()

	t.Run("file", func(t *testing.T) {
		d, err := a.loadDiff(ctx, filepath.Join("..", "..", "ghpr", "testdata", "git.diff"), "", "", "")
		require.NoError(t, err)
		assert.Len(t, d.Files, 9)
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := a.loadDiff(ctx, "no-such.diff", "", "", "")
		require.Error(t, err)
		assert.Equal(t, exitNotFound, exitCode(ctx, err))
		assert.Contains(t, err.Error(), "git diff BASE...HEAD > no-such.diff")
	})
	t.Run("damaged file", func(t *testing.T) {
		_, err := a.loadDiff(ctx, filepath.Join("..", "..", "ghpr", "testdata", "truncated.diff"), "", "", "")
		require.ErrorIs(t, err, ghpr.ErrDiff)
		assert.Contains(t, err.Error(), "truncated.diff")
	})
	t.Run("nothing given", func(t *testing.T) {
		_, err := a.loadDiff(ctx, "", "", "", "")
		assert.Equal(t, exitUsage, exitCode(ctx, err))
	})
	t.Run("base ref", func(t *testing.T) {
		testutil.NeedTool(t, "git")
		dir := t.TempDir()
		git := func(args ...string) { testutil.Git(t, dir, args...) }
		testutil.GitInit(t, dir)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n"), 0o644))
		git("add", "a.go")
		git("commit", "-qm", "one")
		git("switch", "-qc", "work")
		require.NoError(t, os.WriteFile(filepath.Join(dir, "b.go"), []byte("package a\n"), 0o644))
		git("add", "b.go")
		git("commit", "-qm", "two")
		d, err := a.loadDiff(ctx, "", "main", "", dir)
		require.NoError(t, err)
		assert.Equal(t, []string{"b.go"}, d.Paths())
	})
	t.Run("PR URL", func(t *testing.T) {
		gh := ghprtest.NewServer()
		defer gh.Close()
		pr := ghpr.PR{Owner: "acme", Repo: "api", Number: 3}
		gh.AddPR(pr, ghprtest.PROptions{Files: []ghprtest.File{{Path: "x.go", Status: "added", Patch: "@@ -0,0 +1 @@\n+package x", Additions: 1}}})
		t.Setenv("GITHUB_TOKEN", "t")
		t.Setenv(envGitHubAPI, gh.URL)
		d, err := a.loadDiff(ctx, "", "", pr.URL()+"/files", "")
		require.NoError(t, err)
		assert.Equal(t, []string{"x.go"}, d.Paths())

		_, err = a.loadDiff(ctx, "", "", "acme/api#404", "")
		assert.Equal(t, exitNotFound, exitCode(ctx, err))
		_, err = a.loadDiff(ctx, "", "", "acme/api", "")
		assert.Equal(t, exitUsage, exitCode(ctx, err))
	})
}

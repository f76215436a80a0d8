package ghpr_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
)

// newRepo makes a working tree with one commit on main and a bare remote
// reached over file://.
func newRepo(t *testing.T) (work, bare string) {
	testutil.NeedTool(t, "git")
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	root := t.TempDir()
	bare, work = filepath.Join(root, "remote.git"), filepath.Join(root, "work")
	testutil.Git(t, root, "init", "-q", "--bare", "-b", "main", bare)
	testutil.Git(t, root, "init", "-q", "-b", "main", work)
	testutil.Git(t, work, "config", "user.name", "Ada Dev")
	testutil.Git(t, work, "config", "user.email", "ada@example.com")
	require.NoError(t, os.WriteFile(filepath.Join(work, "app.go"), []byte("package app\n"), 0o644))
	testutil.Git(t, work, "add", "app.go")
	testutil.Git(t, work, "commit", "-qm", "initial")
	testutil.Git(t, work, "remote", "add", "origin", "file://"+bare)
	testutil.Git(t, work, "push", "-q", "origin", "main")
	return work, bare
}

func TestOpenPRFromBaseBranch(t *testing.T) {
	work, bare := newRepo(t)
	s := ghprtest.NewServer()
	defer s.Close()
	c := s.Client("t")
	repo := ghpr.PR{Owner: "ada", Repo: "app"}

	require.NoError(t, os.WriteFile(filepath.Join(work, "app.go"), []byte("package app\n\nfunc Retry() {}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(work, "notes.txt"), []byte("scratch\n"), 0o644)) // untracked: left alone
	testutil.Git(t, work, "add", "app.go")
	require.NoError(t, os.WriteFile(filepath.Join(work, "app.go"), []byte("package app\n\nfunc Retry() {}\n// unstaged\n"), 0o644))

	opts := ghpr.OpenOptions{RepoDir: work, Session: "a1b2c3d4", Title: "Retry uploads", Body: "Walkthrough below.", Repo: repo, Base: "main"}
	pr, err := c.OpenPR(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, ghpr.PR{Owner: "ada", Repo: "app", Number: 1}, pr)

	assert.Equal(t, "trace/a1b2c3d4", testutil.Git(t, work, "symbolic-ref", "--short", "HEAD"))
	assert.Equal(t, "Ada Dev <ada@example.com>", testutil.Git(t, work, "log", "-1", "--format=%an <%ae>"), "the user's own identity")
	assert.Equal(t, "Retry uploads", testutil.Git(t, work, "log", "-1", "--format=%s"))
	assert.Equal(t, "app.go", testutil.Git(t, work, "show", "--name-only", "--format=", "HEAD"), "only the staged file is committed")
	assert.Equal(t, "app.go", testutil.Git(t, work, "diff", "--name-only"), "the unstaged edit stays unstaged")
	assert.Equal(t, testutil.Git(t, work, "rev-parse", "HEAD"), testutil.Git(t, bare, "rev-parse", "trace/a1b2c3d4"), "pushed")

	info, ok := s.PRInfo(pr)
	require.True(t, ok)
	assert.Equal(t, ghprtest.PRInfo{Title: "Retry uploads", Body: "Walkthrough below.", Head: "trace/a1b2c3d4", Base: "main"}, info)

	// Again: nothing new is staged, the open PR is reused.
	testutil.Git(t, work, "checkout", "-q", "--", "app.go")
	again, err := c.OpenPR(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, pr, again)
	assert.Len(t, s.PRs(), 1)
}

func TestOpenPRStopsOnDirtyTreeWithNothingStaged(t *testing.T) {
	work, bare := newRepo(t)
	s := ghprtest.NewServer()
	defer s.Close()
	testutil.Git(t, work, "switch", "-q", "-c", "feature")
	require.NoError(t, os.WriteFile(filepath.Join(work, "app.go"), []byte("package app\n// edit\n"), 0o644))
	head := testutil.Git(t, work, "rev-parse", "HEAD")

	_, err := s.Client("t").OpenPR(context.Background(), ghpr.OpenOptions{RepoDir: work, Title: "x", Repo: ghpr.PR{Owner: "ada", Repo: "app"}, Base: "main"})
	require.ErrorIs(t, err, ghpr.ErrDirty)
	assert.Contains(t, err.Error(), "app.go")
	assert.Contains(t, err.Error(), "git add")
	assert.Equal(t, head, testutil.Git(t, work, "rev-parse", "HEAD"), "nothing committed")
	assert.Empty(t, s.PRs())
	out, _ := exec.Command("git", "-C", bare, "rev-parse", "--verify", "--quiet", "feature").Output()
	assert.Empty(t, strings.TrimSpace(string(out)), "nothing pushed")
}

func TestOpenPRNeedsCommits(t *testing.T) {
	work, _ := newRepo(t)
	s := ghprtest.NewServer()
	defer s.Close()
	testutil.Git(t, work, "switch", "-q", "-c", "feature")
	_, err := s.Client("t").OpenPR(context.Background(), ghpr.OpenOptions{RepoDir: work, Repo: ghpr.PR{Owner: "ada", Repo: "app"}, Base: "main"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no commits")
}

func TestRepoFromRemote(t *testing.T) {
	for in, want := range map[string]ghpr.PR{
		"https://github.com/ada/app.git":        {Owner: "ada", Repo: "app"},
		"https://github.com/ada/app":            {Owner: "ada", Repo: "app"},
		"git@github.com:ada/app.git":            {Owner: "ada", Repo: "app"},
		"ssh://git@github.com/ada/app.git":      {Owner: "ada", Repo: "app"},
		"git@ghe.corp.example:team/svc.git":     {Host: "ghe.corp.example", Owner: "team", Repo: "svc"},
		"https://ghe.corp.example/team/svc.git": {Host: "ghe.corp.example", Owner: "team", Repo: "svc"},
	} {
		got, err := ghpr.RepoFromRemote(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"file:///tmp/remote.git", "/tmp/remote.git", "https://github.com/ada", "https://github.com/a/b/c"} {
		_, err := ghpr.RepoFromRemote(in)
		assert.Error(t, err, in)
	}
}

func TestLinkSessionAndFind(t *testing.T) {
	st, err := session.Open(t.TempDir())
	require.NoError(t, err)
	s1, err := st.Create(session.CreateOptions{ID: "aaaa0001"})
	require.NoError(t, err)
	_, err = st.Create(session.CreateOptions{ID: "aaaa0002"})
	require.NoError(t, err)
	pr := ghpr.PR{Owner: "ada", Repo: "app", Number: 3}
	require.NoError(t, ghpr.LinkSession(s1, pr))
	require.NoError(t, ghpr.LinkSession(s1, ghpr.PR{Owner: "ADA", Repo: "app", Number: 3}))
	assert.Equal(t, []string{"https://github.com/ada/app/pull/3"}, s1.Meta.PRs)
	found, err := ghpr.SessionsForPR(st, pr)
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, "aaaa0001", found[0].ID())
}

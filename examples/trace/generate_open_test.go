package main

import (
	"encoding/json"
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

// gitOK reports whether git succeeds in dir.
func gitOK(dir string, args ...string) bool {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	return cmd.Run() == nil
}

// openRepo makes a project with one commit on main, pushed to a bare
// repository. origin names the GitHub repository octo/app (so trace knows
// where to open the PR) and pushes over file:// to the bare one, as a
// push URL set with `git remote set-url --push` would.
func openRepo(t *testing.T) (work, bare string) {
	t.Helper()
	testutil.NeedTool(t, "git")
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"} {
		t.Setenv(k, "")
		require.NoError(t, os.Unsetenv(k))
	}
	root := t.TempDir()
	bare, work = filepath.Join(root, "remote.git"), filepath.Join(root, "work")
	testutil.Git(t, root, "init", "-q", "--bare", "-b", "main", bare)
	testutil.Git(t, root, "init", "-q", "-b", "main", work)
	testutil.Git(t, work, "config", "user.name", "Ada Dev")
	testutil.Git(t, work, "config", "user.email", "ada@example.com")
	require.NoError(t, os.WriteFile(filepath.Join(work, "README.md"), []byte("# app\n"), 0o644))
	testutil.Git(t, work, "add", "README.md")
	testutil.Git(t, work, "commit", "-qm", "initial")
	testutil.Git(t, work, "remote", "add", "origin", "https://github.com/octo/app.git")
	testutil.Git(t, work, "remote", "set-url", "--push", "origin", "file://"+bare)
	testutil.Git(t, work, "push", "-q", "origin", "main")
	return work, bare
}

// openSession is an indexed session whose project is work.
func openSession(t *testing.T, home, work string) *session.Session {
	t.Helper()
	s := capturedSession(t, home)
	_, stderr, code := cli(t, home, "stop", s.ID())
	require.Equal(t, 0, code, stderr)
	require.NoError(t, s.Reload())
	s.Meta.ProjectDir = work
	require.NoError(t, s.Save())
	return s
}

// pullCreations returns the POST requests that opened a PR.
func pullCreations(srv *ghprtest.Server) []ghprtest.Request {
	var out []ghprtest.Request
	for _, r := range srv.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/pulls") {
			out = append(out, r)
		}
	}
	return out
}

func TestGenerateOpensThePR(t *testing.T) {
	srv, seeded := fakeGitHub(t) // octo/app#12, head "feature": not this branch's PR
	work, bare := openRepo(t)
	home := t.TempDir()
	s := openSession(t, home, work)

	testutil.Git(t, work, "switch", "-q", "-c", "add-main")
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	testutil.Git(t, work, "add", "main.go")
	require.NoError(t, os.WriteFile(filepath.Join(work, "scratch.txt"), []byte("notes\n"), 0o644)) // untracked: left alone
	srv.ResetRequests()

	stdout, stderr, code := cli(t, home, "generate", s.ID(), "--title", "Add main", "--json")
	require.Equal(t, 0, code, stderr)
	var sum generateSummary
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)

	// One PR was created, from the branch into main.
	posts := pullCreations(srv)
	require.Len(t, posts, 1)
	var sent struct{ Title, Head, Base string }
	require.NoError(t, json.Unmarshal([]byte(posts[0].Body), &sent))
	assert.Equal(t, "add-main", sent.Head)
	assert.Equal(t, "main", sent.Base)
	assert.Equal(t, "Add main", sent.Title)
	require.Len(t, srv.PRs(), 2)
	pr := srv.PRs()[1]
	assert.NotEqual(t, seeded.Number, pr.Number)
	assert.Equal(t, pr.URL(), sum.PR)
	info, ok := srv.PRInfo(pr)
	require.True(t, ok)
	assert.Equal(t, "add-main", info.Head)
	assert.Equal(t, "main", info.Base)

	// The staged change was committed as the repository's user and pushed;
	// the untracked file stayed out.
	head := testutil.Git(t, work, "rev-parse", "HEAD")
	assert.Equal(t, head, testutil.Git(t, bare, "rev-parse", "refs/heads/add-main"))
	assert.Equal(t, "Ada Dev <ada@example.com>|Ada Dev <ada@example.com>|Add main",
		testutil.Git(t, bare, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s", "add-main"))
	assert.Equal(t, "main.go", testutil.Git(t, bare, "diff", "--name-only", "main", "add-main"))
	assert.Equal(t, "?? scratch.txt", testutil.Git(t, work, "status", "--porcelain"))
	assert.Equal(t, "add-main", testutil.Git(t, work, "symbolic-ref", "--short", "HEAD"))

	// Every artefact is on the new PR, and the session knows the PR.
	assert.Equal(t, map[string]int{"walkthrough": 1, "focus": 1, "contribution-map": 1}, commentsByKind(srv, pr, s.ID()))
	assert.Empty(t, commentsByKind(srv, seeded, s.ID()))
	body := srv.PRBody(pr)
	assert.Equal(t, 1, strings.Count(body, ghpr.Key{Kind: "description", Session: s.ID()}.Marker()), body)
	assert.Contains(t, body, "## What changed")
	assert.Contains(t, body, "main.go", "the description is about the pushed change")
	var in inspectOutput
	cliJSON(t, home, &in, "inspect", s.ID())
	assert.Equal(t, []string{pr.URL()}, in.Metadata.PRs)
	assert.Equal(t, session.StatusGenerated, in.Metadata.Status)

	// Again: the PR is found by its branch, nothing is committed, created
	// or published a second time.
	srv.ResetRequests()
	_, stderr, code = cli(t, home, "generate", s.ID(), "--title", "Add main")
	require.Equal(t, 0, code, stderr)
	for _, r := range srv.Requests() {
		assert.Equal(t, "GET", r.Method, "%s %s", r.Method, r.Path)
	}
	assert.Len(t, srv.PRs(), 2)
	assert.Equal(t, head, testutil.Git(t, bare, "rev-parse", "refs/heads/add-main"))
	assert.Equal(t, map[string]int{"walkthrough": 1, "focus": 1, "contribution-map": 1}, commentsByKind(srv, pr, s.ID()))
	assert.Equal(t, body, srv.PRBody(pr))
	require.NoError(t, s.Reload())
	assert.Equal(t, []string{pr.URL()}, s.Meta.PRs)
}

func TestGenerateRefusesADirtyTree(t *testing.T) {
	srv, _ := fakeGitHub(t)
	work, bare := openRepo(t)
	home := t.TempDir()
	s := openSession(t, home, work)

	testutil.Git(t, work, "switch", "-q", "-c", "half-done")
	require.NoError(t, os.WriteFile(filepath.Join(work, "README.md"), []byte("# app\n\nwork in progress\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(work, "scratch.txt"), []byte("notes\n"), 0o644))
	before := testutil.Git(t, work, "rev-parse", "HEAD")
	srv.ResetRequests()

	_, stderr, code := cli(t, home, "generate", s.ID(), "--title", "Half done")
	assert.Equal(t, exitConflict, code, stderr)
	assert.Contains(t, stderr, "README.md", "the changed files are listed")
	assert.NotContains(t, stderr, "scratch.txt", "untracked files are not the problem")
	assert.Contains(t, stderr, "git add", "the error says what to do")

	assert.Equal(t, before, testutil.Git(t, work, "rev-parse", "HEAD"), "nothing committed")
	assert.Equal(t, "README.md", testutil.Git(t, work, "diff", "--name-only"), "the change is still in the working tree")
	assert.Empty(t, testutil.Git(t, work, "diff", "--cached", "--name-only"), "nothing was staged for the user")
	assert.Equal(t, "scratch.txt", testutil.Git(t, work, "ls-files", "--others", "--exclude-standard"))
	assert.False(t, gitOK(bare, "rev-parse", "--verify", "--quiet", "refs/heads/half-done"), "nothing pushed")
	assert.Empty(t, pullCreations(srv), "no PR created")
	assert.Len(t, srv.PRs(), 1)
	require.NoError(t, s.Reload())
	assert.Equal(t, session.StatusIndexed, s.Meta.Status)
	assert.Empty(t, s.Meta.PRs)
}

func TestGenerateFromTheBaseBranch(t *testing.T) {
	srv, _ := fakeGitHub(t)
	work, bare := openRepo(t)
	home := t.TempDir()
	s := openSession(t, home, work)

	require.NoError(t, os.WriteFile(filepath.Join(work, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	testutil.Git(t, work, "add", "main.go")
	mainBefore := testutil.Git(t, bare, "rev-parse", "refs/heads/main")

	stdout, stderr, code := cli(t, home, "generate", s.ID(), "--title", "Add main", "--json")
	require.Equal(t, 0, code, stderr)
	var sum generateSummary
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)

	branch := "trace/" + s.ID()
	assert.Equal(t, branch, testutil.Git(t, work, "symbolic-ref", "--short", "HEAD"))
	assert.Equal(t, testutil.Git(t, work, "rev-parse", "HEAD"), testutil.Git(t, bare, "rev-parse", "refs/heads/"+branch))
	assert.Equal(t, mainBefore, testutil.Git(t, bare, "rev-parse", "refs/heads/main"), "main is not pushed to")
	assert.Equal(t, mainBefore, testutil.Git(t, work, "rev-parse", "main"), "the commit is on the new branch only")

	require.Len(t, pullCreations(srv), 1)
	require.Len(t, srv.PRs(), 2)
	pr := srv.PRs()[1]
	assert.Equal(t, pr.URL(), sum.PR)
	info, _ := srv.PRInfo(pr)
	assert.Equal(t, branch, info.Head)
	assert.Equal(t, "main", info.Base)
	assert.Equal(t, map[string]int{"walkthrough": 1, "focus": 1, "contribution-map": 1}, commentsByKind(srv, pr, s.ID()))
	assert.Contains(t, srv.PRBody(pr), "main.go")
	require.NoError(t, s.Reload())
	assert.Equal(t, []string{pr.URL()}, s.Meta.PRs)
}

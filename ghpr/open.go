package ghpr

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/go-github/v62/github"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/session"
)

// ErrDirty is wrapped by OpenPR's error when nothing is staged but tracked
// files have changes: trace does not guess what belongs in the PR.
var ErrDirty = errors.New("uncommitted changes and nothing staged")

// OpenOptions configure OpenPR.
type OpenOptions struct {
	// RepoDir is the git working tree (default ".").
	RepoDir string
	// Remote to push to (default "origin").
	Remote string
	// Base is the branch the PR goes into (default: the remote's default
	// branch, else "main").
	Base string
	// Session names the branch trace/<Session> created when HEAD is on
	// the base branch.
	Session string
	// Title of the PR (default: the subject of the last commit) and Body
	// (redacted before it is sent).
	Title, Body string
	// Message is the commit message for staged changes (default: Title).
	Message string
	// Repo is the GitHub repository to open the PR on (Number is
	// ignored); by default it is read from the remote's URL.
	Repo  PR
	Draft bool
}

// OpenPR opens a pull request from the current branch of a git working
// tree, the way its user would:
//
//   - on the base branch, it first creates and switches to trace/<session>;
//   - staged changes are committed with the user's own git identity (and
//     hooks); unstaged and untracked files are left alone. When nothing is
//     staged but tracked files changed, it stops with ErrDirty and lists them;
//   - the branch is pushed to the remote (with upstream tracking);
//   - an open PR for the branch is reused; otherwise one is created.
//
// It returns the PR. Running it again after a failure continues where it
// stopped.
func (c *Client) OpenPR(ctx context.Context, o OpenOptions) (PR, error) {
	if o.RepoDir == "" {
		o.RepoDir = "."
	}
	if o.Remote == "" {
		o.Remote = "origin"
	}
	git := func(args ...string) (string, error) {
		out, err := execx.Run(ctx, execx.Cmd{Tool: "git", Args: args, Dir: o.RepoDir, Env: []string{"GIT_TERMINAL_PROMPT=0", "LC_ALL=C"}})
		return strings.TrimRight(string(out), "\r\n"), err
	}
	if _, err := git("rev-parse", "--show-toplevel"); err != nil {
		if errors.Is(err, execx.ErrNotInstalled) {
			return PR{}, err
		}
		return PR{}, fmt.Errorf("open a PR from %s: not a git repository: run it in your project or pass its directory", o.RepoDir)
	}
	branch, err := git("symbolic-ref", "--quiet", "--short", "HEAD")
	if err != nil || branch == "" {
		return PR{}, fmt.Errorf("open a PR from %s: HEAD is detached: check out a branch first", o.RepoDir)
	}
	remoteURL, err := git("remote", "get-url", o.Remote)
	if err != nil {
		return PR{}, fmt.Errorf("open a PR from %s: no git remote %q: add it (git remote add %s URL)", o.RepoDir, o.Remote, o.Remote)
	}
	repo := o.Repo
	if repo.Owner == "" {
		repo, err = RepoFromRemote(remoteURL)
		if err != nil {
			return PR{}, err
		}
	}
	base := o.Base
	if base == "" {
		if ref, err := git("symbolic-ref", "--quiet", "--short", "refs/remotes/"+o.Remote+"/HEAD"); err == nil && ref != "" {
			base = strings.TrimPrefix(ref, o.Remote+"/")
		} else {
			base = "main"
		}
	}

	// 1. Leave the base branch.
	if branch == base {
		if o.Session == "" {
			return PR{}, fmt.Errorf("open a PR from %s: HEAD is on the base branch %s and no session names a new branch: create a branch (git switch -c NAME)", o.RepoDir, base)
		}
		nb := "trace/" + o.Session
		if _, err := git("switch", "-c", nb); err != nil {
			return PR{}, fmt.Errorf("open a PR from %s: create branch %s: %v: delete or rename the existing branch, or switch to it yourself", o.RepoDir, nb, err)
		}
		branch = nb
	}

	// 2. Commit what is staged, and only that.
	if _, err := git("diff", "--cached", "--quiet"); err != nil {
		var ee *execx.ExitError
		if !errors.As(err, &ee) || ee.Code != 1 {
			return PR{}, fmt.Errorf("open a PR from %s: git diff --cached: %w", o.RepoDir, err)
		}
		msg := o.Message
		if msg == "" {
			msg = o.Title
		}
		if msg == "" {
			return PR{}, fmt.Errorf("open a PR from %s: changes are staged but no commit message or title was given: pass a title", o.RepoDir)
		}
		if _, err := git("commit", "--quiet", "-m", msg); err != nil {
			return PR{}, fmt.Errorf("open a PR from %s: commit the staged changes: %w: fix the problem (git identity, hooks) and run again", o.RepoDir, err)
		}
	} else {
		dirty, err := git("status", "--porcelain", "--untracked-files=no")
		if err != nil {
			return PR{}, fmt.Errorf("open a PR from %s: git status: %w", o.RepoDir, err)
		}
		if dirty != "" {
			var files []string
			for _, l := range strings.Split(dirty, "\n") {
				if len(l) > 3 {
					files = append(files, strings.TrimSpace(l[3:]))
				}
			}
			return PR{}, fmt.Errorf("open a PR from %s: nothing is staged but these files have changes: %s: stage what belongs in the PR (git add FILE) or stash the rest, then run again: %w",
				o.RepoDir, strings.Join(files, ", "), ErrDirty)
		}
	}
	if ahead, err := git("rev-list", "--count", base+"..HEAD"); err == nil && ahead == "0" {
		return PR{}, fmt.Errorf("open a PR from %s: branch %s has no commits that %s lacks: commit your work (or stage it) first", o.RepoDir, branch, base)
	}
	title := o.Title
	if title == "" {
		title, _ = git("log", "-1", "--format=%s")
	}

	// 3. Push.
	if _, err := git("push", "--quiet", "-u", o.Remote, "HEAD:refs/heads/"+branch); err != nil {
		return PR{}, fmt.Errorf("open a PR from %s: push %s to %s: %w: check your access to the remote and run again", o.RepoDir, branch, o.Remote, err)
	}

	// 4. Reuse the open PR of this branch, or create one.
	what := fmt.Sprintf("open a PR from %s into %s on %s/%s", branch, base, repo.Owner, repo.Repo)
	open, _, err := c.gh.PullRequests.List(ctx, repo.Owner, repo.Repo, &github.PullRequestListOptions{
		State: "open", Head: repo.Owner + ":" + branch, ListOptions: github.ListOptions{PerPage: 10}})
	if err != nil {
		return PR{}, c.wrap(err, what)
	}
	for _, p := range open {
		if p.GetHead().GetRef() == branch {
			return PR{Host: repo.Host, Owner: repo.Owner, Repo: repo.Repo, Number: p.GetNumber()}, nil
		}
	}
	p, _, err := c.gh.PullRequests.Create(ctx, repo.Owner, repo.Repo, &github.NewPullRequest{
		Title: github.String(redact.String(title)), Head: github.String(branch), Base: github.String(base),
		Body: github.String(redact.String(o.Body)), Draft: github.Bool(o.Draft)})
	if err != nil {
		return PR{}, c.wrap(err, what)
	}
	return PR{Host: repo.Host, Owner: repo.Owner, Repo: repo.Repo, Number: p.GetNumber()}, nil
}

// RepoFromRemote reads the GitHub repository of a git remote URL
// (https://HOST/OWNER/REPO(.git), git@HOST:OWNER/REPO.git,
// ssh://git@HOST/OWNER/REPO.git). Number is zero.
func RepoFromRemote(remote string) (PR, error) {
	s := strings.TrimSpace(remote)
	bad := fmt.Errorf("git remote %q is not a GitHub repository URL: use https://github.com/OWNER/REPO.git or git@github.com:OWNER/REPO.git, or name the repository explicitly", remote)
	var host, path string
	switch {
	case strings.Contains(s, "://"):
		u, err := url.Parse(s)
		if err != nil || u.Scheme == "file" || u.Host == "" {
			return PR{}, bad
		}
		host, path = u.Hostname(), u.Path
	case strings.Contains(s, ":") && strings.Contains(s, "@"):
		at := strings.LastIndex(s[:strings.Index(s, ":")], "@")
		host, path, _ = strings.Cut(s[at+1:], ":")
	default:
		return PR{}, bad
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) != 2 {
		return PR{}, bad
	}
	host = strings.ToLower(host)
	if host == "github.com" || host == "www.github.com" || host == "ssh.github.com" {
		host = ""
	}
	repo := strings.TrimSuffix(parts[1], ".git")
	if !validOwner(parts[0]) || !validRepo(repo) {
		return PR{}, bad
	}
	return PR{Host: host, Owner: parts[0], Repo: repo}, nil
}

// LinkSession records the PR in the session's metadata (Meta.PRs, by its
// canonical URL) so `trace qa-poll PR_URL` finds the session; a PR already
// there is not added twice.
func LinkSession(s *session.Session, pr PR) error {
	for _, u := range s.Meta.PRs {
		if p, err := ParsePR(u); err == nil && p.Same(pr) {
			return nil
		}
	}
	s.Meta.PRs = append(s.Meta.PRs, pr.URL())
	return s.Save()
}

// SessionsForPR returns the sessions of the store linked to the PR (by
// Meta.PRs), oldest first.
func SessionsForPR(st *session.Store, pr PR) ([]*session.Session, error) {
	r, err := st.List()
	if err != nil {
		return nil, err
	}
	var out []*session.Session
	for _, s := range r.Sessions {
		for _, u := range s.Meta.PRs {
			if p, err := ParsePR(u); err == nil && p.Same(pr) {
				out = append(out, s)
				break
			}
		}
	}
	return out, nil
}

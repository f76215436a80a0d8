package ghpr

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v62/github"

	"github.com/tracepr/trace/session"
)

// maxListedFiles is where GitHub stops listing a PR's files.
const maxListedFiles = 3000

// PRDiff returns the pull request's changes: its files with their patches,
// page by page. When GitHub leaves a patch out (large files, or more files
// than it lists) the whole raw diff is fetched instead, so renames, binary
// files and deletions come out the same either way. Base and Head are the
// PR's commit ids.
func (c *Client) PRDiff(ctx context.Context, pr PR) (session.Diff, error) {
	what := "read the diff of " + pr.String()
	p, _, err := c.gh.PullRequests.Get(ctx, pr.Owner, pr.Repo, pr.Number)
	if err != nil {
		return session.Diff{}, c.wrap(err, what)
	}
	d := session.Diff{Base: p.GetBase().GetSHA(), Head: p.GetHead().GetSHA(), Files: []session.FileDiff{}}
	needRaw := false
	opts := &github.ListOptions{PerPage: 100}
	for {
		files, resp, err := c.gh.PullRequests.ListFiles(ctx, pr.Owner, pr.Repo, pr.Number, opts)
		if err != nil {
			return session.Diff{}, c.wrap(err, what)
		}
		for _, f := range files {
			fd, ok, err := fileFromAPI(f)
			if err != nil {
				c.log.WarnContext(ctx, "github: patch unreadable, using the raw diff", "pr", pr.String(), "file", f.GetFilename(), "err", err)
				needRaw = true
			}
			if !ok {
				needRaw = true
			}
			d.Files = append(d.Files, fd)
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(d.Files) >= maxListedFiles {
		needRaw = true
	}
	if !needRaw {
		return d, nil
	}
	raw, _, err := c.gh.PullRequests.GetRaw(ctx, pr.Owner, pr.Repo, pr.Number, github.RawOptions{Type: github.Diff})
	if err != nil {
		// Keep what the file list said; the files without patch stay without hunks.
		c.log.WarnContext(ctx, "github: raw diff unavailable; files without a patch have no lines", "pr", pr.String(), "err", err)
		return d, nil
	}
	rd, err := ParseDiff(strings.NewReader(raw))
	if err != nil {
		return d, fmt.Errorf("%s: the raw diff GitHub sent is unreadable: %w", what, err)
	}
	rd.Base, rd.Head = d.Base, d.Head
	return rd, nil
}

// fileFromAPI converts one entry of the PR files list. ok is false when
// GitHub left the patch out although the file has line changes (binary
// files have no line changes and are marked Binary).
func fileFromAPI(f *github.CommitFile) (session.FileDiff, bool, error) {
	fd := session.FileDiff{Path: f.GetFilename()}
	switch f.GetStatus() {
	case "added":
		fd.Status = session.FileAdded
	case "removed":
		fd.Status = session.FileDeleted
	case "renamed":
		fd.Status, fd.OldPath = session.FileRenamed, f.GetPreviousFilename()
	case "copied":
		fd.Status, fd.OldPath = session.FileCopied, f.GetPreviousFilename()
	default: // modified, changed, unchanged
		fd.Status = session.FileModified
	}
	patch := f.GetPatch()
	if patch == "" {
		if f.GetChanges() == 0 && f.GetAdditions() == 0 && f.GetDeletions() == 0 {
			// No line changes: a binary file, a pure rename or a mode change.
			fd.Binary = fd.Status != session.FileRenamed && f.GetStatus() != "changed"
			return fd, true, nil
		}
		return fd, false, nil
	}
	hunks, err := parsePatch(patch)
	fd.Hunks = hunks
	if err != nil {
		return fd, false, err
	}
	return fd, true, nil
}

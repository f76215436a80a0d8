package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/session"
)

// loadDiff reads the change set a command works against, from the first of:
// diffFile (a unified diff file; "-" reads stdin), base (a ref: `git diff
// base...HEAD` in projectDir), prURL (the PR's files from GitHub). It is a
// usage error when none is given.
func (a *app) loadDiff(ctx context.Context, diffFile, base, prURL string, projectDir string) (session.Diff, error) {
	switch {
	case diffFile != "":
		var r io.Reader
		name := diffFile
		if diffFile == "-" {
			r, name = os.Stdin, "standard input"
		} else {
			f, err := os.Open(diffFile)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return session.Diff{}, withCode(exitNotFound, fmt.Errorf("diff file %s not found: write one with `git diff BASE...HEAD > %s`, or pass --base or a PR URL", diffFile, diffFile))
				}
				return session.Diff{}, fmt.Errorf("open diff file: %w", err)
			}
			defer f.Close()
			r = f
		}
		d, err := ghpr.ParseDiff(r)
		if err != nil {
			return d, fmt.Errorf("%s: %w", name, err)
		}
		return d, nil
	case base != "":
		dir := projectDir
		if dir == "" {
			dir = "."
		}
		d, err := ghpr.LocalDiff(ctx, dir, base)
		if err != nil {
			if errors.Is(err, ghpr.ErrDiff) {
				return d, err
			}
			return d, withCode(exitConfig, err)
		}
		return d, nil
	case prURL != "":
		pr, err := parsePR(prURL)
		if err != nil {
			return session.Diff{}, err
		}
		c, err := a.githubClient(ctx, pr)
		if err != nil {
			return session.Diff{}, err
		}
		d, err := c.PRDiff(ctx, pr)
		return d, ghExit(err)
	}
	return session.Diff{}, usageError{"no diff to work against: pass --diff FILE (or - for stdin), --base REF (git diff REF...HEAD in the project), or a PR URL"}
}

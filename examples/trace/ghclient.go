package main

import (
	"context"
	"errors"
	"os"

	"github.com/tracepr/trace/ghpr"
)

// envGitHubAPI overrides the GitHub API base URL (a proxy, or a fake server
// in tests); GitHub Enterprise hosts are otherwise found from the PR URL.
const envGitHubAPI = "TRACE_GITHUB_API_URL"

// githubClient builds the GitHub client for a PR's host, with the token from
// GITHUB_TOKEN (or GH_TOKEN) or `gh auth token`.
func (a *app) githubClient(ctx context.Context, pr ghpr.PR) (*ghpr.Client, error) {
	tok, err := ghpr.Token(ctx, pr.Host)
	if err != nil {
		return nil, ghExit(err)
	}
	c, err := ghpr.NewClient(ghpr.ClientOptions{
		Token:   tok,
		Host:    pr.Host,
		BaseURL: os.Getenv(envGitHubAPI),
		Logger:  a.log,
	})
	return c, ghExit(err)
}

// parsePR reads a PR argument; a bad one is a usage error.
func parsePR(s string) (ghpr.PR, error) {
	pr, err := ghpr.ParsePR(s)
	if err != nil {
		return pr, usageError{err.Error()}
	}
	return pr, nil
}

// ghExit gives GitHub errors their exit code.
func ghExit(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, ghpr.ErrNoToken), errors.Is(err, ghpr.ErrAuth):
		return withCode(exitConfig, err)
	case errors.Is(err, ghpr.ErrNotFound):
		return withCode(exitNotFound, err)
	case errors.Is(err, ghpr.ErrPRRef):
		return usageError{err.Error()}
	}
	return withCode(exitRemote, err)
}

package ghpr

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// ErrPRRef is wrapped by the error for a string that is not a PR reference.
var ErrPRRef = errors.New("not a pull request reference")

const prForms = "use https://github.com/OWNER/REPO/pull/N (or a GitHub Enterprise host), or OWNER/REPO#N"

// ParsePR reads a pull request reference:
//
//	https://github.com/OWNER/REPO/pull/N          (also …/files, …/commits, ?query, #fragment)
//	https://ghe.example.com/OWNER/REPO/pull/N     (GitHub Enterprise: Host is set)
//	https://api.github.com/repos/OWNER/REPO/pulls/N
//	github.com/OWNER/REPO/pull/N                  (no scheme)
//	OWNER/REPO#N, HOST/OWNER/REPO#N               (as PR.String writes it)
//
// Anything else is an error wrapping ErrPRRef that names the input and the
// accepted forms. Host is "" for github.com.
func ParsePR(s string) (PR, error) {
	in := strings.TrimSpace(s)
	bad := func(why string) (PR, error) {
		return PR{}, fmt.Errorf("%q is not a pull request reference (%s): %s: %w", clip(s, 120), why, prForms, ErrPRRef)
	}
	if in == "" {
		return bad("empty")
	}
	if !strings.Contains(in, "://") && strings.Contains(in, "#") && !strings.Contains(in, "/pull/") {
		return parseShortRef(in, bad)
	}
	if !strings.Contains(in, "://") {
		in = "https://" + in
	}
	u, err := url.Parse(in)
	if err != nil {
		return bad("not a URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return bad("scheme " + u.Scheme)
	}
	if u.User != nil {
		return bad("credentials in the URL")
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return bad("no host")
	}
	if p := u.Port(); p != "" {
		host += ":" + p
	}
	parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	var owner, repo, num string
	switch {
	case host == "api.github.com" && len(parts) >= 5 && parts[0] == "repos" && (parts[3] == "pulls" || parts[3] == "issues"):
		owner, repo, num = parts[1], parts[2], parts[4]
		host = ""
	case len(parts) >= 7 && parts[0] == "api" && parts[1] == "v3" && parts[2] == "repos" && (parts[5] == "pulls" || parts[5] == "issues"):
		owner, repo, num = parts[3], parts[4], parts[6]
	case len(parts) >= 4 && (parts[2] == "pull" || parts[2] == "pulls"):
		owner, repo, num = parts[0], parts[1], parts[3]
	default:
		return bad("no /OWNER/REPO/pull/N in the path")
	}
	switch host {
	case "github.com", "www.github.com":
		host = ""
	}
	return buildPR(host, owner, repo, num, bad)
}

func parseShortRef(in string, bad func(string) (PR, error)) (PR, error) {
	left, num, _ := strings.Cut(in, "#")
	parts := strings.Split(left, "/")
	host := ""
	switch len(parts) {
	case 2:
	case 3:
		host = strings.ToLower(parts[0])
		parts = parts[1:]
		if host == "github.com" || host == "www.github.com" {
			host = ""
		} else if !strings.Contains(host, ".") && !strings.Contains(host, ":") && host != "localhost" {
			return bad("host " + parts[0] + " has no dot")
		}
	default:
		return bad("want OWNER/REPO#N")
	}
	return buildPR(host, parts[0], parts[1], num, bad)
}

func buildPR(host, owner, repo, num string, bad func(string) (PR, error)) (PR, error) {
	repo = strings.TrimSuffix(repo, ".git")
	if host != "" && !validHost(host) {
		return bad(fmt.Sprintf("host %q", clip(host, 60)))
	}
	if !validOwner(owner) {
		return bad(fmt.Sprintf("owner %q", clip(owner, 40)))
	}
	if !validRepo(repo) {
		return bad(fmt.Sprintf("repository %q", clip(repo, 40)))
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 || n > 1<<31-1 || strings.HasPrefix(num, "+") || strings.HasPrefix(num, "0") {
		return bad(fmt.Sprintf("PR number %q", clip(num, 20)))
	}
	return PR{Host: host, Owner: owner, Repo: repo, Number: n}, nil
}

// validHost accepts a DNS name or IPv4 address with an optional port.
func validHost(h string) bool {
	name, port, hasPort := strings.Cut(h, ":")
	if hasPort {
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 || strings.HasPrefix(port, "+") {
			return false
		}
	}
	if name == "" || len(name) > 253 || name[0] == '.' || name[0] == '-' || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// validOwner follows GitHub's user and organisation names: 1–39 of
// letters, digits and '-' (GHE also allows '_').
func validOwner(s string) bool {
	if len(s) == 0 || len(s) > 39 || s[0] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// validRepo follows GitHub's repository names: 1–100 of letters, digits,
// '-', '_' and '.', not "." or "..".
func validRepo(s string) bool {
	if len(s) == 0 || len(s) > 100 || s == "." || s == ".." {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// URL returns the PR's web address, https://HOST/OWNER/REPO/pull/N. It is
// the canonical form stored in session.Metadata.PRs.
func (p PR) URL() string {
	host := p.Host
	if host == "" {
		host = "github.com"
	}
	return fmt.Sprintf("https://%s/%s/%s/pull/%d", host, p.Owner, p.Repo, p.Number)
}

// Same reports whether two references name the same PR (hosts and names
// compared as GitHub does, without regard to case).
func (p PR) Same(o PR) bool {
	norm := func(h string) string {
		h = strings.ToLower(h)
		if h == "github.com" {
			return ""
		}
		return h
	}
	return norm(p.Host) == norm(o.Host) && strings.EqualFold(p.Owner, o.Owner) &&
		strings.EqualFold(p.Repo, o.Repo) && p.Number == o.Number
}

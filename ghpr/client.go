package ghpr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/tracepr/trace/internal/execx"
)

// Errors callers branch on with errors.Is.
var (
	// ErrAuth: GitHub refused the token (missing, expired, revoked or without access).
	ErrAuth = errors.New("GitHub authentication failed")
	// ErrNoToken: no token was found in the environment or from gh.
	ErrNoToken = errors.New("no GitHub token")
	// ErrRateLimited: a rate limit was hit and waiting for it would take longer than allowed.
	ErrRateLimited = errors.New("GitHub rate limit exceeded")
	// ErrNotFound: the PR, repository or comment does not exist or the token cannot see it.
	ErrNotFound = errors.New("not found on GitHub")
)

// Token returns a GitHub token: $GITHUB_TOKEN, then $GH_TOKEN, then what
// `gh auth token` prints (for host, when it is a GitHub Enterprise host).
// It fails with ErrNoToken and the fix when there is none.
func Token(ctx context.Context, host string) (string, error) {
	for _, k := range []string{"GITHUB_TOKEN", "GH_TOKEN"} {
		if t := strings.TrimSpace(os.Getenv(k)); t != "" {
			return t, nil
		}
	}
	args := []string{"auth", "token"}
	if host != "" && host != "github.com" {
		args = append(args, "--hostname", host)
	}
	out, err := execx.Run(ctx, execx.Cmd{Tool: "gh", Args: args})
	if t := strings.TrimSpace(string(out)); err == nil && t != "" {
		return t, nil
	}
	return "", fmt.Errorf("no GitHub token: set GITHUB_TOKEN (a token with repo scope) or run `gh auth login`: %w", ErrNoToken)
}

// ClientOptions configure a Client. The zero value talks to github.com
// without a token, retrying 5xx answers three times and waiting up to a
// minute for a rate limit.
type ClientOptions struct {
	Token string
	// Host is a GitHub Enterprise host ("ghe.example.com"); "" or
	// "github.com" for GitHub. It sets the API base to https://HOST/api/v3/.
	Host string
	// BaseURL overrides the API base URL (a fake server in tests).
	BaseURL string
	// HTTPClient's transport is wrapped with retries; default http.DefaultTransport.
	HTTPClient *http.Client
	// MaxRetries is how often a 5xx answer or a network error is retried
	// (default 3; negative: never).
	MaxRetries int
	// RetryBase is the first backoff (default 1s), doubled each time, with jitter.
	RetryBase time.Duration
	// MaxWait is the longest a request waits for a rate limit to reset
	// (default 1 minute); a longer wait fails with ErrRateLimited.
	MaxWait time.Duration
	Logger  *slog.Logger
}

// Client is a GitHub REST client (go-github v62) with retries, rate-limit
// handling and trace's errors. It is safe for concurrent use.
type Client struct {
	gh   *github.Client
	host string
	log  *slog.Logger
	rt   *retryTransport
}

// NewClient builds a client. It makes no request.
func NewClient(opts ClientOptions) (*Client, error) {
	log := opts.Logger
	if log == nil {
		log = discardLogger()
	}
	base := http.DefaultTransport
	var hc http.Client
	if opts.HTTPClient != nil {
		hc = *opts.HTTPClient
		if hc.Transport != nil {
			base = hc.Transport
		}
	}
	rt := &retryTransport{base: base, log: log, maxRetries: opts.MaxRetries, retryBase: opts.RetryBase, maxWait: opts.MaxWait}
	if rt.maxRetries == 0 {
		rt.maxRetries = 3
	}
	if rt.retryBase <= 0 {
		rt.retryBase = time.Second
	}
	if rt.maxWait <= 0 {
		rt.maxWait = time.Minute
	}
	hc.Transport = rt
	gh := github.NewClient(&hc)
	if opts.Token != "" {
		gh = gh.WithAuthToken(opts.Token)
	}
	gh.UserAgent = "trace (github.com/tracepr/trace)"
	host := strings.ToLower(opts.Host)
	if host == "github.com" {
		host = ""
	}
	baseURL := opts.BaseURL
	if baseURL == "" && host != "" {
		baseURL = "https://" + host + "/api/v3/"
	}
	if baseURL != "" {
		if !strings.HasSuffix(baseURL, "/") {
			baseURL += "/"
		}
		upload := baseURL
		if host != "" && opts.BaseURL == "" {
			upload = "https://" + host + "/api/uploads/"
		}
		var err error
		if opts.BaseURL != "" {
			// A fake or proxy: use the URL as given (no /api/v3 suffix added).
			gh.BaseURL, err = gh.BaseURL.Parse(baseURL)
			if err == nil {
				gh.UploadURL, err = gh.UploadURL.Parse(upload)
			}
		} else {
			gh, err = gh.WithEnterpriseURLs(baseURL, upload)
		}
		if err != nil {
			return nil, fmt.Errorf("GitHub API base URL %q is not valid: %w", baseURL, err)
		}
	}
	return &Client{gh: gh, host: host, log: log, rt: rt}, nil
}

// GitHub returns the underlying go-github client for calls this package
// does not wrap.
func (c *Client) GitHub() *github.Client { return c.gh }

// Host returns the GitHub Enterprise host, or "" for github.com.
func (c *Client) Host() string { return c.host }

// retryTransport retries 5xx answers and network errors with exponential
// backoff, and waits out primary (X-RateLimit-Reset) and secondary
// (Retry-After) rate limits when the wait is short enough.
type retryTransport struct {
	base       http.RoundTripper
	log        *slog.Logger
	maxRetries int
	retryBase  time.Duration
	maxWait    time.Duration
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	attempt := 0
	for {
		r := req
		if attempt > 0 {
			r = req.Clone(ctx)
			if req.Body != nil && req.Body != http.NoBody {
				if req.GetBody == nil {
					return nil, fmt.Errorf("%s %s: cannot retry a request whose body cannot be replayed", req.Method, req.URL.Path)
				}
				b, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = b
			}
		}
		resp, err := t.base.RoundTrip(r)
		wait, retry, why := t.decide(req, resp, err, attempt)
		if !retry {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		t.log.InfoContext(ctx, "github: retrying", "method", req.Method, "path", req.URL.Path, "why", why, "wait", wait, "attempt", attempt+1)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-timer.C:
		}
		attempt++
	}
}

// decide says whether and after how long a request is sent again.
func (t *retryTransport) decide(req *http.Request, resp *http.Response, err error, attempt int) (time.Duration, bool, string) {
	if req.Context().Err() != nil {
		return 0, false, ""
	}
	if err != nil {
		if attempt >= t.maxRetries || t.maxRetries < 0 {
			return 0, false, ""
		}
		return t.backoff(attempt), true, err.Error()
	}
	switch {
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests:
		// Secondary limit: Retry-After. Primary: remaining 0 and a reset time.
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			secs, perr := strconv.Atoi(strings.TrimSpace(ra))
			if perr != nil || secs < 0 {
				return 0, false, ""
			}
			wait := time.Duration(secs) * time.Second
			if wait > t.maxWait || attempt >= t.maxRetries+2 {
				return 0, false, ""
			}
			return wait + time.Duration(rand.Int64N(int64(250*time.Millisecond))), true, "secondary rate limit (Retry-After)"
		}
		if resp.Header.Get("X-RateLimit-Remaining") == "0" {
			reset, perr := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
			if perr != nil {
				return 0, false, ""
			}
			wait := time.Until(time.Unix(reset, 0)) + time.Second
			if wait < time.Second {
				wait = time.Second
			}
			if wait > t.maxWait || attempt >= t.maxRetries+2 {
				return 0, false, ""
			}
			return wait, true, "primary rate limit (X-RateLimit-Reset)"
		}
		if resp.StatusCode == http.StatusTooManyRequests && attempt < t.maxRetries {
			return t.backoff(attempt), true, "429"
		}
		return 0, false, ""
	case resp.StatusCode >= 500:
		// A POST may have been applied before the 5xx: only safe methods
		// and idempotent edits are sent again.
		if req.Method == http.MethodPost || attempt >= t.maxRetries || t.maxRetries < 0 {
			return 0, false, ""
		}
		return t.backoff(attempt), true, resp.Status
	}
	return 0, false, ""
}

func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.retryBase << attempt
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// wrap turns go-github's errors into one clear line naming the action and the fix.
func (c *Client) wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, err)
	}
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		return fmt.Errorf("%s: GitHub's rate limit is used up until %s: wait, or use a token with a higher limit: %w",
			what, rl.Rate.Reset.Time.Local().Format("15:04:05"), ErrRateLimited)
	}
	var ab *github.AbuseRateLimitError
	if errors.As(err, &ab) {
		after := "a while"
		if ab.RetryAfter != nil {
			after = ab.RetryAfter.String()
		}
		return fmt.Errorf("%s: GitHub's secondary rate limit asks to wait %s: try again later: %w", what, after, ErrRateLimited)
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch er.Response.StatusCode {
		case http.StatusUnauthorized:
			return fmt.Errorf("%s: GitHub refused the token (401 %s): it is expired, revoked or wrong; set GITHUB_TOKEN to a valid token or run `gh auth login`: %w", what, er.Message, ErrAuth)
		case http.StatusForbidden:
			return fmt.Errorf("%s: GitHub says 403 %s: the token lacks access; give it repo scope (or pull-requests: write) for this repository: %w", what, er.Message, ErrAuth)
		case http.StatusNotFound:
			return fmt.Errorf("%s: GitHub says 404: check the owner, repository and number, and that the token can see the repository: %w", what, ErrNotFound)
		}
		msg := er.Message
		if msg == "" {
			msg = er.Response.Status
		}
		return fmt.Errorf("%s: GitHub answered %d %s: try again later", what, er.Response.StatusCode, msg)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

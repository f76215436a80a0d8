package videodb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
)

// Version is this client's version, sent as "x-videodb-client: videodb-go/<Version>".
const Version = "0.1.0"

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://api.videodb.io"

// Defaults of Options; the reference SDKs use the same numbers.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultPollInterval = 5 * time.Second
	DefaultPollTimeout  = 500 * time.Second
	DefaultMaxRetries   = 3
	DefaultRetryBackoff = 500 * time.Millisecond
	maxRetryWait        = 60 * time.Second
	maxBody             = 64 << 20
)

// Options configure a Client. The zero value talks to production with the
// key from the environment.
type Options struct {
	// APIKey is sent as x-access-token. Empty: VIDEO_DB_API_KEY, then
	// VIDEODB_API_KEY.
	APIKey string
	// BaseURL defaults to DefaultBaseURL.
	BaseURL string
	// HTTPClient defaults to a client with no overall timeout (Timeout
	// below bounds each attempt instead).
	HTTPClient *http.Client
	// Timeout bounds each HTTP attempt (not file uploads, which may take
	// longer). Zero means DefaultTimeout; negative means none.
	Timeout time.Duration
	// PollInterval and PollTimeout drive the wait for async jobs. Zero
	// means DefaultPollInterval and DefaultPollTimeout.
	PollInterval time.Duration
	PollTimeout  time.Duration
	// Collection is the collection used when a call does not name one.
	// Empty means "default", the account's default collection.
	Collection string
	// Headers are extra headers sent on every API call. A key without an
	// "x-" prefix is sent as x-<kebab-case>: "org_id" becomes "x-org-id".
	Headers map[string]string
	// Logger receives debug lines about retries and polls; nil discards.
	Logger *slog.Logger
	// MaxRetries is how many times a retryable failure is retried. Zero
	// means DefaultMaxRetries; negative disables retries.
	MaxRetries int
	// RetryBackoff is the first retry's wait; it doubles per attempt,
	// with ±50% jitter, up to a minute. Zero means DefaultRetryBackoff.
	RetryBackoff time.Duration
}

// Client talks to the VideoDB API. It is safe for concurrent use. Its
// services group the calls the way the API does.
type Client struct {
	key        string
	base       *url.URL
	hc         *http.Client
	log        *slog.Logger
	headers    http.Header
	timeout    time.Duration
	interval   time.Duration
	pollFor    time.Duration
	collection string
	retries    int
	backoff    time.Duration

	Collections *CollectionsService
	Videos      *VideosService
	Audios      *AudiosService
	Images      *ImagesService
	Generate    *GenerateService
	Jobs        *JobsService
	VoiceClones *VoiceClonesService
	Editor      *EditorService
}

// APIKeyFromEnv returns VIDEO_DB_API_KEY, or its alias VIDEODB_API_KEY.
func APIKeyFromEnv() string {
	if k := strings.TrimSpace(os.Getenv("VIDEO_DB_API_KEY")); k != "" {
		return k
	}
	return strings.TrimSpace(os.Getenv("VIDEODB_API_KEY"))
}

// New returns a client. It fails only when there is no API key or the base
// URL does not parse; it makes no request.
func New(opts Options) (*Client, error) {
	key := strings.TrimSpace(opts.APIKey)
	if key == "" {
		key = APIKeyFromEnv()
	}
	if key == "" {
		return nil, ErrNoAPIKey
	}
	raw := opts.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("videodb: base URL %q is not an absolute URL: give one like %s", raw, DefaultBaseURL)
	}
	c := &Client{
		key:        key,
		base:       base,
		hc:         opts.HTTPClient,
		log:        opts.Logger,
		headers:    http.Header{},
		timeout:    orDefault(opts.Timeout, DefaultTimeout),
		interval:   orDefault(opts.PollInterval, DefaultPollInterval),
		pollFor:    orDefault(opts.PollTimeout, DefaultPollTimeout),
		collection: opts.Collection,
		retries:    opts.MaxRetries,
		backoff:    orDefault(opts.RetryBackoff, DefaultRetryBackoff),
	}
	if c.hc == nil {
		c.hc = &http.Client{}
	}
	if c.log == nil {
		c.log = slog.New(discard{})
	}
	if c.collection == "" {
		c.collection = "default"
	}
	if c.retries == 0 {
		c.retries = DefaultMaxRetries
	} else if c.retries < 0 {
		c.retries = 0
	}
	for k, v := range opts.Headers {
		c.headers.Set(headerName(k), v)
	}
	c.Collections = &CollectionsService{c}
	c.Videos = &VideosService{c}
	c.Audios = &AudiosService{c}
	c.Images = &ImagesService{c}
	c.Generate = &GenerateService{c}
	c.Jobs = &JobsService{c}
	c.VoiceClones = &VoiceClonesService{c}
	c.Editor = &EditorService{c}
	return c, nil
}

// BaseURL returns the API base URL the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

// Collection returns the collection used when a call names none.
func (c *Client) Collection() string { return c.collection }

func (c *Client) coll(id string) string {
	if id == "" {
		return c.collection
	}
	return id
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// headerName maps an extra option name to its header: "org_id" and "orgId"
// become "x-org-id"; names already starting with "x-" are kept.
func headerName(k string) string {
	lk := strings.ToLower(k)
	if strings.HasPrefix(lk, "x-") {
		return k
	}
	var b strings.Builder
	b.WriteString("x-")
	for i, r := range k {
		switch {
		case r == '_' || r == ' ':
			b.WriteByte('-')
		case unicode.IsUpper(r):
			if i > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// request is one API call.
type request struct {
	method string
	path   string // relative to the base URL, or absolute (poll and upload URLs)
	query  url.Values
	body   any // marshalled as JSON; nil sends no body
	// retryPOST marks a POST whose repetition cannot create a duplicate
	// (see each caller's comment), so it is retried like a GET on
	// 502/503/504 and dropped connections.
	retryPOST bool
	// stream, when set, builds a fresh body for each attempt (uploads); the
	// per-attempt timeout does not apply and no auth header is sent.
	stream      func() (body io.ReadCloser, contentType string, length int64, err error)
	noAuth      bool
	description string
}

func (r *request) what() string {
	if r.description != "" {
		return r.description
	}
	return r.method + " " + r.path
}

func (r *request) idempotent() bool {
	switch r.method {
	case http.MethodGet, http.MethodHead, http.MethodDelete, http.MethodPut, http.MethodPatch:
		return true
	}
	return r.retryPOST
}

func (c *Client) url(r *request) (string, error) {
	if strings.HasPrefix(r.path, "http://") || strings.HasPrefix(r.path, "https://") {
		u, err := url.Parse(r.path)
		if err != nil {
			return "", fmt.Errorf("videodb: bad URL %q from the server: %w", r.path, ErrMalformed)
		}
		if len(r.query) > 0 {
			q := u.Query()
			for k, v := range r.query {
				q[k] = v
			}
			u.RawQuery = q.Encode()
		}
		return u.String(), nil
	}
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + "/" + strings.TrimLeft(r.path, "/")
	u.RawPath = ""
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	return u.String(), nil
}

// response is a raw HTTP answer.
type response struct {
	status int
	body   []byte
}

// send performs r with retries: 429 is always retried (the server refused
// the request before doing anything, so repeating it cannot duplicate
// work) honouring Retry-After; 502/503/504, dropped connections and
// per-attempt timeouts are retried only for idempotent requests.
func (c *Client) send(ctx context.Context, r *request) (*response, error) {
	target, err := c.url(r)
	if err != nil {
		return nil, err
	}
	var payload []byte
	if r.body != nil {
		if payload, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("videodb: encode %s body: %w", r.what(), err)
		}
	}
	for attempt := 0; ; attempt++ {
		resp, wait, retry, err := c.attempt(ctx, r, target, payload)
		if err == nil && !retry {
			return resp, nil
		}
		if !retry || attempt >= c.retries {
			if err != nil {
				return nil, err
			}
			return resp, nil
		}
		if wait <= 0 {
			wait = c.backoffFor(attempt)
		}
		c.log.DebugContext(ctx, "videodb: retrying", "call", r.what(), "attempt", attempt+1, "wait", wait, "err", err, "status", statusOf(resp))
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("videodb %s: %w", r.what(), err)
		}
	}
}

func statusOf(r *response) int {
	if r == nil {
		return 0
	}
	return r.status
}

// attempt makes one HTTP request. It returns the answer, how long the
// server asked to wait, and whether the failure may be retried.
func (c *Client) attempt(ctx context.Context, r *request, target string, payload []byte) (*response, time.Duration, bool, error) {
	actx := ctx
	if r.stream == nil && c.timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var body io.Reader
	contentType := ""
	length := int64(-1)
	if r.stream != nil {
		rc, ct, n, err := r.stream()
		if err != nil {
			return nil, 0, false, err
		}
		defer rc.Close()
		body, contentType, length = rc, ct, n
	} else if payload != nil {
		body, contentType = bytes.NewReader(payload), "application/json"
	}
	req, err := http.NewRequestWithContext(actx, r.method, target, body)
	if err != nil {
		return nil, 0, false, fmt.Errorf("videodb %s: %w", r.what(), err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if length >= 0 && r.stream != nil {
		req.ContentLength = length
	}
	req.Header.Set("Accept", "application/json")
	if !r.noAuth {
		req.Header.Set("x-access-token", c.key)
		req.Header.Set("x-videodb-client", "videodb-go/"+Version)
		for k, v := range c.headers {
			req.Header[k] = v
		}
	}
	res, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, false, fmt.Errorf("videodb %s: %w", r.what(), ctx.Err())
		}
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			return nil, 0, r.idempotent(), fmt.Errorf("videodb %s: no answer within %s: check the network or raise Options.Timeout: %w", r.what(), c.timeout, ErrTimeout)
		}
		return nil, 0, r.idempotent() && transient(err), fmt.Errorf("videodb %s: %w: check the network and the base URL", r.what(), err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, false, fmt.Errorf("videodb %s: %w", r.what(), ctx.Err())
		}
		return nil, 0, r.idempotent(), fmt.Errorf("videodb %s: reading the answer: %w", r.what(), err)
	}
	out := &response{status: res.StatusCode, body: b}
	switch res.StatusCode {
	case http.StatusTooManyRequests:
		return out, retryAfter(res.Header.Get("Retry-After")), true, nil
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return out, retryAfter(res.Header.Get("Retry-After")), r.idempotent(), nil
	}
	return out, 0, false, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// transient reports whether a transport error is worth retrying: a
// dropped or refused connection, or an early EOF.
func transient(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe")
}

// retryAfter reads a Retry-After header (seconds or an HTTP date).
func retryAfter(h string) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if s, err := strconv.ParseFloat(h, 64); err == nil {
		d = time.Duration(s * float64(time.Second))
	} else if t, err := http.ParseTime(h); err == nil {
		d = time.Until(t)
	}
	if d < 0 {
		return 0
	}
	return min(d, maxRetryWait)
}

func (c *Client) backoffFor(attempt int) time.Duration {
	d := c.backoff << attempt
	if d <= 0 || d > maxRetryWait {
		d = maxRetryWait
	}
	// ±50% jitter so that many clients do not retry in step.
	return time.Duration(float64(d) * (0.5 + rand.Float64()))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// call performs r and applies the envelope rules: failures become typed
// errors, async starts are polled to the end, and the final data is
// decoded into out (when out is not nil).
func (c *Client) call(ctx context.Context, r *request, out any) error {
	data, err := c.callRaw(ctx, r)
	if err != nil {
		return err
	}
	return c.decodeData(r, data, out)
}

func (c *Client) decodeData(r *request, data json.RawMessage, out any) error {
	if out == nil {
		return nil
	}
	d := bytes.TrimSpace(data)
	if len(d) == 0 || bytes.Equal(d, []byte("null")) {
		return nil
	}
	if err := json.Unmarshal(d, out); err != nil {
		return fmt.Errorf("videodb %s: %w: data does not have the documented shape (%v): %s", r.what(), ErrMalformed, err, snippet(d))
	}
	return nil
}

func (c *Client) callRaw(ctx context.Context, r *request) (json.RawMessage, error) {
	res, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := c.statusError(r, res, ""); err != nil {
		return nil, err
	}
	env, err := decodeEnvelope(res.body)
	if err != nil {
		return nil, fmt.Errorf("videodb %s: %w: retry later; if it persists the API changed", r.what(), err)
	}
	if env.failed() {
		return nil, &RequestError{Method: r.method, Path: r.path, Status: res.status, Message: env.Message, Code: env.ErrorCode}
	}
	if strings.EqualFold(env.RequestType, "async") {
		var st asyncStart
		_ = json.Unmarshal(env.Data, &st)
		return nil, &AcceptedError{Job: Job{ID: st.ID, OutputURL: st.OutputURL}}
	}
	if env.pending() {
		var st asyncStart
		if err := json.Unmarshal(env.Data, &st); err != nil || st.OutputURL == "" {
			return nil, fmt.Errorf("videodb %s: %w: status %q without data.output_url to poll", r.what(), ErrMalformed, env.Status)
		}
		return c.wait(ctx, r.what(), Job{ID: st.ID, OutputURL: st.OutputURL})
	}
	final, err := unwrapFinal(env)
	if err != nil {
		return nil, fmt.Errorf("videodb %s: %w", r.what(), err)
	}
	if final.failed() {
		return nil, &RequestError{Method: r.method, Path: r.path, Status: res.status, Message: final.Message, Code: final.ErrorCode}
	}
	return final.Data, nil
}

// statusError turns a non-2xx answer into *AuthError or *RequestError.
func (c *Client) statusError(r *request, res *response, job string) error {
	if res.status >= 200 && res.status < 300 {
		return nil
	}
	msg, code := messageOf(res.body)
	if res.status == http.StatusUnauthorized {
		return &AuthError{Message: msg}
	}
	return &RequestError{Method: r.method, Path: r.path, Status: res.status, Message: msg, Code: code, Job: job}
}

// Job is an accepted asynchronous request: its id and the absolute URL
// its result is polled from.
type Job struct {
	ID        string `json:"id"`
	OutputURL string `json:"output_url"`
}

// wait polls job.OutputURL every poll interval until the job finishes, the
// poll timeout passes (*TimeoutError naming the job) or ctx ends.
func (c *Client) wait(ctx context.Context, what string, job Job) (json.RawMessage, error) {
	start := time.Now()
	name := job.ID
	if name == "" {
		name = job.OutputURL
	}
	r := &request{method: http.MethodGet, path: job.OutputURL, description: "poll " + name}
	for polls := 0; ; polls++ {
		left := c.pollFor - time.Since(start)
		if left <= 0 {
			return nil, &TimeoutError{Job: name, After: c.pollFor, What: what}
		}
		if err := sleep(ctx, min(c.interval, left)); err != nil {
			return nil, fmt.Errorf("videodb: waiting for job %s (%s): %w", name, what, err)
		}
		res, err := c.send(ctx, r)
		if err != nil {
			return nil, err
		}
		if err := c.statusError(r, res, name); err != nil {
			return nil, err
		}
		env, err := decodeEnvelope(res.body)
		if err != nil {
			return nil, fmt.Errorf("videodb: job %s (%s): %w", name, what, err)
		}
		if env.pending() {
			var st asyncStart
			_ = json.Unmarshal(env.Data, &st)
			c.log.DebugContext(ctx, "videodb: job pending", "job", name, "call", what, "percentage", st.Percentage.Float64(), "polls", polls+1)
			continue
		}
		final, err := unwrapFinal(env)
		if err != nil {
			return nil, fmt.Errorf("videodb: job %s (%s): %w", name, what, err)
		}
		if final.failed() {
			m, p, _ := strings.Cut(what, " ")
			return nil, &RequestError{Method: m, Path: p, Status: res.status, Message: final.Message, Code: final.ErrorCode, Job: name}
		}
		return final.Data, nil
	}
}

// discard is a slog.Handler that drops everything (slog.DiscardHandler
// needs Go 1.24).
type discard struct{}

func (discard) Enabled(context.Context, slog.Level) bool  { return false }
func (discard) Handle(context.Context, slog.Record) error { return nil }
func (d discard) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discard) WithGroup(string) slog.Handler           { return d }

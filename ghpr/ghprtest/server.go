package ghprtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/tracepr/trace/ghpr"
)

// Server is a fake GitHub REST API on 127.0.0.1 for the endpoints trace
// uses: pulls (get, raw diff, list, create, edit, files), issue comments
// (list, get, create, edit, delete), review comments (list, reply, edit),
// reactions and the current user. Lists are paginated with Link headers and answer 304 to a
// matching If-None-Match (a 304 does not count against the rate limit, as
// on GitHub). Fault knobs make it fail the way GitHub does, and every
// request is recorded.
type Server struct {
	// URL is the API base URL, ending in "/"; pass it as ghpr.ClientOptions.BaseURL.
	URL string
	srv *httptest.Server

	mu        sync.Mutex
	prs       map[string]*fakePR
	comments  map[int64]*fakeComment
	nextID    int64
	requests  []Request
	remaining int
	limit     int
	reset     time.Time
	pageSize  int
	token     string
	login     string
	faults    []fault
	now       func() time.Time
	latency   latencyHook // SetLatency
}

// Request is one request the server answered.
type Request struct {
	Method string
	Path   string // without the API base, e.g. "repos/o/r/issues/1/comments"
	Query  string
	Status int
	// Counted reports whether the request counted against the rate limit
	// (everything except 304 answers and fault answers).
	Counted bool
	Body    string
}

// File is one file of a fake PR, as the files endpoint lists it.
type File struct {
	Path, PreviousPath string
	Status             string // added, removed, modified, renamed
	Patch              string // "" to leave the patch out, as GitHub does for large files
	Additions          int
	Deletions          int
}

// PROptions seed a fake PR.
type PROptions struct {
	Title, Body string
	Author      string
	Head, Base  string // branch names
	HeadSHA     string
	BaseSHA     string
	Files       []File
	RawDiff     string // what the diff media type returns
}

type fakePR struct {
	pr    ghpr.PR
	title string
	body  string
	user  string
	head  string
	base  string
	hsha  string
	bsha  string
	files []File
	raw   string
	state string
}

type fakeComment struct {
	id        int64
	pr        string
	kind      ghpr.CommentKind
	user      string
	userType  string
	assoc     string
	body      string
	path      string
	line      int
	inReplyTo int64
	created   time.Time
	updated   time.Time
	reactions []string
}

type fault struct {
	method, pathPrefix string
	status             int
	header             http.Header
	body               string
	times              int
}

// NewServer starts a fake GitHub on 127.0.0.1. Close it when done.
func NewServer() *Server {
	s := &Server{
		prs: map[string]*fakePR{}, comments: map[int64]*fakeComment{}, nextID: 1000,
		limit: 5000, remaining: 5000, pageSize: 30, login: "trace-bot", now: time.Now,
	}
	s.reset = s.now().Add(time.Hour)
	s.srv = httptest.NewUnstartedServer(s.delayed(http.HandlerFunc(s.serve)))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("ghprtest: listen on 127.0.0.1: %v", err))
	}
	s.srv.Listener = l
	// Every field is set before the server starts serving.
	s.URL = "http://" + l.Addr().String() + "/api/v3/"
	s.srv.Start()
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Client returns a ghpr.Client for this server with fast retries.
func (s *Server) Client(token string) *ghpr.Client {
	c, err := ghpr.NewClient(ghpr.ClientOptions{Token: token, BaseURL: s.URL, RetryBase: time.Millisecond, MaxWait: 5 * time.Second})
	if err != nil {
		panic(err)
	}
	return c
}

// SetToken makes the server accept only this token (401 otherwise). "" accepts any.
func (s *Server) SetToken(tok string) { s.mu.Lock(); s.token = tok; s.mu.Unlock() }

// SetLogin sets the login GET /user returns (default "trace-bot").
func (s *Server) SetLogin(login string) { s.mu.Lock(); s.login = login; s.mu.Unlock() }

// SetPageSize sets the default page size of lists (default 30; per_page overrides it).
func (s *Server) SetPageSize(n int) { s.mu.Lock(); s.pageSize = n; s.mu.Unlock() }

// FailNext answers the next n requests whose method and path start match
// (method "" or pathPrefix "" match anything) with status and a GitHub
// error body. Fault answers do not count against the rate limit.
func (s *Server) FailNext(n int, method, pathPrefix string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{method: method, pathPrefix: pathPrefix, status: status, times: n,
		body: fmt.Sprintf(`{"message":"%s"}`, http.StatusText(status))})
}

// SecondaryLimitNext answers the next matching request with GitHub's
// secondary rate limit: 403, Retry-After, and the documentation URL
// go-github recognises.
func (s *Server) SecondaryLimitNext(method, pathPrefix string, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
	s.faults = append(s.faults, fault{method: method, pathPrefix: pathPrefix, status: http.StatusForbidden, times: 1, header: h,
		body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`})
}

// ExhaustRateLimit makes the primary rate limit used up until reset:
// every counted request answers 403 with X-RateLimit-Remaining: 0.
func (s *Server) ExhaustRateLimit(reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remaining, s.reset = 0, reset
}

// Requests returns a copy of the requests answered so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() { s.mu.Lock(); s.requests = nil; s.mu.Unlock() }

// Counted returns how many recorded requests counted against the rate limit.
func (s *Server) Counted() int {
	n := 0
	for _, r := range s.Requests() {
		if r.Counted {
			n++
		}
	}
	return n
}

func prKey(owner, repo string, n int) string {
	return strings.ToLower(owner + "/" + repo + "#" + strconv.Itoa(n))
}

// AddPR seeds a pull request.
func (s *Server) AddPR(pr ghpr.PR, o PROptions) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prs[prKey(pr.Owner, pr.Repo, pr.Number)] = &fakePR{pr: pr, title: o.Title, body: o.Body, user: or(o.Author, "author"),
		head: or(o.Head, "feature"), base: or(o.Base, "main"), hsha: or(o.HeadSHA, "1111111111111111111111111111111111111111"),
		bsha: or(o.BaseSHA, "2222222222222222222222222222222222222222"), files: o.Files, raw: o.RawDiff, state: "open"}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// PRBody returns a PR's current description.
func (s *Server) PRBody(pr ghpr.PR) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.prs[prKey(pr.Owner, pr.Repo, pr.Number)]; p != nil {
		return p.body
	}
	return ""
}

// SetPRBody changes a PR's description, as its author would.
func (s *Server) SetPRBody(pr ghpr.PR, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.prs[prKey(pr.Owner, pr.Repo, pr.Number)]; p != nil {
		p.body = body
	}
}

// PRs returns every PR the server holds (seeded or created through the API).
func (s *Server) PRs() []ghpr.PR {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ghpr.PR
	for _, p := range s.prs {
		out = append(out, p.pr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// PRInfo is what a PR was created with through the API.
type PRInfo struct {
	Title, Body, Head, Base string
}

// PRInfo returns a PR's title, description and branches.
func (s *Server) PRInfo(pr ghpr.PR) (PRInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.prs[prKey(pr.Owner, pr.Repo, pr.Number)]
	if p == nil {
		return PRInfo{}, false
	}
	return PRInfo{Title: p.title, Body: p.body, Head: p.head, Base: p.base}, true
}

// CommentOptions describe a comment a person (or another bot) writes.
type CommentOptions struct {
	Author      string
	Association string // OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE…; default MEMBER
	Bot         bool   // the author is a bot account
	Path        string // review comments: the file
	Line        int    // review comments: the line
	InReplyTo   int64  // review comments: the thread's first comment
}

// AddIssueComment adds a conversation comment and returns its id.
func (s *Server) AddIssueComment(pr ghpr.PR, body string, o CommentOptions) int64 {
	return s.addComment(pr, ghpr.IssueComment, body, o)
}

// AddReviewComment adds a line comment on the diff and returns its id.
func (s *Server) AddReviewComment(pr ghpr.PR, body string, o CommentOptions) int64 {
	return s.addComment(pr, ghpr.ReviewComment, body, o)
}

func (s *Server) addComment(pr ghpr.PR, kind ghpr.CommentKind, body string, o CommentOptions) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	ut := "User"
	if o.Bot {
		ut = "Bot"
	}
	now := s.now().UTC()
	s.comments[s.nextID] = &fakeComment{id: s.nextID, pr: prKey(pr.Owner, pr.Repo, pr.Number), kind: kind, user: or(o.Author, "reviewer"),
		userType: ut, assoc: or(o.Association, "MEMBER"), body: body, path: o.Path, line: o.Line, inReplyTo: o.InReplyTo, created: now, updated: now}
	return s.nextID
}

// EditComment changes a comment's body, as its author would.
func (s *Server) EditComment(id int64, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.comments[id]; c != nil {
		c.body = body
		c.updated = s.now().UTC().Add(time.Second)
	}
}

// Comments returns a PR's comments of one kind, oldest first.
func (s *Server) Comments(pr ghpr.PR, kind ghpr.CommentKind) []ghpr.Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ghpr.Comment
	for _, c := range s.sorted(prKey(pr.Owner, pr.Repo, pr.Number), kind) {
		out = append(out, ghpr.Comment{ID: c.id, Kind: c.kind, Author: c.user, Body: c.body, InReplyTo: c.inReplyTo, Path: c.path, Line: c.line,
			Association: c.assoc, Bot: c.userType == "Bot", UpdatedAt: c.updated})
	}
	return out
}

// Reactions returns the reactions added to a comment.
func (s *Server) Reactions(id int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.comments[id]; c != nil {
		return append([]string(nil), c.reactions...)
	}
	return nil
}

func (s *Server) sorted(pr string, kind ghpr.CommentKind) []*fakeComment {
	var out []*fakeComment
	for _, c := range s.comments {
		if c.pr == pr && c.kind == kind {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// ---- HTTP ----

type answer struct {
	status  int
	body    []byte
	header  http.Header
	counted bool
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	path := strings.TrimPrefix(r.URL.Path, "/api/v3/")
	s.mu.Lock()
	a := s.route(r, path, body)
	rec := Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Status: a.status, Counted: a.counted, Body: string(body)}
	s.requests = append(s.requests, rec)
	if a.counted && s.remaining > 0 {
		s.remaining--
	}
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(s.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	s.mu.Unlock()
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(a.status)
	if a.status != http.StatusNotModified {
		w.Write(a.body)
	}
}

func errAnswer(status int, msg string) answer {
	b, _ := json.Marshal(map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest"})
	return answer{status: status, body: b, counted: status != http.StatusUnauthorized}
}

func jsonAnswer(status int, v any) answer {
	b, _ := json.Marshal(v)
	return answer{status: status, body: b, counted: true}
}

func (s *Server) route(r *http.Request, path string, body []byte) answer {
	for i := range s.faults {
		f := &s.faults[i]
		if f.times > 0 && (f.method == "" || f.method == r.Method) && strings.HasPrefix(path, f.pathPrefix) {
			f.times--
			return answer{status: f.status, body: []byte(f.body), header: f.header}
		}
	}
	if s.token != "" {
		auth := r.Header.Get("Authorization")
		if auth != "Bearer "+s.token && auth != "token "+s.token {
			return errAnswer(http.StatusUnauthorized, "Bad credentials")
		}
	}
	if s.remaining == 0 && s.now().Before(s.reset) {
		return answer{status: http.StatusForbidden, body: []byte(`{"message":"API rate limit exceeded","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`)}
	}
	if s.remaining == 0 {
		s.remaining, s.reset = s.limit, s.now().Add(time.Hour)
	}
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if len(seg) == 1 && seg[0] == "user" && r.Method == http.MethodGet {
		return jsonAnswer(200, &github.User{Login: github.String(s.login), Type: github.String("Bot")})
	}
	if len(seg) < 4 || seg[0] != "repos" {
		return errAnswer(http.StatusNotFound, "Not Found")
	}
	owner, repo := seg[1], seg[2]
	rest := seg[3:]
	switch {
	case rest[0] == "pulls" && len(rest) == 1:
		if r.Method == http.MethodPost {
			return s.createPR(owner, repo, body)
		}
		return s.listPRs(r, owner, repo)
	case rest[0] == "pulls" && len(rest) >= 2 && rest[1] == "comments" && len(rest) == 4 && rest[3] == "reactions":
		return s.react(rest[2], ghpr.ReviewComment, body)
	case rest[0] == "issues" && len(rest) == 4 && rest[1] == "comments" && rest[3] == "reactions":
		return s.react(rest[2], ghpr.IssueComment, body)
	case rest[0] == "issues" && len(rest) == 3 && rest[1] == "comments" && r.Method == http.MethodPatch:
		return s.editComment(rest[2], ghpr.IssueComment, body)
	case rest[0] == "issues" && len(rest) == 3 && rest[1] == "comments" && r.Method == http.MethodGet:
		id, _ := strconv.ParseInt(rest[2], 10, 64)
		if c := s.comments[id]; c != nil && c.kind == ghpr.IssueComment {
			return jsonAnswer(200, s.issueJSON(c))
		}
		return errAnswer(http.StatusNotFound, "Not Found")
	case rest[0] == "issues" && len(rest) == 3 && rest[1] == "comments" && r.Method == http.MethodDelete:
		id, _ := strconv.ParseInt(rest[2], 10, 64)
		if c := s.comments[id]; c != nil && c.kind == ghpr.IssueComment {
			delete(s.comments, id)
			return answer{status: http.StatusNoContent, counted: true}
		}
		return errAnswer(http.StatusNotFound, "Not Found")
	case rest[0] == "pulls" && len(rest) == 3 && rest[1] == "comments" && r.Method == http.MethodPatch:
		return s.editComment(rest[2], ghpr.ReviewComment, body)
	}
	if len(rest) < 2 {
		return errAnswer(http.StatusNotFound, "Not Found")
	}
	n, err := strconv.Atoi(rest[1])
	if err != nil {
		return errAnswer(http.StatusNotFound, "Not Found")
	}
	p := s.prs[prKey(owner, repo, n)]
	if p == nil {
		return errAnswer(http.StatusNotFound, "Not Found")
	}
	switch {
	case rest[0] == "pulls" && len(rest) == 2 && r.Method == http.MethodGet:
		if strings.Contains(r.Header.Get("Accept"), "diff") {
			if p.raw == "" {
				return errAnswer(http.StatusNotAcceptable, "Sorry, the diff exceeded the maximum number of files (300).")
			}
			return answer{status: 200, body: []byte(p.raw), header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, counted: true}
		}
		return jsonAnswer(200, s.prJSON(p))
	case rest[0] == "pulls" && len(rest) == 2 && r.Method == http.MethodPatch:
		var e struct {
			Title *string `json:"title"`
			Body  *string `json:"body"`
		}
		if err := json.Unmarshal(body, &e); err != nil {
			return errAnswer(http.StatusBadRequest, "Problems parsing JSON")
		}
		if e.Title != nil {
			p.title = *e.Title
		}
		if e.Body != nil {
			p.body = *e.Body
		}
		return jsonAnswer(200, s.prJSON(p))
	case rest[0] == "pulls" && len(rest) == 3 && rest[2] == "files" && r.Method == http.MethodGet:
		var items []any
		for _, f := range p.files {
			cf := &github.CommitFile{Filename: github.String(f.Path), Status: github.String(or(f.Status, "modified")),
				Additions: github.Int(f.Additions), Deletions: github.Int(f.Deletions), Changes: github.Int(f.Additions + f.Deletions)}
			if f.Patch != "" {
				cf.Patch = github.String(f.Patch)
			}
			if f.PreviousPath != "" {
				cf.PreviousFilename = github.String(f.PreviousPath)
			}
			items = append(items, cf)
		}
		return s.page(r, path, items)
	case rest[0] == "issues" && len(rest) == 3 && rest[2] == "comments":
		if r.Method == http.MethodPost {
			var e struct{ Body string }
			if err := json.Unmarshal(body, &e); err != nil || e.Body == "" {
				return errAnswer(http.StatusUnprocessableEntity, "Validation Failed: body is missing")
			}
			s.nextID++
			now := s.now().UTC()
			c := &fakeComment{id: s.nextID, pr: prKey(owner, repo, n), kind: ghpr.IssueComment, user: s.login, userType: "Bot", assoc: "NONE", body: e.Body, created: now, updated: now}
			s.comments[c.id] = c
			return jsonAnswer(201, s.issueJSON(c))
		}
		var items []any
		for _, c := range s.sorted(prKey(owner, repo, n), ghpr.IssueComment) {
			items = append(items, s.issueJSON(c))
		}
		return s.page(r, path, items)
	case rest[0] == "pulls" && len(rest) == 3 && rest[2] == "comments":
		if r.Method == http.MethodPost {
			var e struct {
				Body      string `json:"body"`
				InReplyTo int64  `json:"in_reply_to"`
			}
			if err := json.Unmarshal(body, &e); err != nil || e.Body == "" {
				return errAnswer(http.StatusUnprocessableEntity, "Validation Failed: body is missing")
			}
			root := s.comments[e.InReplyTo]
			if root == nil || root.kind != ghpr.ReviewComment || root.pr != prKey(owner, repo, n) {
				return errAnswer(http.StatusUnprocessableEntity, "Validation Failed: in_reply_to is not a review comment of this pull request")
			}
			if root.inReplyTo != 0 {
				// GitHub only accepts replies to the thread's first comment.
				return errAnswer(http.StatusUnprocessableEntity, "Validation Failed: replies to replies are not supported")
			}
			s.nextID++
			now := s.now().UTC()
			c := &fakeComment{id: s.nextID, pr: root.pr, kind: ghpr.ReviewComment, user: s.login, userType: "Bot", assoc: "NONE", body: e.Body,
				path: root.path, line: root.line, inReplyTo: root.id, created: now, updated: now}
			s.comments[c.id] = c
			return jsonAnswer(201, s.reviewJSON(c))
		}
		var items []any
		for _, c := range s.sorted(prKey(owner, repo, n), ghpr.ReviewComment) {
			items = append(items, s.reviewJSON(c))
		}
		return s.page(r, path, items)
	}
	return errAnswer(http.StatusNotFound, "Not Found")
}

func (s *Server) prJSON(p *fakePR) *github.PullRequest {
	return &github.PullRequest{
		Number: github.Int(p.pr.Number), Title: github.String(p.title), Body: github.String(p.body), State: github.String(p.state),
		HTMLURL: github.String(p.pr.URL()), User: &github.User{Login: github.String(p.user)},
		Head: &github.PullRequestBranch{Ref: github.String(p.head), SHA: github.String(p.hsha)},
		Base: &github.PullRequestBranch{Ref: github.String(p.base), SHA: github.String(p.bsha)},
	}
}

func (s *Server) issueJSON(c *fakeComment) *github.IssueComment {
	return &github.IssueComment{ID: github.Int64(c.id), Body: github.String(c.body), AuthorAssociation: github.String(c.assoc),
		User:      &github.User{Login: github.String(c.user), Type: github.String(c.userType)},
		HTMLURL:   github.String(fmt.Sprintf("https://github.com/%s#issuecomment-%d", c.pr, c.id)),
		CreatedAt: &github.Timestamp{Time: c.created}, UpdatedAt: &github.Timestamp{Time: c.updated}}
}

func (s *Server) reviewJSON(c *fakeComment) *github.PullRequestComment {
	rc := &github.PullRequestComment{ID: github.Int64(c.id), Body: github.String(c.body), AuthorAssociation: github.String(c.assoc),
		User:      &github.User{Login: github.String(c.user), Type: github.String(c.userType)},
		Path:      github.String(c.path),
		HTMLURL:   github.String(fmt.Sprintf("https://github.com/%s#discussion_r%d", c.pr, c.id)),
		CreatedAt: &github.Timestamp{Time: c.created}, UpdatedAt: &github.Timestamp{Time: c.updated}}
	if c.line > 0 {
		rc.Line = github.Int(c.line)
	}
	if c.inReplyTo != 0 {
		rc.InReplyTo = github.Int64(c.inReplyTo)
	}
	return rc
}

// page answers one page of a list, with Link headers and an ETag.
func (s *Server) page(r *http.Request, path string, items []any) answer {
	q := r.URL.Query()
	per := s.pageSize
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		per = min(v, 100)
	}
	pageNo := 1
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		pageNo = v
	}
	last := max(1, (len(items)+per-1)/per)
	from, to := min((pageNo-1)*per, len(items)), min(pageNo*per, len(items))
	chunk := items[from:to]
	if chunk == nil {
		chunk = []any{}
	}
	b, _ := json.Marshal(chunk)
	sum := sha256.Sum256(b)
	etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
	h := http.Header{}
	h.Set("ETag", etag)
	link := func(n int, rel string) string {
		u := *r.URL
		qq := u.Query()
		qq.Set("page", strconv.Itoa(n))
		qq.Set("per_page", strconv.Itoa(per))
		u.RawQuery = qq.Encode()
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.srv.URL+"/api/v3/", path, u.RawQuery, rel)
	}
	var links []string
	if pageNo < last {
		links = append(links, link(pageNo+1, "next"), link(last, "last"))
	}
	if pageNo > 1 {
		links = append(links, link(1, "first"), link(pageNo-1, "prev"))
	}
	if len(links) > 0 {
		h.Set("Link", strings.Join(links, ", "))
	}
	for _, m := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if strings.TrimSpace(m) == etag {
			return answer{status: http.StatusNotModified, header: h}
		}
	}
	return answer{status: 200, body: b, header: h, counted: true}
}

func (s *Server) createPR(owner, repo string, body []byte) answer {
	var e struct {
		Title, Head, Base, Body string
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Title == "" || e.Head == "" || e.Base == "" {
		return errAnswer(http.StatusUnprocessableEntity, "Validation Failed: title, head and base are required")
	}
	head := e.Head
	if _, b, ok := strings.Cut(head, ":"); ok {
		head = b
	}
	for _, p := range s.prs {
		if strings.EqualFold(p.pr.Owner, owner) && strings.EqualFold(p.pr.Repo, repo) && p.head == head && p.state == "open" {
			return errAnswer(http.StatusUnprocessableEntity, "Validation Failed: A pull request already exists for "+owner+":"+head+".")
		}
	}
	n := 1
	for _, p := range s.prs {
		if strings.EqualFold(p.pr.Owner, owner) && strings.EqualFold(p.pr.Repo, repo) && p.pr.Number >= n {
			n = p.pr.Number + 1
		}
	}
	pr := ghpr.PR{Owner: owner, Repo: repo, Number: n}
	p := &fakePR{pr: pr, title: e.Title, body: e.Body, user: s.login, head: head, base: e.Base, state: "open",
		hsha: "1111111111111111111111111111111111111111", bsha: "2222222222222222222222222222222222222222"}
	s.prs[prKey(owner, repo, n)] = p
	return jsonAnswer(201, s.prJSON(p))
}

func (s *Server) listPRs(r *http.Request, owner, repo string) answer {
	head := r.URL.Query().Get("head")
	if _, b, ok := strings.Cut(head, ":"); ok {
		head = b
	}
	state := r.URL.Query().Get("state")
	if state == "" {
		state = "open"
	}
	var ps []*fakePR
	for _, p := range s.prs {
		if strings.EqualFold(p.pr.Owner, owner) && strings.EqualFold(p.pr.Repo, repo) && (head == "" || p.head == head) && (state == "all" || p.state == state) {
			ps = append(ps, p)
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].pr.Number > ps[j].pr.Number })
	var items []any
	for _, p := range ps {
		items = append(items, s.prJSON(p))
	}
	return s.page(r, "repos/"+owner+"/"+repo+"/pulls", items)
}

func (s *Server) editComment(idStr string, kind ghpr.CommentKind, body []byte) answer {
	id, _ := strconv.ParseInt(idStr, 10, 64)
	c := s.comments[id]
	if c == nil || c.kind != kind {
		return errAnswer(http.StatusNotFound, "Not Found")
	}
	var e struct{ Body string }
	if err := json.Unmarshal(body, &e); err != nil || e.Body == "" {
		return errAnswer(http.StatusUnprocessableEntity, "Validation Failed: body is missing")
	}
	c.body = e.Body
	c.updated = s.now().UTC()
	if kind == ghpr.ReviewComment {
		return jsonAnswer(200, s.reviewJSON(c))
	}
	return jsonAnswer(200, s.issueJSON(c))
}

func (s *Server) react(idStr string, kind ghpr.CommentKind, body []byte) answer {
	id, _ := strconv.ParseInt(idStr, 10, 64)
	c := s.comments[id]
	if c == nil || c.kind != kind {
		return errAnswer(http.StatusNotFound, "Not Found")
	}
	var e struct{ Content string }
	if err := json.Unmarshal(body, &e); err != nil {
		return errAnswer(http.StatusBadRequest, "Problems parsing JSON")
	}
	switch e.Content {
	case "+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes":
	default:
		return errAnswer(http.StatusUnprocessableEntity, "Validation Failed: content is not a reaction")
	}
	for _, r := range c.reactions {
		if r == e.Content {
			return jsonAnswer(200, &github.Reaction{Content: github.String(e.Content)})
		}
	}
	c.reactions = append(c.reactions, e.Content)
	return jsonAnswer(201, &github.Reaction{Content: github.String(e.Content)})
}

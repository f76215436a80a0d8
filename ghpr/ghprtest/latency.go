package ghprtest

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tracepr/trace/internal/latency"
)

// Latency makes the fake answer as slowly as GitHub would, per route, and
// logs every answered request with its start and end times (Calls). Install
// it with Server.SetLatency before the first request.
//
// Delays are repeatable: each is drawn from a generator seeded with Seed,
// the method and route, and how many requests to that route came before, so
// the same sequence of requests gets the same delays in every run.
type Latency struct {
	// Routes are tried in order; the first match gives the delay.
	Routes []RouteLatency
	// Default is the delay of requests no route matches.
	Default Dist
	// Scale multiplies every delay (0 means 1). Calls keep real times.
	Scale float64
	// Seed seeds every draw.
	Seed uint64

	draws latency.Draws
	calls latency.Log[Call]
}

// RouteLatency is the delay of requests whose method and path match.
type RouteLatency struct {
	Name    string // how Calls name the route ("create_comment")
	Method  string // "" matches any
	Pattern string // the path without the API base; "*" matches one segment
	Base    Dist
}

// Dist is a delay: fixed at Median when Spread is 0, otherwise lognormal
// with that median and Spread as the sigma of its logarithm.
type Dist = latency.Dist

// Call is one request the fake answered under a Latency.
type Call struct {
	Route      string
	Method     string
	Path       string // without the API base: "repos/o/r/issues/1/comments"
	Header     http.Header
	Body       []byte
	Status     int
	Delay      time.Duration
	Start, End time.Time
}

// Calls returns the requests answered so far, in the order they ended.
func (l *Latency) Calls() []Call { return l.calls.All() }

// Reset forgets the call log and the repeat counts.
func (l *Latency) Reset() {
	l.calls.Reset()
	l.draws.Reset()
}

// Delay returns the (scaled) delay of the next request to method and path,
// and the name of the route it matched.
func (l *Latency) Delay(method, path string) (time.Duration, string) {
	rt := RouteLatency{Base: l.Default, Pattern: "*"}
	for _, r := range l.Routes {
		if (r.Method == "" || r.Method == method) && latency.Match(r.Pattern, path) {
			rt = r
			break
		}
	}
	key := latency.Key(rt.Name, method, rt.Pattern)
	return latency.Scale(rt.Base.Draw(l.draws.Next(l.Seed, key)), l.Scale), rt.Name
}

// DefaultLatency returns plausible GitHub REST delays as model times
// (Scale 1): reads about 250 ms, writes about 350 ms (a pull request edit
// 400 ms), spread 0.25, so nearly all calls fall within 150–600 ms.
func DefaultLatency(seed uint64, scale float64) *Latency {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	return &Latency{
		Seed:    seed,
		Scale:   scale,
		Default: Dist{Median: ms(250), Spread: 0.25},
		Routes: []RouteLatency{
			{Name: "list_comments", Method: "GET", Pattern: "repos/*/*/issues/*/comments", Base: Dist{Median: ms(250), Spread: 0.25}},
			{Name: "list_review_comments", Method: "GET", Pattern: "repos/*/*/pulls/*/comments", Base: Dist{Median: ms(250), Spread: 0.25}},
			{Name: "create_comment", Method: "POST", Pattern: "repos/*/*/issues/*/comments", Base: Dist{Median: ms(350), Spread: 0.25}},
			{Name: "edit_comment", Method: "PATCH", Pattern: "repos/*/*/issues/comments/*", Base: Dist{Median: ms(350), Spread: 0.25}},
			{Name: "get_pr", Method: "GET", Pattern: "repos/*/*/pulls/*", Base: Dist{Median: ms(250), Spread: 0.25}},
			{Name: "edit_pr", Method: "PATCH", Pattern: "repos/*/*/pulls/*", Base: Dist{Median: ms(400), Spread: 0.25}},
		},
	}
}

// SetLatency delays every later answer by l's model and logs it in l
// (nil turns delays off). Call it before the first request.
func (s *Server) SetLatency(l *Latency) { s.latency.Store(l) }

// delayed wraps the server's handler with the current Latency.
func (s *Server) delayed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := s.latency.Load()
		if l == nil {
			h.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		path := strings.TrimPrefix(r.URL.Path, "/api/v3/")
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		d, name := l.Delay(r.Method, path)
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		l.calls.Add(Call{Route: name, Method: r.Method, Path: path, Header: r.Header.Clone(), Body: body, Status: sw.status, Delay: d, Start: start, End: time.Now()})
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// latencyHook holds the Server's Latency; requests read it concurrently.
type latencyHook = atomic.Pointer[Latency]

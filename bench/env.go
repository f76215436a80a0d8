package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// env is one run's world: the two fakes with their latency models,
// clients that tag requests with their phase, and a session store.
type env struct {
	vdb   *videodbtest.Server
	vlat  *videodbtest.Latency
	gh    *ghprtest.Server
	glat  *ghprtest.Latency
	vc    *videodb.Client
	ghc   *ghpr.Client
	store *session.Store
	home  string
	log   *slog.Logger
}

func newEnv(seed uint64, scale float64, vopts videodbtest.Options, tune ...func(*videodbtest.Latency)) (*env, error) {
	home, err := os.MkdirTemp("", "trace-bench-")
	if err != nil {
		return nil, err
	}
	e := &env{home: home, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	e.vlat = videodbtest.DefaultLatency(seed, scale)
	for _, f := range tune {
		f(e.vlat)
	}
	vopts.Latency = e.vlat
	vopts.Sync = true // a job answers once its modelled time has passed
	vopts.PendingPolls = -1
	vopts.MaxStoredUpload = -1
	e.vdb = videodbtest.NewServer(vopts)
	e.gh = ghprtest.NewServer()
	e.gh.SetPageSize(100)
	e.glat = ghprtest.DefaultLatency(seed, scale)
	e.gh.SetLatency(e.glat)
	e.vc, err = videodb.New(videodb.Options{
		APIKey: e.vdb.APIKey(), BaseURL: e.vdb.URL, Timeout: -1,
		HTTPClient: &http.Client{Transport: tagTransport{e.vdb.Client().Transport}},
	})
	if err != nil {
		e.close()
		return nil, err
	}
	e.ghc, err = ghpr.NewClient(ghpr.ClientOptions{Token: "bench", BaseURL: e.gh.URL,
		HTTPClient: &http.Client{Transport: tagTransport{http.DefaultTransport}}, RetryBase: time.Millisecond, MaxWait: 5 * time.Second})
	if err != nil {
		e.close()
		return nil, err
	}
	if e.store, err = session.Open(home); err != nil {
		e.close()
		return nil, fmt.Errorf("open a session store in %s: %w", home, err)
	}
	return e, nil
}

// uploadAs charges every upload for size bytes, whatever the file's real
// size, so that a long recording is modelled without moving its bytes
// through the loopback (whose real time the time scale would inflate).
func uploadAs(size int64) func(*videodbtest.Latency) {
	return func(l *videodbtest.Latency) {
		for i, r := range l.Routes {
			if r.Name == "upload_bytes" {
				extra := time.Duration(float64(r.PerKiB) * float64(size) / 1024)
				l.Routes[i].Base.Median += extra
				l.Routes[i].PerKiB = 0
			}
		}
	}
}

func (e *env) close() {
	if e.vdb != nil {
		e.vdb.Close()
	}
	if e.gh != nil {
		e.gh.Close()
	}
	os.RemoveAll(e.home)
}

// calls returns both fakes' logs as calls, tagged with their phases.
func (e *env) calls() []call {
	var out []call
	for _, c := range e.vlat.Calls() {
		out = append(out, call{Phase: c.Header.Get(headerPhase), Group: c.Header.Get(headerGroup), Route: "videodb:" + c.Route, Start: c.Start, End: c.End})
	}
	for _, c := range e.glat.Calls() {
		out = append(out, call{Phase: c.Header.Get(headerPhase), Group: c.Header.Get(headerGroup), Route: "github:" + c.Route, Start: c.Start, End: c.End})
	}
	return out
}

func (e *env) resetLogs() {
	e.vlat.Reset()
	e.glat.Reset()
}

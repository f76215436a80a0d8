package videodbtest

import (
	"bytes"
	"crypto/sha256"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tracepr/trace/internal/latency"
)

// Latency makes the fake answer as slowly as the real service would, per
// route, so that timing-sensitive code (a pipeline's schedule, a live
// uploader) can be measured against it. Put it in Options.Latency; every
// answered request is then delayed before it is handled and logged with its
// start and end times (Calls).
//
// Delays are repeatable: a delay is drawn from a generator seeded with Seed,
// the route, and (for routes with KeyBody) the request's body plus how many
// times that same request came before. The same requests get the same
// delays in every run, whatever their order, so two schedules of the same
// work can be compared call for call.
type Latency struct {
	// Routes are tried in order; the first match gives the delay.
	Routes []RouteLatency
	// Default is the delay of requests no route matches.
	Default Dist
	// Scale multiplies every delay (0 means 1), to run a model of
	// minutes in seconds. Calls keep real times; divide by Scale to get
	// model times back.
	Scale float64
	// Seed seeds every draw.
	Seed uint64

	draws latency.Draws
	calls latency.Log[Call]
}

// RouteLatency is the delay of one route: Base plus PerKiB of request body
// plus PerVideoMinute of the video named in the path (video/{id}/...).
type RouteLatency struct {
	Name    string // how Calls name the route ("index_spoken")
	Method  string // "" matches any
	Pattern string // the clean path; "*" matches one segment: "video/*/index"
	// BodyHas, when set, must occur in the raw request body
	// (`"audio_type":"music"`).
	BodyHas string
	Base    Dist
	// PerKiB is added per KiB of request body (Content-Length for uploads).
	PerKiB time.Duration
	// PerVideoMinute is added per minute of the video in the path.
	PerVideoMinute time.Duration
	// KeyBody draws the delay from the body as well as the route, so the
	// same request gets the same delay in another run.
	KeyBody bool
}

// Dist is a delay: fixed at Median when Spread is 0, otherwise lognormal
// with that median and Spread as the sigma of its logarithm (0.3 puts
// about 95% of draws within ×0.55…×1.8 of the median).
type Dist = latency.Dist

// Call is one request the fake answered under a Latency, with its times.
type Call struct {
	Route      string // RouteLatency.Name, or "" for the default
	Method     string
	Path       string // clean path: "video/m-1/index"
	Header     http.Header
	Body       []byte // the request body (not kept for uploads)
	Size       int64  // request body bytes
	Delay      time.Duration
	Start, End time.Time
}

// Calls returns the requests answered so far, in the order they ended.
func (l *Latency) Calls() []Call { return l.calls.All() }

// Reset forgets the call log and the repeat counts of keyed draws.
func (l *Latency) Reset() {
	l.calls.Reset()
	l.draws.Reset()
}

// Delay returns the (scaled) delay of a request and the route it matched.
// videoMinutes is the length of the video the path names, if any.
func (l *Latency) Delay(method, path string, body []byte, size int64, videoMinutes float64) (time.Duration, string) {
	rt, ok := l.match(method, path, body)
	if !ok {
		rt = RouteLatency{Base: l.Default}
	}
	key := latency.Key(rt.Name, method, rt.Pattern)
	if rt.KeyBody {
		h := sha256.Sum256(body)
		key = latency.Key(key, string(h[:]))
	}
	d := rt.Base.Draw(l.draws.Next(l.Seed, key))
	d += time.Duration(float64(rt.PerKiB) * float64(size) / 1024)
	d += time.Duration(float64(rt.PerVideoMinute) * videoMinutes)
	return latency.Scale(d, l.Scale), rt.Name
}

func (l *Latency) match(method, path string, body []byte) (RouteLatency, bool) {
	for _, rt := range l.Routes {
		if rt.Method != "" && rt.Method != method {
			continue
		}
		if !latency.Match(rt.Pattern, path) {
			continue
		}
		if rt.BodyHas != "" && !bytes.Contains(body, []byte(rt.BodyHas)) {
			continue
		}
		return rt, true
	}
	return RouteLatency{}, false
}

// DefaultLatency returns plausible delays of the hosted service, as model
// times (Scale 1). The basis of each figure is in the project's
// BENCHMARKS.md:
//
//   - upload: 0.5 s plus 8 s per 100 MB (an uplink of about 100 Mbit/s),
//     then 1.5 s to register the file;
//   - spoken-word index: 5 s plus 2.5 s per minute of video;
//   - scene index (a vision model every 10 s): 5 s plus 4 s per minute;
//   - generate_text: 1.5 s plus 0.4 s per KiB of prompt (longer prompts ask
//     for longer answers), spread 0.3;
//   - generate_voice: 1 s plus 15 ms per character of text, spread 0.25;
//   - generate_image 12 s and generate_music 20 s, spread 0.3;
//   - editor render 8 s, compile 5 s, thumbnail 1 s, spread 0.3;
//   - search 0.8 s, anything else 0.25 s.
func DefaultLatency(seed uint64, scale float64) *Latency {
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	return &Latency{
		Seed:    seed,
		Scale:   scale,
		Default: Dist{Median: sec(0.25), Spread: 0.3},
		Routes: []RouteLatency{
			{Name: "upload_bytes", Method: "POST", Pattern: "_upload/*", Base: Dist{Median: sec(0.5), Spread: 0.2}, PerKiB: sec(8.0 / (100 * 1000 * 1000 / 1024))},
			{Name: "upload_url", Method: "GET", Pattern: "collection/*/upload_url", Base: Dist{Median: sec(0.3), Spread: 0.3}},
			{Name: "upload_register", Method: "POST", Pattern: "collection/*/upload", Base: Dist{Median: sec(1.5), Spread: 0.3}},
			{Name: "index_spoken", Method: "POST", Pattern: "video/*/index", Base: Dist{Median: sec(5), Spread: 0.2}, PerVideoMinute: sec(2.5)},
			{Name: "index_scenes", Method: "POST", Pattern: "video/*/index/scene", Base: Dist{Median: sec(5), Spread: 0.2}, PerVideoMinute: sec(4)},
			{Name: "transcript", Method: "GET", Pattern: "video/*/transcription", Base: Dist{Median: sec(0.4), Spread: 0.3}},
			{Name: "scenes", Method: "GET", Pattern: "video/*/index/scene/*", Base: Dist{Median: sec(0.4), Spread: 0.3}},
			{Name: "search", Method: "POST", Pattern: "video/*/search", Base: Dist{Median: sec(0.8), Spread: 0.3}},
			{Name: "text", Method: "POST", Pattern: "collection/*/generate/text", Base: Dist{Median: sec(1.5), Spread: 0.3}, PerKiB: sec(0.4), KeyBody: true},
			{Name: "music", Method: "POST", Pattern: "collection/*/generate/audio", BodyHas: `"audio_type":"music"`, Base: Dist{Median: sec(20), Spread: 0.3}, KeyBody: true},
			{Name: "voice", Method: "POST", Pattern: "collection/*/generate/audio", Base: Dist{Median: sec(1), Spread: 0.25}, PerKiB: sec(15 * 1.024), KeyBody: true},
			{Name: "image", Method: "POST", Pattern: "collection/*/generate/image", Base: Dist{Median: sec(12), Spread: 0.3}, KeyBody: true},
			{Name: "editor", Method: "POST", Pattern: "editor", Base: Dist{Median: sec(8), Spread: 0.3}},
			{Name: "compile", Method: "POST", Pattern: "compile", Base: Dist{Median: sec(5), Spread: 0.3}},
			{Name: "thumbnail", Method: "POST", Pattern: "video/*/thumbnail", Base: Dist{Median: sec(1), Spread: 0.3}},
		},
	}
}

// delayed wraps the server's handler with opts.Latency (a no-op without one).
func (s *Server) delayed(h http.Handler) http.Handler {
	l := s.opts.Latency
	if l == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		clean := strings.Trim(r.URL.Path, "/")
		var body []byte
		size := r.ContentLength
		if !strings.HasPrefix(clean, "_upload/") && r.Body != nil {
			body, _ = io.ReadAll(io.LimitReader(r.Body, 64<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
			size = int64(len(body))
		}
		size = max(size, 0)
		var minutes float64
		if parts := strings.Split(clean, "/"); len(parts) >= 2 && parts[0] == "video" {
			s.mu.Lock()
			if v, ok := s.videos[parts[1]]; ok {
				minutes = v.Length / 60
			}
			s.mu.Unlock()
		}
		d, name := l.Delay(r.Method, clean, body, size, minutes)
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		h.ServeHTTP(w, r)
		l.calls.Add(Call{Route: name, Method: r.Method, Path: clean, Header: r.Header.Clone(), Body: body, Size: size, Delay: d, Start: start, End: time.Now()})
	})
}

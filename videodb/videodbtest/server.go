package videodbtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultAPIKey is the key a Server accepts when Options.APIKey is empty.
const DefaultAPIKey = "test-key"

// Options configure a Server. The zero value is a useful fake: key
// DefaultAPIKey, collection "c-default", 60-second videos, every long
// operation asynchronous with one pending poll, lengths sent as strings.
type Options struct {
	APIKey       string
	CollectionID string // id of the default collection; default "c-default"
	// PendingPolls is how many polls of a job answer "processing" before
	// it is done. Zero means 1; negative means 0 (done at the first poll).
	PendingPolls int
	// Sync makes long operations answer at once, without a job.
	Sync bool
	// WrapResponse puts finished jobs' results in a "response" object.
	WrapResponse bool
	// NumericLengths sends length and size as JSON numbers instead of the
	// real server's strings.
	NumericLengths bool
	// VideoLength is the length in seconds of uploaded videos; default 60.
	VideoLength float64
	// Transcript is the spoken content of every indexed video, as
	// sentences with their times. Default: a short canned session.
	Transcript []Sentence
	// Text, when set, answers generate_text: it gets the prompt and the
	// response type and returns the output (a string, or any JSON value
	// for "json"). Default: an echo.
	Text func(prompt, responseType string) any
	// MaxStoredUpload is how many bytes of each upload are kept for
	// Upload(token).Data; larger files keep only their size and hash.
	// Zero means 8 MiB; negative keeps no bytes.
	MaxStoredUpload int64
	// SkipCallbacks stops the server from POSTing results to callback URLs.
	SkipCallbacks bool
	// Latency, when set, delays answers per route and logs their times.
	Latency *Latency
}

// Sentence is one spoken sentence of the canned transcript.
type Sentence struct {
	Start, End float64
	Text       string
}

// DefaultTranscript is the canned speech of indexed videos.
var DefaultTranscript = []Sentence{
	{0, 4, "Let me open the parser and look at the failing test."},
	{5, 11, "The error says unexpected end of input in parse header."},
	{12, 20, "I think the buffer is too small so I will ask the assistant."},
	{21, 30, "Now I change read frame in parser dot go to loop until full."},
	{31, 40, "The tests pass now and the benchmark looks fine."},
}

// Request is one request the server received.
type Request struct {
	Method string
	Path   string // without the leading or a trailing slash: "video/m-1/search"
	Query  url.Values
	Header http.Header
	Body   any    // the decoded JSON body (nil when none or not JSON)
	Raw    []byte // the raw body (empty for multipart uploads)
	// File is set for multipart uploads: the part "file".
	File *Upload
}

// Upload is a file received on an upload URL.
type Upload struct {
	Token    string
	Filename string
	Size     int64
	SHA256   string
	Data     []byte // the bytes, up to Options.MaxStoredUpload
}

// Fault makes matching requests fail. Method "" and Path "" match any;
// Path matches as a prefix of the clean path ("video/", "_upload/").
type Fault struct {
	Method string
	Path   string
	// Suffix, when set, must also end the path ("/index/scene").
	Suffix string
	// Times is how many matching requests it affects; 0 means 1,
	// negative means every one.
	Times int
	// Status and Message: answer {"success":false,"message":Message}
	// with Status (default 500).
	Status  int
	Message string
	// Body replaces the JSON error body (e.g. an HTML gateway page);
	// ContentType goes with it (default text/html when Body starts with "<").
	Body        string
	ContentType string
	RetryAfter  string        // sent as Retry-After
	Delay       time.Duration // wait before answering (or before the next step)
	// SuccessFalse answers 200 with success:false and Message.
	SuccessFalse bool
	// Drop closes the connection without an answer, after reading
	// DropAfter bytes of the body.
	Drop      bool
	DropAfter int64
	// Truncate sends a cut JSON body with status 200.
	Truncate bool
	// DelayOnly lets the request through after Delay.
	DelayOnly bool
}

// Server is the fake. Create one with NewServer; Close it when done.
type Server struct {
	URL string

	opts Options
	srv  *httptest.Server
	mux  *http.ServeMux
	wg   sync.WaitGroup

	mu          sync.Mutex
	reqs        []Request
	faults      []*Fault
	seq         int
	collections map[string]*collection
	videos      map[string]*video
	audios      map[string]*mediaItem
	images      map[string]*mediaItem
	uploads     map[string]*Upload
	jobs        map[string]*job
	modelJobs   map[string]*job
	clones      map[string]map[string]any
	timelines   []json.RawMessage
	stuck       bool
	failJobs    string
	describers  map[string]func(start, end float64) string
}

type collection struct {
	ID, Name, Description string
	Public                bool
}

type video struct {
	ID, Name, CollectionID, Extension string
	Length                            float64
	Size                              int64
	Spoken                            bool
	Transcript                        []Sentence
	SceneIndexes                      []*sceneIndex
}

type sceneIndex struct {
	ID, Name, Status, key string
	Records               []SceneRecord
}

// SceneRecord is one scene of a scene index.
type SceneRecord struct {
	Start, End  float64
	Description string
	Metadata    map[string]any
}

type mediaItem struct {
	ID, Name, CollectionID, Kind string
	Length                       float64
	Size                         int64
}

type job struct {
	ID      string
	Polls   int
	Pending int
	Final   any
	Fail    string
	Stuck   bool
	Type    string
}

// NewServer starts a fake on 127.0.0.1.
func NewServer(opts Options) *Server {
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	if opts.CollectionID == "" {
		opts.CollectionID = "c-default"
	}
	if opts.PendingPolls == 0 {
		opts.PendingPolls = 1
	} else if opts.PendingPolls < 0 {
		opts.PendingPolls = 0
	}
	if opts.VideoLength <= 0 {
		opts.VideoLength = 60
	}
	if opts.Transcript == nil {
		opts.Transcript = DefaultTranscript
	}
	if opts.MaxStoredUpload == 0 {
		opts.MaxStoredUpload = 8 << 20
	}
	s := &Server{
		opts:        opts,
		collections: map[string]*collection{opts.CollectionID: {ID: opts.CollectionID, Name: "default"}},
		videos:      map[string]*video{},
		audios:      map[string]*mediaItem{},
		images:      map[string]*mediaItem{},
		uploads:     map[string]*Upload{},
		jobs:        map[string]*job{},
		modelJobs:   map[string]*job{},
		clones:      map[string]map[string]any{},
	}
	s.mux = http.NewServeMux()
	s.routes()
	// Every field is set before the server starts serving, so no handler
	// goroutine can see a half-built Server (URL included).
	s.srv = httptest.NewUnstartedServer(s.delayed(http.HandlerFunc(s.serve)))
	s.URL = "http://" + s.srv.Listener.Addr().String()
	s.srv.Start()
	return s
}

// WaitCallbacks waits until every callback POST started so far is delivered.
func (s *Server) WaitCallbacks() { s.wg.Wait() }

// Close shuts the server down after pending callbacks.
func (s *Server) Close() {
	s.wg.Wait()
	s.srv.Close()
}

// APIKey returns the key the server accepts.
func (s *Server) APIKey() string { return s.opts.APIKey }

// CollectionID returns the id of the default collection.
func (s *Server) CollectionID() string { return s.opts.CollectionID }

// Client returns an http.Client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Requests returns a copy of every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// RequestsTo returns the requests with this method ("" for any) and path.
func (s *Server) RequestsTo(method, path string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if (method == "" || r.Method == method) && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Last returns the last request with this method and path, or false.
func (s *Server) Last(method, path string) (Request, bool) {
	rs := s.RequestsTo(method, path)
	if len(rs) == 0 {
		return Request{}, false
	}
	return rs[len(rs)-1], true
}

// Reset forgets the request log.
func (s *Server) Reset() {
	s.mu.Lock()
	s.reqs = nil
	s.mu.Unlock()
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// FailOnce makes the next request to path answer status once.
func (s *Server) FailOnce(method, path string, status int) {
	s.Inject(Fault{Method: method, Path: path, Status: status, Message: http.StatusText(status)})
}

// RateLimitOnce answers the next request to path with 429 and Retry-After.
func (s *Server) RateLimitOnce(method, path, retryAfter string) {
	s.Inject(Fault{Method: method, Path: path, Status: http.StatusTooManyRequests, Message: "Too many requests", RetryAfter: retryAfter})
}

// HTMLErrorOnce answers the next request to path with an HTML page, as a
// gateway does.
func (s *Server) HTMLErrorOnce(method, path string, status int) {
	s.Inject(Fault{Method: method, Path: path, Status: status,
		Body: fmt.Sprintf("<html><head><title>%d %s</title></head><body><h1>%s</h1></body></html>", status, http.StatusText(status), http.StatusText(status))})
}

// SlowOnce delays the next request to path by d before handling it.
func (s *Server) SlowOnce(method, path string, d time.Duration) {
	s.Inject(Fault{Method: method, Path: path, Delay: d, DelayOnly: true})
}

// StickJobs keeps every job (new and running) pending forever when on.
func (s *Server) StickJobs(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stuck = on
}

// FailJobs makes jobs created from now on fail with message ("" stops it).
func (s *Server) FailJobs(message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failJobs = message
}

// Upload returns a file received on an upload URL, by token.
func (s *Server) Upload(token string) (*Upload, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.uploads[token]
	return u, ok
}

// Timelines returns the editor timelines accepted so far (the JSON of the
// "timeline" object).
func (s *Server) Timelines() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.timelines...)
}

// VideoIDs returns the ids of the stored videos, sorted.
func (s *Server) VideoIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id := range s.videos {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// AddVideo stores a video directly (no upload) and returns its id. A zero
// length takes Options.VideoLength.
func (s *Server) AddVideo(name string, length float64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if length <= 0 {
		length = s.opts.VideoLength
	}
	v := &video{ID: s.newID("m-"), Name: name, CollectionID: s.opts.CollectionID, Extension: "mp4", Length: length, Size: 1}
	s.videos[v.ID] = v
	return v.ID
}

// SetVideoLength changes a stored video's length.
func (s *Server) SetVideoLength(id string, length float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.videos[id]; ok {
		v.Length = length
	}
}

// SetTranscript replaces a video's transcript (and marks it indexed).
func (s *Server) SetTranscript(id string, t []Sentence) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.videos[id]; ok {
		v.Transcript, v.Spoken = t, true
	}
}

// SetSceneDescriptions makes scene indexes of video id ("" for every
// video) describe each scene with desc(start, end) instead of
// "<prompt> @<start>".
func (s *Server) SetSceneDescriptions(id string, desc func(start, end float64) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.describers == nil {
		s.describers = map[string]func(float64, float64) string{}
	}
	s.describers[id] = desc
}

func (s *Server) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%d", prefix, s.seq)
}

func (s *Server) base() string { return s.srv.URL }

// serve records the request, applies faults and auth, then routes it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil {
		r.Body = http.NoBody
	}
	clean := strings.Trim(r.URL.Path, "/")
	rec := Request{Method: r.Method, Path: clean, Query: r.URL.Query(), Header: r.Header.Clone()}
	f := s.takeFault(r.Method, clean)
	isUpload := strings.HasPrefix(clean, "_upload/")
	if f != nil && f.Drop {
		if f.DropAfter > 0 {
			_, _ = io.CopyN(io.Discard, r.Body, f.DropAfter)
		}
		s.log(rec)
		dropConn(w)
		return
	}
	if !isUpload {
		rec.Raw, _ = io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if len(bytes.TrimSpace(rec.Raw)) > 0 {
			var v any
			if json.Unmarshal(rec.Raw, &v) == nil {
				rec.Body = v
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(rec.Raw))
	}
	logged, idx := false, 0
	if f != nil && f.Delay > 0 {
		idx = s.log(rec) // logged before the wait, so a client that gave up sees it
		logged = true
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if f != nil && !f.DelayOnly {
		if !logged {
			s.log(rec)
		}
		writeFault(w, f)
		return
	}
	public := isUpload || strings.HasPrefix(clean, "files/") || strings.HasPrefix(clean, "stream/") || clean == "watch"
	if !logged {
		idx = s.log(rec)
	}
	if !public && r.Header.Get("x-access-token") != s.opts.APIKey {
		writeErr(w, http.StatusUnauthorized, "Invalid API key")
		return
	}
	if isUpload {
		up, status, msg := s.receiveUpload(r, strings.TrimPrefix(clean, "_upload/"))
		s.mu.Lock()
		s.reqs[idx].File = up
		s.mu.Unlock()
		if status != http.StatusOK {
			writeErr(w, status, msg)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
		return
	}
	r.URL.Path = "/" + clean
	s.mux.ServeHTTP(w, r)
}

func (s *Server) log(r Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r)
	return len(s.reqs) - 1
}

func (s *Server) takeFault(method, path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == method) && strings.HasPrefix(path, f.Path) && strings.HasSuffix(path, f.Suffix) {
			g := *f
			switch {
			case f.Times < 0:
			case f.Times <= 1:
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			default:
				f.Times--
			}
			return &g
		}
	}
	return nil
}

func dropConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
			_ = tc.SetLinger(0) // send a reset, as a dying proxy does
		}
		conn.Close()
	}
}

func writeFault(w http.ResponseWriter, f *Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	switch {
	case f.Truncate:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"success":true,"data":{"id":"m-1","len`)
		return
	case f.SuccessFalse:
		writeJSON(w, http.StatusOK, map[string]any{"success": false, "message": f.Message})
		return
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if f.Body != "" {
		ct := f.ContentType
		if ct == "" && strings.HasPrefix(strings.TrimSpace(f.Body), "<") {
			ct = "text/html"
		}
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, f.Body)
		return
	}
	msg := f.Message
	if msg == "" {
		msg = http.StatusText(status)
	}
	writeErr(w, status, msg)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "message": msg})
}

func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": data})
}

// receiveUpload reads the multipart part "file" without keeping more than
// MaxStoredUpload bytes.
func (s *Server) receiveUpload(r *http.Request, token string) (*Upload, int, string) {
	s.mu.Lock()
	_, known := s.uploads[token]
	s.mu.Unlock()
	if !known {
		return nil, http.StatusNotFound, "unknown upload URL"
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return nil, http.StatusBadRequest, "expected multipart/form-data"
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, http.StatusBadRequest, "no file part"
		}
		if err != nil {
			return nil, http.StatusBadRequest, "bad multipart body: " + err.Error()
		}
		if p.FormName() != "file" {
			continue
		}
		h := sha256.New()
		var keep bytes.Buffer
		n, err := io.Copy(io.MultiWriter(h, &limitWriter{&keep, s.opts.MaxStoredUpload}), p)
		if err != nil {
			return nil, http.StatusBadRequest, "upload interrupted: " + err.Error()
		}
		up := &Upload{Token: token, Filename: p.FileName(), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
		if n <= s.opts.MaxStoredUpload {
			up.Data = keep.Bytes()
		}
		s.mu.Lock()
		s.uploads[token] = up
		s.mu.Unlock()
		return up, http.StatusOK, ""
	}
}

type limitWriter struct {
	w *bytes.Buffer
	n int64
}

func (l *limitWriter) Write(b []byte) (int, error) {
	if room := l.n - int64(l.w.Len()); room > 0 {
		l.w.Write(b[:min(int64(len(b)), room)])
	}
	return len(b), nil
}

// Handler returns the server's handler, to serve it in-process (for
// example from an http.RoundTripper in a testing/synctest bubble). URLs it
// returns still point at s.URL.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

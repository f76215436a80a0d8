package main

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/qa"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

func (a *app) serveCommand() *cobra.Command {
	var addr, secretEnv string
	var exposePage bool
	var qf qaFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the /trace webhook receiver and a local page of sessions",
		Long: `serve runs an HTTP server with:

  POST /webhook   GitHub webhook deliveries (issue_comment and
                  pull_request_review_comment events): /trace questions are
                  acknowledged at once and answered in the background
  GET  /healthz   liveness
  GET  /          a page listing the local sessions with their timeline
                  picture, walkthrough and artefacts

Deliveries must be signed with the webhook secret (X-Hub-Signature-256);
unsigned or wrongly signed ones get 401 and cause no work. The secret is read
from the environment variable named by --webhook-secret-env. The PR's session
is the one linked to it in the store (by trace generate).

The server binds 127.0.0.1 by default. The sessions page is served only on a
loopback address unless --expose-page is given; it shows no transcript and no
secret. Ctrl-C (or SIGTERM) stops it gracefully, finishing answers in flight.

Setting up the GitHub webhook: payload URL https://HOST/webhook, content type
application/json, the same secret, events "Issue comments" and "Pull request
review comments".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			secret := os.Getenv(secretEnv)
			if secret == "" {
				a.log.Warn("no webhook secret: every delivery will be refused with 401; set it to enable the webhook", "env", secretEnv)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return withCode(exitConfig, fmt.Errorf("listen on %s: %w: choose another --addr", addr, err))
			}
			loopback := isLoopback(ln.Addr())
			page := loopback || exposePage
			if !loopback && exposePage {
				a.log.Warn("the sessions page is reachable from other machines (--expose-page)", "addr", ln.Addr().String())
			}
			h, hook := a.serveHandler(serveOptions{secret: []byte(secret), page: page, qa: qf})
			srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			if a.json {
				_ = a.printJSON(map[string]any{"url": "http://" + ln.Addr().String(), "webhook": "/webhook", "page": page})
			} else {
				fmt.Fprintf(a.stderr, "serving on http://%s (webhook at /webhook; Ctrl-C stops)\n", ln.Addr())
			}
			select {
			case err := <-errc:
				return fmt.Errorf("server stopped: %w", err)
			case <-ctx.Done():
			}
			sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err = srv.Shutdown(sctx)
			if herr := hook.Shutdown(sctx); herr != nil {
				err = errors.Join(err, fmt.Errorf("answers in flight were cut off (they are retried on the next run): %w", herr))
			}
			if !a.json {
				fmt.Fprintln(a.stderr, "stopped")
			}
			return err
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&secretEnv, "webhook-secret-env", "TRACE_WEBHOOK_SECRET", "environment variable holding the webhook secret")
	cmd.Flags().BoolVar(&exposePage, "expose-page", false, "serve the sessions page on a non-loopback address too")
	qf.register(cmd)
	return cmd
}

func isLoopback(addr net.Addr) bool {
	if t, ok := addr.(*net.TCPAddr); ok {
		return t.IP.IsLoopback()
	}
	return false
}

type serveOptions struct {
	secret []byte
	page   bool
	qa     qaFlags
}

// serveHandler builds the server's routes. The returned webhook is shut
// down after the HTTP server.
func (a *app) serveHandler(o serveOptions) (http.Handler, *qa.Webhook) {
	var mu sync.Mutex
	bots := map[string]*qa.Bot{}
	hook := qa.NewWebhook(qa.WebhookOptions{
		Secret: o.secret,
		Logger: a.log,
		Resolve: func(ctx context.Context, pr ghpr.PR) (*qa.Bot, error) {
			s, err := a.sessionForPR(pr)
			if errors.Is(err, session.ErrNotFound) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			mu.Lock()
			defer mu.Unlock()
			key := strings.ToLower(pr.Host) + "|" + s.ID()
			if b := bots[key]; b != nil {
				return b, nil
			}
			client, err := a.githubClient(ctx, pr)
			if err != nil {
				return nil, err
			}
			b, err := a.newQABot(ctx, s, client, o.qa)
			if err != nil {
				return nil, err
			}
			bots[key] = b
			return b, nil
		},
	})
	mux := http.NewServeMux()
	mux.Handle("/webhook", hook)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	if o.page {
		mux.HandleFunc("/", a.servePage)
		mux.HandleFunc("/sessions/", a.serveSessionFile)
	}
	return mux, hook
}

// artefactExts are the files of a session the page links: produced
// artefacts only, never the raw recording, transcript or metadata.
var artefactExts = map[string]string{
	".mp4": "video/mp4", ".webm": "video/webm", ".md": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
	".png": "image/png", ".gif": "image/gif", ".html": "text/plain; charset=utf-8", ".txt": "text/plain; charset=utf-8",
}

type pageSession struct {
	ID, Status, Created, Length string
	PRs                         []string
	Timeline                    bool
	Walkthrough                 string
	Artefacts                   []string
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trace sessions</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1040px}
.session{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}
.meta{color:#666;font-size:.9rem} img.timeline{max-width:100%;display:block;margin:.5rem 0}
video{max-width:100%}
</style></head><body>
<h1>trace sessions</h1>
<p class="meta">{{len .Sessions}} session(s) in {{.Home}}{{if .Broken}} · {{.Broken}} unreadable (see <code>trace sessions</code>){{end}}</p>
{{range .Sessions}}<section class="session" id="s-{{.ID}}">
<h2><code>{{.ID}}</code></h2>
<p class="meta">{{.Status}} · created {{.Created}}{{if .Length}} · {{.Length}} recorded{{end}}</p>
{{range .PRs}}<p>PR: <a href="{{.}}">{{.}}</a></p>{{end}}
{{if .Timeline}}<img class="timeline" alt="timeline of session {{.ID}}" src="/sessions/{{.ID}}/timeline.svg">{{end}}
{{if .Walkthrough}}<video controls preload="none" src="/sessions/{{.ID}}/files/{{.Walkthrough}}"></video>{{end}}
{{if .Artefacts}}<ul class="artefacts">{{$id := .ID}}{{range .Artefacts}}<li><a href="/sessions/{{$id}}/files/{{.}}">{{.}}</a></li>{{end}}</ul>{{end}}
</section>
{{else}}<p>No sessions yet: record one with <code>trace start</code>, or run <code>trace demo</code>.</p>{{end}}
</body></html>
`))

func (a *app) servePage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	st, err := a.openStore()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	list, err := st.List()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	data := struct {
		Home     string
		Broken   int
		Sessions []pageSession
	}{Home: st.Root(), Broken: len(list.Broken)}
	for i := len(list.Sessions) - 1; i >= 0; i-- {
		s := list.Sessions[i]
		ps := pageSession{ID: s.ID(), Status: string(s.Meta.Status), Created: s.Meta.CreatedAt.Local().Format("2006-01-02 15:04"),
			PRs: s.Meta.PRs, Timeline: s.Exists(session.FileTimeline)}
		if s.Meta.Length > 0 {
			ps.Length = session.Clock(s.Meta.Length)
		}
		ps.Artefacts = artefacts(s)
		for _, f := range ps.Artefacts {
			if ext := path.Ext(f); (ext == ".mp4" || ext == ".webm") && (ps.Walkthrough == "" || strings.Contains(f, "walkthrough")) {
				ps.Walkthrough = f
			}
		}
		data.Sessions = append(data.Sessions, ps)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'")
	if err := pageTmpl.Execute(w, data); err != nil {
		a.log.Warn("serve: page", "err", err)
	}
}

// artefacts lists the files under the session's generate/ directory that
// the page may link (slash-separated, relative to generate/).
func artefacts(s *session.Session) []string {
	root := s.Path("generate")
	var out []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		if _, ok := artefactExts[strings.ToLower(filepath.Ext(p))]; !ok {
			return nil
		}
		if rel, err := filepath.Rel(root, p); err == nil {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// serveSessionFile serves /sessions/ID/timeline.svg and
// /sessions/ID/files/REL (an artefact under generate/).
func (a *app) serveSessionFile(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/sessions/")
	id, file, _ := strings.Cut(rest, "/")
	if !session.ValidID(id) {
		http.NotFound(w, r)
		return
	}
	st, err := a.openStore()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s, err := st.Get(id)
	if err != nil || s.ID() != id {
		http.NotFound(w, r)
		return
	}
	if file == "timeline.svg" {
		var f timeline.File
		if err := s.ReadJSON(session.FileTimeline, &f); err != nil {
			http.NotFound(w, r)
			return
		}
		tl, err := f.Static()
		if err != nil {
			http.Error(w, "timeline.json is not usable: rebuild it with `trace timeline "+id+"`", http.StatusInternalServerError)
			return
		}
		ev, err := a.loadEvidence(s)
		if err != nil {
			ev = session.Evidence{Length: tl.Len}
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write(timeline.SVG(tl, ev, nil, timeline.SVGOptions{}))
		return
	}
	rel, ok := strings.CutPrefix(file, "files/")
	if !ok || !filepath.IsLocal(filepath.FromSlash(rel)) {
		http.NotFound(w, r)
		return
	}
	for _, f := range artefacts(s) {
		if f == rel {
			w.Header().Set("Content-Type", artefactExts[strings.ToLower(path.Ext(f))])
			w.Header().Set("X-Content-Type-Options", "nosniff")
			http.ServeFile(w, r, filepath.Join(s.Path("generate"), filepath.FromSlash(f)))
			return
		}
	}
	http.NotFound(w, r)
}

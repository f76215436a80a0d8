package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

// serveFixture makes a store with one session that has a timeline, a
// walkthrough and a description, and serves it on 127.0.0.1.
func serveFixture(t *testing.T, secret string) (*httptest.Server, *session.Session) {
	t.Helper()
	home := t.TempDir()
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ID: "cafe0123", Status: session.StatusCaptured})
	require.NoError(t, err)
	s.Meta.Length = 90 * time.Second
	s.Meta.PRs = []string{"https://github.com/acme/api/pull/42"}
	require.NoError(t, s.Save())
	ev := session.Evidence{Length: s.Meta.Length,
		Transcript: []session.Segment{{Span: session.Span{Start: 5 * time.Second, End: 20 * time.Second}, Text: "adding the retry"}},
		Saves:      []session.SaveEvent{{At: 30 * time.Second, Path: "retry.go", Op: "write"}}}
	tl, err := timeline.Build(ev, nil, timeline.Options{})
	require.NoError(t, err)
	require.NoError(t, s.WriteJSON(session.FileTimeline, timeline.NewFile(tl, nil)))
	require.NoError(t, os.MkdirAll(s.Path("generate", "pr-42"), 0o700))
	require.NoError(t, os.WriteFile(s.Path("generate", "pr-42", "walkthrough.mp4"), []byte("not a real video"), 0o600))
	require.NoError(t, os.WriteFile(s.Path("generate", "pr-42", "description.md"), []byte("## What\nRetry uploads.\n"), 0o600))
	require.NoError(t, os.WriteFile(s.Path(session.FileTranscript), []byte(`[{"span":{"start":5,"end":20},"text":"adding the retry"}]`), 0o600))

	a := newApp(io.Discard, io.Discard)
	a.home = home
	a.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	h, hook := a.serveHandler(serveOptions{secret: []byte(secret), page: true})
	srv := httptest.NewUnstartedServer(h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv.Listener = ln
	srv.Start()
	t.Cleanup(func() { srv.Close(); _ = hook.Shutdown(context.Background()) })
	return srv, s
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeRoutes(t *testing.T) {
	srv, s := serveFixture(t, "")
	code, body := get(t, srv.URL+"/healthz")
	assert.Equal(t, 200, code)
	assert.Equal(t, "ok\n", body)

	code, body = get(t, srv.URL+"/sessions/"+s.ID()+"/timeline.svg")
	assert.Equal(t, 200, code)
	assert.Contains(t, body, "<svg")

	code, body = get(t, srv.URL+"/sessions/"+s.ID()+"/files/pr-42/description.md")
	assert.Equal(t, 200, code)
	assert.Contains(t, body, "Retry uploads.")

	for _, p := range []string{
		"/sessions/" + s.ID() + "/files/../transcript.json",
		"/sessions/" + s.ID() + "/files/%2e%2e/metadata.json",
		"/sessions/" + s.ID() + "/files/../../" + s.ID() + "/metadata.json",
		"/sessions/" + s.ID() + "/transcript.json",
		"/sessions/nosuchid0/timeline.svg",
		"/sessions/../etc/passwd",
		"/nothing",
	} {
		code, body := get(t, srv.URL+p)
		assert.Equal(t, http.StatusNotFound, code, p)
		assert.NotContains(t, body, "adding the retry", p)
	}

	// Without a secret every delivery is refused, before any work.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhook", strings.NewReader(`{"action":"created"}`))
	req.Header.Set("X-GitHub-Event", "issue_comment")
	req.Header.Set("X-Hub-Signature-256", ghpr.Sign([]byte(""), []byte(`{"action":"created"}`)))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestServeWebhookBadSignature(t *testing.T) {
	srv, _ := serveFixture(t, "s3cret-for-tests")
	body := []byte(`{"action":"created","issue":{"number":42,"pull_request":{}},"comment":{"id":1,"body":"/trace why?","author_association":"OWNER","user":{"login":"x"}},"repository":{"name":"api","owner":{"login":"acme"}}}`)
	for _, sig := range []string{"", "sha256=00", ghpr.Sign([]byte("wrong"), body)} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhook", bytes.NewReader(body))
		req.Header.Set("X-GitHub-Event", "issue_comment")
		if sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, sig)
	}
}

func TestServePageInChromium(t *testing.T) {
	testutil.NeedTool(t, "chromium")
	srv, s := serveFixture(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	shot := filepath.Join(t.TempDir(), "page.png")
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(), "--virtual-time-budget=3000"}
	out, err := exec.CommandContext(ctx, "chromium", append(args, "--dump-dom", srv.URL+"/")...).Output()
	require.NoError(t, err, "chromium --dump-dom")
	dom := string(out)
	assert.Contains(t, dom, "trace sessions")
	assert.Contains(t, dom, s.ID())
	assert.Contains(t, dom, `src="/sessions/`+s.ID()+`/timeline.svg"`)
	assert.Contains(t, dom, `/sessions/`+s.ID()+`/files/pr-42/walkthrough.mp4`)
	assert.Contains(t, dom, `href="https://github.com/acme/api/pull/42"`)
	assert.NotContains(t, dom, "adding the retry", "no transcript on the page")

	_, err = exec.CommandContext(ctx, "chromium", append(args, "--window-size=1100,700", "--screenshot="+shot, srv.URL+"/")...).CombinedOutput()
	require.NoError(t, err, "chromium --screenshot")
	fi, err := os.Stat(shot)
	require.NoError(t, err)
	assert.Greater(t, fi.Size(), int64(5000), "a rendered page, not a blank one")
}

func TestQAPollErrors(t *testing.T) {
	home := t.TempDir()
	run := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		a := newApp(&out, &errb)
		root := a.rootCommand()
		root.SetArgs(append([]string{"--home", home}, args...))
		ctx := context.Background()
		err := root.ExecuteContext(ctx)
		if err != nil {
			return err.Error(), exitCode(ctx, err)
		}
		return out.String(), 0
	}
	msg, code := run("qa-poll", "not-a-pr")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, msg, "OWNER/REPO#N")

	msg, code = run("qa-poll", "acme/api#42")
	assert.Equal(t, exitNotFound, code)
	assert.Contains(t, msg, "no session is linked to acme/api#42")

	msg, code = run("qa-poll", "acme/api#42", "--interval", "1s")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, msg, "too short")
}

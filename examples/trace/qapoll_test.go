package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/local"
	"github.com/tracepr/trace/session"
)

// indexedSession records an 8-second screen that shows a terminal line
// about an upload retry, and indexes it with the local backend (OCR only).
func indexedSession(t *testing.T, home string) *session.Session {
	t.Helper()
	testutil.NeedTool(t, "ffmpeg", "ffprobe", "tesseract")
	font := "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
	testutil.NeedFile(t, font, "the DejaVu font (fonts-dejavu-core)")
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ID: "feed0042", Backend: "local", Status: session.StatusCaptured})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	require.NoError(t, os.WriteFile(filepath.Join(s.Dir, "screen.txt"), []byte("$ go test ./upload\nupload retry after timeout\nPASS"), 0o600))
	_, err = execx.Run(ctx, execx.Cmd{Tool: "ffmpeg", Dir: s.Dir, Args: []string{"-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "color=c=white:s=640x360:r=5:d=8",
		"-vf", "drawtext=fontfile=" + font + ":textfile=screen.txt:expansion=none:fontcolor=black:fontsize=28:x=20:y=40:line_spacing=10",
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "5", "-pix_fmt", "yuv420p", "screen.mp4"}})
	require.NoError(t, err)
	os.Remove(filepath.Join(s.Dir, "screen.txt"))
	s.Meta.Recording = "screen.mp4"
	require.NoError(t, s.Save())
	_, err = local.NewIndexer(local.Options{DisableSpeech: true}).Index(ctx, s)
	require.NoError(t, err)
	return s
}

func TestQAPollCommandEndToEnd(t *testing.T) {
	home := t.TempDir()
	s := indexedSession(t, home)
	pr := ghpr.PR{Owner: "acme", Repo: "api", Number: 42}
	require.NoError(t, ghpr.LinkSession(s, pr))

	gh := ghprtest.NewServer()
	defer gh.Close()
	gh.SetToken("test-token")
	gh.AddPR(pr, ghprtest.PROptions{})
	q := gh.AddIssueComment(pr, "/trace why the upload retry?", ghprtest.CommentOptions{Author: "rev", Association: "MEMBER"})
	gh.AddIssueComment(pr, "/trace why?", ghprtest.CommentOptions{Author: "drive-by", Association: "NONE"})
	t.Setenv("GITHUB_TOKEN", "test-token")
	t.Setenv(envGitHubAPI, gh.URL)

	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		a := newApp(&out, &errb)
		root := a.rootCommand()
		root.SetArgs(append([]string{"--home", home}, args...))
		ctx := context.Background()
		err := root.ExecuteContext(ctx)
		if err != nil {
			return out.String(), err.Error(), exitCode(ctx, err)
		}
		return out.String(), errb.String(), 0
	}
	out, errs, code := run("qa-poll", pr.URL(), "--once")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "1 answered")

	cs := gh.Comments(pr, ghpr.IssueComment)
	require.Len(t, cs, 3, "one reply, none for the drive-by commenter")
	reply := cs[2].Body
	assert.Contains(t, reply, "> /trace why the upload retry?")
	assert.Contains(t, reply, "0:00–0:08", "the moment on screen, padded and clamped to the 8 s recording")
	assert.NotContains(t, reply, home, "no local path is published")
	assert.Equal(t, []string{"eyes"}, gh.Reactions(q))

	// A restart answers nothing twice.
	_, errs, code = run("qa-poll", "acme/api#42", s.ID(), "--once", "--json")
	require.Equal(t, 0, code, errs)
	assert.Len(t, gh.Comments(pr, ghpr.IssueComment), 3)

	// A revoked token is one clear line and a configuration exit code.
	t.Setenv("GITHUB_TOKEN", "revoked")
	_, errs, code = run("qa-poll", pr.URL(), "--once")
	assert.Equal(t, exitConfig, code)
	assert.Contains(t, errs, "GitHub refused the token")
}

func TestServeWebhookEndToEnd(t *testing.T) {
	home := t.TempDir()
	s := indexedSession(t, home)
	pr := ghpr.PR{Owner: "acme", Repo: "api", Number: 42}
	require.NoError(t, ghpr.LinkSession(s, pr))
	gh := ghprtest.NewServer()
	defer gh.Close()
	gh.AddPR(pr, ghprtest.PROptions{})
	id := gh.AddReviewComment(pr, "/trace why the upload retry?", ghprtest.CommentOptions{Author: "rev", Association: "OWNER", Path: "upload/retry.go", Line: 9})
	t.Setenv("GITHUB_TOKEN", "test-token")
	t.Setenv(envGitHubAPI, gh.URL)

	a := newApp(io.Discard, io.Discard)
	a.home, a.backend = home, "local"
	a.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	secret := []byte("serve-test-secret")
	h, hook := a.serveHandler(serveOptions{secret: secret, page: true, qa: qaFlags{associations: []string{"OWNER"}, maxReply: 3000}})
	srv := httptest.NewServer(h)
	defer srv.Close()

	body := []byte(`{"action":"created","comment":{"id":` + strconv.FormatInt(id, 10) + `,"body":"/trace why the upload retry?","path":"upload/retry.go","line":9,` +
		`"author_association":"OWNER","user":{"login":"rev","type":"User"}},"pull_request":{"number":42},` +
		`"repository":{"name":"api","html_url":"https://github.com/acme/api","owner":{"login":"acme"}}}`)
	for i := 0; i < 2; i++ { // GitHub may deliver twice
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhook", bytes.NewReader(body))
		req.Header.Set("X-GitHub-Event", "pull_request_review_comment")
		req.Header.Set("X-Hub-Signature-256", ghpr.Sign(secret, body))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusAccepted, resp.StatusCode)
		hook.Wait()
	}
	require.NoError(t, hook.Shutdown(context.Background()))
	cs := gh.Comments(pr, ghpr.ReviewComment)
	require.Len(t, cs, 2, "one reply, in the line comment's thread")
	assert.Equal(t, id, cs[1].InReplyTo)
	assert.Contains(t, cs[1].Body, "upload retry after timeout")
}

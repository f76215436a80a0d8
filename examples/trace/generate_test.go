package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/session"
)

const mainGoDiff = `diff --git a/main.go b/main.go
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/main.go
@@ -0,0 +1,3 @@
+package main
+
+func main() {}
`

// fakeGitHub starts the fake GitHub with one PR whose author wrote a
// description, and points the CLI at it.
func fakeGitHub(t *testing.T) (*ghprtest.Server, ghpr.PR) {
	t.Helper()
	srv := ghprtest.NewServer()
	t.Cleanup(srv.Close)
	pr := ghpr.PR{Owner: "octo", Repo: "app", Number: 12}
	srv.AddPR(pr, ghprtest.PROptions{Title: "Add main", Body: "The author's own words.\n\nKeep this.", Head: "feature", Base: "main"})
	t.Setenv(envGitHubAPI, srv.URL)
	t.Setenv("GITHUB_TOKEN", "test-token-not-real")
	t.Setenv("TRACE_BACKEND", "local")
	t.Setenv("CLAUDE_CONFIG_DIR", t.TempDir())
	t.Setenv("CODEX_HOME", t.TempDir())
	t.Setenv("GEMINI_CLI_HOME", t.TempDir())
	return srv, pr
}

func commentsByKind(srv *ghprtest.Server, pr ghpr.PR, id string) map[string]int {
	out := map[string]int{}
	for _, c := range srv.Comments(pr, ghpr.IssueComment) {
		for _, kind := range []string{"walkthrough", "focus", "contribution-map", "description"} {
			if ghpr.HasMarker(c.Body, ghpr.Key{Kind: kind, Session: id}) {
				out[kind]++
			}
		}
	}
	return out
}

func TestGeneratePublishesOnceOnGitHub(t *testing.T) {
	srv, pr := fakeGitHub(t)
	home := t.TempDir()
	s := capturedSession(t, home)
	_, stderr, code := cli(t, home, "stop", s.ID())
	require.Equal(t, 0, code, stderr)
	diff := filepath.Join(t.TempDir(), "change.diff")
	require.NoError(t, os.WriteFile(diff, []byte(mainGoDiff), 0o600))

	for run := 1; run <= 2; run++ {
		stdout, stderr, code := cli(t, home, "generate", s.ID(), pr.URL(), "--diff", diff, "--title", "Add main", "--json")
		require.Equal(t, 0, code, "run %d: %s", run, stderr)
		var sum generateSummary
		require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)
		assert.Equal(t, pr.URL(), sum.PR)
		assert.NotEmpty(t, sum.Clips)
		assert.Contains(t, sum.Published, "walkthrough")
		assert.Equal(t, map[string]int{"walkthrough": 1, "focus": 1, "contribution-map": 1}, commentsByKind(srv, pr, s.ID()), "run %d", run)
		body := srv.PRBody(pr)
		assert.True(t, strings.HasPrefix(body, "The author's own words.\n\nKeep this."), "the author's text is intact:\n%s", body)
		assert.Equal(t, 1, strings.Count(body, ghpr.Key{Kind: "description", Session: s.ID()}.Marker()))
		assert.Contains(t, body, "## What changed")
	}
	require.NoError(t, s.Reload())
	assert.Equal(t, session.StatusGenerated, s.Meta.Status)
	assert.Contains(t, s.Meta.PRs, pr.URL())

	// The second run published nothing: every request after the first run's
	// were reads of the PR's diff, if any.
	srv.ResetRequests()
	_, stderr, code = cli(t, home, "generate", s.ID(), pr.URL(), "--diff", diff, "--title", "Add main")
	require.Equal(t, 0, code, stderr)
	for _, r := range srv.Requests() {
		assert.Equal(t, "GET", r.Method, "%s %s", r.Method, r.Path)
	}
}

func TestGenerateDryRunAndOut(t *testing.T) {
	home := t.TempDir()
	t.Setenv("TRACE_BACKEND", "local")
	s := capturedSession(t, home)
	_, stderr, code := cli(t, home, "stop", s.ID())
	require.Equal(t, 0, code, stderr)
	diff := filepath.Join(t.TempDir(), "change.diff")
	require.NoError(t, os.WriteFile(diff, []byte(mainGoDiff), 0o600))

	stdout, stderr, code := cli(t, home, "generate", s.ID(), "--diff", diff, "--dry-run")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "dry run of session "+s.ID())
	assert.Contains(t, stdout, "relevance", "clips show their score parts")
	assert.Contains(t, stdout, "## What changed")
	require.NoError(t, s.Reload())
	assert.Equal(t, session.StatusIndexed, s.Meta.Status, "a dry run changes nothing")

	out := filepath.Join(t.TempDir(), "out")
	stdout, stderr, code = cli(t, home, "generate", s.ID(), "--diff", diff, "--out", out)
	require.Equal(t, 0, code, stderr)
	for _, name := range []string{"report.html", "description.md", "walkthrough.mp4", "timeline.svg"} {
		assert.FileExists(t, filepath.Join(out, name))
	}
	assert.Contains(t, stdout, filepath.Join(out, "report.html"))
}

func TestPostPublishesOneArtefact(t *testing.T) {
	srv, pr := fakeGitHub(t)
	home := sampleHome(t)
	diff := filepath.Join(t.TempDir(), "change.diff")
	require.NoError(t, os.WriteFile(diff, []byte(mainGoDiff), 0o600))
	for run := 0; run < 2; run++ {
		_, stderr, code := cli(t, home, "contribution-map", sampleID, "--diff", diff, "--pr", pr.URL(), "--post")
		require.Equal(t, 0, code, stderr)
		_, stderr, code = cli(t, home, "focus", sampleID, "--diff", diff, "--pr", pr.URL(), "--post", "--no-agent")
		require.Equal(t, 0, code, stderr)
		_, stderr, code = cli(t, home, "pr-description", sampleID, "--diff", diff, "--pr", pr.URL(), "--post")
		require.Equal(t, 0, code, stderr)
	}
	assert.Equal(t, map[string]int{"focus": 1, "contribution-map": 1}, commentsByKind(srv, pr, sampleID))
	body := srv.PRBody(pr)
	assert.True(t, strings.HasPrefix(body, "The author's own words."))
	assert.Equal(t, 1, strings.Count(body, ghpr.Key{Kind: "description", Session: sampleID}.Marker()))

	_, stderr, code := cli(t, home, "focus", sampleID, "--diff", diff, "--post")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--pr")
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/timeline"
)

const sampleID = "5a3c9e1f2b7d4c08"

// sampleHome returns a TRACE_HOME holding a copy of testdata/sample-session.
func sampleHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	dst := filepath.Join(home, "sessions", sampleID)
	require.NoError(t, os.MkdirAll(dst, 0o700))
	src := filepath.Join("..", "..", "testdata", "sample-session")
	ents, err := os.ReadDir(src)
	require.NoError(t, err)
	require.NotEmpty(t, ents)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600))
	}
	return home
}

// cli runs the CLI in-process, the way main does, and returns its output and exit code.
func cli(t *testing.T, home string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	if home != "" {
		args = append([]string{"--home", home}, args...)
	}
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func cliJSON(t *testing.T, home string, v any, args ...string) {
	t.Helper()
	out, stderr, code := cli(t, home, append(args, "--json")...)
	require.Equal(t, 0, code, "stderr: %s", stderr)
	require.NoError(t, json.Unmarshal([]byte(out), v), out)
}

func TestSessionsCommand(t *testing.T) {
	home := sampleHome(t)
	out, stderr, code := cli(t, home, "sessions")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	assert.Regexp(t, `^ID\s+CREATED\s+STATUS\s+LENGTH\s+PROJECT\s+PRS$`, lines[0])
	assert.Regexp(t, `^`+sampleID+`\s+2026-05-0\d \d\d:\d\d\s+indexed\s+3:05\s+/home/dev/src/shop\s+-$`, lines[1])

	var got sessionsOutput
	cliJSON(t, home, &got, "sessions")
	require.Len(t, got.Sessions, 1)
	s := got.Sessions[0]
	assert.Equal(t, sampleID, s.ID)
	assert.Equal(t, "indexed", s.Status)
	assert.Equal(t, 184.6, s.Length)
	assert.Equal(t, "2026-05-01T09:29:58Z", s.CreatedAt)
	assert.Equal(t, "/home/dev/src/shop", s.ProjectDir)
	assert.Equal(t, []string{}, s.PRs)
	assert.Empty(t, got.Broken)
}

func TestSessionsEmptyAndBroken(t *testing.T) {
	home := t.TempDir()
	out, _, code := cli(t, home, "sessions")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "no sessions")
	assert.Contains(t, out, "trace start")

	home = sampleHome(t)
	bad := filepath.Join(home, "sessions", "badc0ffee0000000")
	require.NoError(t, os.MkdirAll(bad, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(bad, session.MetadataFile), []byte(`{"schema":1,"id":"badc0`), 0o600))
	out, stderr, code := cli(t, home, "sessions")
	require.Equal(t, 0, code)
	assert.Contains(t, out, sampleID, "readable sessions are still listed")
	assert.Contains(t, stderr, "unreadable session")
	assert.Contains(t, stderr, filepath.Join(bad, session.MetadataFile))
	assert.Contains(t, stderr, "trace sessions rm badc0ffee0000000")

	var got sessionsOutput
	cliJSON(t, home, &got, "sessions")
	assert.Len(t, got.Sessions, 1)
	require.Len(t, got.Broken, 1)
	assert.Contains(t, got.Broken[0], "badc0ffee0000000")
}

func TestSessionsRm(t *testing.T) {
	home := sampleHome(t)
	_, stderr, code := cli(t, home, "sessions", "rm", "latest")
	assert.Equal(t, exitUsage, code, stderr)
	_, stderr, code = cli(t, home, "sessions", "rm", "ffff0000")
	assert.Equal(t, exitNotFound, code, stderr)

	out, stderr, code := cli(t, home, "sessions", "rm", "5a3c")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "deleted session "+sampleID+"\n", out)
	_, err := os.Stat(filepath.Join(home, "sessions", sampleID))
	assert.True(t, os.IsNotExist(err))
	out, _, _ = cli(t, home, "sessions")
	assert.Contains(t, out, "no sessions")
}

func TestInspectCommand(t *testing.T) {
	home := sampleHome(t)
	out, stderr, code := cli(t, home, "inspect")
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{
		"session   " + sampleID, "status    indexed", "length    3:05 (184.6s)", "project   /home/dev/src/shop",
		"ffmpeg-x11grab → screen.mp4, with mic",
		"from screen.mp4=sha256:9c1f0e7a", "→ scenes=scenes.json, transcript=transcript.json",
		"metadata.json", "transcript.json",
		"8 transcript segments, 7 scenes, 5 saves of 3 files, 7 window changes, 0 agent events",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "moments", "no timeline.json yet")
	assert.NotContains(t, out, "problems")

	var got inspectOutput
	cliJSON(t, home, &got, "inspect", "5a3c")
	assert.Equal(t, sampleID, got.Metadata.ID)
	assert.Equal(t, session.StatusIndexed, got.Metadata.Status)
	assert.Equal(t, 184600*time.Millisecond, got.Metadata.Length)
	assert.Equal(t, evidenceCounts{Segments: 8, Scenes: 7, Saves: 5, SavedFiles: 3, Windows: 7}, got.Counts)
	names := map[string]int64{}
	for _, f := range got.Files {
		names[f.Name] = f.Size
	}
	assert.Greater(t, names[session.MetadataFile], int64(100))
	assert.Contains(t, names, session.FileSaves)
	assert.Empty(t, got.Problems)
	assert.Nil(t, got.Moments)
}

func TestInspectMomentsAndProblems(t *testing.T) {
	home := sampleHome(t)
	dir := filepath.Join(home, "sessions", sampleID)
	length := 184600 * time.Millisecond
	tl := timeline.Static{Len: length, Items: []session.Moment{
		{Kind: session.KindProgress, Span: session.Span{Start: 0, End: time.Minute}, Confidence: 0.8},
		{Kind: session.KindStuck, Span: session.Span{Start: time.Minute, End: 2 * time.Minute}, Confidence: 0.6},
		{Kind: session.KindProgress, Span: session.Span{Start: 2 * time.Minute, End: length}, Confidence: 0.9},
	}}
	require.NoError(t, timeline.Check(tl))
	b, err := json.Marshal(timeline.NewFile(tl, nil))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, session.FileTimeline), b, 0o600))
	// A crash tore the last window line; a held lock from a dead process.
	f, err := os.OpenFile(filepath.Join(dir, session.FileWindows), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"t":183.0,"app":"Co`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	var got inspectOutput
	cliJSON(t, home, &got, "inspect")
	require.NotNil(t, got.Moments)
	assert.Equal(t, 2, got.Moments["progress"].Count)
	assert.InDelta(t, 124.6, got.Moments["progress"].Seconds, 1e-6)
	assert.Equal(t, 1, got.Moments["stuck"].Count)
	assert.Equal(t, 7, got.Counts.Windows, "the torn line is skipped")
	assert.Equal(t, map[string]int{session.FileWindows: 1}, got.Skipped)
	require.Len(t, got.Problems, 1)
	assert.Contains(t, got.Problems[0], "windows.jsonl: 1 of 8 lines unreadable")

	out, _, code := cli(t, home, "inspect")
	require.Equal(t, 0, code)
	assert.Regexp(t, `moments \(timeline.json\)\n\s+progress\s+2\s+2:05\n\s+stuck\s+1\s+1:00`, out)
	assert.Contains(t, out, "problems\n")

	// A corrupt transcript is a problem, not a failure.
	require.NoError(t, os.WriteFile(filepath.Join(dir, session.FileTranscript), []byte(`[{"span":`), 0o600))
	cliJSON(t, home, &got, "inspect")
	assert.Contains(t, strings.Join(got.Problems, "\n"), filepath.Join(dir, session.FileTranscript))
}

func TestTranscriptCommand(t *testing.T) {
	home := sampleHome(t)
	out, stderr, code := cli(t, home, "transcript", sampleID)
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 8)
	assert.Equal(t, "[0:02–0:10] okay so the cart total is off by a cent when there is a discount", lines[0])
	assert.Equal(t, "[0:52–1:01] ? I think the rounding happens before the discount is applied", lines[3], "unsure speech is marked")

	var got transcriptOutput
	cliJSON(t, home, &got, "transcript")
	assert.Equal(t, sampleID, got.Session)
	require.Len(t, got.Segments, 8)
	assert.Equal(t, 2400*time.Millisecond, got.Segments[0].Span.Start)
	assert.Equal(t, "all green now, the follow-up is to store money as integer cents", got.Segments[7].Text)

	// A session that is not indexed yet.
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ID: "ffff000011112222"})
	require.NoError(t, err)
	_, stderr, code = cli(t, home, "transcript", s.ID())
	assert.Equal(t, exitNotFound, code)
	assert.Contains(t, stderr, "has no transcript yet (status recording)")
	assert.Contains(t, stderr, "trace stop")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line")
}

func TestExitCodes(t *testing.T) {
	home := sampleHome(t)
	st, err := session.Open(home)
	require.NoError(t, err)
	_, err = st.Create(session.CreateOptions{ID: "5a3c0000aaaabbbb"})
	require.NoError(t, err)
	corrupt, err := st.Create(session.CreateOptions{ID: "c0c0c0c0c0c0c0c0"})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(corrupt.Path(session.MetadataFile), []byte(`{"schema": 1, "id": "c0c0`), 0o600))
	newer, err := st.Create(session.CreateOptions{ID: "dddd0000dddd0000"})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(newer.Path(session.MetadataFile), []byte(`{"schema": 9, "id": "dddd0000dddd0000", "status": "indexed"}`), 0o600))
	fileHome := filepath.Join(t.TempDir(), "not-a-dir")
	require.NoError(t, os.WriteFile(fileHome, []byte("x"), 0o600))

	tests := []struct {
		name   string
		home   string
		args   []string
		code   int
		stderr []string
	}{
		{"missing session", home, []string{"inspect", "99999999"}, exitNotFound, []string{`no session "99999999"`, "trace sessions"}},
		{"ambiguous prefix", home, []string{"inspect", "5a3c"}, exitNotFound, []string{"matches 2 sessions", "5a3c0000aaaabbbb", sampleID, "give more characters"}},
		{"corrupt metadata", home, []string{"inspect", "c0c0"}, exitConflict, []string{corrupt.Path(session.MetadataFile), "trace sessions rm c0c0c0c0c0c0c0c0"}},
		{"newer schema", home, []string{"transcript", "dddd"}, exitConflict, []string{"schema 9", "upgrade trace"}},
		{"unwritable home", fileHome, []string{"sessions"}, exitConfig, []string{fileHome, "TRACE_HOME"}},
		{"unwritable home, inspect", fileHome, []string{"inspect"}, exitConfig, []string{"writable directory"}},
		{"unknown flag", home, []string{"sessions", "--bogus"}, exitUsage, []string{"unknown flag: --bogus", "trace sessions --help"}},
		{"unknown command", home, []string{"sesions"}, exitUsage, []string{"unknown command"}},
		{"too many args", home, []string{"inspect", "a", "b"}, exitUsage, nil},
		{"bad backend", home, []string{"--backend", "cloud", "sessions"}, exitUsage, []string{"use local or videodb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := cli(t, tt.home, tt.args...)
			assert.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", out, stderr)
			assert.True(t, strings.HasPrefix(stderr, "trace: "), stderr)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			for _, s := range tt.stderr {
				assert.Contains(t, stderr, s)
			}
		})
	}
	// Nothing was damaged on the way.
	b, err := os.ReadFile(corrupt.Path(session.MetadataFile))
	require.NoError(t, err)
	assert.Equal(t, `{"schema": 1, "id": "c0c0`, string(b))
	b, err = os.ReadFile(fileHome)
	require.NoError(t, err)
	assert.Equal(t, "x", string(b))
}

func TestLatestIsDefault(t *testing.T) {
	home := sampleHome(t)
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ID: "0000newer0000000", ProjectDir: "/src/newer"})
	require.NoError(t, err)
	var got inspectOutput
	cliJSON(t, home, &got, "inspect")
	assert.Equal(t, s.ID(), got.Metadata.ID, "the newest session, though its id sorts first")
	cliJSON(t, home, &got, "inspect", "latest")
	assert.Equal(t, s.ID(), got.Metadata.ID)
}

func TestHelpHasExamples(t *testing.T) {
	for _, cmd := range []string{"sessions", "inspect", "transcript", "doctor"} {
		out, _, code := cli(t, "", cmd, "--help")
		require.Equal(t, 0, code, cmd)
		assert.Contains(t, out, "Examples:", cmd)
		assert.Contains(t, out, "trace "+cmd, cmd)
	}
	out, _, code := cli(t, "", "--help")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Exit codes:")
	assert.Contains(t, out, "sessions")
	assert.Contains(t, out, "doctor")
}

func TestDoctorWithoutTools(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("GH_TOKEN", "")
	home := t.TempDir()
	out, stderr, code := cli(t, home, "doctor")
	assert.Equal(t, exitConfig, code, stderr)
	assert.Empty(t, stderr, "the report is the output; no extra error line")
	assert.Regexp(t, `(?m)^FAIL\s+ffmpeg\s+not installed or not on PATH`, out)
	assert.Regexp(t, `(?m)^FAIL\s+git\s+`, out)
	assert.Regexp(t, `(?m)^FAIL\s+voice\s+`, out)
	assert.Regexp(t, `(?m)^PASS\s+session store\s+`, out)
	assert.Regexp(t, `(?m)^WARN\s+GitHub token\s+`, out)
	if runtime.GOOS == "linux" {
		assert.Contains(t, out, "fix: apt-get install ffmpeg")
		assert.Contains(t, out, "fix: apt-get install git")
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "WARN") {
			assert.Contains(t, line, "fix: ", "every FAIL and WARN says what to do: %s", line)
		}
	}
	assert.Contains(t, out, "not ready")

	var got doctorOutput
	o, _, code := cli(t, home, "doctor", "--json")
	assert.Equal(t, exitConfig, code)
	require.NoError(t, json.Unmarshal([]byte(o), &got))
	assert.False(t, got.OK)
	assert.Equal(t, "local", got.Backend)
	byName := map[string]checkResult{}
	for _, c := range got.Checks {
		byName[c.Name] = c
	}
	assert.Equal(t, checkFail, byName["ffmpeg"].Status)
	assert.NotEmpty(t, byName["ffmpeg"].Fix)
	assert.Equal(t, checkPass, byName["session store"].Status)
}

func TestDoctorSecretsNeverShown(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("VIDEO_DB_API_KEY", "sk-doctor-test-value-0001")
	t.Setenv("GITHUB_TOKEN", "doctor-test-github-value-0002")
	out, _, _ := cli(t, t.TempDir(), "doctor")
	assert.NotContains(t, out, "doctor-test")
	assert.Regexp(t, `(?m)^PASS\s+VideoDB key\s+VIDEO_DB_API_KEY is set \(not shown\)`, out)
	assert.Regexp(t, `(?m)^PASS\s+GitHub token\s+GITHUB_TOKEN is set \(not shown\)`, out)

	t.Setenv("VIDEO_DB_API_KEY", "")
	out, _, _ = cli(t, t.TempDir(), "--backend", "videodb", "doctor")
	assert.Regexp(t, `(?m)^FAIL\s+VideoDB key\s+not set, but the videodb backend was chosen`, out)
}

func TestDoctorOnThisMachine(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe", "git")
	testutil.NeedFile(t, speechModelDir, "the pocketsphinx en-us model")
	var got doctorOutput
	out, stderr, code := cli(t, t.TempDir(), "doctor", "--json")
	require.NoError(t, json.Unmarshal([]byte(out), &got), stderr)
	for _, c := range got.Checks {
		if c.Status == checkFail {
			t.Errorf("FAIL %s: %s (fix: %s)", c.Name, c.Detail, c.Fix)
		}
	}
	assert.True(t, got.OK)
	assert.Equal(t, 0, code)
	names := map[string]checkStatus{}
	for _, c := range got.Checks {
		names[c.Name] = c.Status
	}
	assert.Equal(t, checkPass, names["ffmpeg asr filter"], "Debian's ffmpeg has the asr filter")
}

func TestVersionJSON(t *testing.T) {
	var v map[string]string
	cliJSON(t, "", &v, "version")
	assert.NotEmpty(t, v["version"])
	assert.Equal(t, runtime.GOOS, v["os"])
}

func TestInspectShowsLock(t *testing.T) {
	home := sampleHome(t)
	lock := filepath.Join(home, "sessions", sampleID, session.FileLock)

	require.NoError(t, os.WriteFile(lock, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600))
	var got inspectOutput
	cliJSON(t, home, &got, "inspect")
	require.NotNil(t, got.Lock)
	assert.Equal(t, lockInfo{PID: os.Getpid(), Alive: true}, *got.Lock)
	out, _, _ := cli(t, home, "inspect")
	assert.Contains(t, out, "held by running process "+strconv.Itoa(os.Getpid()))

	// A locked session is not deleted.
	_, stderr, code := cli(t, home, "sessions", "rm", sampleID)
	assert.Equal(t, exitConflict, code)
	assert.Contains(t, stderr, "in use by process")
	_, err := os.Stat(lock)
	require.NoError(t, err)
}

func TestDoctorUnwritableHome(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	out, _, code := cli(t, file, "doctor")
	assert.Equal(t, exitConfig, code)
	assert.Regexp(t, `(?m)^FAIL\s+session store\s+.*`+regexp.QuoteMeta(file)+`.*fix: set TRACE_HOME or --home to a writable directory`, out)
}

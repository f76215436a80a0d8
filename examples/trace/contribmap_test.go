package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/attribution"
	"github.com/tracepr/trace/session"
)

// contribSession makes a session over the attribution package's fixture
// logs: project /home/dev/proj, recorded 13:00–14:00 on 2025-09-11.
func contribSession(t *testing.T) (home string, fixtures string) {
	t.Helper()
	fixtures, err := filepath.Abs("../../attribution/testdata")
	require.NoError(t, err)
	home = t.TempDir()
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ID: "contrib-test", ProjectDir: "/home/dev/proj"})
	require.NoError(t, err)
	s.Meta.Epoch = time.Date(2025, 9, 11, 13, 0, 0, 0, time.UTC)
	s.Meta.Length = time.Hour
	require.NoError(t, s.Save())
	saves, err := os.ReadFile(filepath.Join(fixtures, "fixture-saves.jsonl"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(s.Path(session.FileSaves), saves, 0o600))
	return home, fixtures
}

func runContribMap(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	a := newApp(&out, &errb)
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

func TestContributionMapCommand(t *testing.T) {
	home, fx := contribSession(t)
	common := []string{"contribution-map", "contrib-test", "--home", home, "--diff", filepath.Join(fx, "fixture.diff"), "--margin", "0s",
		"--claude-dir", filepath.Join(fx, "claude"), "--codex-dir", filepath.Join(fx, "codex"), "--gemini-dir", filepath.Join(fx, "gemini")}

	out, _, err := runContribMap(t, append(common, "--json")...)
	require.NoError(t, err)
	var r attribution.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, attribution.Counts{Agent: 42, Mixed: 2, Human: 3, Unknown: 7, Total: 54}, r.Totals)
	assert.Equal(t, "contrib-test", r.Session)

	out, _, err = runContribMap(t, common...)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, "<!-- trace:contribution-map:contrib-test -->\n## Contribution map"), out)

	out, _, err = runContribMap(t, append(common, "--format", "agent-trace")...)
	require.NoError(t, err)
	var rec attribution.TraceRecord
	require.NoError(t, json.Unmarshal([]byte(out), &rec))
	assert.Equal(t, attribution.AgentTraceVersion, rec.Version)
	assert.NotEmpty(t, rec.Files)

	_, _, err = runContribMap(t, append(common, "--format", "yaml")...)
	assert.Equal(t, exitUsage, exitCode(context.Background(), err))
}

func TestContributionMapWithoutLogs(t *testing.T) {
	home, fx := contribSession(t)
	empty := t.TempDir()
	out, errOut, err := runContribMap(t, "contribution-map", "--home", home, "--diff", filepath.Join(fx, "fixture.diff"),
		"--claude-dir", empty, "--codex-dir", "-", "--gemini-dir", "-", "--json")
	require.NoError(t, err)
	assert.NotContains(t, errOut, "no agent logs", "--json keeps the hint off stderr")
	assert.Contains(t, errOut, "skipped unreadable save events", "the torn save line is reported")
	var r attribution.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Zero(t, r.Totals.Agent+r.Totals.Mixed, "no logs, no agent lines")
	assert.Equal(t, 54, r.Totals.Total)

	_, errOut, err = runContribMap(t, "contribution-map", "--home", home, "--diff", filepath.Join(fx, "fixture.diff"),
		"--claude-dir", empty, "--codex-dir", "-", "--gemini-dir", "-")
	require.NoError(t, err)
	assert.Contains(t, errOut, "no agent logs of /home/dev/proj")

	_, _, err = runContribMap(t, "contribution-map", "--home", home, "--diff", filepath.Join(empty, "missing.diff"))
	assert.Equal(t, exitNotFound, exitCode(context.Background(), err))
	_, _, err = runContribMap(t, "contribution-map", "--home", home)
	assert.Equal(t, exitUsage, exitCode(context.Background(), err), "no diff source given")
}

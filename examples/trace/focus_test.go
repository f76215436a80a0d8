package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/clipselect"
)

// agentReason returns the agent reason of path in f, if any.
func agentReason(f clipselect.Focus, path string) (clipselect.FocusReason, bool) {
	for _, x := range f.Files {
		if x.Path != path {
			continue
		}
		for _, r := range x.Reasons {
			if r.Signal == clipselect.SignalAgent {
				return r, true
			}
		}
	}
	return clipselect.FocusReason{}, false
}

func TestFocusAgentShare(t *testing.T) {
	home, fx := contribSession(t)
	base := []string{"focus", "contrib-test", "--home", home, "--diff", filepath.Join(fx, "fixture.diff"), "--top", "20", "--json"}
	logs := []string{"--claude-dir", filepath.Join(fx, "claude"), "--codex-dir", filepath.Join(fx, "codex"), "--gemini-dir", filepath.Join(fx, "gemini")}
	run := func(t *testing.T, args ...string) clipselect.Focus {
		t.Helper()
		out, errOut, err := runContribMap(t, append(append([]string{}, base...), args...)...)
		require.NoError(t, err, errOut)
		var f clipselect.Focus
		require.NoError(t, json.Unmarshal([]byte(out), &f), out)
		return f
	}

	withLogs := run(t, logs...)
	// client.go: 13 agent lines and 2 mixed of 15 (attribution's fixture).
	r, ok := agentReason(withLogs, "client.go")
	require.True(t, ok, "the agent logs give client.go an agent reason: %+v", withLogs)
	assert.Equal(t, "an AI agent wrote 93% of its added lines", r.Text)
	assert.InDelta(t, clipselect.DefaultFocusWeights.Agent*14.0/15, r.Value, 1e-9)
	r, ok = agentReason(withLogs, "options.go")
	require.True(t, ok)
	assert.Equal(t, "an AI agent wrote 100% of its added lines", r.Text)
	_, ok = agentReason(withLogs, "notes.go")
	assert.False(t, ok, "notes.go is all human: no agent reason")

	// --no-agent, or no logs at all: the session recorded no agent actions,
	// so nothing is said about agents.
	empty := t.TempDir()
	for name, args := range map[string][]string{
		"no-agent": append([]string{"--no-agent"}, logs...),
		"no logs":  {"--claude-dir", empty, "--codex-dir", "-", "--gemini-dir", "-"},
	} {
		t.Run(name, func(t *testing.T) {
			f := run(t, args...)
			for _, x := range f.Files {
				_, ok := agentReason(f, x.Path)
				assert.False(t, ok, "%s has an agent reason", x.Path)
			}
		})
	}

	// The agent share moves client.go up the ranking.
	rank := func(f clipselect.Focus, path string) int {
		for i, x := range f.Files {
			if x.Path == path {
				return i
			}
		}
		return len(f.Files)
	}
	without := run(t, "--no-agent")
	assert.LessOrEqual(t, rank(withLogs, "client.go"), rank(without, "client.go"))
	assert.Greater(t, withLogs.Files[rank(withLogs, "client.go")].Score, scoreOf(without, "client.go"))
}

func scoreOf(f clipselect.Focus, path string) float64 {
	for _, x := range f.Files {
		if x.Path == path {
			return x.Score
		}
	}
	return 0
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

func clipsSession(t *testing.T) (home, diff string) {
	t.Helper()
	home, _ = seedSession(t)
	diff = filepath.Join(t.TempDir(), "change.diff")
	require.NoError(t, os.WriteFile(diff, []byte(parserDiff), 0o600))
	return home, diff
}

func TestClipsCommand(t *testing.T) {
	home, diff := clipsSession(t)

	out, errOut, code := runTraceCode(t, home, "clips", "cli-timeline", "--diff", diff)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "session cli-timeline: 3 clips, 0:42 of the 10:00 recording (budget 1:30)")
	// The stuck stretch (error on screen, uncertain speech) is the problem;
	// the last save of parser.go is the fix. Each shows its score parts.
	assert.Contains(t, out, "1:35–1:50  stuck  role problem")
	assert.Contains(t, out, "4:53–5:05  progress  role fix")
	assert.Contains(t, out, "relevance 0.32 + role 0.20 + novelty 0.12 + quality 0.11")
	assert.Contains(t, out, "why: problem (stuck): no saves for 4m36s")
	assert.NotContains(t, out, "left out", "--explain not given")

	out, errOut, code = runTraceCode(t, home, "clips", "cli-timeline", "--diff", diff, "--explain")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "left out (3 moments):")
	assert.Contains(t, out, "0:27–1:25   idle  0.00   idle: nothing to show")
}

func TestClipsCommandJSONAndBudget(t *testing.T) {
	home, diff := clipsSession(t)
	run := func(t *testing.T, args ...string) clipsOutput {
		t.Helper()
		out, errOut, code := runTraceCode(t, home, append([]string{"clips", "cli-timeline", "--diff", diff, "--json", "--explain"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var o clipsOutput
		require.NoError(t, json.Unmarshal([]byte(out), &o), out)
		return o
	}

	all := run(t)
	assert.Equal(t, "cli-timeline", all.Session)
	assert.Equal(t, 600.0, all.Length)
	assert.Equal(t, 90.0, all.Budget)
	require.Len(t, all.Clips, 3)
	var sum float64
	for _, c := range all.Clips {
		sum += c.Span.Len().Seconds()
		require.NotEmpty(t, c.Parts, "every clip carries its score parts")
		var parts float64
		for _, p := range c.Parts {
			parts += p.Value
		}
		assert.InDelta(t, c.Score, parts, 0.001, "the parts add up to the score")
		assert.NotEmpty(t, c.Reason)
	}
	assert.InDelta(t, all.Total, sum, 1e-9)
	assert.Len(t, all.Skipped, 3)

	// A tight budget keeps the best clip and explains the rest.
	tight := run(t, "--budget", "20s")
	assert.Equal(t, 20.0, tight.Budget)
	require.NotEmpty(t, tight.Clips)
	assert.LessOrEqual(t, tight.Total, 20.0)
	assert.Less(t, len(tight.Clips), len(all.Clips))
	assert.Greater(t, len(tight.Skipped), len(all.Skipped), "the moments cut for the budget are explained")
	var budgetReason bool
	for _, sk := range tight.Skipped {
		assert.NotEmpty(t, sk.Reason)
		budgetReason = budgetReason || strings.Contains(sk.Reason, "budget")
	}
	assert.True(t, budgetReason, "some moment was left out for the budget: %+v", tight.Skipped)
}

func TestClipsCommandErrors(t *testing.T) {
	home, diff := clipsSession(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no diff", []string{"clips", "cli-timeline"}, exitUsage, "--diff FILE"},
		{"tiny budget", []string{"clips", "cli-timeline", "--diff", diff, "--budget", "10ms"}, exitUsage, "--budget 10ms"},
		{"missing diff", []string{"clips", "cli-timeline", "--diff", diff + ".missing"}, exitNotFound, "not found"},
		{"missing session", []string{"clips", "nope", "--diff", diff}, exitNotFound, "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runTraceCode(t, home, tc.args...)
			assert.Equal(t, tc.code, code, errOut)
			assert.Contains(t, errOut, tc.want)
		})
	}
}

func TestClipsCommandNothingWorthAClip(t *testing.T) {
	home, diff := clipsSession(t)
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{ID: "quiet-session"})
	require.NoError(t, err)
	s.Meta.Length = 5 * time.Minute
	require.NoError(t, s.Save())

	out, errOut, code := runTraceCode(t, home, "clips", "quiet-session", "--diff", diff, "--explain")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "session quiet-session: no moment of the 5:00 recording is worth a clip for this change")
	assert.Contains(t, out, "idle: nothing to show", "the idle moment is explained")

	out, errOut, code = runTraceCode(t, home, "clips", "quiet-session", "--diff", diff, "--json")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"clips": []`)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

func TestPRDescriptionCommand(t *testing.T) {
	home := t.TempDir()
	st, err := session.Open(home)
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{})
	require.NoError(t, err)
	require.NoError(t, s.WriteJSON(session.FileTranscript, []session.Segment{
		{Span: session.Span{Start: time.Second, End: 5 * time.Second}, Text: "I need to parse the header because the old code dropped it."},
	}))

	run := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		a := newApp(&out, &errb)
		root := a.rootCommand()
		root.SetArgs(append([]string{"--home", home}, args...))
		err := root.ExecuteContext(context.Background())
		return out.String(), err
	}
	out, err := run("pr-description", "--diff", "../../ghpr/testdata/git.diff", "--title", "Parse the header")
	require.NoError(t, err)
	assert.Contains(t, out, "<!-- trace:description:"+s.Meta.ID+" -->")
	assert.Contains(t, out, "> Parse the header.")
	assert.Contains(t, out, "## What changed")
	assert.Contains(t, out, "because the old code dropped it")

	out, err = run("--json", "pr-description", "--diff", "../../ghpr/testdata/git.diff")
	require.NoError(t, err)
	var d struct {
		Verdict struct {
			Grounded bool `json:"grounded"`
		} `json:"verdict"`
		Files []any `json:"files"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &d))
	assert.True(t, d.Verdict.Grounded)
	assert.NotEmpty(t, d.Files)

	_, err = run("pr-description", "--diff", "missing.diff")
	require.Error(t, err)
	assert.Equal(t, exitNotFound, exitCode(context.Background(), err))
}

// TestPRDescriptionOnTheSampleSession runs the command on the session and
// diff the repository ships: every section comes from that session's
// evidence, the failing test on screen among the struggles.
func TestPRDescriptionOnTheSampleSession(t *testing.T) {
	home := sampleHome(t)
	out, errOut, code := cli(t, home, "pr-description", "--diff", "../../testdata/sample-session.diff", "--title", "cart: round once, after the discount")
	require.Equal(t, 0, code, errOut)
	for _, want := range []string{
		"## What changed", "`cart/total_test.go` (added, +20 −0)",
		"## Why", "apply the discount first and round once at the end",
		"## Struggles", `"--- FAIL: TestTotal (0.00s)"`,
		"## Follow-ups", "`TODO: store money as integer cents.` (`cart/total.go:8`)",
		"## Test plan", "`cart/total_test.go`",
	} {
		assert.Contains(t, out, want)
	}

	// The clips the walkthrough would show come from the same session.
	out, errOut, code = cli(t, home, "--json", "clips", "--diff", "../../testdata/sample-session.diff")
	require.Equal(t, 0, code, errOut)
	var clips struct {
		Clips []session.Clip `json:"clips"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &clips))
	require.NotEmpty(t, clips.Clips)
	files := map[string]bool{}
	for _, c := range clips.Clips {
		for _, f := range c.Files {
			files[f] = true
		}
	}
	assert.True(t, files["cart/total.go"], "the fix of cart/total.go has a clip: %+v", clips.Clips)
}

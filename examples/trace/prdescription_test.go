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

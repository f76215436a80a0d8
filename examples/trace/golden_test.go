package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run `go test ./examples/trace -run %s -update` to create it", t.Name())
	assert.Equal(t, string(want), got, "output differs from %s (rerun with -update if the change is intended)", path)
}

// The text the sample session prints, byte for byte.
func TestGoldenSampleOutput(t *testing.T) {
	home := sampleHome(t)
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"inspect.golden", []string{"inspect", sampleID}},
		{"inspect.json.golden", []string{"inspect", sampleID, "--json"}},
		{"transcript.golden", []string{"transcript"}},
		{"transcript.json.golden", []string{"transcript", "--json"}},
		{"sessions.json.golden", []string{"sessions", "--json"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			out, stderr, code := cli(t, home, tc.args...)
			require.Equal(t, 0, code, stderr)
			golden(t, tc.golden, strings.ReplaceAll(out, home, "$TRACE_HOME"))
		})
	}
}

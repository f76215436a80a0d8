package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/testutil"
)

func TestDemoMediaIsARealRecording(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "screen.mp4")
	require.NoError(t, makeDemoMedia(ctx, dir, out))

	probe := func(args ...string) string {
		b, err := execx.Output(ctx, "ffprobe", append([]string{"-v", "error"}, append(args, out)...)...)
		require.NoError(t, err)
		return strings.TrimSpace(string(b))
	}
	dur, err := strconv.ParseFloat(probe("-show_entries", "format=duration", "-of", "csv=p=0"), 64)
	require.NoError(t, err)
	assert.InDelta(t, demoLength().Seconds(), dur, 0.5, "recording length")
	streams := probe("-show_entries", "stream=codec_type", "-of", "csv=p=0")
	assert.Contains(t, streams, "video")
	assert.Contains(t, streams, "audio")

	// The speech is really there: the audio is not silent where a line is spoken.
	mean := meanVolume(t, ctx, out, "1", "3")
	silent := meanVolume(t, ctx, out, "10", "1.5") // the gap between two spoken lines
	assert.Greater(t, mean, -40.0, "speech is audible")
	assert.Greater(t, mean, silent+10, "speech is louder than the pause")
}

func meanVolume(t *testing.T, ctx context.Context, file, at, dur string) float64 {
	t.Helper()
	// volumedetect reports on stderr, which execx keeps only for errors.
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-nostats", "-ss", at, "-t", dur, "-i", file, "-af", "volumedetect", "-f", "null", "-")
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, string(b))
	m := regexp.MustCompile(`mean_volume: (-?[0-9.]+|-inf) dB`).FindStringSubmatch(string(b))
	require.NotNil(t, m, string(b))
	if m[1] == "-inf" {
		return -200
	}
	v, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)
	return v
}

func TestDemoRepoHasBaseAndBranch(t *testing.T) {
	testutil.NeedTool(t, "git")
	ctx := context.Background()
	repo := filepath.Join(t.TempDir(), "retry")
	require.NoError(t, makeDemoRepo(ctx, repo))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "backoff.go"), []byte(demoBackoffFixed), 0o644))
	require.NoError(t, commitDemoRepo(ctx, repo))
	out, err := execx.Run(ctx, execx.Cmd{Tool: "git", Args: []string{"diff", "--stat", "main...HEAD"}, Dir: repo})
	require.NoError(t, err)
	assert.Contains(t, string(out), "backoff.go")
}

func TestDemoClaudeLogShape(t *testing.T) {
	dir := t.TempDir()
	repo := "/tmp/demo work/retry"
	s := demoSaves()[4]
	require.True(t, s.Agent)
	require.NoError(t, writeDemoClaudeLog(dir, repo, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), s, demoTestBase))
	matches, err := filepath.Glob(filepath.Join(dir, "projects", "-tmp-demo-work-retry", "*.jsonl"))
	require.NoError(t, err)
	require.Len(t, matches, 1)
	b, err := os.ReadFile(matches[0])
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(b), "\n"))
	assert.Contains(t, string(b), `"name":"Write"`)
	assert.Contains(t, string(b), `"timestamp":"2026-01-02T03:04:49.000Z"`)
}

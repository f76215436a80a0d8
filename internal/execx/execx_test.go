package execx_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/execx"
	"github.com/tracepr/trace/internal/testutil"
)

func needShell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	testutil.NeedTool(t, "sh")
}

func TestNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, tt := range []struct{ tool, hint string }{
		{"ffmpeg", execx.InstallHint("ffmpeg")},
		{"tesseract", execx.InstallHint("tesseract")},
		{"no-such-tool-xyz", ""},
	} {
		t.Run(tt.tool, func(t *testing.T) {
			_, err := execx.Output(context.Background(), tt.tool, "-version")
			var ni *execx.NotInstalledError
			require.ErrorAs(t, err, &ni)
			assert.ErrorIs(t, err, execx.ErrNotInstalled)
			assert.Equal(t, tt.tool, ni.Tool)
			assert.Contains(t, err.Error(), tt.tool+" is not installed")
			assert.NotContains(t, err.Error(), "\n")
			if tt.hint != "" {
				assert.Contains(t, err.Error(), tt.hint)
			} else {
				assert.Contains(t, err.Error(), "install it and try again")
			}
			_, err = execx.Look(tt.tool)
			assert.ErrorAs(t, err, &ni)
		})
	}
	if runtime.GOOS == "linux" {
		assert.Equal(t, "apt-get install ffmpeg", execx.InstallHint("ffmpeg"))
		assert.Equal(t, "apt-get install tesseract-ocr tesseract-ocr-eng", execx.InstallHint("tesseract"))
	}
	assert.Empty(t, execx.InstallHint("no-such-tool-xyz"))
}

func TestExitError(t *testing.T) {
	needShell(t)
	out, err := execx.Output(context.Background(), "sh", "-c", "echo partial; echo 'banner' >&2; echo 'line 1' >&2; echo 'line 2' >&2; echo 'No such file: in.mp4' >&2; exit 3")
	var ee *execx.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 3, ee.Code)
	assert.Equal(t, "sh", ee.Tool)
	assert.Contains(t, ee.Stderr, "banner")
	assert.Equal(t, "sh exited with status 3: line 1 | line 2 | No such file: in.mp4", err.Error())
	assert.Equal(t, "partial\n", string(out), "stdout so far is returned")

	_, err = execx.Output(context.Background(), "sh", "-c", "exit 1")
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "sh exited with status 1: no output", err.Error())
}

func TestStderrTail(t *testing.T) {
	needShell(t)
	// 20 KB of stderr: only the last 4 KiB is kept, ending with the real error.
	_, err := execx.Output(context.Background(), "sh", "-c", `i=0; while [ $i -lt 2000 ]; do echo "progress $i" >&2; i=$((i+1)); done; echo "fatal: bad input" >&2; exit 2`)
	var ee *execx.ExitError
	require.ErrorAs(t, err, &ee)
	assert.LessOrEqual(t, len(ee.Stderr), 4<<10)
	assert.True(t, strings.HasSuffix(ee.Stderr, "fatal: bad input\n"))
	assert.NotContains(t, ee.Stderr, "progress 0\n")
	assert.Contains(t, err.Error(), "fatal: bad input")
}

func TestCancelKills(t *testing.T) {
	needShell(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	// The shell's child sleep holds stdout open: it must die with the shell.
	_, err := execx.Output(ctx, "sh", "-c", "sleep 30; echo never")
	elapsed := time.Since(start)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "sh")
	assert.Less(t, elapsed, 10*time.Second, "Run returned long after the context ended")

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = execx.Output(ctx, "sh", "-c", "echo hi")
	assert.ErrorIs(t, err, context.Canceled, "an already canceled context runs nothing")
}

func TestPlumbing(t *testing.T) {
	needShell(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in.txt"), []byte("from a file\n"), 0o600))

	// stdin in, stdout captured
	out, err := execx.Run(context.Background(), execx.Cmd{Tool: "sh", Args: []string{"-c", "tr a-z A-Z"}, Stdin: strings.NewReader("hello\n")})
	require.NoError(t, err)
	assert.Equal(t, "HELLO\n", string(out))

	// stdout to a writer, working directory, extra environment
	var buf bytes.Buffer
	out, err = execx.Run(context.Background(), execx.Cmd{
		Tool: "sh", Args: []string{"-c", `cat in.txt; echo "$TRACE_TEST_VALUE"`},
		Dir: dir, Env: []string{"TRACE_TEST_VALUE=42"}, Stdout: &buf,
	})
	require.NoError(t, err)
	assert.Empty(t, out)
	assert.Equal(t, "from a file\n42\n", buf.String())

	// the environment is inherited
	t.Setenv("TRACE_TEST_INHERITED", "yes")
	out, err = execx.Output(context.Background(), "sh", "-c", `echo "$TRACE_TEST_INHERITED"`)
	require.NoError(t, err)
	assert.Equal(t, "yes\n", string(out))

	// binary data passes through unchanged
	data := bytes.Repeat([]byte{0, 1, 2, 255, '\n'}, 50000)
	out, err = execx.Run(context.Background(), execx.Cmd{Tool: "sh", Args: []string{"-c", "cat"}, Stdin: bytes.NewReader(data)})
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, out))
}

func TestRealTool(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg")
	out, err := execx.Output(context.Background(), "ffmpeg", "-hide_banner", "-version")
	require.NoError(t, err)
	assert.Contains(t, string(out), "ffmpeg version")

	_, err = execx.Output(context.Background(), "ffmpeg", "-hide_banner", "-i", filepath.Join(t.TempDir(), "missing.mp4"))
	var ee *execx.ExitError
	require.True(t, errors.As(err, &ee), "got %v", err)
	assert.Contains(t, err.Error(), "missing.mp4")
}

package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/testutil"
)

func TestCheckCapture(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	a := newApp(nil, nil)

	t.Setenv("XDG_SESSION_TYPE", "x11")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("XDG_CURRENT_DESKTOP", "XFCE")
	t.Setenv("DISPLAY", ":5")
	rs := checkCapture(context.Background(), a)
	require.NotEmpty(t, rs)
	assert.Equal(t, "recorder", rs[0].Name)
	assert.Equal(t, checkPass, rs[0].Status)
	assert.Contains(t, rs[0].Detail, "x11grab")
	assert.Contains(t, rs[0].Detail, ":5", "doctor says why")

	t.Setenv("XDG_SESSION_TYPE", "wayland")
	t.Setenv("WAYLAND_DISPLAY", "wayland-0")
	t.Setenv("XDG_CURRENT_DESKTOP", "GNOME")
	rs = checkCapture(context.Background(), a)
	assert.Equal(t, checkWarn, rs[0].Status)
	assert.Contains(t, rs[0].Fix, "GNOME on Xorg")
}

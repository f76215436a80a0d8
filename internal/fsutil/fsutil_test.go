package fsutil_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/internal/fsutil"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "scenes.json")
	require.NoError(t, fsutil.WriteFile(path, []byte("one"), 0o600))
	require.NoError(t, fsutil.WriteFile(path, []byte("two"), 0o640))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "two", string(b))
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm())
	}
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 1, "no temp file is left behind")
}

func TestWriteFileFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "target")
	// The target is a non-empty directory: the rename fails, and the temp
	// file must be cleaned up.
	require.NoError(t, os.MkdirAll(filepath.Join(path, "inner"), 0o700))
	err := fsutil.WriteFile(path, []byte("new"), 0o600)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	ents, _ := os.ReadDir(dir)
	assert.Len(t, ents, 1, "the temp file was removed")

	err = fsutil.WriteFile(filepath.Join(dir, "missing", "x"), []byte("x"), 0o600)
	require.Error(t, err)
}

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{
		".metadata.json.tmp-123456": true,
		"dir/.scenes.json.tmp-abc":  true,
		"metadata.json":             false,
		".hidden":                   false,
		"metadata.json.tmp-1":       false,
		"":                          false,
	} {
		assert.Equal(t, want, fsutil.IsTemp(name), name)
	}
	// What WriteFile leaves on a crash is recognised.
	dir := t.TempDir()
	f, err := os.CreateTemp(dir, ".metadata.json.tmp-*")
	require.NoError(t, err)
	f.Close()
	assert.True(t, fsutil.IsTemp(f.Name()))
}

func TestMkdirPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix permissions")
	}
	dir := filepath.Join(t.TempDir(), "a", "b")
	require.NoError(t, fsutil.MkdirPrivate(dir))
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())

	require.NoError(t, os.Chmod(dir, 0o755))
	require.NoError(t, fsutil.MkdirPrivate(dir))
	fi, _ = os.Stat(dir)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "an existing dir is tightened")
}

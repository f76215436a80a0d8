package capture_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
)

type saveLog struct {
	mu  sync.Mutex
	evs []session.SaveEvent
}

func (l *saveLog) add(e session.SaveEvent) { l.mu.Lock(); l.evs = append(l.evs, e); l.mu.Unlock() }
func (l *saveLog) get() []session.SaveEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]session.SaveEvent(nil), l.evs...)
}

func write(t *testing.T, path, body string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
}

// startWatcher runs a SaveWatcher on a fresh git project and returns the
// project, its log, and a func that stops the watcher and returns all saves.
func startWatcher(t *testing.T, debounce time.Duration) (string, *saveLog, time.Time, func() []session.SaveEvent) {
	testutil.NeedTool(t, "git")
	root := t.TempDir()
	require.NoError(t, exec.Command("git", "init", "-q", root).Run())
	write(t, filepath.Join(root, ".gitignore"), "node_modules/\n*.log\nbuild/\n")
	write(t, filepath.Join(root, "main.go"), "package main\n")
	write(t, filepath.Join(root, "pkg", "a.go"), "package pkg\n")
	write(t, filepath.Join(root, "node_modules", "dep", "index.js"), "x")
	log := &saveLog{}
	ready := make(chan struct{})
	epoch := time.Now()
	w := &capture.SaveWatcher{Root: root, Epoch: epoch, Debounce: debounce, OnSave: log.add, Ready: ready}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("watcher ended: %v", err)
	}
	stop := func() []session.SaveEvent {
		cancel()
		require.NoError(t, <-done)
		return log.get()
	}
	t.Cleanup(func() { cancel() })
	return root, log, epoch, stop
}

func waitSaves(t *testing.T, log *saveLog, n int) []session.SaveEvent {
	t.Helper()
	require.Eventually(t, func() bool { return len(log.get()) >= n }, 5*time.Second, 20*time.Millisecond, "want %d saves, have %v", n, log.get())
	time.Sleep(300 * time.Millisecond) // nothing more should come
	return log.get()
}

func TestSaveWatcherFoldsABurstIntoOneSave(t *testing.T) {
	root, log, epoch, _ := startWatcher(t, 150*time.Millisecond)
	f, err := os.OpenFile(filepath.Join(root, "main.go"), os.O_WRONLY|os.O_TRUNC, 0)
	require.NoError(t, err)
	for i := 0; i < 5; i++ {
		f.WriteString("// line\n")
		time.Sleep(20 * time.Millisecond)
	}
	f.Close()
	last := time.Since(epoch)
	evs := waitSaves(t, log, 1)
	require.Len(t, evs, 1, "%v", evs)
	assert.Equal(t, "main.go", evs[0].Path)
	assert.Equal(t, "write", evs[0].Op)
	assert.InDelta(t, last.Seconds(), evs[0].At.Seconds(), 0.1, "stamped with the burst's last write")
	assert.Equal(t, evs[0].At, evs[0].At.Round(time.Millisecond), "millisecond timestamps")
}

func TestSaveWatcherEditorPatterns(t *testing.T) {
	root, log, _, _ := startWatcher(t, 100*time.Millisecond)
	// vim: probe file 4913, swap file, rename the original to a backup,
	// write the new file, delete the backup.
	write(t, filepath.Join(root, "pkg", "4913"), "")
	os.Remove(filepath.Join(root, "pkg", "4913"))
	write(t, filepath.Join(root, "pkg", ".a.go.swp"), "swap")
	require.NoError(t, os.Rename(filepath.Join(root, "pkg", "a.go"), filepath.Join(root, "pkg", "a.go~")))
	write(t, filepath.Join(root, "pkg", "a.go"), "package pkg // edited\n")
	os.Remove(filepath.Join(root, "pkg", "a.go~"))
	os.Remove(filepath.Join(root, "pkg", ".a.go.swp"))
	evs := waitSaves(t, log, 1)
	require.Len(t, evs, 1, "%v", evs)
	assert.Equal(t, session.SaveEvent{At: evs[0].At, Path: "pkg/a.go", Op: "write"}, evs[0])

	// VS Code / atomic writers: write a temporary, rename it over the file.
	write(t, filepath.Join(root, ".main.go.tmp-123"), "package main // v2\n")
	require.NoError(t, os.Rename(filepath.Join(root, ".main.go.tmp-123"), filepath.Join(root, "main.go")))
	evs = waitSaves(t, log, 2)
	require.Len(t, evs, 2, "%v", evs)
	assert.Equal(t, "main.go", evs[1].Path)
	assert.Equal(t, "write", evs[1].Op, "a rename over an existing file is a save of it")
}

func TestSaveWatcherNewDirsRenamesAndIgnored(t *testing.T) {
	root, _, _, stop := startWatcher(t, 100*time.Millisecond)
	// ignored: git-ignored files and dirs, .git itself
	write(t, filepath.Join(root, "debug.log"), "x")
	write(t, filepath.Join(root, "node_modules", "dep", "index.js"), "y")
	write(t, filepath.Join(root, "build", "out", "bin"), "z")
	write(t, filepath.Join(root, ".git", "COMMIT_EDITMSG"), "msg")
	// a new nested directory, and a file inside it right away
	write(t, filepath.Join(root, "internal", "deep", "new.go"), "package deep\n")
	time.Sleep(300 * time.Millisecond)
	// a file written later in the new directory is seen too (it is watched)
	write(t, filepath.Join(root, "internal", "deep", "later.go"), "package deep\n")
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, os.Rename(filepath.Join(root, "main.go"), filepath.Join(root, "cmd.go")))
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, os.Remove(filepath.Join(root, "cmd.go")))
	time.Sleep(300 * time.Millisecond)
	evs := stop()
	got := map[string]string{}
	for _, e := range evs {
		got[e.Path] += e.Op + " "
	}
	assert.Equal(t, map[string]string{
		"internal/deep/new.go":   "create ",
		"internal/deep/later.go": "create ",
		"main.go":                "rename ",
		"cmd.go":                 "create remove ",
	}, got)
	for i := 1; i < len(evs); i++ {
		assert.LessOrEqual(t, evs[i-1].At, evs[i].At, "saves are in time order")
	}
}

func TestSaveWatcherOutsideGit(t *testing.T) {
	root := t.TempDir()
	log := &saveLog{}
	ready := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go (&capture.SaveWatcher{Root: root, Epoch: time.Now(), Debounce: 50 * time.Millisecond, OnSave: log.add, Ready: ready}).Run(ctx)
	<-ready
	write(t, filepath.Join(root, "notes.md"), "hi")
	evs := waitSaves(t, log, 1)
	assert.Equal(t, "notes.md", evs[0].Path)
}

func TestSaveWatcherBadRoot(t *testing.T) {
	err := (&capture.SaveWatcher{Root: filepath.Join(t.TempDir(), "nope"), OnSave: func(session.SaveEvent) {}}).Run(context.Background())
	assert.ErrorContains(t, err, "--project")
}

func TestEditorTemp(t *testing.T) {
	for name, want := range map[string]bool{
		"main.go": false, "Makefile": false, "a/b/c.ts": false, ".gitignore": false, "notes.tmpl": false,
		"4913": true, ".main.go.swp": true, "main.go~": true, ".#main.go": true, "#main.go#": true,
		".main.go.tmp-42": true, "x.go___jb_tmp___": true, "a.crswap": true, ".goutputstream-ABC": true, "dir/.f.swx": true,
	} {
		assert.Equal(t, want, capture.EditorTemp(name), name)
	}
}

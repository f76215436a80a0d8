package session_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

// The test binary doubles as the other process of the lock tests: run with
// TRACE_LOCK_CHILD set, TestLockChildProcess takes locks instead of testing.
const childEnv = "TRACE_LOCK_CHILD"

func TestLockChildProcess(t *testing.T) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		t.Skip("runs only as the child process of the lock tests")
	}
	path := os.Getenv("TRACE_LOCK_PATH")
	switch mode {
	case "hold":
		// Take the lock, say so, and hold it until stdin closes.
		unlock, err := session.LockFile(path, "child")
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		bufio.NewReader(os.Stdin).ReadString('\n')
		unlock()
		os.Exit(0)
	case "contend":
		// Take the lock N times, logging enter/leave around a short critical section.
		n, _ := strconv.Atoi(os.Getenv("TRACE_LOCK_ROUNDS"))
		logPath := os.Getenv("TRACE_LOCK_LOG")
		for i := 0; i < n; {
			unlock, err := session.LockFile(path, "child")
			if err != nil {
				time.Sleep(200 * time.Microsecond)
				continue
			}
			appendLine(logPath, fmt.Sprintf("enter %d", os.Getpid()))
			time.Sleep(time.Millisecond)
			appendLine(logPath, fmt.Sprintf("leave %d", os.Getpid()))
			unlock()
			i++
		}
		os.Exit(0)
	}
	os.Exit(2)
}

func appendLine(path, line string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		panic(err)
	}
	f.WriteString(line + "\n")
	f.Close()
}

func lockChild(t *testing.T, mode, lockPath string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockChildProcess$")
	cmd.Env = append(os.Environ(), append([]string{childEnv + "=" + mode, "TRACE_LOCK_PATH=" + lockPath}, env...)...)
	return cmd
}

func TestLockHeldByLiveProcess(t *testing.T) {
	st := newStore(t)
	s := create(t, st, "lock0001")

	child := lockChild(t, "hold", s.Path(session.FileLock))
	stdin, err := child.StdinPipe()
	require.NoError(t, err)
	stdout, err := child.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	t.Cleanup(func() { stdin.Close(); child.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "locked\n", line)

	_, err = s.Lock()
	var le *session.LockedError
	require.ErrorAs(t, err, &le)
	assert.ErrorIs(t, err, session.ErrLocked)
	assert.Equal(t, child.Process.Pid, le.PID)
	assert.Equal(t, "lock0001", le.Session)
	assert.Contains(t, err.Error(), strconv.Itoa(child.Process.Pid))
	assert.Contains(t, err.Error(), s.Path(session.FileLock))
	assert.Contains(t, err.Error(), "trace stop")

	// The lock file is intact: still the child's.
	b, err := os.ReadFile(s.Path(session.FileLock))
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(child.Process.Pid), strings.TrimSpace(string(b)))

	// Once the child lets go, the lock is ours.
	stdin.Close()
	require.NoError(t, child.Wait())
	unlock, err := s.Lock()
	require.NoError(t, err)
	unlock()
	unlock() // twice is harmless
	_, err = os.Stat(s.Path(session.FileLock))
	assert.True(t, os.IsNotExist(err))
}

func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	require.NoError(t, cmd.Run())
	pid := cmd.ProcessState.Pid()
	require.False(t, session.ProcessAlive(pid), "pid %d was reused already", pid)
	return pid
}

func TestStaleLocks(t *testing.T) {
	tests := []struct {
		name    string
		content string
		age     time.Duration
		takes   bool
	}{
		{"dead pid", "%d\n", 0, true},
		{"dead pid, no newline", "%d", 0, true},
		{"old garbage", "garbage", time.Minute, true},
		{"old empty file", "", time.Minute, true},
		{"fresh garbage may still be being written", "garbage", 0, false},
	}
	dead := deadPID(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lock")
			content := tt.content
			if strings.Contains(content, "%d") {
				content = fmt.Sprintf(content, dead)
			}
			require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
			old := time.Now().Add(-tt.age)
			require.NoError(t, os.Chtimes(path, old, old))

			unlock, err := session.LockFile(path, "s")
			if !tt.takes {
				require.ErrorIs(t, err, session.ErrLocked)
				b, _ := os.ReadFile(path)
				assert.Equal(t, content, string(b), "left alone")
				return
			}
			require.NoError(t, err)
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, strconv.Itoa(os.Getpid()), strings.TrimSpace(string(b)))
			unlock()
			ents, _ := os.ReadDir(filepath.Dir(path))
			assert.Empty(t, ents, "no lock, guard or temp file is left behind")
		})
	}
}

func TestLockSameProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := session.LockFile(path, "s")
	require.NoError(t, err)
	_, err = session.LockFile(path, "s")
	require.ErrorIs(t, err, session.ErrLocked, "a second holder in the same process is refused too")
	unlock()
	unlock2, err := session.LockFile(path, "s")
	require.NoError(t, err)
	unlock() // spent: it must not release the new holder's lock
	_, err = os.Stat(path)
	require.NoError(t, err, "the second lock is still held")
	unlock2()
}

func TestLockConcurrentGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	var inside, maxInside, entered atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; {
				unlock, err := session.LockFile(path, "s")
				if err != nil {
					time.Sleep(50 * time.Microsecond)
					continue
				}
				n := inside.Add(1)
				for {
					m := maxInside.Load()
					if n <= m || maxInside.CompareAndSwap(m, n) {
						break
					}
				}
				entered.Add(1)
				time.Sleep(20 * time.Microsecond)
				inside.Add(-1)
				unlock()
				i++
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), maxInside.Load(), "never two holders at once")
	assert.Equal(t, int32(160), entered.Load())
}

func TestLockConcurrentProcesses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lock")
	logPath := filepath.Join(dir, "log")
	// Start with a stale lock so both children race to take it over.
	require.NoError(t, os.WriteFile(path, []byte(strconv.Itoa(deadPID(t))+"\n"), 0o600))

	const rounds = 25
	var children []*exec.Cmd
	for i := 0; i < 3; i++ {
		c := lockChild(t, "contend", path, "TRACE_LOCK_ROUNDS="+strconv.Itoa(rounds), "TRACE_LOCK_LOG="+logPath)
		require.NoError(t, c.Start())
		children = append(children, c)
	}
	for _, c := range children {
		require.NoError(t, c.Wait())
	}
	b, err := os.ReadFile(logPath)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 2*rounds*len(children))
	for i := 0; i < len(lines); i += 2 {
		enter, leave := strings.Fields(lines[i]), strings.Fields(lines[i+1])
		require.Equal(t, "enter", enter[0], "line %d: %q", i, lines[i])
		require.Equal(t, "leave", leave[0], "line %d: %q", i+1, lines[i+1])
		require.Equal(t, enter[1], leave[1], "process %s left while %s held the lock", leave[1], enter[1])
	}
	_, err = os.Stat(path)
	assert.True(t, os.IsNotExist(err), "the last holder released the lock")
}

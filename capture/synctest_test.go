//go:build go1.25

package capture_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/session"
)

func TestWindowPollerReportsChangesOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The active window over time: one sample per second.
		script := []capture.Window{
			{"Code", "main.go - trace"}, {"Code", "main.go - trace"}, {"Code", "main.go - trace"},
			{"firefox", "Go docs"}, {"firefox", "Go docs"},
			{"", ""}, // a failing poll in between must not count as a change
			{"firefox", "Go docs"},
			{"kitty", "export GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789"},
		}
		i := 0
		src := capture.WindowSourceFunc(func(ctx context.Context) (capture.Window, error) {
			defer func() { i++ }()
			if i >= len(script) {
				return script[len(script)-1], nil
			}
			if i == 5 {
				return capture.Window{}, errors.New("xdotool: no display")
			}
			return script[i], nil
		})
		epoch := time.Now()
		var got []session.WindowSample
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() {
			done <- (&capture.WindowPoller{Source: src, Every: time.Second, Epoch: epoch, OnChange: func(s session.WindowSample) { got = append(got, s) }}).Run(ctx)
		}()
		time.Sleep(10*time.Second + time.Millisecond)
		cancel()
		require.NoError(t, <-done)
		require.Len(t, got, 3, "%v", got)
		assert.Equal(t, session.WindowSample{At: 0, App: "Code", Title: "main.go - trace"}, got[0])
		assert.Equal(t, session.WindowSample{At: 3 * time.Second, App: "firefox", Title: "Go docs"}, got[1])
		assert.Equal(t, 7*time.Second, got[2].At)
		assert.Equal(t, "kitty", got[2].App)
		assert.NotContains(t, got[2].Title, "ghp_", "titles are redacted")
		assert.Contains(t, got[2].Title, "[REDACTED]")
	})
}

func TestHeartbeatEveryFewSecondsAndStale(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, session.FileHeartbeat)
		rec := filepath.Join(dir, "screen.mp4")
		write(t, rec, "12345")
		start := time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() {
			done <- (&capture.Heartbeater{Path: path, Every: 3 * time.Second, Start: start, File: rec, Recorder: "x11grab"}).Run(ctx)
		}()
		synctest.Wait()
		hb, err := capture.ReadHeartbeat(path)
		require.NoError(t, err)
		assert.Equal(t, 0.0, hb.Elapsed)
		assert.Equal(t, int64(5), hb.Bytes)
		assert.Equal(t, "x11grab", hb.Recorder)
		assert.False(t, hb.Stale(time.Now(), 10*time.Second))

		write(t, rec, "1234567890")
		time.Sleep(7 * time.Second)
		synctest.Wait()
		hb, err = capture.ReadHeartbeat(path)
		require.NoError(t, err)
		assert.Equal(t, 6.0, hb.Elapsed, "rewritten at 3s and 6s")
		assert.Equal(t, int64(10), hb.Bytes)

		cancel()
		require.NoError(t, <-done)
		// The recorder is gone: after a while the heartbeat is stale.
		time.Sleep(11 * time.Second)
		hb, err = capture.ReadHeartbeat(path)
		require.NoError(t, err)
		assert.True(t, hb.Stale(time.Now(), 10*time.Second))
		assert.True(t, capture.Heartbeat{}.Stale(time.Now(), time.Hour), "a zero heartbeat is stale")
	})
}

// flakyUploader fails each chunk a number of times before it succeeds,
// and records when each attempt happened and how many ran at once.
type flakyUploader struct {
	mu       sync.Mutex
	failures map[int]int
	attempts map[int][]time.Duration
	start    time.Time
	inFlight int
	peak     int
	hold     time.Duration
}

func (u *flakyUploader) Upload(ctx context.Context, c capture.Chunk) (string, error) {
	u.mu.Lock()
	u.attempts[c.Seq] = append(u.attempts[c.Seq], time.Since(u.start))
	fail := u.failures[c.Seq] > 0
	if fail {
		u.failures[c.Seq]--
	}
	u.inFlight++
	u.peak = max(u.peak, u.inFlight)
	u.mu.Unlock()
	time.Sleep(u.hold)
	u.mu.Lock()
	u.inFlight--
	u.mu.Unlock()
	if fail {
		return "", errors.New("503 service unavailable")
	}
	return "v-" + string(rune('a'+c.Seq)), nil
}

func TestUploadsRetryWithBackoffAndBoundedConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		u := &flakyUploader{failures: map[int]int{1: 2, 3: 9}, attempts: map[int][]time.Duration{}, start: time.Now(), hold: time.Second}
		ch := make(chan capture.Chunk)
		up := &capture.Uploads{Uploader: u, Dir: dir, Concurrency: 2, Attempts: 3, Backoff: 2 * time.Second}
		done := make(chan error)
		go func() { done <- up.Run(context.Background(), ch) }()
		for seq := 0; seq < 5; seq++ {
			ch <- capture.Chunk{Seq: seq, Path: filepath.Join(dir, "chunks", "c.mp4"), Span: session.Span{Start: time.Duration(seq) * 15 * time.Second, End: time.Duration(seq+1) * 15 * time.Second}}
		}
		close(ch)
		err := <-done
		require.Error(t, err, "chunk 3 never went through")
		assert.Contains(t, err.Error(), "seq [3]")

		assert.LessOrEqual(t, u.peak, 2, "at most Concurrency uploads at once")
		// chunk 1: fails at t, retried after 2s backoff (+1s upload), then 4s.
		a := u.attempts[1]
		require.Len(t, a, 3)
		assert.Equal(t, 3*time.Second, a[1]-a[0], "1s upload + 2s backoff")
		assert.Equal(t, 5*time.Second, a[2]-a[1], "1s upload + 4s backoff")
		assert.Len(t, u.attempts[3], 3, "gives up after Attempts")

		recs, _, err := session.ReadJSONL[capture.ChunkRecord](filepath.Join(dir, session.FileChunks))
		require.NoError(t, err)
		require.Len(t, recs, 5)
		bySeq := map[int]capture.ChunkRecord{}
		for _, r := range recs {
			bySeq[r.Seq] = r
		}
		assert.Equal(t, "v-b", bySeq[1].ID)
		assert.Equal(t, 3, bySeq[1].Attempts)
		assert.Empty(t, bySeq[3].ID)
		assert.Contains(t, bySeq[3].Error, "503")
		assert.Equal(t, "chunks/c.mp4", bySeq[0].Path)
	})
}

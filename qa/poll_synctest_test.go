//go:build go1.25

package qa_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/qa"
)

// memSource serves a MemSink's comments and reports a change when their
// bodies differ from the last call.
type memSource struct {
	sink  *ghprtest.MemSink
	calls atomic.Int32
	mu    sync.Mutex
	last  string
}

func (m *memSource) Comments(ctx context.Context) ([]ghpr.Comment, bool, error) {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	cs := m.sink.Comments(pr)
	sig := ""
	for _, c := range cs {
		sig += c.Body + "\x00"
	}
	changed := sig != m.last
	m.last = sig
	return cs, changed, nil
}

func TestPollEveryIntervalUntilCancelled(t *testing.T) {
	s, idx, _ := recorded(t)
	synctest.Test(t, func(t *testing.T) {
		sink := ghprtest.NewMemSink()
		src := &memSource{sink: sink}
		b := newBot(t, sink, s, idx, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- b.Poll(ctx, pr, src, qa.PollOptions{Interval: 30 * time.Second}) }()

		time.Sleep(time.Second)
		synctest.Wait()
		assert.Equal(t, 1, int(src.calls.Load()), "first poll at once")
		sink.AddComment(pr, ghpr.Comment{Author: "rev", Association: "MEMBER", Body: "/trace why the retry?"})
		time.Sleep(30 * time.Second)
		synctest.Wait()
		assert.Equal(t, 2, int(src.calls.Load()))
		require.Len(t, sink.Comments(pr), 2, "answered on the next poll")
		time.Sleep(60 * time.Second)
		synctest.Wait()
		assert.Equal(t, 4, int(src.calls.Load()))
		assert.Len(t, sink.Comments(pr), 2, "never twice")

		cancel()
		assert.NoError(t, <-done, "Ctrl-C is a clean stop")
	})
}

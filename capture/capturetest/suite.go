package capturetest

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
)

// Setup is one recorder under test, with the request to give it (in a
// fresh directory) and a way to crash it.
type Setup struct {
	Recorder capture.Recorder
	Request  capture.Request
	// Kill makes a running recording die as kill -9 would; nil skips the
	// check of a dying recorder.
	Kill func(t *testing.T, h capture.Handle)
	// Record is how long each recording runs; default 1.5s.
	Record time.Duration
}

// Factory returns a fresh Setup for one subtest.
type Factory func(t *testing.T) Setup

// TestRecorder checks that a Recorder behaves as capture.Recorder says:
// Stop is idempotent (also when called concurrently) and returns the same
// Result; the file exists and is not empty; Done closes after Stop; the
// epoch is set; cancelling Start's context stops the recording; a
// recorder that dies closes Done and reports Err; an unusable request is
// refused.
func TestRecorder(t *testing.T, newSetup Factory) {
	t.Run("StopIdempotent", func(t *testing.T) {
		s := newSetup(t)
		ctx := context.Background()
		startedAt := time.Now()
		h, err := s.Recorder.Start(ctx, s.Request)
		require.NoError(t, err)
		require.False(t, h.Epoch().IsZero(), "Epoch must be known once Start returns")
		assert.False(t, h.Epoch().Before(startedAt.Add(-2*time.Second)), "epoch %v is before Start was called (%v)", h.Epoch(), startedAt)
		assert.False(t, h.Epoch().After(time.Now()), "epoch is in the future")
		select {
		case <-h.Done():
			t.Fatalf("recorder exited right after Start: %v", h.Err())
		default:
		}
		time.Sleep(record(s))
		results := make([]capture.Result, 3)
		errs := make([]error, 3)
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Add(1)
			go func() { defer wg.Done(); results[i], errs[i] = h.Stop(ctx) }()
		}
		wg.Wait()
		for i := range 3 {
			require.NoError(t, errs[i])
			assert.Equal(t, results[0], results[i], "every Stop returns the same Result")
		}
		again, err := h.Stop(ctx)
		require.NoError(t, err)
		assert.Equal(t, results[0], again)
		r := results[0]
		select {
		case <-h.Done():
		default:
			t.Fatal("Done is not closed after Stop")
		}
		assert.NoError(t, h.Err(), "a clean Stop leaves Err nil")
		st, err := os.Stat(r.Path)
		require.NoError(t, err, "the recording file exists")
		assert.Positive(t, st.Size(), "the recording file is not empty")
		assert.False(t, r.Epoch.IsZero(), "Result.Epoch is set")
		assert.Equal(t, h.Epoch().UnixNano(), r.Epoch.UnixNano(), "Result.Epoch is Handle.Epoch")
		assert.Greater(t, r.Duration, record(s)/2, "duration %v is far below the %v recorded", r.Duration, record(s))
		assert.Less(t, r.Duration, record(s)+5*time.Second, "duration %v is far above the %v recorded", r.Duration, record(s))
	})

	t.Run("ContextCancelStops", func(t *testing.T) {
		s := newSetup(t)
		ctx, cancel := context.WithCancel(context.Background())
		h, err := s.Recorder.Start(ctx, s.Request)
		require.NoError(t, err)
		time.Sleep(record(s) / 2)
		cancel()
		select {
		case <-h.Done():
		case <-time.After(30 * time.Second):
			t.Fatal("cancelling Start's context did not stop the recorder")
		}
		r, err := h.Stop(context.Background())
		require.NoError(t, err, "Stop after a cancelled context still returns the recording")
		assert.NoError(t, h.Err(), "a stop by context is not a crash")
		st, err := os.Stat(r.Path)
		require.NoError(t, err)
		assert.Positive(t, st.Size())
	})

	t.Run("DiesReportsErr", func(t *testing.T) {
		s := newSetup(t)
		if s.Kill == nil {
			t.Skip("this Setup has no Kill")
		}
		h, err := s.Recorder.Start(context.Background(), s.Request)
		require.NoError(t, err)
		time.Sleep(record(s))
		s.Kill(t, h)
		select {
		case <-h.Done():
		case <-time.After(30 * time.Second):
			t.Fatal("Done did not close after the recorder died")
		}
		assert.Error(t, h.Err(), "a recorder that died says so in Err")
		// Stop after a death does not hang and may recover what was written.
		done := make(chan struct{})
		go func() { h.Stop(context.Background()); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("Stop after death hangs")
		}
	})

	t.Run("RefusesEmptyDir", func(t *testing.T) {
		s := newSetup(t)
		req := s.Request
		req.Dir = ""
		h, err := s.Recorder.Start(context.Background(), req)
		if h != nil {
			h.Stop(context.Background())
		}
		assert.Error(t, err, "a request without a directory is refused")
	})
}

func record(s Setup) time.Duration {
	if s.Record > 0 {
		return s.Record
	}
	return 1500 * time.Millisecond
}

package capturetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tracepr/trace/capture"
)

// Recorder is a fake capture.Recorder. Each recording writes a small file
// that grows while it runs (it is not a video); Stop measures the elapsed
// time as the duration. The zero value records until stopped.
type Recorder struct {
	// DieAfter, when > 0, makes each recording die on its own after this
	// long, as a crashed recorder would.
	DieAfter time.Duration
	// StartErr, when set, is returned by Start.
	StartErr error
	// Tick is how often the fake writes to its file; default 100ms.
	Tick time.Duration

	mu      sync.Mutex
	handles []*Handle
}

// Name returns "fake".
func (r *Recorder) Name() string { return "fake" }

// Handles returns every recording started so far.
func (r *Recorder) Handles() []*Handle {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Handle(nil), r.handles...)
}

// Start begins a fake recording in req.Dir.
func (r *Recorder) Start(ctx context.Context, req capture.Request) (capture.Handle, error) {
	if r.StartErr != nil {
		return nil, r.StartErr
	}
	if req.Dir == "" {
		return nil, errors.New("capturetest: Request.Dir is empty: give the session directory")
	}
	if req.Output == "" {
		req.Output = capture.DefaultOutput
	}
	if req.FPS <= 0 {
		req.FPS = capture.DefaultFPS
	}
	path := filepath.Join(req.Dir, req.Output)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("capturetest: create %s: %w", path, err)
	}
	tick := r.Tick
	if tick <= 0 {
		tick = 100 * time.Millisecond
	}
	h := &Handle{req: req, path: path, f: f, epoch: time.Now(), done: make(chan struct{}), quit: make(chan error, 1)}
	f.WriteString("fake recording\n")
	go h.run(tick, r.DieAfter)
	go func() {
		select {
		case <-ctx.Done():
			h.Stop(context.Background())
		case <-h.done:
		}
	}()
	r.mu.Lock()
	r.handles = append(r.handles, h)
	r.mu.Unlock()
	return h, nil
}

// Handle is a fake recording.
type Handle struct {
	req   capture.Request
	path  string
	f     *os.File
	epoch time.Time
	done  chan struct{}
	quit  chan error // nil: asked to stop; non-nil: simulated crash

	mu       sync.Mutex
	err      error
	end      time.Time
	once     sync.Once
	stopOnce sync.Once
	result   capture.Result
	stopErr  error
}

func (h *Handle) run(tick, dieAfter time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	var die <-chan time.Time
	if dieAfter > 0 {
		dt := time.NewTimer(dieAfter)
		defer dt.Stop()
		die = dt.C
	}
	var cause error
loop:
	for {
		select {
		case <-t.C:
			h.f.WriteString("frame\n")
		case <-die:
			cause = errors.New("capturetest: recorder died (DieAfter)")
			break loop
		case cause = <-h.quit:
			break loop
		}
	}
	h.f.Close()
	h.mu.Lock()
	h.end = time.Now()
	h.err = cause
	h.mu.Unlock()
	close(h.done)
}

// Die makes the recording crash now, as kill -9 would.
func (h *Handle) Die(err error) {
	if err == nil {
		err = errors.New("capturetest: recorder killed")
	}
	select {
	case h.quit <- err:
	default:
	}
}

// Request returns the request the recording was started with.
func (h *Handle) Request() capture.Request { return h.req }

// Done is closed when the fake recorder has stopped or died.
func (h *Handle) Done() <-chan struct{} { return h.done }

// Err says why the recording died, or nil.
func (h *Handle) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// Epoch is when the recording started.
func (h *Handle) Epoch() time.Time { return h.epoch }

// Stop ends the recording (once) and returns the same Result every time.
func (h *Handle) Stop(ctx context.Context) (capture.Result, error) {
	h.stopOnce.Do(func() {
		select {
		case h.quit <- nil:
		default:
		}
		select {
		case <-h.done:
		case <-ctx.Done():
			h.stopErr = ctx.Err()
			return
		}
		h.mu.Lock()
		end := h.end
		h.mu.Unlock()
		h.result = capture.Result{Path: h.path, Duration: end.Sub(h.epoch).Round(time.Millisecond), Epoch: h.epoch,
			Audio: h.req.Audio, FPS: float64(h.req.FPS), Width: 1280, Height: 720}
	})
	return h.result, h.stopErr
}

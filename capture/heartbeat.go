package capture

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/tracepr/trace/internal/fsutil"
	"github.com/tracepr/trace/session"
)

// DefaultHeartbeat is how often the heartbeat file is rewritten.
const DefaultHeartbeat = 3 * time.Second

// Heartbeat is the content of a session's heartbeat file: proof that the
// recorder is alive and its file is growing.
type Heartbeat struct {
	Elapsed   float64   `json:"elapsed"` // seconds since recording began
	Bytes     int64     `json:"bytes"`   // size of the recording so far
	PID       int       `json:"pid"`     // the process that writes the heartbeat
	Recorder  string    `json:"recorder,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Stale reports whether the heartbeat is older than maxAge at now (a dead
// or hung recorder). A zero heartbeat is stale.
func (h Heartbeat) Stale(now time.Time, maxAge time.Duration) bool {
	return h.UpdatedAt.IsZero() || now.Sub(h.UpdatedAt) > maxAge
}

// ReadHeartbeat reads a heartbeat file.
func ReadHeartbeat(path string) (Heartbeat, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Heartbeat{}, err
	}
	var h Heartbeat
	if err := json.Unmarshal(b, &h); err != nil {
		return Heartbeat{}, fmt.Errorf("heartbeat %s is corrupt (%v): it is rewritten every few seconds while recording; delete it: %w", path, err, session.ErrCorrupt)
	}
	return h, nil
}

// Heartbeater rewrites the heartbeat file (atomically) every Every until
// its context ends, then once more.
type Heartbeater struct {
	Path     string
	Every    time.Duration // default DefaultHeartbeat
	Start    time.Time     // when recording began (the epoch); default when Run starts
	Recorder string
	// File is the recording whose size is reported; empty reports 0.
	File string
}

// Run writes the heartbeat until ctx ends. The first write is immediate.
func (hb *Heartbeater) Run(ctx context.Context) error {
	every := hb.Every
	if every <= 0 {
		every = DefaultHeartbeat
	}
	start := hb.Start
	if start.IsZero() {
		start = time.Now()
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := hb.write(start); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return hb.write(start)
		case <-t.C:
		}
	}
}

func (hb *Heartbeater) write(start time.Time) error {
	now := time.Now()
	h := Heartbeat{Elapsed: max(0, now.Sub(start).Seconds()), PID: os.Getpid(), Recorder: hb.Recorder, UpdatedAt: now.UTC()}
	if hb.File != "" {
		if st, err := os.Stat(hb.File); err == nil {
			h.Bytes = st.Size()
		}
	}
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := fsutil.WriteFile(hb.Path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

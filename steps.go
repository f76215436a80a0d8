package trace

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/tracepr/trace/session"
)

// Event reports progress of a pipeline step.
type Event struct {
	Step    string        `json:"step"`
	State   State         `json:"state"`
	Done    int           `json:"done,omitempty"`  // units finished so far (clips voiced…)
	Total   int           `json:"total,omitempty"` // units in all, when known
	Message string        `json:"message,omitempty"`
	Elapsed time.Duration `json:"-"`
}

// State is where a step is.
type State string

// Step states.
const (
	StateStart    State = "start"
	StateProgress State = "progress"
	StateDone     State = "done"
	StateSkipped  State = "skipped" // already done from the same inputs
	StateFailed   State = "failed"
)

// ErrInjected is returned by a step that a test made fail on purpose.
var ErrInjected = errors.New("injected failure")

// hashOf returns a stable content hash of v's JSON encoding.
func hashOf(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12]), nil
}

// stepper runs named steps on a session: each step's output is stored as JSON
// in the session directory together with a hash of its inputs, so a second
// run with the same inputs reads the stored output instead of redoing the
// work (and paying for it, or publishing it, twice).
type stepper struct {
	s        *session.Session
	prefix   string // step name prefix, e.g. "generate/owner-repo-7/"
	progress func(Event)
	failAt   string // test hook: fail this step after it ran, before recording it
	// failBefore is a test hook: fail this step before it runs, as a kill
	// just before it would.
	failBefore string

	// mu guards the session's step records and metadata: steps run side
	// by side.
	mu sync.Mutex
	// emu serialises progress callbacks.
	emu sync.Mutex
}

// record returns the stored record of a step.
func (st *stepper) record(name string) (session.StepRecord, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.s.Step(name)
}

func (st *stepper) emit(e Event) {
	if st.progress != nil {
		st.emu.Lock()
		defer st.emu.Unlock()
		st.progress(e)
	}
}

// run executes one step. out is the JSON file (relative to the session dir)
// that holds the step's result; inputs is anything whose JSON identifies what
// the step is computed from. It returns whether the stored result was reused.
func runStep[T any](ctx context.Context, st *stepper, name, out string, inputs any, fn func(ctx context.Context) (T, error)) (T, bool, error) {
	var zero T
	full := st.prefix + name
	h, err := hashOf(inputs)
	if err != nil {
		return zero, false, fmt.Errorf("step %s: hash inputs: %w", full, err)
	}
	in := map[string]string{"inputs": h}
	if rec, ok := st.record(full); ok && rec.Same(in) {
		var v T
		if err := st.s.ReadJSON(out, &v); err == nil {
			st.emit(Event{Step: full, State: StateSkipped})
			return v, true, nil
		} else if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, session.ErrCorrupt) {
			return zero, false, err
		}
		// The record survived but the output did not: redo the step.
	}
	if err := ctx.Err(); err != nil {
		return zero, false, err
	}
	if st.failBefore == full {
		return zero, false, fmt.Errorf("step %s: %w", full, ErrInjected)
	}
	start := time.Now()
	st.emit(Event{Step: full, State: StateStart})
	v, err := fn(ctx)
	if err == nil && st.failAt == full {
		err = fmt.Errorf("step %s: %w", full, ErrInjected)
	}
	if err != nil {
		st.emit(Event{Step: full, State: StateFailed, Message: err.Error(), Elapsed: time.Since(start)})
		return zero, false, err
	}
	if err := st.s.WriteJSON(out, v); err != nil {
		return zero, false, err
	}
	st.mu.Lock()
	err = st.s.RecordStep(full, session.StepRecord{Inputs: in, Outputs: map[string]string{"file": out}})
	st.mu.Unlock()
	if err != nil {
		return zero, false, err
	}
	st.emit(Event{Step: full, State: StateDone, Elapsed: time.Since(start)})
	return v, false, nil
}

package trace

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

func newTestSession(t *testing.T) *session.Session {
	t.Helper()
	st, err := session.Open(t.TempDir())
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{Status: session.StatusCaptured})
	require.NoError(t, err)
	return s
}

func TestRunStepReusesResultForSameInputs(t *testing.T) {
	s := newTestSession(t)
	var events []Event
	st := &stepper{s: s, prefix: "gen/", progress: func(e Event) { events = append(events, e) }}
	calls := 0
	fn := func(context.Context) ([]int, error) { calls++; return []int{calls, 42}, nil }
	ctx := context.Background()

	v, reused, err := runStep(ctx, st, "clips", "gen/clips.json", map[string]int{"budget": 60}, fn)
	require.NoError(t, err)
	assert.False(t, reused)
	assert.Equal(t, []int{1, 42}, v)

	v, reused, err = runStep(ctx, st, "clips", "gen/clips.json", map[string]int{"budget": 60}, fn)
	require.NoError(t, err)
	assert.True(t, reused)
	assert.Equal(t, []int{1, 42}, v, "the stored result comes back")
	assert.Equal(t, 1, calls, "the work was not done twice")

	// Other inputs: the step runs again.
	v, reused, err = runStep(ctx, st, "clips", "gen/clips.json", map[string]int{"budget": 90}, fn)
	require.NoError(t, err)
	assert.False(t, reused)
	assert.Equal(t, []int{2, 42}, v)

	states := []State{}
	for _, e := range events {
		states = append(states, e.State)
	}
	assert.Equal(t, []State{StateStart, StateDone, StateSkipped, StateStart, StateDone}, states)
}

func TestRunStepFailureIsNotRecorded(t *testing.T) {
	s := newTestSession(t)
	st := &stepper{s: s, failAt: "voice"}
	calls := 0
	fn := func(context.Context) (string, error) { calls++; return "ok", nil }
	_, _, err := runStep(context.Background(), st, "voice", "voice.json", 1, fn)
	require.ErrorIs(t, err, ErrInjected)
	_, ok := s.Step("voice")
	assert.False(t, ok, "a failed step leaves no record")
	assert.False(t, s.Exists("voice.json"))

	st.failAt = ""
	v, reused, err := runStep(context.Background(), st, "voice", "voice.json", 1, fn)
	require.NoError(t, err)
	assert.False(t, reused)
	assert.Equal(t, "ok", v)
	assert.Equal(t, 2, calls)
}

func TestRunStepRedoesWhenOutputVanished(t *testing.T) {
	s := newTestSession(t)
	st := &stepper{s: s}
	calls := 0
	fn := func(context.Context) (int, error) { calls++; return calls, nil }
	_, _, err := runStep(context.Background(), st, "plan", "plan.json", "x", fn)
	require.NoError(t, err)
	require.NoError(t, os.Remove(s.Path("plan.json")))
	v, reused, err := runStep(context.Background(), st, "plan", "plan.json", "x", fn)
	require.NoError(t, err)
	assert.False(t, reused)
	assert.Equal(t, 2, v)
}

func TestRunStepHonoursCancelledContext(t *testing.T) {
	s := newTestSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := runStep(ctx, &stepper{s: s}, "x", "x.json", 1, func(context.Context) (int, error) { return 1, nil })
	assert.True(t, errors.Is(err, context.Canceled))
}

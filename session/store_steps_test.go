package session_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

// TestRecordStepConcurrently runs what a pipeline does: independent steps
// recording their results from several goroutines at once. Under -race this
// fails if the step map is touched outside the session's lock.
func TestRecordStepConcurrently(t *testing.T) {
	st, err := session.Open(t.TempDir())
	require.NoError(t, err)
	s, err := st.Create(session.CreateOptions{})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("step-%d", i)
			assert.NoError(t, s.RecordStep(name, session.StepRecord{Inputs: map[string]string{"i": name}}))
			_, ok := s.Step(name)
			assert.True(t, ok)
		}()
	}
	wg.Wait()
	again, err := st.Get(s.ID())
	require.NoError(t, err)
	assert.Len(t, again.Meta.Steps, 8, "every record reached metadata.json")
}

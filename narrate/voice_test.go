package narrate_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/narrate"
	"github.com/tracepr/trace/narrate/narratetest"
)

func scripts(n int) []narrate.Script {
	var out []narrate.Script
	for i := 0; i < n; i++ {
		out = append(out, narrate.Script{Index: i, Text: fmt.Sprintf("Clip %d says something worth hearing.", i)})
	}
	return out
}

func TestSpeakBoundsConcurrency(t *testing.T) {
	for _, limit := range []int{1, 3} {
		v := &narratetest.Voice{Delay: 5 * time.Millisecond}
		got, err := narrate.Speak(context.Background(), v, scripts(10), narrate.SpeakOptions{Concurrency: limit})
		require.NoError(t, err)
		require.Len(t, got, 10)
		assert.LessOrEqual(t, v.MaxConcurrent(), limit)
		assert.Len(t, v.Texts(), 10)
		for i, s := range got {
			assert.Equal(t, i, s.Index, "order kept")
			assert.False(t, s.Failed())
			assert.Equal(t, time.Duration(float64(len(s.Text))/narrate.CharsPerSecond*float64(time.Second)).Round(time.Millisecond), s.Audio.Duration, "duration is the voice's measurement")
		}
	}
}

func TestSpeakDegradesPerClip(t *testing.T) {
	v := &narratetest.Voice{FailOn: []string{"Clip 2 "}}
	got, err := narrate.Speak(context.Background(), v, scripts(4), narrate.SpeakOptions{})
	require.NoError(t, err)
	assert.True(t, got[2].Failed())
	assert.Contains(t, got[2].Err, "refuses")
	for _, i := range []int{0, 1, 3} {
		assert.False(t, got[i].Failed(), "clip %d keeps its own voice", i)
		assert.Contains(t, v.Texts(), got[i].Text)
	}
}

func TestSpeakRedactsAndCancels(t *testing.T) {
	v := &narratetest.Voice{}
	_, err := narrate.Speak(context.Background(), v, []narrate.Script{{Text: "export API_TOKEN=abcd1234efgh5678"}}, narrate.SpeakOptions{})
	require.NoError(t, err)
	assert.NotContains(t, v.Texts()[0], "abcd1234efgh5678")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = narrate.Speak(ctx, &narratetest.Voice{Delay: time.Second}, scripts(3), narrate.SpeakOptions{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestFakeWriterRecordsPrompts(t *testing.T) {
	w := narratetest.NewWriter(`{"chunks":[{"index":0,"text":"I carry on."}]}`)
	n := &narrate.Narrator{Writer: w}
	s, err := n.Clips(context.Background(), []narrate.Pack{{Index: 0}})
	require.NoError(t, err)
	require.Len(t, w.Prompts(), 1)
	assert.Equal(t, narrate.TaskClipNarration, w.Prompts()[0].Task)
	assert.Equal(t, "I carry on.", s[0].Text)
}

package session_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

func TestFromSeconds(t *testing.T) {
	tests := []struct {
		in   float64
		want time.Duration
	}{
		{0, 0},
		{1.5, 1500 * time.Millisecond},
		{0.0000004, 0},
		{0.0000006, time.Microsecond},
		{-2.25, -2250 * time.Millisecond},
		{184.6, 184600 * time.Millisecond},
		{1e300, math.MaxInt64},
		{-1e300, math.MinInt64},
		{math.Inf(1), math.MaxInt64},
		{math.Inf(-1), math.MinInt64},
		{math.NaN(), 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, session.FromSeconds(tt.in), "%v", tt.in)
	}
	for _, d := range []time.Duration{0, time.Microsecond, 95*time.Second + 250*time.Millisecond, 1000*time.Hour + time.Microsecond} {
		assert.Equal(t, d, session.FromSeconds(session.Seconds(d)), "round trip of %v", d)
	}
}

func TestSpanWire(t *testing.T) {
	sp := session.Span{Start: 2400 * time.Millisecond, End: 9800 * time.Millisecond}
	b, err := json.Marshal(sp)
	require.NoError(t, err)
	assert.JSONEq(t, `{"start":2.4,"end":9.8}`, string(b))
	var back session.Span
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, sp, back)
	assert.Equal(t, "0:02–0:10", sp.String())
}

func TestSpanClamp(t *testing.T) {
	L := 30 * time.Second
	tests := []struct {
		name string
		in   session.Span
		want session.Span
	}{
		{"inside", session.Span{Start: time.Second, End: 2 * time.Second}, session.Span{Start: time.Second, End: 2 * time.Second}},
		{"past the end", session.Span{Start: 25 * time.Second, End: time.Minute}, session.Span{Start: 25 * time.Second, End: L}},
		{"before the start", session.Span{Start: -time.Second, End: time.Second}, session.Span{Start: 0, End: time.Second}},
		{"after the end", session.Span{Start: time.Minute, End: 2 * time.Minute}, session.Span{Start: L, End: L}},
		{"inverted", session.Span{Start: 5 * time.Second, End: time.Second}, session.Span{Start: time.Second, End: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Clamp(L)
			assert.Equal(t, tt.want, got)
			assert.False(t, got.End > L || got.Start < 0 || got.Start > got.End)
		})
	}
}

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCriticalPath(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	at := func(phase, group string, start, end float64) call {
		s := func(f float64) time.Time { return t0.Add(time.Duration(f * float64(time.Second))) }
		return call{Phase: phase, Group: group, Start: s(start), End: s(end)}
	}
	tests := []struct {
		name  string
		calls []call
		want  time.Duration
		chain []string
	}{
		{name: "empty", want: 0},
		{
			// The pipeline's shape: description beside narration and voice.
			name: "parallel text beside the voice chain",
			calls: []call{
				at("diff", "", 0, 0.5),
				at("narration", "", 0.5, 4.5),
				at("description", "", 0.5, 6.5),
				at("voice", "", 4.5, 7.5),
				at("voice", "", 4.5, 8.5),
				at("render", "", 8.5, 16.5),
				at("publish", "walkthrough", 16.5, 17),
				at("publish", "walkthrough", 17, 17.5),
				at("publish", "description", 17.5, 18),
			},
			want:  17*time.Second + 500*time.Millisecond, // 0.5 + 4 + 4 (the second voice) + 8 + 0.5 + 0.5
			chain: []string{"diff", "narration", "voice", "render", "publish", "publish"},
		},
		{
			// The seed's shape: the same work one call after another. Its
			// description waits for nothing, so it is off the chain.
			name: "sequential calls without a dependency do not chain",
			calls: []call{
				at("narration", "", 0, 4),
				at("voice", "", 4, 7),
				at("render", "", 7, 15),
				at("description", "", 15, 21),
				at("focus", "", 21, 24),
				at("publish", "focus", 24, 24.5),
			},
			want:  15 * time.Second,
			chain: []string{"narration", "voice", "render"},
		},
		{
			name: "overlapping calls never chain",
			calls: []call{
				at("narration", "", 0, 4),
				at("voice", "", 3, 6), // started before its narration ended
			},
			want:  4 * time.Second,
			chain: []string{"narration"},
		},
		{
			name: "publishes of different artefacts do not wait for each other",
			calls: []call{
				at("publish", "focus", 0, 1),
				at("publish", "contribution-map", 1, 2),
				at("publish", "contribution-map", 2, 3),
			},
			want:  2 * time.Second,
			chain: []string{"publish", "publish"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, chain := criticalPath(tt.calls, dependsOn)
			assert.Equal(t, tt.want, got)
			var phases []string
			for _, c := range chain {
				phases = append(phases, c.Phase)
			}
			assert.Equal(t, tt.chain, phases)
		})
	}
}

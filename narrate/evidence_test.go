package narrate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

func TestClipPacks(t *testing.T) {
	packs := ClipPacks(fixtureEvidence(), fixtureDiff(), fixtureClips(), PackOptions{})
	require.Len(t, packs, 3)

	stuck := packs[0]
	assert.Equal(t, 0, stuck.Index)
	assert.Equal(t, session.KindStuck, stuck.Kind)
	require.Len(t, stuck.Transcript, 1)
	assert.Contains(t, stuck.Transcript[0].Text, "panicking")
	assert.Equal(t, []string{"panic: assignment to entry in nil map"}, stuck.Errors())
	assert.Equal(t, "session/store.go", stuck.MainFile())
	require.Len(t, stuck.Hunks, 1)
	assert.Equal(t, "session/store.go", stuck.Hunks[0].Path)

	research := packs[1]
	assert.Len(t, research.Saves, 1)
	assert.Equal(t, []string{"session/store.go"}, research.Files, "files come from the saves in the span")

	agent := packs[2]
	require.Len(t, agent.Agent, 1)
	assert.Equal(t, "session/store_test.go", agent.MainFile())
}

func TestSpanPackResolvesScreenBasenames(t *testing.T) {
	p := SpanPack(fixtureEvidence(), fixtureDiff(), span(0, 10), PackOptions{})
	assert.Equal(t, []string{"session/store.go"}, p.Files, "store.go on screen is the diff's session/store.go")
}

func TestHunksAreCapped(t *testing.T) {
	p := SpanPack(fixtureEvidence(), fixtureDiff(), span(0, 30), PackOptions{MaxHunkLines: 2})
	require.Len(t, p.Hunks, 1)
	assert.Len(t, p.Hunks[0].Hunks[0].Lines, 2)
}

func TestBuildPRPack(t *testing.T) {
	pr := BuildPRPack(PRInput{Title: "Reject corrupt metadata", Evidence: fixtureEvidence(), Diff: fixtureDiff(), Clips: fixtureClips()})
	assert.Equal(t, 5, pr.Added)
	assert.Equal(t, 1, pr.Removed)
	require.Len(t, pr.Files, 2)
	assert.Equal(t, []Note{{Path: "session/store.go", Line: 42, Text: "TODO: validate the schema version too"}}, pr.Notes)
	assert.Len(t, pr.Clips, 3)
	assert.Equal(t, []string{"go test ./session"}, commandsSeen(&pr))
}

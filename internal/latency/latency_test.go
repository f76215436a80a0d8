package latency

import (
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var spread = Dist{Median: 100 * time.Millisecond, Spread: 0.3}

func draw(d *Draws, seed uint64, key string) time.Duration {
	return spread.Draw(d.Next(seed, key))
}

func TestDrawsAreDeterministicForSeedAndKey(t *testing.T) {
	var a, b Draws
	for range 5 {
		assert.Equal(t, draw(&a, 7, "voice"), draw(&b, 7, "voice"))
	}
	// Pinned values, as the fakes drew them before this package existed
	// (videodbtest's editor route and ghprtest's edit_pr, seed 1): a change
	// here changes every benchmark's schedule.
	var c Draws
	editor := Dist{Median: 8 * time.Second, Spread: 0.3}
	editorKey := Key("editor", "POST", "editor")
	assert.Equal(t, time.Duration(9204736290), editor.Draw(c.Next(1, editorKey)))
	assert.Equal(t, time.Duration(5852654876), editor.Draw(c.Next(1, editorKey)))
	editPR := Dist{Median: 400 * time.Millisecond, Spread: 0.25}
	assert.Equal(t, time.Duration(525431125), editPR.Draw(c.Next(1, Key("edit_pr", "PATCH", "repos/*/*/pulls/*"))))

	assert.NotEqual(t, draw(new(Draws), 7, "voice"), draw(new(Draws), 8, "voice"), "another seed, another delay")
	assert.NotEqual(t, draw(new(Draws), 7, "voice"), draw(new(Draws), 7, "image"), "another key, another delay")
}

func TestDrawsCountRepeatsPerKey(t *testing.T) {
	var a Draws
	v1, v2, v3 := draw(&a, 3, "voice"), draw(&a, 3, "voice"), draw(&a, 3, "voice")
	assert.NotEqual(t, v1, v2, "a repeat is a new draw")
	assert.NotEqual(t, v2, v3)

	// Draws of other keys in between do not move a key's count.
	var b Draws
	draw(&b, 3, "image")
	assert.Equal(t, v1, draw(&b, 3, "voice"))
	draw(&b, 3, "image")
	draw(&b, 3, "text")
	assert.Equal(t, v2, draw(&b, 3, "voice"))
	assert.Equal(t, v3, draw(&b, 3, "voice"))

	// Reset starts every key over.
	b.Reset()
	assert.Equal(t, v1, draw(&b, 3, "voice"))
}

func TestDrawsAreSafeConcurrently(t *testing.T) {
	var seq Draws
	want := make([]time.Duration, 40)
	for i := range want {
		want[i] = draw(&seq, 5, "k")
	}
	var par Draws
	got := make([]time.Duration, len(want))
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = draw(&par, 5, "k") }()
	}
	wg.Wait()
	sortDurations(want)
	sortDurations(got)
	assert.Equal(t, want, got, "every repeat count is handed out once")
}

func sortDurations(ds []time.Duration) { sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] }) }

func TestDistDraw(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		d    Dist
	}{
		{"no spread", Dist{Median: time.Second}},
		{"zero median", Dist{Spread: 0.5}},
		{"negative spread", Dist{Median: time.Second, Spread: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is fixed", func(t *testing.T) {
			for range 3 {
				assert.Equal(t, tt.d.Median, tt.d.Draw(r))
			}
		})
	}

	// Lognormal: the median of many draws is near Median, and about 95%
	// fall within exp(±2σ) of it.
	d := Dist{Median: time.Second, Spread: 0.3}
	const n = 4001
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = d.Draw(r)
		require.Positive(t, ds[i])
	}
	sortDurations(ds)
	assert.InDelta(t, 1.0, ds[n/2].Seconds(), 0.05)
	lo, hi := math.Exp(-0.6), math.Exp(0.6)
	in := 0
	for _, x := range ds {
		if x.Seconds() >= lo && x.Seconds() <= hi {
			in++
		}
	}
	assert.InDelta(t, 0.954, float64(in)/n, 0.02)
}

func TestScale(t *testing.T) {
	tests := []struct {
		scale float64
		want  time.Duration
	}{
		{0, 8 * time.Second},
		{-2, 8 * time.Second},
		{1, 8 * time.Second},
		{0.5, 4 * time.Second},
		{0.001, 8 * time.Millisecond},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Scale(8*time.Second, tt.scale), "scale %v", tt.scale)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"video/*/index", "video/m-1/index", true},
		{"video/*/index", "video/m-1/index/scene", false},
		{"video/*/index", "video/index", false},
		{"video/*/index", "audio/m-1/index", false},
		{"editor", "editor", true},
		{"editor", "compile", false},
		{"*", "user", true},
		{"*", "a/b", false},
		{"repos/*/*/pulls/*", "repos/o/r/pulls/1", true},
		{"", "", true},
		{"", "x", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Match(tt.pattern, tt.path), "%q ~ %q", tt.pattern, tt.path)
	}
}

func TestKeyKeepsPartsApart(t *testing.T) {
	assert.NotEqual(t, Key("ab", "c"), Key("a", "bc"))
	assert.Equal(t, Key(Key("a", "b"), "c"), Key("a", "b", "c"))
}

func TestLog(t *testing.T) {
	var l Log[int]
	assert.Empty(t, l.All())
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); l.Add(i) }()
	}
	wg.Wait()
	got := l.All()
	require.Len(t, got, 50)
	sort.Ints(got)
	for i, v := range got {
		assert.Equal(t, i, v)
	}
	got[0] = -1
	assert.NotContains(t, l.All(), -1, "All returns a copy")
	l.Reset()
	assert.Empty(t, l.All())
}

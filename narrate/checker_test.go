package narrate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckerCorpus runs the checker over texts with planted inventions and
// over grounded texts: each invention must be caught, and nothing else.
func TestCheckerCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/checker/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	g := NewGrounds(fixtureEvidence(), fixtureDiff())
	g.Add("title", "Reject corrupt metadata")
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			var c struct {
				Text        string   `json:"text"`
				Grounded    bool     `json:"grounded"`
				Unsupported []string `json:"unsupported"`
			}
			require.NoError(t, json.Unmarshal(b, &c))
			v := g.Check(c.Text)
			assert.Equal(t, c.Grounded, v.Grounded, "verdict: %s", v)
			var got []string
			for _, u := range v.Unsupported() {
				got = append(got, u.Text)
			}
			assert.ElementsMatch(t, c.Unsupported, got, "verdict: %s", v)
		})
	}
}

func TestCheckerClaimKinds(t *testing.T) {
	g := NewGrounds(fixtureEvidence(), fixtureDiff())
	v := g.Check("I ran `go test ./session`, saw \"panic: assignment to entry in nil map\" in store.go and fixed Open.")
	kinds := map[ClaimKind]bool{}
	for _, c := range v.Claims {
		kinds[c.Kind] = true
		assert.True(t, c.Supported, "%+v", c)
		assert.NotEmpty(t, c.Source)
	}
	assert.True(t, kinds[ClaimCommand] && kinds[ClaimError] && kinds[ClaimFile])
}

func TestCheckerIgnoresLinksAndAllowedNames(t *testing.T) {
	g := NewGrounds(fixtureEvidence(), fixtureDiff())
	v := g.Check("Watch the [walkthrough](https://example.test/v/abc123/x_y.mp4) on GitHub, e.g. in VideoDB.")
	assert.True(t, v.Grounded, v.String())
}

func TestSentences(t *testing.T) {
	got := sentences("- [ ] Run `go test ./...`. Then check store.go! \n## Why\nI did it. 3 files changed.")
	var texts []string
	for _, s := range got {
		texts = append(texts, s.text)
	}
	assert.Equal(t, []string{"Run `go test ./...`.", "Then check store.go!", "Why", "I did it.", "3 files changed."}, texts)
}

func TestRepair(t *testing.T) {
	g := NewGrounds(fixtureEvidence(), fixtureDiff())
	text := "I fixed parseMetadata. The Open function returns a nil map."
	v := g.Check(text)
	require.False(t, v.Grounded)
	fixed, reps := g.Repair(text, v, []string{"The docs say json Unmarshal leaves the map nil, so I initialise it first."})
	assert.Equal(t, "The docs say json Unmarshal leaves the map nil, so I initialise it first. The Open function returns a nil map.", fixed)
	require.Len(t, reps, 1)
	assert.Equal(t, []string{"parseMetadata"}, reps[0].Claims)
	assert.True(t, g.Check(fixed).Grounded)

	// Without candidates the sentence is dropped, and an emptied bullet goes with it.
	fixed, _ = g.Repair("- I fixed parseMetadata.\n- Saved store.go.\n", g.Check("- I fixed parseMetadata.\n- Saved store.go.\n"), nil)
	assert.Equal(t, "- Saved store.go.\n", fixed)
}

func TestVerdictProblem(t *testing.T) {
	g := NewGrounds(fixtureEvidence(), fixtureDiff())
	v := g.Check("I edited loader.go and parseMetadata.")
	p := v.Problem()
	assert.Contains(t, p, `file "loader.go"`)
	assert.Contains(t, p, `identifier "parseMetadata"`)
	assert.Empty(t, g.Check("I edited store.go.").Problem())
	b, err := json.Marshal(v)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"grounded":false`)
}

func FuzzCheck(f *testing.F) {
	f.Add("I ran `go test ./...` and saw \"panic: x\" in a/b.go at 1:02, 40% faster. Store.Open()")
	f.Add("- [ ] **`x`** [link](http://y) “quoted” 12:34:56")
	g := NewGrounds(fixtureEvidence(), fixtureDiff())
	f.Fuzz(func(t *testing.T, text string) {
		v := g.Check(text)
		fixed, _ := g.Repair(text, v, []string{"The Open function returns a nil map."})
		_ = g.Check(fixed)
	})
}

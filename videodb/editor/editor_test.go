package editor_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/videodb/editor"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestTimelineJSONGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		tl   func() *editor.Timeline
	}{
		{"empty", func() *editor.Timeline { return &editor.Timeline{} }},
		{"all_assets", func() *editor.Timeline {
			tl := editor.New()
			tl.AddTrack().Add(0, editor.Clip{Asset: &editor.VideoAsset{ID: "m-1", Start: 10, Mute: true}, Duration: 30, Fit: editor.FitNone, Transition: editor.Fade(0), Filter: editor.FilterGreyscale})
			tl.AddTrack().Add(1.5, editor.Clip{Asset: &editor.AudioAsset{ID: "a-1", Volume: 0.2}, Duration: 4.25})
			tl.AddTrack().Add(0, editor.Clip{Asset: &editor.ImageAsset{ID: "img-1"}, Duration: 3, Scale: 0.5, Position: editor.PositionTopRight, Offset: editor.Offset{X: 0.1, Y: -0.2}, Fit: editor.FitContain})
			tl.AddTrack().Add(0, editor.Clip{Asset: &editor.TextAsset{Text: "hello", Border: &editor.Border{Color: "#111111", Width: 1}, Shadow: &editor.Shadow{X: 1, Y: 1}, Background: &editor.Background{Width: 200, Height: 40}}, Duration: 2, Effect: "zoom", ZIndex: 2})
			tl.AddTrack().Add(0, editor.Clip{Asset: &editor.CaptionAsset{Animation: "karaoke"}, Duration: 30})
			return tl
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.tl().Payload()
			require.NoError(t, err)
			var pretty json.RawMessage = b
			out, err := json.MarshalIndent(pretty, "", "  ")
			require.NoError(t, err)
			out = append(out, '\n')
			p := filepath.Join("testdata", tc.name+".golden")
			if *update {
				require.NoError(t, os.WriteFile(p, out, 0o644))
			}
			want, err := os.ReadFile(p)
			require.NoError(t, err, "run go test -update")
			assert.Equal(t, string(want), string(out))
		})
	}
}

func TestClipKeys(t *testing.T) {
	b, err := json.Marshal(editor.Clip{Asset: &editor.ImageAsset{ID: "img-1"}, Duration: 1})
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"effect", "scale", "opacity", "fit", "position", "offset", "z_index"} {
		assert.Contains(t, m, k, "always sent")
	}
	for _, k := range []string{"transition", "filter"} {
		assert.NotContains(t, m, k, "only when set")
	}
	assert.Nil(t, m["effect"])
	assert.Equal(t, "crop", m["fit"])

	b, err = json.Marshal(editor.Clip{Asset: &editor.ImageAsset{ID: "img-1"}, Duration: 1, Fit: editor.FitNone})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"fit":null`)
}

func TestValidate(t *testing.T) {
	tl := editor.New()
	tr := tl.AddTrack()
	tr.Add(-1, editor.Clip{Asset: &editor.VideoAsset{ID: "a-1"}, Duration: 0, Scale: 11, Opacity: 2, Fit: "stretch", Position: "middle", Filter: "sepia"})
	tr.Add(0, editor.Clip{Duration: 1})
	err := tl.Validate()
	require.Error(t, err)
	for _, want := range []string{"start -1", "duration 0", "scale 11", "opacity 2", `fit "stretch"`, `position "middle"`, `filter "sepia"`, `must start with "m-"`, "track 0 clip 1: no asset"} {
		assert.Contains(t, err.Error(), want)
	}
	ok := editor.New()
	ok.AddTrack().Add(0, editor.Clip{Asset: &editor.TextAsset{Text: "x"}, Duration: 1})
	require.NoError(t, ok.Validate())
	assert.Equal(t, 1.0, ok.Duration())
}

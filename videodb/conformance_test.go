package videodb_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/render/rendertest"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// TestRendererConformance runs the render conformance suite against the
// editor-backed Renderer on the in-process fake VideoDB, with narration
// voiced by the VideoDB Voice.
func TestRendererConformance(t *testing.T) {
	rendertest.TestRenderer(t, func(t *testing.T) rendertest.Setup {
		srv, c := newFake(t, videodbtest.Options{})
		id := srv.AddVideo("rec", 20)
		voice := videodb.NewVoice(c, videodb.VoiceOptions{VoiceName: "Aria"})
		return rendertest.Setup{
			Renderer:     videodb.NewRenderer(c, videodb.RendererOptions{}),
			Source:       session.Media{ID: id, Duration: 20 * time.Second},
			SourceLength: 20 * time.Second,
			Narration: func(t *testing.T, text string) session.Media {
				m, err := voice.Speak(context.Background(), text)
				require.NoError(t, err)
				return m
			},
		}
	})
}

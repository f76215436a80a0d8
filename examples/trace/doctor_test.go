package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFFmpegFilters(t *testing.T) {
	// The head of `ffmpeg -hide_banner -filters` from Debian's ffmpeg 5.1.
	out := `Filters:
  T.. = Timeline support
  .S. = Slice threading
  ..C = Command support
  A = Audio input/output
  V = Video input/output
  N = Dynamic number and/or type of input/output
  | = Source or sink filter
 ... abench            A->A       Benchmark part of a filtergraph.
 ... asr               A->A       Automatic Speech Recognition.
 ... flite             |->A       Synthesize voice from text using libflite.
 ..C scale             V->V       Scale the input video size and/or convert the image format.
 TSC xfade             VV->V      Cross fade one video with another video.
`
	have := ffmpegFilters(out)
	for _, f := range []string{"abench", "asr", "flite", "scale", "xfade"} {
		assert.True(t, have[f], f)
	}
	for _, f := range []string{"Filters:", "T..", "=", "A", "Timeline", "ocr"} {
		assert.False(t, have[f], f)
	}
	assert.Empty(t, ffmpegFilters(""))
}

func TestFirstLine(t *testing.T) {
	assert.Equal(t, "ffmpeg version 5.1.9-0+deb12u1", firstLine("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers\nbuilt with gcc 12\n"))
	assert.Equal(t, "git version 2.39.5", firstLine("  git version 2.39.5\n"))
	assert.Equal(t, "", firstLine(""))
}

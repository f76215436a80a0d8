package capture_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/capture/capturetest"
	"github.com/tracepr/trace/internal/testutil"
	"github.com/tracepr/trace/session"
)

// probingUploader "uploads" a chunk by measuring it with ffprobe, so a
// chunk that is not a complete, playable file fails.
type probingUploader struct {
	mu     sync.Mutex
	got    map[int]capture.Chunk
	infos  map[int]capture.Info
	failed bool
}

func (u *probingUploader) Upload(ctx context.Context, c capture.Chunk) (string, error) {
	info, err := capture.Probe(ctx, c.Path)
	u.mu.Lock()
	defer u.mu.Unlock()
	if err != nil {
		u.failed = true
		return "", err
	}
	u.got[c.Seq] = c
	u.infos[c.Seq] = info
	return "chunk-" + strings.TrimPrefix(c.Path[strings.LastIndex(c.Path, "_")+1:], "0"), nil
}

func TestLiveChunksArePlayableContiguousAndCoverTheRecording(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg", "ffprobe")
	display := capturetest.Xvfb(t, "640x480x24")
	capturetest.Animate(t, display, 200*time.Millisecond)
	dir := t.TempDir()
	ctx := context.Background()
	h, err := x11(t, display).Start(ctx, capture.Request{Dir: dir, Display: display, Audio: true, AudioInput: sine, Segment: 2 * time.Second})
	require.NoError(t, err)
	src, ok := h.(capture.ChunkSource)
	require.True(t, ok, "a live ffmpeg handle is a ChunkSource")
	up := &probingUploader{got: map[int]capture.Chunk{}, infos: map[int]capture.Info{}}
	uploads := &capture.Uploads{Uploader: up, Dir: dir, Concurrency: 2}
	upDone := make(chan error, 1)
	go func() { upDone <- uploads.Run(ctx, src.Chunks()) }()

	time.Sleep(3 * time.Second)
	// Chunks arrive while recording goes on.
	up.mu.Lock()
	early := len(up.got)
	up.mu.Unlock()
	assert.GreaterOrEqual(t, early, 1, "a chunk was uploaded before the recording stopped")
	time.Sleep(4 * time.Second)
	res, err := h.Stop(ctx)
	require.NoError(t, err)
	require.NoError(t, <-upDone)
	require.False(t, up.failed)

	n := len(up.got)
	require.GreaterOrEqual(t, n, 3)
	var end time.Duration
	for seq := 0; seq < n; seq++ {
		c, ok := up.got[seq]
		require.True(t, ok, "chunk %d was uploaded", seq)
		assert.Equal(t, end, c.Span.Start, "chunk %d starts where the previous one ended", seq)
		assert.InDelta(t, c.Span.Len().Seconds(), up.infos[seq].Duration.Seconds(), 0.25, "chunk %d's file is as long as its span", seq)
		end = c.Span.End
	}
	assert.InDelta(t, res.Duration.Seconds(), end.Seconds(), 0.3, "chunks cover the whole recording")

	recs, st, err := session.ReadJSONL[capture.ChunkRecord](dir + "/" + session.FileChunks)
	require.NoError(t, err)
	assert.Zero(t, st.Skipped)
	require.Len(t, recs, n)
	for _, r := range recs {
		assert.NotEmpty(t, r.ID)
		assert.True(t, strings.HasPrefix(r.Path, "chunks/chunk_"), r.Path)
		assert.Equal(t, 1, r.Attempts)
	}

	// A second run over the same chunks sends nothing again.
	again := &probingUploader{got: map[int]capture.Chunk{}, infos: map[int]capture.Info{}}
	cs, err := capture.ReadChunkList(dir + "/chunks/segments.csv")
	require.NoError(t, err)
	ch := make(chan capture.Chunk, len(cs))
	for _, c := range cs {
		ch <- c
	}
	close(ch)
	require.NoError(t, (&capture.Uploads{Uploader: again, Dir: dir}).Run(ctx, ch))
	assert.Empty(t, again.got)
}

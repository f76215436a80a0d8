package videodb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/editor"
	"github.com/tracepr/trace/videodb/videodbtest"
)

func TestEditorCompile(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{})
	id := srv.AddVideo("rec", 60)
	tl := editor.New()
	tl.AddTrack().Add(0, editor.Clip{Asset: &editor.VideoAsset{ID: id, Start: 5}, Duration: 10})
	st, err := c.Editor.Compile(ctx, tl)
	require.NoError(t, err)
	assert.Contains(t, st.StreamURL, "/stream/ed-")
	body := lastBody(t, srv, "POST", "editor")
	require.Contains(t, body, "timeline")
	again, err := c.Editor.Compile(ctx, tl)
	require.NoError(t, err)
	assert.Equal(t, st.StreamURL, again.StreamURL, "same timeline, same stream")

	// An unknown asset is refused by the server with its reason.
	bad := editor.New()
	bad.AddTrack().Add(0, editor.Clip{Asset: &editor.VideoAsset{ID: "m-404"}, Duration: 1})
	_, err = c.Editor.Compile(ctx, bad)
	var re *videodb.RequestError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, re.Message, `video asset "m-404" not found`)

	// An invalid timeline never leaves the machine.
	srv.Reset()
	inv := editor.New()
	inv.AddTrack().Add(0, editor.Clip{Asset: &editor.VideoAsset{ID: id}, Duration: -1})
	_, err = c.Editor.Compile(ctx, inv)
	require.Error(t, err)
	assert.Empty(t, srv.Requests())
}

func TestEditorLargeTimelineGoesByURL(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{})
	tl := editor.New()
	tr := tl.AddTrack()
	for i := 0; i < 400; i++ {
		tr.Add(float64(i), editor.Clip{Asset: &editor.TextAsset{Text: fmt.Sprintf("line %d %s", i, strings.Repeat("x", 200))}, Duration: 1})
	}
	payload, err := tl.Payload()
	require.NoError(t, err)
	require.Greater(t, len(payload), videodb.TimelineUploadLimit)
	st, err := c.Editor.Compile(ctx, tl)
	require.NoError(t, err)
	assert.NotEmpty(t, st.StreamURL)
	r, ok := srv.Last("GET", "collection/default/upload_url")
	require.True(t, ok)
	assert.Equal(t, "timeline_data.json", r.Query.Get("name"))
	body := lastBody(t, srv, "POST", "editor")
	assert.NotContains(t, body, "timeline")
	assert.Contains(t, body["timeline_url"], srv.URL+"/_upload/")
	require.Len(t, srv.Timelines(), 1)
	assert.Contains(t, string(srv.Timelines()[0]), "line 399")
}

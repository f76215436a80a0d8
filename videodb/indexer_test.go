package videodb_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/session/sessiontest"
	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// describeScreens answers the scene prompt the way a vision model does,
// with a fence and prose around the JSON on some scenes.
func describeScreens(start, end float64) string {
	switch int(start/10) % 3 {
	case 0:
		return "```json\n{\"label\": \"code_editor\", \"files\": [\"parser.go\"], \"functions\": [\"readFrame\"], \"errors\": [], \"summary\": \"Editing readFrame in parser.go\"}\n```"
	case 1:
		return `Here is the JSON: {"label":"terminal","files":[],"functions":[],"errors":["unexpected EOF"],"summary":"go test fails with unexpected EOF"} Hope it helps.`
	default:
		return `{"label": "ai_assistant", "summary": "asking the assistant about buffer sizes", "files": "parser.go, frame.go"`
	}
}

func newSession(t *testing.T, length time.Duration) *session.Session {
	s := sessiontest.NewSession(t, length)
	s.Meta.Mic = true
	s.Meta.Recording = "screen.mp4"
	require.NoError(t, os.WriteFile(s.Path("screen.mp4"), []byte(strings.Repeat("frame", 1000)), 0o600))
	require.NoError(t, s.Save())
	return s
}

func TestIndexerConformance(t *testing.T) {
	sessiontest.Suite{
		New: func(t *testing.T) (session.Indexer, *session.Session) {
			srv, c := newFake(t, videodbtest.Options{VideoLength: 45})
			srv.SetSceneDescriptions("", describeScreens)
			return videodb.NewIndexer(c, videodb.IndexerOptions{}), newSession(t, 45*time.Second)
		},
		Phrases: []string{"parser", "benchmark"},
		Visual:  []string{"readFrame", "unexpected EOF"},
	}.Run(t)
}

func TestIndexerStoresAndResumes(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{VideoLength: 45})
	srv.SetSceneDescriptions("", describeScreens)
	s := newSession(t, 45*time.Second)
	ix := videodb.NewIndexer(c, videodb.IndexerOptions{})

	// The scene index fails once (a 5xx on a paid POST is not retried):
	// the upload and the spoken index are kept for the next run.
	srv.Inject(videodbtest.Fault{Method: "POST", Path: "video/", Suffix: "/index/scene", Status: 503, Message: "busy"})
	_, err := ix.Index(ctx, s)
	require.Error(t, err)
	require.Len(t, srv.VideoIDs(), 1)

	idx, err := ix.Index(ctx, s)
	require.NoError(t, err)
	assert.Len(t, srv.VideoIDs(), 1, "no second upload")
	assert.Len(t, srv.RequestsTo("GET", "collection/default/upload_url"), 1)

	vid := srv.VideoIDs()[0]
	assert.Equal(t, vid, s.Meta.BackendIDs[videodb.IDVideo])
	assert.Len(t, s.Meta.BackendIDs[videodb.IDSceneIndex], 16)
	assert.Equal(t, "videodb", s.Meta.Backend)

	scenes, err := idx.Scenes(ctx)
	require.NoError(t, err)
	require.Len(t, scenes, 5)
	assert.Equal(t, session.Scene{Span: session.Span{Start: 0, End: 10 * time.Second}, Label: session.LabelEditor, Files: []string{"parser.go"}, Functions: []string{"readFrame"}, Summary: "Editing readFrame in parser.go"}, scenes[0])
	assert.Equal(t, session.LabelTerminal, scenes[1].Label)
	assert.Equal(t, []string{"unexpected EOF"}, scenes[1].Errors)
	assert.Equal(t, session.LabelAIAssistant, scenes[2].Label, "label salvaged from broken JSON")
	assert.NotEmpty(t, scenes[2].RawText)

	var onDisk []session.Scene
	require.NoError(t, s.ReadJSON(session.FileScenes, &onDisk))
	assert.Equal(t, scenes, onDisk)
	var tr []session.Segment
	require.NoError(t, s.ReadJSON(session.FileTranscript, &tr))
	require.Len(t, tr, 5)
	assert.Equal(t, session.Span{Start: 5 * time.Second, End: 11 * time.Second}, tr[1].Span)

	// A third run does nothing paid.
	srv.Reset()
	_, err = ix.Index(ctx, s)
	require.NoError(t, err)
	for _, r := range srv.Requests() {
		assert.NotEqual(t, "POST", r.Method, "re-index must not POST: %s", r.Path)
	}
}

func TestIndexerReusesUploadAfterCrash(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{VideoLength: 30})
	s := newSession(t, 30*time.Second)
	// An earlier run uploaded the video and died before saving its id.
	srv.AddVideo("trace-"+s.ID(), 30)
	_, err := videodb.NewIndexer(c, videodb.IndexerOptions{}).Index(ctx, s)
	require.NoError(t, err)
	assert.Len(t, srv.VideoIDs(), 1)
	assert.Empty(t, srv.RequestsTo("GET", "collection/default/upload_url"))
}

func TestIndexerReusesExistingSceneIndex(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{VideoLength: 30})
	s := newSession(t, 30*time.Second)
	ix := videodb.NewIndexer(c, videodb.IndexerOptions{})
	_, err := ix.Index(ctx, s)
	require.NoError(t, err)
	first := s.Meta.BackendIDs[videodb.IDSceneIndex]
	// Lose the local state: the server says the index exists and names it.
	require.NoError(t, os.Remove(s.Path(videodb.StateFile)))
	delete(s.Meta.BackendIDs, videodb.IDSceneIndex)
	_, err = ix.Index(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, first, s.Meta.BackendIDs[videodb.IDSceneIndex])
	_ = srv
}

func TestClipClampsToRecording(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{VideoLength: 30})
	s := newSession(t, 30*time.Second)
	idx, err := videodb.NewIndexer(c, videodb.IndexerOptions{}).Index(ctx, s)
	require.NoError(t, err)
	u, err := idx.Clip(ctx, session.Span{Start: 20 * time.Second, End: 90 * time.Second})
	require.NoError(t, err)
	assert.Contains(t, u, srv.URL+"/stream/")
	vid := srv.VideoIDs()[0]
	assert.Equal(t, js(t, `{"timeline":[[20,30]],"length":30}`), lastBody(t, srv, "POST", "video/"+vid+"/stream"))
	_, err = idx.Clip(ctx, session.Span{Start: 40 * time.Second, End: 50 * time.Second})
	require.ErrorIs(t, err, session.ErrSpan)
}

func TestParseSceneDescription(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     session.Scene
	}{
		{"plain", `{"label":"browser","files":["README.md"],"functions":[],"errors":[],"summary":"Reading docs"}`,
			session.Scene{Label: session.LabelBrowserDocs, Files: []string{"README.md"}, Summary: "Reading docs"}},
		{"fence", "```json\n{\"Label\":\"Terminal\",\"Errors\":[\"panic: nil map\"]}\n```",
			session.Scene{Label: session.LabelTerminal, Errors: []string{"panic: nil map"}}},
		{"prose", `Sure! {"label": "editor", "summary": "x"} done`, session.Scene{Label: session.LabelEditor, Summary: "x"}},
		{"unknown label", `{"label":"spreadsheet"}`, session.Scene{Label: session.LabelOther}},
		{"broken", `{"label": "terminal", "summary": "runs go test`, session.Scene{Label: session.LabelTerminal, RawText: `{"label": "terminal", "summary": "runs go test`}},
		{"prose only", `A code editor with parser.go open.`, session.Scene{Label: session.LabelOther, RawText: "A code editor with parser.go open."}},
		{"secret", `{"label":"terminal","summary":"export API_KEY=abcdef1234567890"}`, session.Scene{Label: session.LabelTerminal, Summary: "export API_KEY=[REDACTED]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, videodb.ParseSceneDescription(tc.in))
		})
	}
}

func TestLiveChunks(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{VideoLength: 20})
	s := newSession(t, 60*time.Second)
	s.Meta.Live = true
	require.NoError(t, s.Save())
	ix := videodb.NewIndexer(c, videodb.IndexerOptions{})
	up := videodb.NewChunkUploader(ix, s)

	var chunks []capture.Chunk
	for i := 0; i < 3; i++ {
		p := s.Path(fmt.Sprintf("chunk-%d.mp4", i))
		require.NoError(t, os.WriteFile(p, []byte("chunk"), 0o600))
		chunks = append(chunks, capture.Chunk{Seq: i, Path: p, Span: session.Span{Start: time.Duration(i) * 20 * time.Second, End: time.Duration(i+1) * 20 * time.Second}})
	}
	// The first two chunks close while recording.
	for _, ch := range chunks[:2] {
		id, err := up.Upload(ctx, ch)
		require.NoError(t, err)
		again, err := up.Upload(ctx, ch)
		require.NoError(t, err)
		assert.Equal(t, id, again, "a repeat is free")
		require.NoError(t, s.Append(session.FileChunks, capture.ChunkRecord{Seq: ch.Seq, Path: ch.Path, Span: ch.Span, ID: id, Attempts: 1}))
	}
	assert.Len(t, srv.VideoIDs(), 2)

	live, err := ix.OpenLive(ctx, s)
	require.NoError(t, err)
	// Each 20 s chunk says "…ask the assistant." at 12–20 s of the chunk:
	// on the session's time base that is 12 s and 32 s.
	hits, err := live.Search(ctx, "assistant", session.Spoken)
	require.NoError(t, err)
	require.Len(t, hits, 2)
	starts := []time.Duration{hits[0].Span.Start, hits[1].Span.Start}
	assert.ElementsMatch(t, []time.Duration{12 * time.Second, 32 * time.Second}, starts)

	// Stop: the last chunk is logged; Index does only that one.
	require.NoError(t, s.Append(session.FileChunks, capture.ChunkRecord{Seq: 2, Path: chunks[2].Path, Span: chunks[2].Span}))
	srv.Reset()
	idx, err := ix.Index(ctx, s)
	require.NoError(t, err)
	assert.Len(t, srv.RequestsTo("GET", "collection/default/upload_url"), 1, "only the last chunk is uploaded at stop")
	assert.Len(t, srv.VideoIDs(), 3)
	tr, err := idx.Transcript(ctx)
	require.NoError(t, err)
	assert.Equal(t, 52*time.Second, tr[len(tr)-1].Span.Start, "chunk 2 starts at 40 s; its last sentence at 12 s of it")

	// A clip across two chunks is compiled from both.
	u, err := idx.Clip(ctx, session.Span{Start: 15 * time.Second, End: 25 * time.Second})
	require.NoError(t, err)
	assert.Contains(t, u, "cmp-")
	r, _ := srv.Last("POST", "compile")
	assert.Len(t, r.Body, 2)
}

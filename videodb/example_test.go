package videodb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/editor"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// exampleClient returns a client of a fresh fake server; real code calls
// videodb.New(videodb.Options{}) with VIDEO_DB_API_KEY set.
func exampleClient() (*videodbtest.Server, *videodb.Client) {
	srv := videodbtest.NewServer(videodbtest.Options{VideoLength: 40})
	c, err := videodb.New(videodb.Options{APIKey: srv.APIKey(), BaseURL: srv.URL, PollInterval: time.Millisecond})
	if err != nil {
		panic(err)
	}
	return srv, c
}

// Upload a recording, index its speech and search it.
func Example() {
	srv, c := exampleClient()
	defer srv.Close()
	ctx := context.Background()

	dir, _ := os.MkdirTemp("", "videodb-example")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "screen.mp4")
	_ = os.WriteFile(file, []byte("not really a video"), 0o600)

	up, err := c.UploadFile(ctx, videodb.UploadRequest{Path: file})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("uploaded", up.Video.Name, up.Video.Length.Float64(), "s")
	if err := c.Videos.IndexSpokenWords(ctx, up.ID, videodb.SpokenIndexOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	res, err := c.Videos.Search(ctx, up.ID, videodb.SearchOptions{Query: "failing test"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Shots() {
		fmt.Printf("%.0f–%.0f %s\n", s.Start.Float64(), s.End.Float64(), s.Text)
	}
	// Output:
	// uploaded screen 40 s
	// 0–4 Let me open the parser and look at the failing test.
}

// Index a captured session and ask it for a clip.
func ExampleIndexer() {
	srv, c := exampleClient()
	defer srv.Close()
	ctx := context.Background()

	home, _ := os.MkdirTemp("", "trace-example")
	defer os.RemoveAll(home)
	st, _ := session.Open(home)
	s, _ := st.Create(session.CreateOptions{Status: session.StatusCaptured})
	s.Meta.Length, s.Meta.Mic, s.Meta.Recording = 40*time.Second, true, "screen.mp4"
	_ = s.Save()
	_ = os.WriteFile(s.Path("screen.mp4"), []byte("frames"), 0o600)

	idx, err := videodb.NewIndexer(c, videodb.IndexerOptions{}).Index(ctx, s)
	if err != nil {
		fmt.Println(err)
		return
	}
	tr, _ := idx.Transcript(ctx)
	fmt.Println(len(tr), "segments; first:", tr[0].Text)
	hits, _ := idx.Search(ctx, "benchmark", session.Spoken)
	fmt.Println("hit at", hits[0].Span)
	url, _ := idx.Clip(ctx, hits[0].Span)
	fmt.Println(url != "")
	// Output:
	// 5 segments; first: Let me open the parser and look at the failing test.
	// hit at 0:31–0:40
	// true
}

// Compile an editor timeline into a stream.
func ExampleEditorService_Compile() {
	srv, c := exampleClient()
	defer srv.Close()
	id := srv.AddVideo("recording", 60)

	tl := editor.New()
	tl.AddTrack().Add(0, editor.Clip{Asset: &editor.VideoAsset{ID: id, Start: 12.5, Mute: true}, Duration: 7.35})
	tl.AddTrack().Add(0, editor.Clip{Asset: &editor.TextAsset{Text: "STUCK · parser.go"}, Duration: 7.35, Position: editor.PositionTopLeft})
	st, err := c.Editor.Compile(context.Background(), tl)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(st.StreamURL) > 0)
	// Output: true
}

package qa_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
	"github.com/tracepr/trace/qa"
	"github.com/tracepr/trace/session"
)

func ExampleParseCommand() {
	for _, body := range []string{"/trace why was the timeout raised?", "/trace", "> /trace quoted", "LGTM"} {
		c, ok := qa.ParseCommand(body)
		fmt.Printf("%v %q help=%v\n", ok, c.Question, c.Help)
	}
	// Output:
	// true "why was the timeout raised?" help=false
	// true "" help=true
	// false "" help=false
	// false "" help=false
}

// words is a tiny Searcher: one spoken segment and one scene.
type words struct{}

func (words) Search(ctx context.Context, q string, t session.SearchType) ([]session.Hit, error) {
	if t == session.Spoken {
		return []session.Hit{{Span: session.Span{Start: 62 * time.Second, End: 70 * time.Second}, Score: 0.8, Type: t, Text: "raising the timeout to thirty seconds"}}, nil
	}
	return nil, nil
}

func (words) Clip(ctx context.Context, s session.Span) (string, error) {
	return fmt.Sprintf("https://clips.example/%d-%d", s.Start/time.Second, s.End/time.Second), nil
}

func ExampleFind() {
	found, _ := qa.Find(context.Background(), words{}, "why the timeout?", "", qa.SearchOptions{Length: 5 * time.Minute})
	for _, f := range found {
		fmt.Println(f.Clip, f.URL)
	}
	// Output: 0:57–1:15 https://clips.example/57-75
}

func ExampleBot() {
	dir, _ := os.MkdirTemp("", "trace-example-")
	defer os.RemoveAll(dir)
	st, _ := session.Open(dir)
	s, _ := st.Create(session.CreateOptions{ID: "3f9c1e2a", Status: session.StatusIndexed})
	sink := ghprtest.NewMemSink()
	pr := ghpr.PR{Owner: "tracepr", Repo: "trace", Number: 1}
	q := sink.AddComment(pr, ghpr.Comment{Author: "rev", Association: "MEMBER", Body: "/trace why the timeout?"})

	bot, _ := qa.New(qa.Config{Sink: sink, Index: words{}, Session: s})
	o, _ := bot.Handle(context.Background(), pr, q)
	again, _ := bot.Handle(context.Background(), pr, q)
	fmt.Println(o, again, len(sink.Comments(pr)))
	// Output: answered done 2
}

package sessiontest_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/session/sessiontest"
)

// The fake stands in for a real backend in tests of code that searches a
// session and cuts clips.
func ExampleNewFake() {
	ctx := context.Background()
	fake := sessiontest.NewFake([]session.Segment{
		{Span: session.Span{Start: 12 * time.Second, End: 19 * time.Second}, Text: "the discount is applied after rounding"},
	}, nil, time.Minute)

	home, _ := os.MkdirTemp("", "trace-example")
	defer os.RemoveAll(home)
	st, _ := session.Open(home)
	s, _ := st.Create(session.CreateOptions{Status: session.StatusCaptured})

	idx, _ := fake.Index(ctx, s)
	hits, _ := idx.Search(ctx, "rounding discount", session.Spoken)
	fmt.Println(len(hits), hits[0].Span, hits[0].Score)
	// Output: 1 0:12–0:19 1
}

// A backend runs the conformance suite against its own Indexer and a real
// prepared session.
func ExampleSuite() {
	_ = sessiontest.Suite{
		New: func(t *testing.T) (session.Indexer, *session.Session) {
			s := sessiontest.NewSession(t, 20*time.Second) // a backend would record a real clip here
			return sessiontest.NewFake(nil, nil, 0), s
		},
		Phrases: []string{"hello world"}, // words spoken in the recording
	}
	// In a test: suite.Run(t)
}

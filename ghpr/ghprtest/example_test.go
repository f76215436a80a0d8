package ghprtest_test

import (
	"context"
	"fmt"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
)

// The in-memory sink records what would be published, redacted as the
// GitHub sink redacts it.
func ExampleMemSink() {
	sink := ghprtest.NewMemSink()
	pr := ghpr.PR{Owner: "tracepr", Repo: "trace", Number: 1}
	q := sink.AddComment(pr, ghpr.Comment{Author: "reviewer", Body: "/trace why the retry?"})
	sink.Reply(context.Background(), pr, q, "Because uploads timed out; the key was API_TOKEN=abcdef123456 (since rotated)")
	fmt.Println(sink.Comments(pr)[1].Body)
	// Output: Because uploads timed out; the key was API_TOKEN=[REDACTED] (since rotated)
}

// An idle PR costs no rate limit: the fake answers 304 to a page whose
// ETag has not changed, and does not count it.
func ExampleServer() {
	gh := ghprtest.NewServer()
	defer gh.Close()
	pr := ghpr.PR{Owner: "tracepr", Repo: "trace", Number: 1}
	gh.AddPR(pr, ghprtest.PROptions{})
	gh.AddIssueComment(pr, "/trace why?", ghprtest.CommentOptions{Association: "MEMBER"})

	p := gh.Client("token").Poller(pr)
	ctx := context.Background()
	p.Comments(ctx)
	gh.ResetRequests()
	_, changed, _ := p.Comments(ctx)
	fmt.Println(changed, gh.Counted())
	// Output: false 0
}

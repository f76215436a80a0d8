package ghpr_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
)

// BenchmarkIdlePoll measures what one poll of an unchanged PR costs: the
// requests sent and those that count against GitHub's rate limit (304s
// do not). The PR has 250 conversation and 40 review comments.
func BenchmarkIdlePoll(b *testing.B) {
	gh := ghprtest.NewServer()
	defer gh.Close()
	gh.AddPR(testPR, ghprtest.PROptions{})
	for i := 0; i < 250; i++ {
		gh.AddIssueComment(testPR, fmt.Sprintf("comment %d", i), ghprtest.CommentOptions{})
	}
	for i := 0; i < 40; i++ {
		gh.AddReviewComment(testPR, fmt.Sprintf("note %d", i), ghprtest.CommentOptions{Path: "a.go", Line: i + 1})
	}
	p := gh.Client("t").Poller(testPR)
	ctx := context.Background()
	if _, _, err := p.Comments(ctx); err != nil {
		b.Fatal(err)
	}
	first := len(gh.Requests())
	gh.ResetRequests()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, changed, err := p.Comments(ctx); err != nil || changed {
			b.Fatalf("changed=%v err=%v", changed, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(gh.Requests()))/float64(b.N), "requests/poll")
	b.ReportMetric(float64(gh.Counted())/float64(b.N), "counted/poll")
	b.ReportMetric(float64(first), "requests/first-poll")
}

// BenchmarkParseDiff parses the git diff of the testdata repository.
func BenchmarkParseDiff(b *testing.B) {
	data, err := os.ReadFile("testdata/git.diff")
	if err != nil {
		b.Fatal(err)
	}
	big := strings.Repeat(string(data), 200)
	b.SetBytes(int64(len(big)))
	for i := 0; i < b.N; i++ {
		if _, err := ghpr.ParseDiff(strings.NewReader(big)); err != nil {
			b.Fatal(err)
		}
	}
}

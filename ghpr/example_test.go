package ghpr_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/ghpr/ghprtest"
)

func ExampleParsePR() {
	for _, s := range []string{
		"https://github.com/tracepr/trace/pull/42/files?w=1",
		"tracepr/trace#42",
		"https://ghe.corp.example/team/svc/pull/7",
	} {
		pr, err := ghpr.ParsePR(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(pr, pr.URL())
	}
	_, err := ghpr.ParsePR("tracepr/trace")
	fmt.Println(err != nil)
	// Output:
	// tracepr/trace#42 https://github.com/tracepr/trace/pull/42
	// tracepr/trace#42 https://github.com/tracepr/trace/pull/42
	// ghe.corp.example/team/svc#7 https://ghe.corp.example/team/svc/pull/7
	// true
}

func ExampleParseDiff() {
	diff := `diff --git a/retry.go b/retry.go
--- a/retry.go
+++ b/retry.go
@@ -1 +1,3 @@
 package upload
+
+const maxAttempts = 5
`
	d, err := ghpr.ParseDiff(strings.NewReader(diff))
	if err != nil {
		panic(err)
	}
	f := d.Files[0]
	fmt.Println(f.Path, f.Status, f.AddedRanges())
	// Output: retry.go modified [[2 3]]
}

// Publishing is an upsert: the second call edits the comment the first
// one made, and the description section sits below the author's text.
func ExampleSink() {
	gh := ghprtest.NewServer() // a fake GitHub on 127.0.0.1
	defer gh.Close()
	pr := ghpr.PR{Owner: "tracepr", Repo: "trace", Number: 7}
	gh.AddPR(pr, ghprtest.PROptions{Body: "Fixes the flaky upload."})

	sink := gh.Client("token").Sink()
	ctx := context.Background()
	key := ghpr.Key{Kind: "walkthrough", Session: "3f9c1e2a"}
	sink.UpsertComment(ctx, pr, key, "Walkthrough, first cut")
	sink.UpsertComment(ctx, pr, key, "Walkthrough, final")
	sink.UpsertSection(ctx, pr, ghpr.Key{Kind: "description", Session: "3f9c1e2a"}, "**Why:** uploads timed out.")

	for _, c := range gh.Comments(pr, ghpr.IssueComment) {
		fmt.Printf("%q\n", c.Body)
	}
	fmt.Println(gh.PRBody(pr))
	// Output:
	// "<!-- trace:walkthrough:3f9c1e2a -->\nWalkthrough, final"
	// Fixes the flaky upload.
	//
	// <!-- trace:description:3f9c1e2a -->
	// **Why:** uploads timed out.
	// <!-- /trace:description:3f9c1e2a -->
}

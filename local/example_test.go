package local_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tracepr/trace/ghpr"
	"github.com/tracepr/trace/local"
)

// The folder sink publishes a PR's artefacts as files: a section of the
// description is replaced in place, and the author's text stays.
func ExampleSink() {
	dir, _ := os.MkdirTemp("", "trace-sink")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	sink := local.NewSink(dir)
	pr := ghpr.PR{Owner: "acme", Repo: "api", Number: 42}
	key := ghpr.Key{Kind: "description", Session: "3f2a9c1d"}

	os.WriteFile(filepath.Join(dir, local.SinkDescription), []byte("Fixes the parser.\n"), 0o600)
	sink.UpsertSection(ctx, pr, key, "## Why\nThe lexer dropped the last token.")
	sink.UpsertSection(ctx, pr, key, "## Why\nThe lexer dropped the last token at EOF.")

	b, _ := os.ReadFile(filepath.Join(dir, local.SinkDescription))
	fmt.Print(string(b))
	// Output:
	// Fixes the parser.
	//
	// <!-- trace:description:3f2a9c1d -->
	// ## Why
	// The lexer dropped the last token at EOF.
	// <!-- /trace:description:3f2a9c1d -->
}

// Scenes are labelled from the screen's text and the active window.
func ExampleClassify() {
	fmt.Println(local.Classify("$ go test ./...\n--- FAIL: TestLex (0.00s)", "", ""))
	fmt.Println(local.Classify("", "firefox", "json package - Go Packages - Mozilla Firefox"))
	fmt.Println(local.FindErrors("ok\n./lex.go:41:2: undefined: peek\n"))
	// Output:
	// terminal
	// browser_docs
	// [./lex.go:41:2: undefined: peek]
}

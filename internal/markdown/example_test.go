package markdown_test

import (
	"fmt"
	"strings"

	"github.com/tracepr/trace/internal/markdown"
)

func ExampleTruncate() {
	body := markdown.Marker("walkthrough", "s1") + "\n" +
		strings.Repeat("See [the store](https://example.test/store.go) for details.\n", 5)
	fmt.Println(markdown.Truncate(body, 150, "_Cut; the full text is on the report page._"))
	// Output:
	// <!-- trace:walkthrough:s1 -->
	// See [the store](https://example.test/store.go) for details.
	//
	// _Cut; the full text is on the report page._
}

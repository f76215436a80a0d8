package videodbtest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// Test code that uses VideoDB against the fake, with a fault injected.
func ExampleNewServer() {
	srv := videodbtest.NewServer(videodbtest.Options{})
	defer srv.Close()
	c, _ := videodb.New(videodb.Options{APIKey: srv.APIKey(), BaseURL: srv.URL, PollInterval: time.Millisecond, RetryBackoff: time.Millisecond})

	srv.HTMLErrorOnce("GET", "collection/default", 502) // retried by the client
	col, err := c.Collections.Get(context.Background(), "")
	fmt.Println(col.ID, err)
	fmt.Println(len(srv.RequestsTo("GET", "collection/default")), "requests")
	// Output:
	// c-default <nil>
	// 2 requests
}

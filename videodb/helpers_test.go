package videodb_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/videodbtest"
)

func newFake(t *testing.T, opts videodbtest.Options, mod ...func(*videodb.Options)) (*videodbtest.Server, *videodb.Client) {
	t.Helper()
	srv := videodbtest.NewServer(opts)
	t.Cleanup(srv.Close)
	o := videodb.Options{APIKey: srv.APIKey(), BaseURL: srv.URL, PollInterval: time.Millisecond, PollTimeout: 2 * time.Second, RetryBackoff: time.Millisecond}
	for _, m := range mod {
		m(&o)
	}
	c, err := videodb.New(o)
	require.NoError(t, err)
	return srv, c
}

// lastBody returns the decoded JSON body of the last request to path.
func lastBody(t *testing.T, srv *videodbtest.Server, method, path string) map[string]any {
	t.Helper()
	r, ok := srv.Last(method, path)
	require.True(t, ok, "no %s %s request; got %v", method, path, paths(srv))
	m, _ := r.Body.(map[string]any)
	return m
}

func paths(srv *videodbtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func js(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}

//go:build go1.25

package videodb_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/videodbtest"
)

// inProcess serves requests with the fake's handler, without a network,
// so that a synctest bubble controls every wait.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func TestTimingWithSynctest(t *testing.T) {
	srv := videodbtest.NewServer(videodbtest.Options{PendingPolls: 4})
	defer srv.Close()
	client := &http.Client{Transport: inProcess{srv.Handler()}}

	t.Run("Retry-After is honoured", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c, err := videodb.New(videodb.Options{APIKey: srv.APIKey(), BaseURL: srv.URL, HTTPClient: client})
			require.NoError(t, err)
			srv.RateLimitOnce("GET", "collection/default", "7")
			start := time.Now()
			_, err = c.Collections.Get(context.Background(), "")
			require.NoError(t, err)
			assert.Equal(t, 7*time.Second, time.Since(start))
		})
	})
	t.Run("polls every interval", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c, err := videodb.New(videodb.Options{APIKey: srv.APIKey(), BaseURL: srv.URL, HTTPClient: client})
			require.NoError(t, err)
			start := time.Now()
			_, err = c.Generate.Music(context.Background(), videodb.MusicRequest{Prompt: "x"})
			require.NoError(t, err)
			assert.Equal(t, 5*videodb.DefaultPollInterval, time.Since(start), "four pending polls and the final one, 5 s apart")
		})
	})
	t.Run("poll timeout", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c, err := videodb.New(videodb.Options{APIKey: srv.APIKey(), BaseURL: srv.URL, HTTPClient: client})
			require.NoError(t, err)
			srv.StickJobs(true)
			defer srv.StickJobs(false)
			start := time.Now()
			_, err = c.Generate.Music(context.Background(), videodb.MusicRequest{Prompt: "x"})
			var te *videodb.TimeoutError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, videodb.DefaultPollTimeout, time.Since(start))
		})
	})
	t.Run("backoff grows", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c, err := videodb.New(videodb.Options{APIKey: srv.APIKey(), BaseURL: srv.URL, HTTPClient: client, RetryBackoff: time.Second})
			require.NoError(t, err)
			srv.Inject(videodbtest.Fault{Method: "GET", Path: "collection/default", Status: 503, Times: 3})
			start := time.Now()
			_, err = c.Collections.Get(context.Background(), "")
			require.NoError(t, err)
			// 1 s, 2 s, 4 s, each with ±50% jitter.
			assert.GreaterOrEqual(t, time.Since(start), 3500*time.Millisecond)
			assert.LessOrEqual(t, time.Since(start), 10500*time.Millisecond)
		})
	})
}

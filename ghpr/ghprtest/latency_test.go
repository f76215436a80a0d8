package ghprtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/ghpr"
)

func TestLatencyDrawsAreRepeatable(t *testing.T) {
	a, b := DefaultLatency(3, 1), DefaultLatency(3, 1)
	var da, db []time.Duration
	for range 5 {
		d, name := a.Delay("POST", "repos/o/r/issues/1/comments")
		assert.Equal(t, "create_comment", name)
		da = append(da, d)
		d, _ = b.Delay("POST", "repos/o/r/issues/1/comments")
		db = append(db, d)
	}
	assert.Equal(t, da, db)
	assert.NotEqual(t, da[0], da[1], "each request is a new draw")
	for _, d := range da {
		assert.True(t, d > 100*time.Millisecond && d < time.Second, "%v is not a plausible GitHub call", d)
	}
	other, _ := DefaultLatency(4, 1).Delay("POST", "repos/o/r/issues/1/comments")
	assert.NotEqual(t, da[0], other)

	_, name := a.Delay("PATCH", "repos/o/r/pulls/1")
	assert.Equal(t, "edit_pr", name)
	_, name = a.Delay("GET", "user")
	assert.Equal(t, "", name)
}

func TestLatencyDelaysAndLogsRequests(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	pr := ghpr.PR{Owner: "o", Repo: "r", Number: 1}
	srv.AddPR(pr, PROptions{Title: "t"})
	l := &Latency{Default: Dist{Median: 5 * time.Millisecond},
		Routes: []RouteLatency{{Name: "create_comment", Method: "POST", Pattern: "repos/*/*/issues/*/comments", Base: Dist{Median: 20 * time.Millisecond}}}}
	srv.SetLatency(l)

	_, err := srv.Client("t").Sink().UpsertComment(context.Background(), pr, ghpr.Key{Kind: "focus", Session: "s1"}, "hello")
	require.NoError(t, err)

	calls := l.Calls()
	require.NotEmpty(t, calls)
	var last Call
	for _, c := range calls {
		if c.Method == "POST" {
			last = c
		}
	}
	assert.Equal(t, "create_comment", last.Route)
	assert.Equal(t, 201, last.Status)
	assert.Contains(t, string(last.Body), "hello")
	assert.GreaterOrEqual(t, last.End.Sub(last.Start), 20*time.Millisecond)
	assert.Len(t, srv.Requests(), len(calls), "every request is both recorded and timed")

	srv.SetLatency(nil)
	_, err = srv.Client("t").Sink().UpsertComment(context.Background(), pr, ghpr.Key{Kind: "focus", Session: "s1"}, "hello again")
	require.NoError(t, err)
	assert.Len(t, l.Calls(), len(calls), "no more timing once turned off")
}

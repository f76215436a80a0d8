//go:build go1.25

package ghpr

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func answer(status int, h map[string]string) *http.Response {
	hdr := http.Header{}
	for k, v := range h {
		hdr.Set(k, v)
	}
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: hdr, Body: io.NopCloser(strings.NewReader(`{}`))}
}

// script answers the requests in turn and records when each arrived.
func script(answers ...*http.Response) (*retryTransport, *[]time.Time) {
	var at []time.Time
	rt := &retryTransport{log: discardLogger(), maxRetries: 3, retryBase: time.Second, maxWait: time.Minute,
		base: rtFunc(func(r *http.Request) (*http.Response, error) {
			at = append(at, time.Now())
			if r.Body != nil {
				b, _ := io.ReadAll(r.Body)
				if string(b) != "payload" {
					return nil, io.ErrUnexpectedEOF
				}
			}
			a := answers[0]
			if len(answers) > 1 {
				answers = answers[1:]
			}
			return a, nil
		})}
	return rt, &at
}

func do(t *testing.T, rt *retryTransport, method string) (*http.Response, error) {
	req, err := http.NewRequest(method, "https://api.example/repos/o/r", strings.NewReader("payload"))
	require.NoError(t, err)
	return rt.RoundTrip(req)
}

func TestRetryWaitsForPrimaryReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		reset := strconv.FormatInt(start.Add(20*time.Second).Unix(), 10)
		rt, at := script(answer(403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}), answer(200, nil))
		resp, err := do(t, rt, http.MethodGet)
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		require.Len(t, *at, 2)
		wait := (*at)[1].Sub(start)
		assert.GreaterOrEqual(t, wait, 20*time.Second, "not before the reset")
		assert.LessOrEqual(t, wait, 22*time.Second)
	})
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		rt, at := script(answer(403, map[string]string{"Retry-After": "7"}), answer(201, nil))
		resp, err := do(t, rt, http.MethodPost) // a refused POST was not applied: safe to send again
		require.NoError(t, err)
		assert.Equal(t, 201, resp.StatusCode)
		require.Len(t, *at, 2)
		assert.GreaterOrEqual(t, (*at)[1].Sub(start), 7*time.Second)
	})
}

func TestRetryGivesUpBeyondMaxWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt, at := script(answer(403, map[string]string{"Retry-After": "3600"}))
		resp, err := do(t, rt, http.MethodGet)
		require.NoError(t, err)
		assert.Equal(t, 403, resp.StatusCode, "handed to go-github, which reports the rate limit")
		assert.Len(t, *at, 1)
	})
}

func TestRetryBacksOffOn5xx(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		rt, at := script(answer(502, nil), answer(503, nil), answer(200, nil))
		resp, err := do(t, rt, http.MethodPatch)
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		require.Len(t, *at, 3)
		// Waits of 0.5–1 s, then 1–2 s.
		first, second := (*at)[1].Sub(start), (*at)[2].Sub((*at)[1])
		assert.True(t, first >= 500*time.Millisecond && first <= time.Second, "first wait %s", first)
		assert.True(t, second >= time.Second && second <= 2*time.Second, "second wait %s", second)
	})
}

func TestRetryStopsWhenCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt, at := script(answer(500, nil))
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.example/x", nil)
		go func() { time.Sleep(100 * time.Millisecond); cancel() }()
		_, err := rt.RoundTrip(req)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Len(t, *at, 1)
	})
}

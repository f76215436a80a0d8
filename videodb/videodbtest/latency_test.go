package videodbtest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLatencyDrawsAreRepeatable(t *testing.T) {
	a, b := DefaultLatency(7, 1), DefaultLatency(7, 1)
	voice := []byte(`{"audio_type":"voice","text":"I loop until the buffer is full."}`)
	other := []byte(`{"audio_type":"voice","text":"The tests pass now."}`)

	// The same requests in another order get the same delays.
	a1, _ := a.Delay("POST", "collection/c/generate/audio", voice, int64(len(voice)), 0)
	a2, _ := a.Delay("POST", "collection/c/generate/audio", other, int64(len(other)), 0)
	b2, _ := b.Delay("POST", "collection/c/generate/audio", other, int64(len(other)), 0)
	b1, name := b.Delay("POST", "collection/c/generate/audio", voice, int64(len(voice)), 0)
	assert.Equal(t, "voice", name)
	assert.Equal(t, a1, b1)
	assert.Equal(t, a2, b2)
	assert.NotEqual(t, a1, a2, "different texts draw different delays")

	// A repeat of the same request is a new draw, the same in both runs.
	a3, _ := a.Delay("POST", "collection/c/generate/audio", voice, int64(len(voice)), 0)
	b3, _ := b.Delay("POST", "collection/c/generate/audio", voice, int64(len(voice)), 0)
	assert.Equal(t, a3, b3)
	assert.NotEqual(t, a1, a3)

	// Another seed, other delays.
	c1, _ := DefaultLatency(8, 1).Delay("POST", "collection/c/generate/audio", voice, int64(len(voice)), 0)
	assert.NotEqual(t, a1, c1)
}

func TestLatencyRoutes(t *testing.T) {
	l := DefaultLatency(1, 1)
	tests := []struct {
		method, path, body string
		minutes            float64
		route              string
		atLeast            time.Duration
	}{
		{"POST", "video/m-1/index", `{"index_type":"spoken_word"}`, 60, "index_spoken", 60 * 2500 * time.Millisecond},
		{"POST", "video/m-1/index/scene", `{}`, 10, "index_scenes", 40 * time.Second},
		{"POST", "collection/c/generate/audio", `{"audio_type":"music","duration":30}`, 0, "music", time.Second},
		{"POST", "editor", `{}`, 0, "editor", time.Second},
		{"GET", "video/m-1", ``, 1, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			d, route := l.Delay(tt.method, tt.path, []byte(tt.body), int64(len(tt.body)), tt.minutes)
			assert.Equal(t, tt.route, route)
			assert.GreaterOrEqual(t, d, tt.atLeast)
		})
	}
	// An upload costs in proportion to its size: 8 s per 100 MB.
	small, _ := l.Delay("POST", "_upload/tok", nil, 1<<20, 0)
	big, _ := l.Delay("POST", "_upload/tok", nil, 1<<30, 0)
	assert.InDelta(t, 8*(float64(1<<30-1<<20)/1e8), (big - small).Seconds(), 1.0)

	half := DefaultLatency(1, 0.5)
	d1, _ := DefaultLatency(1, 1).Delay("POST", "editor", nil, 0, 0)
	d2, _ := half.Delay("POST", "editor", nil, 0, 0)
	assert.InDelta(t, float64(d1)/2, float64(d2), float64(time.Microsecond))
}

func TestLatencyDelaysAndLogsRequests(t *testing.T) {
	l := &Latency{
		Default: Dist{Median: 5 * time.Millisecond},
		Routes:  []RouteLatency{{Name: "video", Method: "GET", Pattern: "video/*", PerVideoMinute: 10 * time.Millisecond}},
	}
	srv := NewServer(Options{Latency: l})
	defer srv.Close()
	id := srv.AddVideo("rec", 180)

	req, err := http.NewRequest("GET", srv.URL+"/video/"+id, nil)
	require.NoError(t, err)
	req.Header.Set("x-access-token", srv.APIKey())
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)

	req, err = http.NewRequest("POST", srv.URL+"/collection/default/generate/text", strings.NewReader(`{"prompt":"hi"}`))
	require.NoError(t, err)
	req.Header.Set("x-access-token", srv.APIKey())
	res, err = srv.Client().Do(req)
	require.NoError(t, err)
	res.Body.Close()

	calls := l.Calls()
	require.Len(t, calls, 2)
	assert.Equal(t, "video", calls[0].Route)
	assert.Equal(t, 30*time.Millisecond, calls[0].Delay, "three minutes at 10 ms a minute")
	assert.GreaterOrEqual(t, calls[0].End.Sub(calls[0].Start), calls[0].Delay)
	assert.Equal(t, "", calls[1].Route)
	assert.Equal(t, `{"prompt":"hi"}`, string(calls[1].Body))
	assert.Len(t, srv.RequestsTo("POST", "collection/default/generate/text"), 1, "the server still sees the body")
	l.Reset()
	assert.Empty(t, l.Calls())
}

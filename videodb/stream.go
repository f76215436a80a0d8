package videodb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Stream is a playable HLS stream and its player page.
type Stream struct {
	StreamURL string `json:"stream_url"`
	PlayerURL string `json:"player_url"`
}

// Range is a [start, end] span of a video in seconds.
type Range [2]float64

// StreamRanges returns a stream of the given parts of a video, played in
// order. length is the video's length in seconds (the API wants it); an
// empty timeline asks for the whole video. Each range must satisfy
// 0 ≤ start < end ≤ length. The POST is retried on 5xx: the same timeline
// always gives the same stream.
func (s *VideosService) StreamRanges(ctx context.Context, id string, timeline []Range, length float64) (*Stream, error) {
	for _, r := range timeline {
		if r[0] < 0 || r[1] <= r[0] || (length > 0 && r[1] > length) {
			return nil, fmt.Errorf("videodb: stream range [%g, %g] is outside video %s (length %gs): clamp it to 0…%g", r[0], r[1], id, length, length)
		}
	}
	body := map[string]any{"timeline": nil, "length": length}
	if len(timeline) > 0 {
		body["timeline"] = timeline
	}
	var out Stream
	err := s.c.call(ctx, &request{method: http.MethodPost, path: "video/" + url.PathEscape(id) + "/stream", body: body, retryPOST: true}, &out)
	return &out, err
}

// Thumbnail returns the URL of a video's default thumbnail.
func (s *VideosService) Thumbnail(ctx context.Context, id string) (string, error) {
	var out struct {
		ThumbnailURL string `json:"thumbnail_url"`
	}
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "video/" + url.PathEscape(id) + "/thumbnail"}, &out)
	return out.ThumbnailURL, err
}

// ThumbnailAt makes a thumbnail image of the frame at t seconds.
func (s *VideosService) ThumbnailAt(ctx context.Context, id string, t float64) (*Image, error) {
	var out Image
	err := s.c.call(ctx, &request{method: http.MethodPost, path: "video/" + url.PathEscape(id) + "/thumbnail", body: map[string]any{"time": t}}, &out)
	return &out, err
}

// CompileInput is one video's shots for Client.Compile.
type CompileInput struct {
	VideoID      string  `json:"video_id"`
	CollectionID string  `json:"collection_id"`
	Shots        []Range `json:"shots"`
}

// Compile joins shots of several videos into one stream (POST compile; the
// body is a bare JSON array). Retried on 5xx: it is deterministic.
func (c *Client) Compile(ctx context.Context, inputs []CompileInput) (*Stream, error) {
	if len(inputs) == 0 {
		return nil, fmt.Errorf("videodb: compile needs at least one shot")
	}
	for i := range inputs {
		if inputs[i].CollectionID == "" {
			inputs[i].CollectionID = c.collection
		}
	}
	var out Stream
	err := c.call(ctx, &request{method: http.MethodPost, path: "compile", body: inputs, retryPOST: true}, &out)
	return &out, err
}

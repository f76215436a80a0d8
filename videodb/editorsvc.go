package videodb

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tracepr/trace/videodb/editor"
)

// TimelineUploadLimit is the payload size above which a timeline is
// uploaded first and sent as timeline_url, as the reference SDKs do.
const TimelineUploadLimit = 100 * 1024

// EditorService renders editor timelines.
type EditorService struct{ c *Client }

// Compile validates a timeline, sends it to POST editor (uploading it first
// when the JSON is larger than TimelineUploadLimit), waits for the render
// and returns its stream. Not retried on 5xx: a render is billed work.
func (s *EditorService) Compile(ctx context.Context, t *editor.Timeline) (*Stream, error) {
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("videodb: editor timeline is not valid: %w", err)
	}
	payload, err := t.Payload()
	if err != nil {
		return nil, fmt.Errorf("videodb: encode editor timeline: %w", err)
	}
	var body any = rawJSON(payload)
	if len(payload) > TimelineUploadLimit {
		target, err := s.c.UploadTarget(ctx, "", "timeline_data.json")
		if err != nil {
			return nil, err
		}
		if err := s.c.putBytes(ctx, target, "timeline_data.json", "application/json", payload); err != nil {
			return nil, err
		}
		body = map[string]any{"timeline_url": target}
	}
	var out Stream
	if err := s.c.call(ctx, &request{method: http.MethodPost, path: "editor", body: body}, &out); err != nil {
		return nil, err
	}
	if out.StreamURL == "" {
		return nil, fmt.Errorf("videodb: editor answered without a stream_url: %w", ErrMalformed)
	}
	return &out, nil
}

// rawJSON is an already-encoded JSON body.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

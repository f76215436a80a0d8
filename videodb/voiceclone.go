package videodb

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// VoiceClone is a voice made from a reference recording.
type VoiceClone struct {
	ID           string `json:"-"`
	RefAudioID   string `json:"ref_audio_id"`
	RefText      string `json:"ref_text,omitempty"`
	Name         string `json:"name"`
	Description  string `json:"description,omitempty"`
	Language     string `json:"language,omitempty"`
	CollectionID string `json:"collection_id,omitempty"`
	Status       string `json:"status,omitempty"`
	CreatedAt    string `json:"created_at,omitempty"`
	UpdatedAt    string `json:"updated_at,omitempty"`
}

// UnmarshalJSON reads the id from voice_clone_id or id.
func (v *VoiceClone) UnmarshalJSON(b []byte) error {
	type alias VoiceClone
	var x struct {
		alias
		VoiceCloneID string `json:"voice_clone_id"`
		ID           string `json:"id"`
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*v = VoiceClone(x.alias)
	v.ID = x.VoiceCloneID
	if v.ID == "" {
		v.ID = x.ID
	}
	return nil
}

// VoiceCloneRequest creates a voice clone from an uploaded audio ("a-…").
type VoiceCloneRequest struct {
	Collection  string
	RefAudioID  string
	Name        string
	Description string
	RefText     string // what the reference audio says, when known
	Language    string
}

// VoiceClonesService manages voice clones.
type VoiceClonesService struct{ c *Client }

// Create makes a voice clone. Not retried on 5xx: a repeat could make a
// second clone.
func (s *VoiceClonesService) Create(ctx context.Context, r VoiceCloneRequest) (*VoiceClone, error) {
	body := map[string]any{
		"ref_audio_id":  r.RefAudioID,
		"name":          r.Name,
		"description":   r.Description,
		"ref_text":      nullable(r.RefText),
		"language":      nullable(r.Language),
		"collection_id": s.c.coll(r.Collection),
	}
	var out VoiceClone
	err := s.c.call(ctx, &request{method: http.MethodPost, path: "voice_clone", body: body}, &out)
	return &out, err
}

// Get returns a voice clone.
func (s *VoiceClonesService) Get(ctx context.Context, id string) (*VoiceClone, error) {
	var out VoiceClone
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "voice_clone/" + url.PathEscape(id)}, &out)
	return &out, err
}

// List returns a page of voice clones (page from 1; zero values take the
// server's defaults; language "" lists all).
func (s *VoiceClonesService) List(ctx context.Context, page, pageSize int, language string) ([]VoiceClone, error) {
	q := url.Values{}
	if page <= 0 {
		page = 1
	}
	if pageSize <= 0 {
		pageSize = 20
	}
	q.Set("page", strconv.Itoa(page))
	q.Set("page_size", strconv.Itoa(pageSize))
	if language != "" {
		q.Set("language", language)
	}
	var out struct {
		VoiceClones []VoiceClone `json:"voice_clones"`
	}
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "voice_clone", query: q}, &out)
	return out.VoiceClones, err
}

// Delete removes a voice clone.
func (s *VoiceClonesService) Delete(ctx context.Context, id string) error {
	return s.c.call(ctx, &request{method: http.MethodDelete, path: "voice_clone/" + url.PathEscape(id)}, nil)
}

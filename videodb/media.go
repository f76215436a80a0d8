package videodb

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Collection groups media in an account. The id "default" names the
// account's default collection.
type Collection struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	IsPublic    bool   `json:"is_public"`
	Owner       string `json:"owner,omitempty"`
	CreatedAt   string `json:"created_at,omitempty"`
}

// Video is an uploaded or generated video ("m-…").
type Video struct {
	ID           string `json:"id"`
	CollectionID string `json:"collection_id"`
	Name         string `json:"name"`
	Description  string `json:"description,omitempty"`
	Length       Number `json:"length"` // seconds
	Size         Number `json:"size,omitempty"`
	Extension    string `json:"extension,omitempty"`
	StreamURL    string `json:"stream_url,omitempty"`
	PlayerURL    string `json:"player_url,omitempty"`
	ThumbnailURL string `json:"thumbnail_url,omitempty"`
	CreatedAt    string `json:"created_at,omitempty"`
	UserID       string `json:"user_id,omitempty"`
}

// Audio is an uploaded or generated audio ("a-…").
type Audio struct {
	ID           string `json:"id"`
	CollectionID string `json:"collection_id"`
	Name         string `json:"name"`
	Length       Number `json:"length"`
	Size         Number `json:"size,omitempty"`
	Extension    string `json:"extension,omitempty"`
	CreatedAt    string `json:"created_at,omitempty"`
}

// Image is an uploaded or generated image ("img-…"). URL is often empty for
// generated images: use ImagesService.SignedURL.
type Image struct {
	ID           string `json:"id"`
	CollectionID string `json:"collection_id"`
	Name         string `json:"name"`
	URL          string `json:"url,omitempty"`
	Width        Number `json:"width,omitempty"`
	Height       Number `json:"height,omitempty"`
	Size         Number `json:"size,omitempty"`
}

// CollectionsService manages collections.
type CollectionsService struct{ c *Client }

// CollectionList is the answer of CollectionsService.List.
type CollectionList struct {
	Collections       []Collection `json:"collections"`
	DefaultCollection string       `json:"default_collection"`
}

// Get returns a collection; "" means the client's collection.
func (s *CollectionsService) Get(ctx context.Context, id string) (*Collection, error) {
	var out Collection
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "collection/" + url.PathEscape(s.c.coll(id))}, &out)
	return &out, err
}

// List returns every collection of the account.
func (s *CollectionsService) List(ctx context.Context) (*CollectionList, error) {
	var out CollectionList
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "collection"}, &out)
	return &out, err
}

// Create makes a new private collection.
func (s *CollectionsService) Create(ctx context.Context, name, description string) (*Collection, error) {
	var out Collection
	body := map[string]any{"name": name, "description": description, "is_public": false}
	err := s.c.call(ctx, &request{method: http.MethodPost, path: "collection", body: body}, &out)
	return &out, err
}

// Update renames a collection or changes its description.
func (s *CollectionsService) Update(ctx context.Context, id, name, description string) (*Collection, error) {
	var out Collection
	body := map[string]any{"name": name, "description": description}
	err := s.c.call(ctx, &request{method: http.MethodPatch, path: "collection/" + url.PathEscape(s.c.coll(id)), body: body}, &out)
	return &out, err
}

// SetPublic makes a collection public or private.
func (s *CollectionsService) SetPublic(ctx context.Context, id string, public bool) error {
	return s.c.call(ctx, &request{method: http.MethodPatch, path: "collection/" + url.PathEscape(s.c.coll(id)), body: map[string]any{"is_public": public}}, nil)
}

// Delete removes a collection.
func (s *CollectionsService) Delete(ctx context.Context, id string) error {
	return s.c.call(ctx, &request{method: http.MethodDelete, path: "collection/" + url.PathEscape(id)}, nil)
}

// ListOptions page through media lists. Zero values ask for the server's defaults.
type ListOptions struct {
	Collection string // "" means the client's collection
	PageIndex  int
	Count      int // up to 5000
}

func (c *Client) listQuery(o ListOptions) url.Values {
	q := url.Values{"collection_id": {c.coll(o.Collection)}}
	if o.PageIndex > 0 {
		q.Set("page_index", strconv.Itoa(o.PageIndex))
	}
	if o.Count > 0 {
		q.Set("count", strconv.Itoa(o.Count))
	}
	return q
}

func (c *Client) collQuery(coll string) url.Values {
	return url.Values{"collection_id": {c.coll(coll)}}
}

// VideosService reads, indexes, searches and streams videos.
type VideosService struct{ c *Client }

// Get returns a video of the client's collection.
func (s *VideosService) Get(ctx context.Context, id string) (*Video, error) {
	var out Video
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "video/" + url.PathEscape(id), query: s.c.collQuery("")}, &out)
	return &out, err
}

// List returns the videos of a collection.
func (s *VideosService) List(ctx context.Context, o ListOptions) ([]Video, error) {
	var out struct {
		Videos []Video `json:"videos"`
	}
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "video", query: s.c.listQuery(o)}, &out)
	return out.Videos, err
}

// Update renames a video.
func (s *VideosService) Update(ctx context.Context, id, name string) (*Video, error) {
	var out Video
	err := s.c.call(ctx, &request{method: http.MethodPatch, path: "video/" + url.PathEscape(id), body: map[string]any{"name": name}}, &out)
	return &out, err
}

// Delete removes a video.
func (s *VideosService) Delete(ctx context.Context, id string) error {
	return s.c.call(ctx, &request{method: http.MethodDelete, path: "video/" + url.PathEscape(id)}, nil)
}

// DeleteStorage removes a video's stored file but keeps its indexes.
func (s *VideosService) DeleteStorage(ctx context.Context, id string) error {
	return s.c.call(ctx, &request{method: http.MethodDelete, path: "video/" + url.PathEscape(id) + "/storage"}, nil)
}

// AudiosService reads and deletes audio.
type AudiosService struct{ c *Client }

// Get returns an audio of the client's collection.
func (s *AudiosService) Get(ctx context.Context, id string) (*Audio, error) {
	var out Audio
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "audio/" + url.PathEscape(id), query: s.c.collQuery("")}, &out)
	return &out, err
}

// List returns the audio of a collection.
func (s *AudiosService) List(ctx context.Context, o ListOptions) ([]Audio, error) {
	var out struct {
		Audios []Audio `json:"audios"`
	}
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "audio", query: s.c.listQuery(o)}, &out)
	return out.Audios, err
}

// Delete removes an audio.
func (s *AudiosService) Delete(ctx context.Context, id string) error {
	return s.c.call(ctx, &request{method: http.MethodDelete, path: "audio/" + url.PathEscape(id)}, nil)
}

// SignedURL returns a time-limited download URL for an audio. The POST is
// retried on 5xx: it only mints a URL and cannot create anything.
func (s *AudiosService) SignedURL(ctx context.Context, id string) (string, error) {
	var out struct {
		SignedURL string `json:"signed_url"`
	}
	err := s.c.call(ctx, &request{method: http.MethodPost, path: "audio/" + url.PathEscape(id) + "/generate_url", query: s.c.collQuery(""), retryPOST: true}, &out)
	return out.SignedURL, err
}

// ImagesService reads and deletes images.
type ImagesService struct{ c *Client }

// Get returns an image of the client's collection.
func (s *ImagesService) Get(ctx context.Context, id string) (*Image, error) {
	var out Image
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "image/" + url.PathEscape(id), query: s.c.collQuery("")}, &out)
	return &out, err
}

// List returns the images of a collection.
func (s *ImagesService) List(ctx context.Context, o ListOptions) ([]Image, error) {
	var out struct {
		Images []Image `json:"images"`
	}
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "image", query: s.c.listQuery(o)}, &out)
	return out.Images, err
}

// Delete removes an image.
func (s *ImagesService) Delete(ctx context.Context, id string) error {
	return s.c.call(ctx, &request{method: http.MethodDelete, path: "image/" + url.PathEscape(id)}, nil)
}

// SignedURL returns a time-limited download URL for an image (retried
// like AudiosService.SignedURL).
func (s *ImagesService) SignedURL(ctx context.Context, id string) (string, error) {
	var out struct {
		SignedURL string `json:"signed_url"`
	}
	err := s.c.call(ctx, &request{method: http.MethodPost, path: "image/" + url.PathEscape(id) + "/generate_url", query: s.c.collQuery(""), retryPOST: true}, &out)
	return out.SignedURL, err
}

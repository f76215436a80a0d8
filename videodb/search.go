package videodb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// SearchType is how a query is matched.
type SearchType string

// Search types.
const (
	SearchSemantic SearchType = "semantic"
	SearchKeyword  SearchType = "keyword"
)

// IndexType is which index a search reads.
type IndexType string

// Index types.
const (
	IndexSpokenWord IndexType = "spoken_word"
	IndexScene      IndexType = "scene"
)

// SearchOptions describe a search. Zero thresholds take the reference
// SDK's defaults for semantic search (score 0.2, 5 results) and none for
// keyword search.
type SearchOptions struct {
	Query                  string
	SearchType             SearchType // default semantic
	IndexType              IndexType  // default spoken_word
	ScoreThreshold         float64
	ResultThreshold        int
	DynamicScorePercentage float64
	SceneIndexID           string           // search one scene index only
	Filter                 []map[string]any // metadata filters for scene search
	SortDocsOn             string           // "score" or "start"
}

// SearchResult is one matched video with its matching passages.
type SearchResult struct {
	CollectionID string      `json:"collection_id"`
	VideoID      string      `json:"video_id"`
	Length       Number      `json:"length"`
	Title        string      `json:"title"`
	MaxScore     Number      `json:"max_score"`
	StreamURL    string      `json:"stream_url,omitempty"`
	Thumbnail    string      `json:"thumbnail,omitempty"`
	Docs         []SearchDoc `json:"docs"`
}

// SearchDoc is one matching passage.
type SearchDoc struct {
	Start          Number         `json:"start"`
	End            Number         `json:"end"`
	Text           string         `json:"text"`
	Score          Number         `json:"score"`
	SceneIndexID   string         `json:"scene_index_id,omitempty"`
	SceneIndexName string         `json:"scene_index_name,omitempty"`
	Metadata       map[string]any `json:"metadata,omitempty"`
	StreamLink     string         `json:"stream_link,omitempty"`
	PlayerURL      string         `json:"player_url,omitempty"`
}

// Shot is a SearchDoc with its video's fields, as the SDKs flatten results.
type Shot struct {
	VideoID     string
	VideoLength float64
	VideoTitle  string
	SearchDoc
}

// SearchResults is a search's answer.
type SearchResults struct {
	Results []SearchResult `json:"results"`
}

// Shots flattens the results into one list, in the server's order.
func (r *SearchResults) Shots() []Shot {
	var out []Shot
	for _, res := range r.Results {
		for _, d := range res.Docs {
			out = append(out, Shot{VideoID: res.VideoID, VideoLength: res.Length.Float64(), VideoTitle: res.Title, SearchDoc: d})
		}
	}
	return out
}

func searchBody(o SearchOptions) (map[string]any, error) {
	if strings.TrimSpace(o.Query) == "" {
		return nil, fmt.Errorf("videodb: search needs a query")
	}
	st, it := o.SearchType, o.IndexType
	if st == "" {
		st = SearchSemantic
	}
	if it == "" {
		it = IndexSpokenWord
	}
	switch st {
	case SearchSemantic, SearchKeyword, "scene":
	default:
		return nil, fmt.Errorf("videodb: search type %q is not one of semantic, keyword", st)
	}
	switch it {
	case IndexSpokenWord, IndexScene:
	default:
		return nil, fmt.Errorf("videodb: index type %q is not one of spoken_word, scene", it)
	}
	body := map[string]any{
		"search_type":              st,
		"index_type":               it,
		"query":                    o.Query,
		"score_threshold":          nil,
		"result_threshold":         nil,
		"dynamic_score_percentage": nil,
	}
	if st != SearchKeyword {
		score, results := o.ScoreThreshold, o.ResultThreshold
		if score == 0 {
			score = 0.2
		}
		if results == 0 {
			results = 5
		}
		body["score_threshold"], body["result_threshold"] = score, results
	} else {
		if o.ScoreThreshold != 0 {
			body["score_threshold"] = o.ScoreThreshold
		}
		if o.ResultThreshold != 0 {
			body["result_threshold"] = o.ResultThreshold
		}
	}
	if o.DynamicScorePercentage != 0 {
		body["dynamic_score_percentage"] = o.DynamicScorePercentage
	}
	if o.Filter != nil {
		body["filter"] = o.Filter
	} else {
		body["filter"] = []any{}
	}
	if o.SceneIndexID != "" {
		body["scene_index_id"] = o.SceneIndexID
	}
	if o.SortDocsOn != "" {
		body["sort_docs_on"] = o.SortDocsOn
	}
	return body, nil
}

// Search searches one video. "No results found" is an empty result, not an
// error. The POST is retried on 5xx: a search changes nothing.
func (s *VideosService) Search(ctx context.Context, id string, o SearchOptions) (*SearchResults, error) {
	body, err := searchBody(o)
	if err != nil {
		return nil, err
	}
	return s.c.search(ctx, "video/"+url.PathEscape(id)+"/search", body)
}

// Search runs a semantic search over a whole collection ("" means the
// client's). Only semantic search is available across a collection.
func (s *CollectionsService) Search(ctx context.Context, id string, o SearchOptions) (*SearchResults, error) {
	if o.SearchType != "" && o.SearchType != SearchSemantic {
		return nil, fmt.Errorf("videodb: collection search supports only semantic search, not %q: search each video instead", o.SearchType)
	}
	body, err := searchBody(o)
	if err != nil {
		return nil, err
	}
	return s.c.search(ctx, "collection/"+url.PathEscape(s.c.coll(id))+"/search", body)
}

func (c *Client) search(ctx context.Context, path string, body map[string]any) (*SearchResults, error) {
	var out SearchResults
	err := c.call(ctx, &request{method: http.MethodPost, path: path, body: body, retryPOST: true}, &out)
	if errors.Is(err, ErrNoResults) {
		return &SearchResults{}, nil
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

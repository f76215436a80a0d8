package videodb

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
)

// SegmentationType says how spoken-word indexing cuts sentences.
type SegmentationType string

// Segmentation types.
const (
	SegmentSentence SegmentationType = "sentence"
	SegmentLLM      SegmentationType = "llm"
)

// SpokenIndexOptions tune VideosService.IndexSpokenWords.
type SpokenIndexOptions struct {
	LanguageCode     string           // "en", "en_us"…; "" lets the server detect
	SegmentationType SegmentationType // default sentence
	Force            bool             // re-index when an index exists
	CallbackURL      string
}

// IndexSpokenWords transcribes a video and indexes its speech, waiting for
// the job. Indexing a video that already has a spoken index fails unless
// Force is set.
func (s *VideosService) IndexSpokenWords(ctx context.Context, id string, o SpokenIndexOptions) error {
	seg := o.SegmentationType
	if seg == "" {
		seg = SegmentSentence
	}
	body := map[string]any{
		"index_type":        "spoken_word",
		"language_code":     nullable(o.LanguageCode),
		"segmentation_type": seg,
		"force":             o.Force,
		"callback_url":      nullable(o.CallbackURL),
	}
	// Retried on 5xx: a second index request of the same video is refused
	// by the server ("already exists"), never duplicated.
	return s.c.call(ctx, &request{method: http.MethodPost, path: "video/" + url.PathEscape(id) + "/index", body: body, retryPOST: true}, nil)
}

// Segmenter says how a transcript fetch groups words.
type Segmenter string

// Segmenters.
const (
	SegmenterWord     Segmenter = "word"
	SegmenterSentence Segmenter = "sentence"
	SegmenterTime     Segmenter = "time"
)

// TranscriptOptions select part of a transcript. The zero value returns
// the whole transcript word by word.
type TranscriptOptions struct {
	Start     float64   // seconds, default 0
	End       float64   // seconds; 0 means the end of the video
	Segmenter Segmenter // default word
	Length    float64   // segment length in seconds for SegmenterTime (default 1)
	Force     bool
}

// Word is one transcript segment: a word, a sentence or a time bucket.
type Word struct {
	Start Number `json:"start"`
	End   Number `json:"end"`
	Text  string `json:"text"`
}

// UnmarshalJSON accepts the text under "text" or under "word" (older servers).
func (w *Word) UnmarshalJSON(b []byte) error {
	var x struct {
		Start Number  `json:"start"`
		End   Number  `json:"end"`
		Text  *string `json:"text"`
		Word  *string `json:"word"`
	}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	w.Start, w.End = x.Start, x.End
	switch {
	case x.Text != nil:
		w.Text = *x.Text
	case x.Word != nil:
		w.Text = *x.Word
	default:
		w.Text = ""
	}
	return nil
}

// Transcript is a fetched transcript.
type Transcript struct {
	Words []Word `json:"word_timestamps"`
	Text  string `json:"text"`
}

// Transcript fetches a video's transcript. A video that was never indexed
// fails with a *RequestError (run IndexSpokenWords first).
func (s *VideosService) Transcript(ctx context.Context, id string, o TranscriptOptions) (*Transcript, error) {
	if o.Start < 0 || o.End < 0 || (o.End > 0 && o.Start > o.End) {
		return nil, fmt.Errorf("videodb: transcript range %g–%g is not valid: start and end must be ≥ 0 and start ≤ end", o.Start, o.End)
	}
	seg := o.Segmenter
	if seg == "" {
		seg = SegmenterWord
	}
	switch seg {
	case SegmenterWord, SegmenterSentence, SegmenterTime:
	default:
		return nil, fmt.Errorf("videodb: unknown segmenter %q: use word, sentence or time", seg)
	}
	end := o.End
	if end == 0 {
		end = -1
	}
	length := o.Length
	if length <= 0 {
		length = 1
	}
	q := url.Values{
		"start":     {fmtFloat(o.Start)},
		"end":       {fmtFloat(end)},
		"segmenter": {string(seg)},
		"length":    {fmtFloat(length)},
		"force":     {strconv.FormatBool(o.Force)},
	}
	var out Transcript
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "video/" + url.PathEscape(id) + "/transcription", query: q}, &out)
	return &out, err
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ExtractionType says how scene indexing cuts a video into scenes.
type ExtractionType string

// Extraction types.
const (
	ExtractShot       ExtractionType = "shot"
	ExtractTime       ExtractionType = "time"
	ExtractTranscript ExtractionType = "transcript"
)

// SceneIndexOptions tune VideosService.IndexScenes. Config is the
// extraction_config: use TimeConfig, ShotConfig or TranscriptConfig.
type SceneIndexOptions struct {
	ExtractionType ExtractionType // default shot
	Config         any            // nil sends {}
	Prompt         string         // asked of the vision model for each scene
	Metadata       map[string]any // scene-level metadata usable in search filters
	ModelName      string
	ModelConfig    map[string]any
	Name           string
	CallbackURL    string
}

// TimeConfig is the extraction config of ExtractTime.
type TimeConfig struct {
	Time         float64  `json:"time"`                    // window length in seconds (default 10)
	FrameCount   int      `json:"frame_count,omitempty"`   // frames per window
	SelectFrames []string `json:"select_frames,omitempty"` // subset of first, middle, last
}

// ShotConfig is the extraction config of ExtractShot.
type ShotConfig struct {
	Threshold  int `json:"threshold,omitempty"` // default 20; higher means fewer splits
	FrameCount int `json:"frame_count,omitempty"`
}

// TranscriptConfig is the extraction config of ExtractTranscript.
type TranscriptConfig struct {
	Segmenter         Segmenter `json:"segmenter"`
	SegmentationValue float64   `json:"segmentation_value"`
}

// ExistingSceneIndexError is returned by IndexScenes when the server says an
// identical scene index exists; ID is that index, ready to reuse.
type ExistingSceneIndexError struct {
	ID  string
	Err *RequestError
}

func (e *ExistingSceneIndexError) Error() string {
	return fmt.Sprintf("scene index %s already exists: reuse it: %v", e.ID, e.Err)
}

func (e *ExistingSceneIndexError) Unwrap() error { return e.Err }

var existingIndexRe = regexp.MustCompile(`id\s+([a-f0-9]+)`)

// IndexScenes describes the video's scenes with a vision model and returns
// the scene index id. When the same index exists, the error is an
// *ExistingSceneIndexError carrying its id.
func (s *VideosService) IndexScenes(ctx context.Context, id string, o SceneIndexOptions) (string, error) {
	et := o.ExtractionType
	if et == "" {
		et = ExtractShot
	}
	cfg := o.Config
	if cfg == nil {
		cfg = map[string]any{}
	}
	meta := o.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	body := map[string]any{
		"extraction_type":   et,
		"extraction_config": cfg,
		"prompt":            nullable(o.Prompt),
		"metadata":          meta,
		"model_name":        nullable(o.ModelName),
		"model_config":      o.ModelConfig,
		"name":              nullable(o.Name),
		"scenes":            nil,
		"callback_url":      nullable(o.CallbackURL),
	}
	var out struct {
		SceneIndexID string `json:"scene_index_id"`
	}
	// Not retried on 5xx: a repeat could start a second paid indexing run.
	err := s.c.call(ctx, &request{method: http.MethodPost, path: "video/" + url.PathEscape(id) + "/index/scene", body: body}, &out)
	if re, ok := err.(*RequestError); ok {
		if m := existingIndexRe.FindStringSubmatch(re.Message); m != nil && containsFold(re.Message, "exist") {
			return m[1], &ExistingSceneIndexError{ID: m[1], Err: re}
		}
	}
	if err == nil && out.SceneIndexID == "" {
		err = fmt.Errorf("videodb: index scenes of %s: %w: no scene_index_id in the answer", id, ErrMalformed)
	}
	return out.SceneIndexID, err
}

// SceneIndex describes one scene index of a video.
type SceneIndex struct {
	ID     string `json:"scene_index_id"`
	Name   string `json:"name"`
	Status string `json:"status"` // processing, done, failed
}

// SceneRecord is one described scene.
type SceneRecord struct {
	Start       Number         `json:"start"`
	End         Number         `json:"end"`
	Description string         `json:"description"`
	Metadata    map[string]any `json:"metadata,omitempty"`
}

// SceneIndexes lists a video's scene indexes.
func (s *VideosService) SceneIndexes(ctx context.Context, id string) ([]SceneIndex, error) {
	var out struct {
		SceneIndexes []SceneIndex `json:"scene_indexes"`
	}
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "video/" + url.PathEscape(id) + "/index/scene", query: s.c.collQuery("")}, &out)
	return out.SceneIndexes, err
}

// SceneIndex returns the records of one scene index.
func (s *VideosService) SceneIndex(ctx context.Context, id, sceneIndexID string) ([]SceneRecord, error) {
	var out struct {
		Records []SceneRecord `json:"scene_index_records"`
	}
	err := s.c.call(ctx, &request{method: http.MethodGet, path: "video/" + url.PathEscape(id) + "/index/scene/" + url.PathEscape(sceneIndexID), query: s.c.collQuery("")}, &out)
	return out.Records, err
}

// DeleteSceneIndex removes a scene index.
func (s *VideosService) DeleteSceneIndex(ctx context.Context, id, sceneIndexID string) error {
	return s.c.call(ctx, &request{method: http.MethodDelete, path: "video/" + url.PathEscape(id) + "/index/scene/" + url.PathEscape(sceneIndexID)}, nil)
}

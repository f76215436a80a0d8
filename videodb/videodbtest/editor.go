package videodbtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

var (
	editorPositions = set("top", "bottom", "left", "right", "center", "top_left", "top_right", "bottom_left", "bottom_right")
	editorFilters   = set("blur", "boost", "contrast", "darken", "greyscale", "lighten", "muted", "negative")
	editorFits      = set("crop", "cover", "contain", "None")
)

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func (s *Server) editor(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	tl, _ := b["timeline"].(map[string]any)
	if u := str(b, "timeline_url"); u != "" {
		s.mu.Lock()
		up, ok := s.uploads[strings.TrimPrefix(u, s.base()+"/_upload/")]
		s.mu.Unlock()
		if !ok || up.Data == nil {
			writeErr(w, http.StatusBadRequest, "timeline_url does not point to an uploaded timeline")
			return
		}
		var body map[string]any
		if err := json.Unmarshal(up.Data, &body); err != nil {
			writeErr(w, http.StatusBadRequest, "timeline_url content is not JSON")
			return
		}
		tl, _ = body["timeline"].(map[string]any)
	}
	if tl == nil {
		writeErr(w, http.StatusBadRequest, "timeline or timeline_url is required")
		return
	}
	if err := s.validateTimeline(tl); err != nil {
		writeErr(w, http.StatusBadRequest, "invalid timeline: "+err.Error())
		return
	}
	raw, _ := json.Marshal(tl)
	s.mu.Lock()
	s.timelines = append(s.timelines, raw)
	s.mu.Unlock()
	s.finish(w, b, s.streamJSON("ed-"+hash(string(raw))[:12]))
}

func (s *Server) validateTimeline(tl map[string]any) error {
	tracks, ok := tl["tracks"].([]any)
	if !ok {
		return errors.New("tracks must be a list")
	}
	var errs []error
	for ti, t := range tracks {
		tm, _ := t.(map[string]any)
		clips, ok := tm["clips"].([]any)
		if !ok {
			errs = append(errs, fmt.Errorf("track %d: clips must be a list", ti))
			continue
		}
		for ci, c := range clips {
			if err := s.validateItem(c); err != nil {
				errs = append(errs, fmt.Errorf("track %d clip %d: %w", ti, ci, err))
			}
		}
	}
	return errors.Join(errs...)
}

func (s *Server) validateItem(item any) error {
	it, _ := item.(map[string]any)
	if st, ok := num(it, "start"); !ok || st < 0 {
		return errors.New("start must be a number ≥ 0")
	}
	c, _ := it["clip"].(map[string]any)
	if c == nil {
		return errors.New("clip is missing")
	}
	if d, ok := num(c, "duration"); !ok || d <= 0 {
		return errors.New("duration must be > 0")
	}
	for _, k := range []string{"effect", "scale", "opacity", "fit", "position", "offset", "z_index"} {
		if _, ok := c[k]; !ok {
			return fmt.Errorf("%s is missing", k)
		}
	}
	if v, ok := num(c, "scale"); !ok || v < 0 || v > 10 {
		return errors.New("scale must be within 0–10")
	}
	if v, ok := num(c, "opacity"); !ok || v < 0 || v > 1 {
		return errors.New("opacity must be within 0–1")
	}
	if f := c["fit"]; f != nil && !editorFits[str(c, "fit")] {
		return fmt.Errorf("fit %v is not crop, cover, contain or null", f)
	}
	if !editorPositions[str(c, "position")] {
		return fmt.Errorf("position %q is not valid", str(c, "position"))
	}
	if f, ok := c["filter"]; ok && !editorFilters[fmt.Sprint(f)] {
		return fmt.Errorf("filter %v is not valid", f)
	}
	a, _ := c["asset"].(map[string]any)
	if a == nil {
		return errors.New("asset is missing")
	}
	id := str(a, "id")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch str(a, "type") {
	case "video":
		if _, ok := s.videos[id]; !ok || !strings.HasPrefix(id, "m-") {
			return fmt.Errorf("video asset %q not found", id)
		}
	case "audio":
		if _, ok := s.audios[id]; !ok || !strings.HasPrefix(id, "a-") {
			return fmt.Errorf("audio asset %q not found", id)
		}
	case "image":
		if _, ok := s.images[id]; !ok || !strings.HasPrefix(id, "img-") {
			return fmt.Errorf("image asset %q not found", id)
		}
	case "text":
		if _, ok := a["text"].(string); !ok {
			return errors.New("text asset needs text")
		}
	case "caption":
	default:
		return fmt.Errorf("asset type %q is not video, image, audio, text or caption", str(a, "type"))
	}
	return nil
}

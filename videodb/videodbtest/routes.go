package videodbtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
)

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /collection", s.listCollections)
	m.HandleFunc("POST /collection", s.createCollection)
	m.HandleFunc("GET /collection/{cid}", s.getCollection)
	m.HandleFunc("PATCH /collection/{cid}", s.updateCollection)
	m.HandleFunc("DELETE /collection/{cid}", s.deleteCollection)
	m.HandleFunc("GET /collection/{cid}/upload_url", s.uploadURL)
	m.HandleFunc("POST /collection/{cid}/upload", s.createUpload)
	m.HandleFunc("POST /collection/{cid}/search", s.collectionSearch)
	m.HandleFunc("POST /collection/{cid}/generate/text", s.generateText)
	m.HandleFunc("POST /collection/{cid}/generate/audio", s.generateAudio)
	m.HandleFunc("POST /collection/{cid}/generate/image", s.generateImage)

	m.HandleFunc("GET /video", s.listVideos)
	m.HandleFunc("GET /video/{id}", s.getVideo)
	m.HandleFunc("PATCH /video/{id}", s.updateVideo)
	m.HandleFunc("DELETE /video/{id}", s.deleteVideo)
	m.HandleFunc("DELETE /video/{id}/storage", s.deleteStorage)
	m.HandleFunc("POST /video/{id}/index", s.indexSpoken)
	m.HandleFunc("GET /video/{id}/transcription", s.transcript)
	m.HandleFunc("POST /video/{id}/index/scene", s.indexScenes)
	m.HandleFunc("GET /video/{id}/index/scene", s.listSceneIndexes)
	m.HandleFunc("GET /video/{id}/index/scene/{sid}", s.getSceneIndex)
	m.HandleFunc("DELETE /video/{id}/index/scene/{sid}", s.deleteSceneIndex)
	m.HandleFunc("POST /video/{id}/search", s.videoSearch)
	m.HandleFunc("POST /video/{id}/stream", s.stream)
	m.HandleFunc("GET /video/{id}/thumbnail", s.thumbnail)
	m.HandleFunc("POST /video/{id}/thumbnail", s.thumbnailAt)

	for _, kind := range []string{"audio", "image"} {
		k := kind
		m.HandleFunc("GET /"+k, func(w http.ResponseWriter, r *http.Request) { s.listMedia(w, r, k) })
		m.HandleFunc("GET /"+k+"/{id}", func(w http.ResponseWriter, r *http.Request) { s.getMedia(w, r, k) })
		m.HandleFunc("DELETE /"+k+"/{id}", func(w http.ResponseWriter, r *http.Request) { s.deleteMedia(w, r, k) })
		m.HandleFunc("POST /"+k+"/{id}/generate_url", func(w http.ResponseWriter, r *http.Request) { s.signedURL(w, r, k) })
	}

	m.HandleFunc("POST /compile", s.compile)
	m.HandleFunc("POST /editor", s.editor)
	m.HandleFunc("GET /async-response/{id}", s.poll)
	m.HandleFunc("GET /job/{id}", s.modelJob)
	m.HandleFunc("POST /voice_clone", s.createClone)
	m.HandleFunc("GET /voice_clone", s.listClones)
	m.HandleFunc("GET /voice_clone/{id}", s.getClone)
	m.HandleFunc("DELETE /voice_clone/{id}", s.deleteClone)
	m.HandleFunc("GET /files/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		fmt.Fprintf(w, "fake media %s\n", r.PathValue("id"))
	})
	m.HandleFunc("GET /stream/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		fmt.Fprintf(w, "#EXTM3U\n#EXT-X-ENDLIST\n")
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, http.StatusNotFound, "no route "+r.Method+" "+r.URL.Path)
	})
}

// ---- small helpers ----

func bodyMap(r *http.Request) map[string]any {
	var m map[string]any
	_ = json.NewDecoder(r.Body).Decode(&m)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

func str(m map[string]any, k string) string {
	switch v := m[k].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func num(m map[string]any, k string) (float64, bool) {
	switch v := m[k].(type) {
	case float64:
		return v, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

func (s *Server) n(f float64) any {
	if s.opts.NumericLengths {
		return f
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func (s *Server) coll(cid string) (string, bool) {
	if cid == "default" {
		return s.opts.CollectionID, true
	}
	_, ok := s.collections[cid]
	return cid, ok
}

func round(f float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(f*p) / p
}

func hash(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])
}

// ---- jobs ----

// finish answers a long operation: at once (Sync), as a job to poll, or
// accepted with the result POSTed to callback_url.
func (s *Server) finish(w http.ResponseWriter, body map[string]any, final any) {
	s.mu.Lock()
	j := &job{ID: s.newID("job-"), Pending: s.opts.PendingPolls, Final: final, Fail: s.failJobs}
	cb := str(body, "callback_url")
	if cb == "" && s.opts.Sync {
		s.mu.Unlock()
		if j.Fail != "" {
			writeErr(w, http.StatusBadRequest, j.Fail)
			return
		}
		writeData(w, final)
		return
	}
	s.jobs[j.ID] = j
	skip := s.opts.SkipCallbacks
	s.mu.Unlock()
	start := map[string]any{"id": j.ID, "output_url": s.base() + "/async-response/" + j.ID}
	if cb != "" {
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "status": "processing", "request_type": "async", "data": start})
		if !skip {
			env := map[string]any{"success": true, "data": final}
			if j.Fail != "" {
				env = map[string]any{"success": false, "message": j.Fail}
			}
			b, _ := json.Marshal(env)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				res, err := s.srv.Client().Post(cb, "application/json", strings.NewReader(string(b)))
				if err == nil {
					res.Body.Close()
				}
			}()
		}
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "status": "processing", "request_type": "sync", "data": start})
}

func (s *Server) poll(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	j, ok := s.jobs[r.PathValue("id")]
	if !ok {
		s.mu.Unlock()
		writeErr(w, http.StatusNotFound, "job not found")
		return
	}
	j.Polls++
	pending := s.stuck || j.Stuck || j.Polls <= j.Pending
	polls, total, wrap := j.Polls, j.Pending, s.opts.WrapResponse
	s.mu.Unlock()
	switch {
	case pending:
		status := "processing"
		if polls%2 == 0 {
			status = "in progress"
		}
		pct := 99.0
		if total > 0 {
			pct = math.Min(99, float64(polls*100/(total+1)))
		}
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "status": status, "data": map[string]any{"percentage": pct}})
	case j.Fail != "":
		writeJSON(w, http.StatusOK, map[string]any{"success": false, "status": "failed", "message": j.Fail})
	case wrap:
		writeJSON(w, http.StatusOK, map[string]any{"status": "done", "response": map[string]any{"success": true, "data": j.Final}})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "status": "done", "data": j.Final})
	}
}

func (s *Server) newModelJob(kind string, final any) map[string]any {
	j := &job{ID: s.newID("mj-"), Pending: s.opts.PendingPolls, Final: final, Fail: s.failJobs, Type: kind}
	s.modelJobs[j.ID] = j
	return map[string]any{"job_id": j.ID, "job_type": kind, "status": "processing"}
}

func (s *Server) modelJob(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	j, ok := s.modelJobs[r.PathValue("id")]
	if !ok {
		s.mu.Unlock()
		writeErr(w, http.StatusNotFound, "job not found")
		return
	}
	j.Polls++
	pending := s.stuck || j.Polls <= j.Pending
	s.mu.Unlock()
	switch {
	case pending:
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "status": "processing", "data": map[string]any{"job_id": j.ID, "job_type": j.Type, "status": "processing"}})
	case j.Fail != "":
		writeJSON(w, http.StatusOK, map[string]any{"success": false, "status": "failed", "message": j.Fail})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "status": "done", "data": j.Final})
	}
}

// ---- collections ----

func (s *Server) collectionJSON(c *collection) map[string]any {
	return map[string]any{"id": c.ID, "name": c.Name, "description": c.Description, "is_public": c.Public}
}

func (s *Server) listCollections(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id := range s.collections {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	list := []any{}
	for _, id := range ids {
		list = append(list, s.collectionJSON(s.collections[id]))
	}
	writeData(w, map[string]any{"collections": list, "default_collection": "default"})
}

func (s *Server) createCollection(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	if str(b, "name") == "" {
		writeErr(w, http.StatusBadRequest, "name is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &collection{ID: s.newID("c-"), Name: str(b, "name"), Description: str(b, "description")}
	s.collections[c.ID] = c
	writeData(w, s.collectionJSON(c))
}

func (s *Server) getCollection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.coll(r.PathValue("cid"))
	if !ok {
		writeErr(w, http.StatusNotFound, "Collection not found")
		return
	}
	writeData(w, s.collectionJSON(s.collections[id]))
}

func (s *Server) updateCollection(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.coll(r.PathValue("cid"))
	if !ok {
		writeErr(w, http.StatusNotFound, "Collection not found")
		return
	}
	c := s.collections[id]
	if _, ok := b["name"]; ok {
		c.Name = str(b, "name")
	}
	if _, ok := b["description"]; ok {
		c.Description = str(b, "description")
	}
	if p, ok := b["is_public"].(bool); ok {
		c.Public = p
	}
	writeData(w, s.collectionJSON(c))
}

func (s *Server) deleteCollection(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.coll(r.PathValue("cid"))
	if !ok || id == s.opts.CollectionID {
		writeErr(w, http.StatusNotFound, "Collection not found or is the default")
		return
	}
	delete(s.collections, id)
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
}

// ---- upload ----

func (s *Server) uploadURL(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.coll(r.PathValue("cid")); !ok {
		writeErr(w, http.StatusNotFound, "Collection not found")
		return
	}
	token := s.newID("up-")
	s.uploads[token] = &Upload{Token: token, Filename: r.URL.Query().Get("name")}
	writeData(w, map[string]any{"upload_url": s.base() + "/_upload/" + token})
}

func kindOf(mediaType, name string) string {
	switch mediaType {
	case "video", "audio", "image":
		return mediaType
	}
	switch strings.ToLower(strings.TrimPrefix(path.Ext(name), ".")) {
	case "mp3", "wav", "m4a", "aac", "ogg", "flac":
		return "audio"
	case "jpg", "jpeg", "png", "webp", "gif":
		return "image"
	}
	return "video"
}

func (s *Server) videoJSON(v *video) map[string]any {
	return map[string]any{
		"id": v.ID, "collection_id": v.CollectionID, "name": v.Name, "length": s.n(v.Length), "size": s.n(float64(v.Size)),
		"extension": v.Extension, "stream_url": s.base() + "/stream/" + v.ID + ".m3u8", "player_url": s.base() + "/watch?v=" + v.ID,
	}
}

func (s *Server) mediaJSON(m *mediaItem) map[string]any {
	out := map[string]any{"id": m.ID, "collection_id": m.CollectionID, "name": m.Name}
	if m.Kind == "audio" {
		out["length"] = s.n(m.Length)
		out["size"] = s.n(float64(m.Size))
	} else {
		out["url"] = nil
	}
	return out
}

func (s *Server) createUpload(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	src := str(b, "url")
	if src == "" {
		writeErr(w, http.StatusBadRequest, "url is required")
		return
	}
	s.mu.Lock()
	cid, ok := s.coll(r.PathValue("cid"))
	if !ok {
		s.mu.Unlock()
		writeErr(w, http.StatusNotFound, "Collection not found")
		return
	}
	filename, size := path.Base(src), int64(1000)
	if strings.HasPrefix(src, s.base()+"/_upload/") {
		up, ok := s.uploads[strings.TrimPrefix(src, s.base()+"/_upload/")]
		if !ok || up.SHA256 == "" {
			s.mu.Unlock()
			writeErr(w, http.StatusBadRequest, "nothing was uploaded to this upload URL")
			return
		}
		filename, size = up.Filename, up.Size
	}
	name := str(b, "name")
	if name == "" {
		name = strings.TrimSuffix(filename, path.Ext(filename))
	}
	ext := strings.TrimPrefix(path.Ext(filename), ".")
	var final map[string]any
	switch kindOf(str(b, "media_type"), filename) {
	case "audio":
		a := &mediaItem{ID: s.newID("a-"), Name: name, CollectionID: cid, Kind: "audio", Length: s.opts.VideoLength, Size: size}
		s.audios[a.ID] = a
		final = s.mediaJSON(a)
		final["extension"] = ext
	case "image":
		im := &mediaItem{ID: s.newID("img-"), Name: name, CollectionID: cid, Kind: "image", Size: size}
		s.images[im.ID] = im
		final = s.mediaJSON(im)
	default:
		if ext == "" {
			ext = "mp4"
		}
		v := &video{ID: s.newID("m-"), Name: name, CollectionID: cid, Extension: ext, Length: s.opts.VideoLength, Size: size}
		s.videos[v.ID] = v
		final = s.videoJSON(v)
	}
	s.mu.Unlock()
	s.finish(w, b, final)
}

// ---- videos ----

func (s *Server) withVideo(w http.ResponseWriter, r *http.Request, fn func(v *video)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.videos[r.PathValue("id")]
	if !ok {
		writeErr(w, http.StatusNotFound, "Video not found")
		return
	}
	fn(v)
}

func (s *Server) listVideos(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cid, _ := s.coll(r.URL.Query().Get("collection_id"))
	if cid == "" {
		cid = s.opts.CollectionID
	}
	var ids []string
	for id, v := range s.videos {
		if v.CollectionID == cid {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	list := []any{}
	for _, id := range ids {
		list = append(list, s.videoJSON(s.videos[id]))
	}
	writeData(w, map[string]any{"videos": list})
}

func (s *Server) getVideo(w http.ResponseWriter, r *http.Request) {
	s.withVideo(w, r, func(v *video) { writeData(w, s.videoJSON(v)) })
}

func (s *Server) updateVideo(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	s.withVideo(w, r, func(v *video) {
		if n := str(b, "name"); n != "" {
			v.Name = n
		}
		writeData(w, s.videoJSON(v))
	})
}

func (s *Server) deleteVideo(w http.ResponseWriter, r *http.Request) {
	s.withVideo(w, r, func(v *video) {
		delete(s.videos, v.ID)
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
	})
}

func (s *Server) deleteStorage(w http.ResponseWriter, r *http.Request) {
	s.withVideo(w, r, func(v *video) { writeJSON(w, http.StatusOK, map[string]any{"success": true}) })
}

func (s *Server) indexSpoken(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	if it := str(b, "index_type"); it != "spoken_word" {
		writeErr(w, http.StatusBadRequest, "index_type must be spoken_word, not "+strconv.Quote(it))
		return
	}
	force, _ := b["force"].(bool)
	s.mu.Lock()
	v, ok := s.videos[r.PathValue("id")]
	if !ok {
		s.mu.Unlock()
		writeErr(w, http.StatusNotFound, "Video not found")
		return
	}
	if v.Spoken && !force {
		s.mu.Unlock()
		writeErr(w, http.StatusBadRequest, "Spoken word index for video already exists")
		return
	}
	if s.failJobs == "" {
		v.Spoken = true
		v.Transcript = nil
		for _, sn := range s.opts.Transcript {
			if sn.Start < v.Length {
				sn.End = math.Min(sn.End, v.Length)
				v.Transcript = append(v.Transcript, sn)
			}
		}
	}
	s.mu.Unlock()
	s.finish(w, b, map[string]any{"message": "spoken word index created"})
}

type seg struct {
	Start, End float64
	Text       string
}

func words(ts []Sentence) []seg {
	var out []seg
	for _, sn := range ts {
		ws := strings.Fields(sn.Text)
		step := (sn.End - sn.Start) / float64(max(1, len(ws)))
		for i, wd := range ws {
			out = append(out, seg{round(sn.Start+float64(i)*step, 3), round(sn.Start+float64(i+1)*step, 3), wd})
		}
	}
	return out
}

func (s *Server) transcript(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.withVideo(w, r, func(v *video) {
		if !v.Spoken {
			writeErr(w, http.StatusBadRequest, "Transcript not found for video "+v.ID+"; index spoken words first")
			return
		}
		start, _ := strconv.ParseFloat(q.Get("start"), 64)
		end, err := strconv.ParseFloat(q.Get("end"), 64)
		if err != nil || end < 0 {
			end = math.Inf(1)
		}
		var items []seg
		switch q.Get("segmenter") {
		case "", "word":
			items = words(v.Transcript)
		case "sentence":
			for _, sn := range v.Transcript {
				items = append(items, seg{sn.Start, sn.End, sn.Text})
			}
		case "time":
			length, _ := strconv.ParseFloat(q.Get("length"), 64)
			if length <= 0 {
				length = 1
			}
			buckets := map[int][]string{}
			var keys []int
			for _, wd := range words(v.Transcript) {
				k := int(wd.Start / length)
				if _, ok := buckets[k]; !ok {
					keys = append(keys, k)
				}
				buckets[k] = append(buckets[k], wd.Text)
			}
			for _, k := range keys {
				items = append(items, seg{float64(k) * length, float64(k+1) * length, strings.Join(buckets[k], " ")})
			}
		default:
			writeErr(w, http.StatusBadRequest, "segmenter must be word, sentence or time")
			return
		}
		out, texts := []any{}, []string{}
		for _, it := range items {
			if it.End <= start || it.Start >= end {
				continue
			}
			out = append(out, map[string]any{"start": it.Start, "end": it.End, "text": it.Text})
			texts = append(texts, it.Text)
		}
		writeData(w, map[string]any{"word_timestamps": out, "text": strings.Join(texts, " ")})
	})
}

func (s *Server) indexScenes(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	et := str(b, "extraction_type")
	if et != "shot" && et != "time" && et != "transcript" {
		writeErr(w, http.StatusBadRequest, "extraction_type must be shot, time or transcript")
		return
	}
	cfg, _ := b["extraction_config"].(map[string]any)
	keyJSON, _ := json.Marshal([]any{et, cfg, b["prompt"], b["model_name"], b["name"]})
	s.mu.Lock()
	v, ok := s.videos[r.PathValue("id")]
	if !ok {
		s.mu.Unlock()
		writeErr(w, http.StatusNotFound, "Video not found")
		return
	}
	for _, si := range v.SceneIndexes {
		if si.key == string(keyJSON) {
			s.mu.Unlock()
			writeErr(w, http.StatusBadRequest, "Scene index with id "+si.ID+" already exists")
			return
		}
	}
	step := 10.0
	switch et {
	case "time":
		if t, ok := num(cfg, "time"); ok && t > 0 {
			step = t
		}
	case "shot":
		step = 15
	}
	prompt := str(b, "prompt")
	if prompt == "" {
		prompt = "scene"
	}
	describe := s.describers[v.ID]
	if describe == nil {
		describe = s.describers[""]
	}
	si := &sceneIndex{ID: hash(v.ID, string(keyJSON), strconv.Itoa(s.seq))[:16], Name: str(b, "name"), Status: "done", key: string(keyJSON)}
	if si.Name == "" {
		si.Name = "Scene Index " + strconv.Itoa(len(v.SceneIndexes)+1)
	}
	if et == "transcript" {
		for _, sn := range v.Transcript {
			si.Records = append(si.Records, SceneRecord{Start: sn.Start, End: sn.End, Description: prompt + ": " + sn.Text})
		}
	} else {
		for t := 0.0; t < v.Length; t += step {
			end := math.Min(t+step, v.Length)
			d := fmt.Sprintf("%s @%g", prompt, t)
			if describe != nil {
				d = describe(t, end)
			}
			si.Records = append(si.Records, SceneRecord{Start: round(t, 3), End: round(end, 3), Description: d, Metadata: map[string]any{}})
		}
	}
	if s.failJobs == "" {
		v.SceneIndexes = append(v.SceneIndexes, si)
	}
	s.mu.Unlock()
	s.finish(w, b, map[string]any{"scene_index_id": si.ID})
}

func (s *Server) listSceneIndexes(w http.ResponseWriter, r *http.Request) {
	s.withVideo(w, r, func(v *video) {
		list := []any{}
		for _, si := range v.SceneIndexes {
			list = append(list, map[string]any{"scene_index_id": si.ID, "name": si.Name, "status": si.Status})
		}
		writeData(w, map[string]any{"scene_indexes": list})
	})
}

func (s *Server) findIndex(v *video, sid string) (int, *sceneIndex) {
	for i, si := range v.SceneIndexes {
		if si.ID == sid {
			return i, si
		}
	}
	return -1, nil
}

func (s *Server) getSceneIndex(w http.ResponseWriter, r *http.Request) {
	s.withVideo(w, r, func(v *video) {
		_, si := s.findIndex(v, r.PathValue("sid"))
		if si == nil {
			writeErr(w, http.StatusNotFound, "Scene index not found")
			return
		}
		recs := []any{}
		for _, rec := range si.Records {
			recs = append(recs, map[string]any{"start": rec.Start, "end": rec.End, "description": rec.Description, "metadata": rec.Metadata})
		}
		writeData(w, map[string]any{"scene_index_records": recs})
	})
}

func (s *Server) deleteSceneIndex(w http.ResponseWriter, r *http.Request) {
	s.withVideo(w, r, func(v *video) {
		i, si := s.findIndex(v, r.PathValue("sid"))
		if si == nil {
			writeErr(w, http.StatusNotFound, "Scene index not found")
			return
		}
		v.SceneIndexes = append(v.SceneIndexes[:i], v.SceneIndexes[i+1:]...)
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
	})
}

// ---- search ----

func tokens(s string) map[string]bool {
	out := map[string]bool{}
	for _, t := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	}) {
		out[t] = true
	}
	return out
}

type doc struct {
	Start, End, Score float64
	Text, SceneIndex  string
	Metadata          map[string]any
}

func score(searchType, query, text string) float64 {
	if searchType == "keyword" {
		if strings.Contains(strings.ToLower(text), strings.ToLower(query)) {
			return 1
		}
		return 0
	}
	q, t := tokens(query), tokens(text)
	if len(q) == 0 {
		return 0
	}
	hit := 0
	for k := range q {
		if t[k] {
			hit++
		}
	}
	return round(float64(hit)/float64(len(q)), 4)
}

func matchesFilter(meta map[string]any, filter any) bool {
	list, _ := filter.([]any)
	for _, f := range list {
		m, _ := f.(map[string]any)
		for k, want := range m {
			if fmt.Sprint(meta[k]) != fmt.Sprint(want) {
				return false
			}
		}
	}
	return true
}

// searchVideo returns the matching docs of one video, or an error message and status.
func (s *Server) searchVideo(v *video, b map[string]any) ([]doc, int, string) {
	st, it, q := str(b, "search_type"), str(b, "index_type"), str(b, "query")
	if st == "" {
		st = "semantic"
	}
	if it == "" {
		it = "spoken_word"
	}
	if st != "semantic" && st != "keyword" && st != "scene" {
		return nil, http.StatusBadRequest, "search_type must be semantic or keyword"
	}
	var docs []doc
	switch it {
	case "spoken_word":
		if !v.Spoken {
			return nil, http.StatusBadRequest, "Spoken word index not found for video " + v.ID + "; index spoken words first"
		}
		for _, sn := range v.Transcript {
			docs = append(docs, doc{Start: sn.Start, End: sn.End, Text: sn.Text})
		}
	case "scene":
		sid := str(b, "scene_index_id")
		found := sid == ""
		for _, si := range v.SceneIndexes {
			if sid != "" && si.ID != sid {
				continue
			}
			found = true
			for _, rec := range si.Records {
				if matchesFilter(rec.Metadata, b["filter"]) {
					docs = append(docs, doc{Start: rec.Start, End: rec.End, Text: rec.Description, SceneIndex: si.ID, Metadata: rec.Metadata})
				}
			}
		}
		if !found {
			return nil, http.StatusNotFound, "Scene index " + sid + " not found"
		}
	default:
		return nil, http.StatusBadRequest, "index_type must be spoken_word or scene"
	}
	threshold, hasThreshold := num(b, "score_threshold")
	var out []doc
	for _, d := range docs {
		d.Score = score(st, q, d.Text)
		if d.Score <= 0 || (hasThreshold && d.Score < threshold) {
			continue
		}
		out = append(out, d)
	}
	if str(b, "sort_docs_on") == "start" {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	} else {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	}
	if n, ok := num(b, "result_threshold"); ok && n > 0 && len(out) > int(n) {
		out = out[:int(n)]
	}
	return out, http.StatusOK, ""
}

func (s *Server) resultJSON(v *video, docs []doc) map[string]any {
	list, best := []any{}, 0.0
	for _, d := range docs {
		m := map[string]any{"start": d.Start, "end": d.End, "text": d.Text, "score": d.Score}
		if d.SceneIndex != "" {
			m["scene_index_id"] = d.SceneIndex
			m["metadata"] = d.Metadata
		}
		list = append(list, m)
		best = math.Max(best, d.Score)
	}
	return map[string]any{"collection_id": v.CollectionID, "video_id": v.ID, "length": s.n(v.Length), "title": v.Name, "max_score": best, "docs": list}
}

func (s *Server) videoSearch(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	s.withVideo(w, r, func(v *video) {
		docs, status, msg := s.searchVideo(v, b)
		if status != http.StatusOK {
			writeErr(w, status, msg)
			return
		}
		if len(docs) == 0 {
			writeErr(w, http.StatusNotFound, "No results found")
			return
		}
		writeData(w, map[string]any{"results": []any{s.resultJSON(v, docs)}})
	})
}

func (s *Server) collectionSearch(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	cid, ok := s.coll(r.PathValue("cid"))
	if !ok {
		writeErr(w, http.StatusNotFound, "Collection not found")
		return
	}
	var ids []string
	for id, v := range s.videos {
		if v.CollectionID == cid {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	results := []any{}
	for _, id := range ids {
		v := s.videos[id]
		if str(b, "index_type") != "scene" && !v.Spoken {
			continue
		}
		if docs, status, _ := s.searchVideo(v, b); status == http.StatusOK && len(docs) > 0 {
			results = append(results, s.resultJSON(v, docs))
		}
	}
	if len(results) == 0 {
		writeErr(w, http.StatusNotFound, "No results found")
		return
	}
	writeData(w, map[string]any{"results": results})
}

// ---- streams ----

func pairs(x any) ([][2]float64, bool) {
	list, ok := x.([]any)
	if !ok {
		return nil, false
	}
	var out [][2]float64
	for _, p := range list {
		pp, ok := p.([]any)
		if !ok || len(pp) != 2 {
			return nil, false
		}
		a, ok1 := pp[0].(float64)
		b, ok2 := pp[1].(float64)
		if !ok1 || !ok2 {
			return nil, false
		}
		out = append(out, [2]float64{a, b})
	}
	return out, true
}

func (s *Server) streamJSON(key string) map[string]any {
	return map[string]any{"stream_url": s.base() + "/stream/" + key + ".m3u8", "player_url": s.base() + "/watch?v=" + key}
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	s.withVideo(w, r, func(v *video) {
		if b["timeline"] == nil {
			writeData(w, s.streamJSON(v.ID))
			return
		}
		tl, ok := pairs(b["timeline"])
		if !ok || len(tl) == 0 {
			writeErr(w, http.StatusBadRequest, "timeline must be a list of [start, end] pairs")
			return
		}
		for _, p := range tl {
			if p[0] < 0 || p[0] >= p[1] || p[1] > v.Length+1e-6 {
				writeErr(w, http.StatusBadRequest, fmt.Sprintf("invalid timeline range [%g, %g] for video of length %g", p[0], p[1], v.Length))
				return
			}
		}
		raw, _ := json.Marshal(tl)
		writeData(w, s.streamJSON(hash(v.ID, string(raw))[:12]))
	})
}

func (s *Server) thumbnail(w http.ResponseWriter, r *http.Request) {
	s.withVideo(w, r, func(v *video) {
		writeData(w, map[string]any{"thumbnail_url": s.base() + "/files/thumb-" + v.ID + ".jpg"})
	})
}

func (s *Server) thumbnailAt(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	s.withVideo(w, r, func(v *video) {
		t, ok := num(b, "time")
		if !ok || t < 0 || t > v.Length {
			writeErr(w, http.StatusBadRequest, "time must be within the video")
			return
		}
		im := &mediaItem{ID: s.newID("img-"), Name: fmt.Sprintf("%s@%g", v.ID, t), CollectionID: v.CollectionID, Kind: "image"}
		s.images[im.ID] = im
		out := s.mediaJSON(im)
		out["url"] = s.base() + "/files/" + im.ID
		writeData(w, out)
	})
}

func (s *Server) compile(w http.ResponseWriter, r *http.Request) {
	var inputs []map[string]any
	if err := json.NewDecoder(r.Body).Decode(&inputs); err != nil || len(inputs) == 0 {
		writeErr(w, http.StatusBadRequest, "body must be a non-empty array of {video_id, collection_id, shots}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range inputs {
		v, ok := s.videos[str(in, "video_id")]
		if !ok {
			writeErr(w, http.StatusNotFound, "Video not found: "+str(in, "video_id"))
			return
		}
		shots, ok := pairs(in["shots"])
		if !ok {
			writeErr(w, http.StatusBadRequest, "shots must be [start, end] pairs")
			return
		}
		for _, p := range shots {
			if p[0] < 0 || p[0] >= p[1] || p[1] > v.Length+1e-6 {
				writeErr(w, http.StatusBadRequest, fmt.Sprintf("invalid shot [%g, %g]", p[0], p[1]))
				return
			}
		}
	}
	raw, _ := json.Marshal(inputs)
	writeData(w, s.streamJSON("cmp-"+hash(string(raw))[:12]))
}

// ---- media ----

func (s *Server) store(kind string) map[string]*mediaItem {
	if kind == "audio" {
		return s.audios
	}
	return s.images
}

func (s *Server) listMedia(w http.ResponseWriter, r *http.Request, kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cid, _ := s.coll(r.URL.Query().Get("collection_id"))
	if cid == "" {
		cid = s.opts.CollectionID
	}
	var ids []string
	for id, m := range s.store(kind) {
		if m.CollectionID == cid {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	list := []any{}
	for _, id := range ids {
		list = append(list, s.mediaJSON(s.store(kind)[id]))
	}
	writeData(w, map[string]any{kind + "s": list})
}

func (s *Server) getMedia(w http.ResponseWriter, r *http.Request, kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.store(kind)[r.PathValue("id")]
	if !ok {
		writeErr(w, http.StatusNotFound, strings.ToUpper(kind[:1])+kind[1:]+" not found")
		return
	}
	writeData(w, s.mediaJSON(m))
}

func (s *Server) deleteMedia(w http.ResponseWriter, r *http.Request, kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.store(kind)[r.PathValue("id")]; !ok {
		writeErr(w, http.StatusNotFound, strings.ToUpper(kind[:1])+kind[1:]+" not found")
		return
	}
	delete(s.store(kind), r.PathValue("id"))
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
}

func (s *Server) signedURL(w http.ResponseWriter, r *http.Request, kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.store(kind)[r.PathValue("id")]; !ok {
		writeErr(w, http.StatusNotFound, strings.ToUpper(kind[:1])+kind[1:]+" not found")
		return
	}
	writeData(w, map[string]any{"signed_url": s.base() + "/files/" + r.PathValue("id")})
}

// ---- generation ----

func (s *Server) promptOf(b map[string]any) (string, bool) {
	if p := str(b, "prompt_url"); p != "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		up, ok := s.uploads[strings.TrimPrefix(p, s.base()+"/_upload/")]
		if !ok || up.Data == nil {
			return "", false
		}
		return string(up.Data), true
	}
	p, ok := b["prompt"].(string)
	return p, ok && p != ""
}

func (s *Server) generateText(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	model, rt := str(b, "model_name"), str(b, "response_type")
	if model != "basic" && model != "pro" && model != "ultra" {
		writeErr(w, http.StatusBadRequest, "model_name must be basic, pro or ultra")
		return
	}
	if rt != "text" && rt != "json" {
		writeErr(w, http.StatusBadRequest, "response_type must be text or json")
		return
	}
	prompt, ok := s.promptOf(b)
	if !ok {
		writeErr(w, http.StatusBadRequest, "prompt is required")
		return
	}
	var out any
	if s.opts.Text != nil {
		out = s.opts.Text(prompt, rt)
	} else if rt == "json" {
		out = map[string]any{"prompt_chars": len(prompt)}
	} else {
		p := prompt
		if len(p) > 80 {
			p = p[:80]
		}
		out = "Generated: " + p
	}
	s.finish(w, b, map[string]any{"output": out})
}

func (s *Server) generateAudio(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	s.mu.Lock()
	cid, _ := s.coll(r.PathValue("cid"))
	a := &mediaItem{CollectionID: cid, Kind: "audio"}
	var final any
	switch str(b, "audio_type") {
	case "voice":
		text := str(b, "text")
		if strings.TrimSpace(text) == "" {
			s.mu.Unlock()
			writeErr(w, http.StatusBadRequest, "text is required for voice")
			return
		}
		if vc := str(b, "voice_clone_id"); vc != "" {
			if _, ok := s.clones[vc]; !ok {
				s.mu.Unlock()
				writeErr(w, http.StatusNotFound, "Voice clone "+vc+" not found")
				return
			}
		}
		a.Length = round(0.4*float64(len(strings.Fields(text))), 1)
		a.Name = "voice"
	case "music", "sound_effect":
		d, ok := num(b, "duration")
		if str(b, "prompt") == "" || !ok || d <= 0 {
			s.mu.Unlock()
			writeErr(w, http.StatusBadRequest, "prompt and a positive duration are required")
			return
		}
		a.Length, a.Name = d, str(b, "audio_type")
	default:
		s.mu.Unlock()
		writeErr(w, http.StatusBadRequest, "audio_type must be voice, music or sound_effect")
		return
	}
	a.ID = s.newID("a-")
	s.audios[a.ID] = a
	final = s.mediaJSON(a)
	if strings.Contains(str(b, "model_name"), "OmniVoice") {
		final = s.newModelJob("tts", final)
	}
	s.mu.Unlock()
	s.finish(w, b, final)
}

func (s *Server) generateImage(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	switch str(b, "aspect_ratio") {
	case "1:1", "9:16", "16:9", "4:3", "3:4":
	default:
		writeErr(w, http.StatusBadRequest, "aspect_ratio must be one of 1:1, 9:16, 16:9, 4:3, 3:4")
		return
	}
	if str(b, "prompt") == "" {
		writeErr(w, http.StatusBadRequest, "prompt is required")
		return
	}
	s.mu.Lock()
	cid, _ := s.coll(r.PathValue("cid"))
	im := &mediaItem{ID: s.newID("img-"), Name: "image", CollectionID: cid, Kind: "image"}
	s.images[im.ID] = im
	var final any = s.mediaJSON(im)
	if strings.Contains(str(b, "model_name"), "FLUX") {
		final = s.newModelJob("image", final)
	}
	s.mu.Unlock()
	s.finish(w, b, final)
}

// ---- voice clones ----

func (s *Server) createClone(w http.ResponseWriter, r *http.Request) {
	b := bodyMap(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.audios[str(b, "ref_audio_id")]; !ok {
		writeErr(w, http.StatusNotFound, "Reference audio not found")
		return
	}
	id := s.newID("vc-")
	c := map[string]any{"voice_clone_id": id, "ref_audio_id": b["ref_audio_id"], "ref_text": b["ref_text"], "name": b["name"],
		"description": b["description"], "language": b["language"], "collection_id": b["collection_id"], "status": "ready"}
	s.clones[id] = c
	writeData(w, c)
}

func (s *Server) listClones(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id := range s.clones {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	size, _ := strconv.Atoi(r.URL.Query().Get("page_size"))
	if page < 1 {
		page = 1
	}
	if size < 1 {
		size = 20
	}
	list := []any{}
	for i, id := range ids {
		if i >= (page-1)*size && i < page*size {
			list = append(list, s.clones[id])
		}
	}
	writeData(w, map[string]any{"voice_clones": list})
}

func (s *Server) getClone(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clones[r.PathValue("id")]
	if !ok {
		writeErr(w, http.StatusNotFound, "Voice clone not found")
		return
	}
	writeData(w, c)
}

func (s *Server) deleteClone(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clones[r.PathValue("id")]; !ok {
		writeErr(w, http.StatusNotFound, "Voice clone not found")
		return
	}
	delete(s.clones, r.PathValue("id"))
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
}

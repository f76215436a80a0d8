package videodb_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/videodbtest"
)

func TestNewNeedsKey(t *testing.T) {
	t.Setenv("VIDEO_DB_API_KEY", "")
	t.Setenv("VIDEODB_API_KEY", "")
	_, err := videodb.New(videodb.Options{})
	require.ErrorIs(t, err, videodb.ErrNoAPIKey)
	assert.Contains(t, err.Error(), "VIDEO_DB_API_KEY")

	t.Setenv("VIDEODB_API_KEY", "alias-key")
	c, err := videodb.New(videodb.Options{})
	require.NoError(t, err)
	assert.Equal(t, videodb.DefaultBaseURL, c.BaseURL())

	_, err = videodb.New(videodb.Options{APIKey: "k", BaseURL: "not a url"})
	require.Error(t, err)
}

func TestHeaders(t *testing.T) {
	srv, c := newFake(t, videodbtest.Options{}, func(o *videodb.Options) {
		o.Headers = map[string]string{"org_id": "o1", "x-trace-run": "r9"}
	})
	_, err := c.Collections.Get(context.Background(), "")
	require.NoError(t, err)
	r, ok := srv.Last("GET", "collection/default")
	require.True(t, ok)
	assert.Equal(t, srv.APIKey(), r.Header.Get("x-access-token"))
	assert.Equal(t, "videodb-go/"+videodb.Version, r.Header.Get("x-videodb-client"))
	assert.Equal(t, "o1", r.Header.Get("x-org-id"))
	assert.Equal(t, "r9", r.Header.Get("x-trace-run"))
}

func TestWrongKey(t *testing.T) {
	srv := videodbtest.NewServer(videodbtest.Options{})
	defer srv.Close()
	c, err := videodb.New(videodb.Options{APIKey: "wrong", BaseURL: srv.URL})
	require.NoError(t, err)
	_, err = c.Videos.List(context.Background(), videodb.ListOptions{})
	var ae *videodb.AuthError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "Invalid API key", ae.Message)
	assert.NotContains(t, err.Error(), "\n")
	assert.Contains(t, err.Error(), "VIDEO_DB_API_KEY")
	assert.Contains(t, err.Error(), "console.videodb.io")
}

func TestCollections(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{})
	got, err := c.Collections.Get(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, "c-default", got.ID)

	created, err := c.Collections.Create(ctx, "demos", "walkthroughs")
	require.NoError(t, err)
	assert.Equal(t, js(t, `{"name":"demos","description":"walkthroughs","is_public":false}`), lastBody(t, srv, "POST", "collection"))

	upd, err := c.Collections.Update(ctx, created.ID, "demos2", "d")
	require.NoError(t, err)
	assert.Equal(t, "demos2", upd.Name)
	assert.Equal(t, js(t, `{"name":"demos2","description":"d"}`), lastBody(t, srv, "PATCH", "collection/"+created.ID))

	require.NoError(t, c.Collections.SetPublic(ctx, created.ID, true))
	assert.Equal(t, js(t, `{"is_public":true}`), lastBody(t, srv, "PATCH", "collection/"+created.ID))

	list, err := c.Collections.List(ctx)
	require.NoError(t, err)
	assert.Len(t, list.Collections, 2)
	assert.Equal(t, "default", list.DefaultCollection)

	require.NoError(t, c.Collections.Delete(ctx, created.ID))
	_, ok := srv.Last("DELETE", "collection/"+created.ID)
	assert.True(t, ok)
	_, err = c.Collections.Get(ctx, created.ID)
	var re *videodb.RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 404, re.Status)
}

func writeFile(t *testing.T, name string, size int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(strings.Repeat("v", size)), 0o600))
	return p
}

func TestUploadFile(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{VideoLength: 191.146667})
	p := writeFile(t, "screen.mp4", 300_000)
	var last, total int64
	up, err := c.UploadFile(ctx, videodb.UploadRequest{Path: p, Description: "session", MediaType: videodb.MediaVideo,
		Progress: func(sent, tot int64) { last, total = sent, tot }})
	require.NoError(t, err)
	require.NotNil(t, up.Video)
	assert.Equal(t, int64(300_000), last)
	assert.Equal(t, int64(300_000), total)
	assert.InDelta(t, 191.146667, up.Video.Length.Float64(), 1e-9)
	assert.Equal(t, int64(300_000), up.Video.Size.Int64())
	assert.Equal(t, srv.URL+"/stream/"+up.ID+".m3u8", up.Video.StreamURL)

	reqs := srv.Requests()
	require.Len(t, reqs, 5, paths(srv)) // upload_url, the file, register, a pending poll, the final poll
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Equal(t, "collection/default/upload_url", reqs[0].Path)
	assert.Equal(t, "screen", reqs[0].Query.Get("name"))
	assert.Equal(t, "POST", reqs[1].Method)
	assert.True(t, strings.HasPrefix(reqs[1].Path, "_upload/"))
	assert.Empty(t, reqs[1].Header.Get("x-access-token"), "the key must not go to a presigned URL")
	require.NotNil(t, reqs[1].File)
	assert.Equal(t, "screen.mp4", reqs[1].File.Filename)
	assert.Equal(t, int64(300_000), reqs[1].File.Size)
	assert.Equal(t, js(t, `{"url":"`+srv.URL+"/"+reqs[1].Path+`","name":"screen","description":"session","callback_url":null,"media_type":"video"}`), reqs[2].Body)
	assert.Equal(t, "async-response/job-3", reqs[3].Path)
}

func TestUploadURLPicksTypeByPrefix(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{Sync: true})
	for _, tc := range []struct{ url, want string }{
		{"https://example.com/a/talk.mp4", "video"},
		{"https://example.com/a/voice.mp3", "audio"},
		{"https://example.com/a/card.png", "image"},
	} {
		up, err := c.UploadURL(ctx, videodb.UploadRequest{URL: tc.url})
		require.NoError(t, err)
		switch tc.want {
		case "video":
			assert.NotNil(t, up.Video)
		case "audio":
			assert.NotNil(t, up.Audio)
		case "image":
			assert.NotNil(t, up.Image)
		}
		assert.Equal(t, js(t, `{"url":"`+tc.url+`","name":null,"description":null,"callback_url":null,"media_type":null}`), lastBody(t, srv, "POST", "collection/default/upload"))
	}
}

func TestUploadBreaksHalfwayIsRetriedWithoutDuplicate(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{})
	srv.Inject(videodbtest.Fault{Method: "POST", Path: "_upload/", Drop: true, DropAfter: 64 << 10})
	p := writeFile(t, "screen.mp4", 1<<20)
	var restarts atomic.Int32
	up, err := c.UploadFile(ctx, videodb.UploadRequest{Path: p, Progress: func(sent, _ int64) {
		if sent == 0 {
			restarts.Add(1)
		}
	}})
	require.NoError(t, err)
	assert.Equal(t, int32(2), restarts.Load(), "the transfer restarts once")
	assert.Equal(t, []string{up.ID}, srv.VideoIDs())
	assert.Len(t, srv.RequestsTo("POST", "collection/default/upload"), 1)
}

func TestUploadMissingFile(t *testing.T) {
	_, c := newFake(t, videodbtest.Options{})
	_, err := c.UploadFile(context.Background(), videodb.UploadRequest{Path: "/nonexistent/screen.mp4"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/nonexistent/screen.mp4")
}

func TestVideos(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{NumericLengths: true})
	id := srv.AddVideo("talk", 42.5)

	v, err := c.Videos.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 42.5, v.Length.Float64())
	assert.Equal(t, "default", srv.RequestsTo("GET", "video/"+id)[0].Query.Get("collection_id"))

	list, err := c.Videos.List(ctx, videodb.ListOptions{Count: 10, PageIndex: 2})
	require.NoError(t, err)
	require.Len(t, list, 1)
	r, _ := srv.Last("GET", "video")
	assert.Equal(t, "10", r.Query.Get("count"))
	assert.Equal(t, "2", r.Query.Get("page_index"))

	v, err = c.Videos.Update(ctx, id, "renamed")
	require.NoError(t, err)
	assert.Equal(t, "renamed", v.Name)
	assert.Equal(t, js(t, `{"name":"renamed"}`), lastBody(t, srv, "PATCH", "video/"+id))

	thumb, err := c.Videos.Thumbnail(ctx, id)
	require.NoError(t, err)
	assert.Contains(t, thumb, "thumb-"+id)
	img, err := c.Videos.ThumbnailAt(ctx, id, 3.5)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(img.ID, "img-"))
	assert.Equal(t, js(t, `{"time":3.5}`), lastBody(t, srv, "POST", "video/"+id+"/thumbnail"))

	require.NoError(t, c.Videos.DeleteStorage(ctx, id))
	require.NoError(t, c.Videos.Delete(ctx, id))
	_, err = c.Videos.Get(ctx, id)
	var re *videodb.RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, http.StatusNotFound, re.Status)
	assert.Contains(t, err.Error(), "check the id")
}

func TestAudiosAndImages(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{Sync: true})
	a, err := c.Generate.Music(ctx, videodb.MusicRequest{Prompt: "calm", Duration: 12})
	require.NoError(t, err)
	got, err := c.Audios.Get(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, 12.0, got.Length.Float64())
	list, err := c.Audios.List(ctx, videodb.ListOptions{})
	require.NoError(t, err)
	assert.Len(t, list, 1)
	u, err := c.Audios.SignedURL(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/files/"+a.ID, u)
	r, _ := srv.Last("POST", "audio/"+a.ID+"/generate_url")
	assert.Equal(t, "default", r.Query.Get("collection_id"))
	assert.Empty(t, r.Raw, "generate_url has no body")
	require.NoError(t, c.Audios.Delete(ctx, a.ID))

	im, err := c.Generate.Image(ctx, videodb.ImageRequest{Prompt: "title card", AspectRatio: videodb.Aspect16x9})
	require.NoError(t, err)
	assert.Equal(t, js(t, `{"prompt":"title card","aspect_ratio":"16:9","callback_url":null}`), lastBody(t, srv, "POST", "collection/default/generate/image"))
	gi, err := c.Images.Get(ctx, im.ID)
	require.NoError(t, err)
	assert.Empty(t, gi.URL)
	ims, err := c.Images.List(ctx, videodb.ListOptions{})
	require.NoError(t, err)
	assert.Len(t, ims, 1)
	iu, err := c.Images.SignedURL(ctx, im.ID)
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/files/"+im.ID, iu)
	require.NoError(t, c.Images.Delete(ctx, im.ID))
	_, err = c.Images.Get(ctx, im.ID)
	require.Error(t, err)
}

func TestSpokenIndexAndTranscript(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{})
	id := srv.AddVideo("s", 60)

	_, err := c.Videos.Transcript(ctx, id, videodb.TranscriptOptions{})
	var re *videodb.RequestError
	require.ErrorAs(t, err, &re, "never indexed")
	assert.Contains(t, re.Message, "Transcript not found")

	require.NoError(t, c.Videos.IndexSpokenWords(ctx, id, videodb.SpokenIndexOptions{}))
	assert.Equal(t, js(t, `{"index_type":"spoken_word","language_code":null,"segmentation_type":"sentence","force":false,"callback_url":null}`), lastBody(t, srv, "POST", "video/"+id+"/index"))
	err = c.Videos.IndexSpokenWords(ctx, id, videodb.SpokenIndexOptions{})
	require.ErrorAs(t, err, &re)
	assert.Contains(t, re.Message, "already exists")
	require.NoError(t, c.Videos.IndexSpokenWords(ctx, id, videodb.SpokenIndexOptions{Force: true, LanguageCode: "en_us", SegmentationType: videodb.SegmentLLM}))
	assert.Equal(t, js(t, `{"index_type":"spoken_word","language_code":"en_us","segmentation_type":"llm","force":true,"callback_url":null}`), lastBody(t, srv, "POST", "video/"+id+"/index"))

	tr, err := c.Videos.Transcript(ctx, id, videodb.TranscriptOptions{Segmenter: videodb.SegmenterSentence})
	require.NoError(t, err)
	require.Len(t, tr.Words, len(videodbtest.DefaultTranscript))
	assert.Equal(t, videodbtest.DefaultTranscript[1].Text, tr.Words[1].Text)
	assert.Equal(t, 5.0, tr.Words[1].Start.Float64())
	r, _ := srv.Last("GET", "video/"+id+"/transcription")
	assert.Equal(t, "start=0&end=-1&segmenter=sentence&length=1&force=false", canonical(r.Query))

	words, err := c.Videos.Transcript(ctx, id, videodb.TranscriptOptions{Start: 5, End: 11})
	require.NoError(t, err)
	assert.Equal(t, "The", words.Words[0].Text)
	assert.Equal(t, "The error says unexpected end of input in parse header.", words.Text)

	buckets, err := c.Videos.Transcript(ctx, id, videodb.TranscriptOptions{Segmenter: videodb.SegmenterTime, Length: 10})
	require.NoError(t, err)
	assert.Equal(t, 0.0, buckets.Words[0].Start.Float64())
	assert.Equal(t, 10.0, buckets.Words[0].End.Float64())

	_, err = c.Videos.Transcript(ctx, id, videodb.TranscriptOptions{Start: 9, End: 3})
	require.Error(t, err)
	_, err = c.Videos.Transcript(ctx, id, videodb.TranscriptOptions{Segmenter: "paragraph"})
	require.Error(t, err)
}

func canonical(q map[string][]string) string {
	order := []string{"start", "end", "segmenter", "length", "force"}
	var parts []string
	for _, k := range order {
		if v, ok := q[k]; ok {
			parts = append(parts, k+"="+v[0])
		}
	}
	return strings.Join(parts, "&")
}

func TestSceneIndexes(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{})
	id := srv.AddVideo("s", 25)
	opts := videodb.SceneIndexOptions{ExtractionType: videodb.ExtractTime, Config: videodb.TimeConfig{Time: 10, SelectFrames: []string{"first", "last"}}, Prompt: "classify", ModelName: "pro"}
	sid, err := c.Videos.IndexScenes(ctx, id, opts)
	require.NoError(t, err)
	assert.Len(t, sid, 16)
	assert.Equal(t, js(t, `{"extraction_type":"time","extraction_config":{"time":10,"select_frames":["first","last"]},"prompt":"classify","metadata":{},"model_name":"pro","model_config":null,"name":null,"scenes":null,"callback_url":null}`),
		lastBody(t, srv, "POST", "video/"+id+"/index/scene"))

	again, err := c.Videos.IndexScenes(ctx, id, opts)
	var ex *videodb.ExistingSceneIndexError
	require.ErrorAs(t, err, &ex)
	assert.Equal(t, sid, ex.ID)
	assert.Equal(t, sid, again)

	idx, err := c.Videos.SceneIndexes(ctx, id)
	require.NoError(t, err)
	require.Equal(t, []videodb.SceneIndex{{ID: sid, Name: "Scene Index 1", Status: "done"}}, idx)

	recs, err := c.Videos.SceneIndex(ctx, id, sid)
	require.NoError(t, err)
	require.Len(t, recs, 3)
	assert.Equal(t, "classify @20", recs[2].Description)
	assert.Equal(t, 25.0, recs[2].End.Float64())

	_, err = c.Videos.SceneIndex(ctx, id, "0000000000000000")
	var re *videodb.RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 404, re.Status)

	_, err = c.Videos.IndexScenes(ctx, id, videodb.SceneIndexOptions{ExtractionType: "frames"})
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 400, re.Status)

	require.NoError(t, c.Videos.DeleteSceneIndex(ctx, id, sid))
	idx, err = c.Videos.SceneIndexes(ctx, id)
	require.NoError(t, err)
	assert.Empty(t, idx)
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{Sync: true})
	id := srv.AddVideo("s", 60)
	require.NoError(t, c.Videos.IndexSpokenWords(ctx, id, videodb.SpokenIndexOptions{}))
	sid, err := c.Videos.IndexScenes(ctx, id, videodb.SceneIndexOptions{ExtractionType: videodb.ExtractTime, Config: videodb.TimeConfig{Time: 30}, Prompt: "terminal error"})
	require.NoError(t, err)

	res, err := c.Videos.Search(ctx, id, videodb.SearchOptions{Query: "parser buffer"})
	require.NoError(t, err)
	assert.Equal(t, js(t, `{"search_type":"semantic","index_type":"spoken_word","query":"parser buffer","score_threshold":0.2,"result_threshold":5,"dynamic_score_percentage":null,"filter":[]}`), lastBody(t, srv, "POST", "video/"+id+"/search"))
	shots := res.Shots()
	require.NotEmpty(t, shots)
	assert.Equal(t, id, shots[0].VideoID)
	assert.Equal(t, 60.0, shots[0].VideoLength)
	assert.Greater(t, shots[0].Score.Float64(), 0.0)

	res, err = c.Videos.Search(ctx, id, videodb.SearchOptions{Query: "terminal", SearchType: videodb.SearchKeyword, IndexType: videodb.IndexScene, SceneIndexID: sid, SortDocsOn: "start"})
	require.NoError(t, err)
	assert.Equal(t, js(t, `{"search_type":"keyword","index_type":"scene","query":"terminal","score_threshold":null,"result_threshold":null,"dynamic_score_percentage":null,"filter":[],"scene_index_id":"`+sid+`","sort_docs_on":"start"}`), lastBody(t, srv, "POST", "video/"+id+"/search"))
	shots = res.Shots()
	require.Len(t, shots, 2)
	assert.Equal(t, sid, shots[0].SceneIndexID)
	assert.Equal(t, 30.0, shots[1].Start.Float64())

	res, err = c.Videos.Search(ctx, id, videodb.SearchOptions{Query: "kubernetes helm"})
	require.NoError(t, err, "no results is not an error")
	assert.Empty(t, res.Shots())

	col, err := c.Collections.Search(ctx, "", videodb.SearchOptions{Query: "benchmark"})
	require.NoError(t, err)
	assert.Len(t, col.Results, 1)
	_, err = c.Collections.Search(ctx, "", videodb.SearchOptions{Query: "x", SearchType: videodb.SearchKeyword})
	require.Error(t, err)
	_, err = c.Videos.Search(ctx, id, videodb.SearchOptions{})
	require.Error(t, err)

	// No results as 200 + success:false is empty too.
	srv.Inject(videodbtest.Fault{Path: "video/" + id + "/search", SuccessFalse: true, Message: "No results found"})
	res, err = c.Videos.Search(ctx, id, videodb.SearchOptions{Query: "parser"})
	require.NoError(t, err)
	assert.Empty(t, res.Results)
}

func TestStreams(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{})
	id := srv.AddVideo("s", 60)
	a, err := c.Videos.StreamRanges(ctx, id, []videodb.Range{{0, 10}, {20.5, 30}}, 60)
	require.NoError(t, err)
	assert.Equal(t, js(t, `{"timeline":[[0,10],[20.5,30]],"length":60}`), lastBody(t, srv, "POST", "video/"+id+"/stream"))
	b, err := c.Videos.StreamRanges(ctx, id, []videodb.Range{{0, 10}, {20.5, 30}}, 60)
	require.NoError(t, err)
	assert.Equal(t, a.StreamURL, b.StreamURL, "deterministic")
	assert.True(t, strings.HasSuffix(a.StreamURL, ".m3u8"))

	whole, err := c.Videos.StreamRanges(ctx, id, nil, 60)
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/stream/"+id+".m3u8", whole.StreamURL)
	assert.Equal(t, js(t, `{"timeline":null,"length":60}`), lastBody(t, srv, "POST", "video/"+id+"/stream"))

	_, err = c.Videos.StreamRanges(ctx, id, []videodb.Range{{50, 70}}, 60)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "outside")
	// The server checks against the real length too.
	_, err = c.Videos.StreamRanges(ctx, id, []videodb.Range{{50, 70}}, 0)
	var re *videodb.RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 400, re.Status)

	cmp, err := c.Compile(ctx, []videodb.CompileInput{{VideoID: id, Shots: []videodb.Range{{1, 2}}}})
	require.NoError(t, err)
	assert.Contains(t, cmp.StreamURL, "cmp-")
	r, _ := srv.Last("POST", "compile")
	assert.Equal(t, []any{map[string]any{"video_id": id, "collection_id": "default", "shots": []any{[]any{1.0, 2.0}}}}, r.Body)
}

func TestGenerate(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{Text: func(prompt, rt string) any {
		if rt == "json" {
			return map[string]any{"summary": "ok"}
		}
		return "said: " + prompt
	}})
	txt, err := c.Generate.Text(ctx, videodb.TextRequest{Prompt: "hello", Model: videodb.ModelPro})
	require.NoError(t, err)
	assert.Equal(t, "said: hello", txt.Text())
	assert.Equal(t, js(t, `{"prompt":"hello","model_name":"pro","response_type":"text"}`), lastBody(t, srv, "POST", "collection/default/generate/text"))
	obj, err := c.Generate.Text(ctx, videodb.TextRequest{Prompt: "hello", ResponseType: videodb.ResponseJSON})
	require.NoError(t, err)
	assert.JSONEq(t, `{"summary":"ok"}`, obj.Text())
	_, err = c.Generate.Text(ctx, videodb.TextRequest{Prompt: "x", Model: "mega"})
	require.Error(t, err)

	big := strings.Repeat("evidence ", 40_000)
	long, err := c.Generate.Text(ctx, videodb.TextRequest{Prompt: big})
	require.NoError(t, err)
	assert.Equal(t, "said: "+big, long.Text())
	body := lastBody(t, srv, "POST", "collection/default/generate/text")
	assert.NotContains(t, body, "prompt")
	assert.Contains(t, body["prompt_url"], srv.URL+"/_upload/")

	v, err := c.Generate.Voice(ctx, videodb.VoiceRequest{Text: "one two three four five", VoiceName: "Aria", Config: map[string]any{"stability": 0.5}})
	require.NoError(t, err)
	assert.Equal(t, 2.0, v.Length.Float64())
	assert.Equal(t, js(t, `{"text":"one two three four five","audio_type":"voice","voice_name":"Aria","config":{"stability":0.5},"callback_url":null}`), lastBody(t, srv, "POST", "collection/default/generate/audio"))

	m, err := c.Generate.Music(ctx, videodb.MusicRequest{Prompt: "ambient", Duration: 30})
	require.NoError(t, err)
	assert.Equal(t, 30.0, m.Length.Float64())
	assert.Equal(t, js(t, `{"prompt":"ambient","duration":30,"audio_type":"music","callback_url":null}`), lastBody(t, srv, "POST", "collection/default/generate/audio"))

	fx, err := c.Generate.SoundEffect(ctx, videodb.SoundEffectRequest{Prompt: "click"})
	require.NoError(t, err)
	assert.Equal(t, 2.0, fx.Length.Float64())
	assert.Equal(t, js(t, `{"prompt":"click","duration":2,"audio_type":"sound_effect","config":{},"callback_url":null}`), lastBody(t, srv, "POST", "collection/default/generate/audio"))

	_, err = c.Generate.Image(ctx, videodb.ImageRequest{Prompt: "x", AspectRatio: "2:1"})
	require.Error(t, err)
}

func TestVoiceCloneAndModelJob(t *testing.T) {
	ctx := context.Background()
	srv, c := newFake(t, videodbtest.Options{PendingPolls: 2})
	ref, err := c.UploadURL(ctx, videodb.UploadRequest{URL: "https://example.com/me.wav"})
	require.NoError(t, err)
	vc, err := c.VoiceClones.Create(ctx, videodb.VoiceCloneRequest{RefAudioID: ref.ID, Name: "me", Description: "my voice", Language: "en"})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(vc.ID, "vc-"))
	assert.Equal(t, js(t, `{"ref_audio_id":"`+ref.ID+`","name":"me","description":"my voice","ref_text":null,"language":"en","collection_id":"default"}`), lastBody(t, srv, "POST", "voice_clone"))
	got, err := c.VoiceClones.Get(ctx, vc.ID)
	require.NoError(t, err)
	assert.Equal(t, "me", got.Name)
	list, err := c.VoiceClones.List(ctx, 0, 0, "en")
	require.NoError(t, err)
	assert.Len(t, list, 1)
	r, _ := srv.Last("GET", "voice_clone")
	assert.Equal(t, "1", r.Query.Get("page"))
	assert.Equal(t, "20", r.Query.Get("page_size"))
	assert.Equal(t, "en", r.Query.Get("language"))

	a, err := c.Generate.Voice(ctx, videodb.VoiceRequest{Text: "hello there", ModelName: "k2-fsa/OmniVoice", VoiceCloneID: vc.ID})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(a.ID, "a-"))
	body := lastBody(t, srv, "POST", "collection/default/generate/audio")
	assert.Equal(t, vc.ID, body["voice_clone_id"])
	assert.Equal(t, "k2-fsa/OmniVoice", body["model_name"])
	jobPolls := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "job/") {
			jobPolls++
		}
	}
	assert.Equal(t, 3, jobPolls, "two pending answers, then done")

	require.NoError(t, c.VoiceClones.Delete(ctx, vc.ID))
	_, err = c.VoiceClones.Get(ctx, vc.ID)
	require.Error(t, err)
}

func TestAsyncEnvelope(t *testing.T) {
	ctx := context.Background()
	t.Run("wrapped response and in progress", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{PendingPolls: 3, WrapResponse: true})
		id := srv.AddVideo("s", 60)
		sid, err := c.Videos.IndexScenes(ctx, id, videodb.SceneIndexOptions{})
		require.NoError(t, err)
		assert.Len(t, sid, 16)
		assert.Len(t, srv.RequestsTo("GET", "async-response/job-2"), 4)
	})
	t.Run("stuck job names the job", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{}, func(o *videodb.Options) { o.PollTimeout = 50 * time.Millisecond })
		srv.StickJobs(true)
		id := srv.AddVideo("s", 60)
		err := c.Videos.IndexSpokenWords(ctx, id, videodb.SpokenIndexOptions{})
		var te *videodb.TimeoutError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "job-2", te.Job)
		assert.Contains(t, err.Error(), "job-2")
		assert.Contains(t, err.Error(), "video/"+id+"/index")
		assert.ErrorIs(t, err, videodb.ErrTimeout)
	})
	t.Run("failed job", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{})
		srv.FailJobs("transcoding failed")
		_, err := c.Generate.Music(ctx, videodb.MusicRequest{Prompt: "x"})
		var re *videodb.RequestError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, "transcoding failed", re.Message)
		assert.True(t, strings.HasPrefix(re.Job, "job-"), re.Job)
	})
	t.Run("callback mode returns the job", func(t *testing.T) {
		cb := videodbtest.NewServer(videodbtest.Options{}) // any server that records POSTs
		defer cb.Close()
		srv, c := newFake(t, videodbtest.Options{})
		_, err := c.Generate.Music(ctx, videodb.MusicRequest{Prompt: "x", CallbackURL: cb.URL + "/hook"})
		var acc *videodb.AcceptedError
		require.ErrorAs(t, err, &acc)
		assert.ErrorIs(t, err, videodb.ErrAccepted)
		assert.Equal(t, "job-2", acc.Job.ID)
		srv.WaitCallbacks()
		r, ok := cb.Last("POST", "hook")
		require.True(t, ok)
		data := r.Body.(map[string]any)["data"].(map[string]any)
		assert.True(t, strings.HasPrefix(data["id"].(string), "a-"))

		var a videodb.Audio
		require.NoError(t, c.Jobs.Result(ctx, acc.Job, &a))
		assert.Equal(t, data["id"], a.ID)
	})
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	t.Run("502 once on GET is retried", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{})
		srv.HTMLErrorOnce("GET", "collection/default", 502)
		_, err := c.Collections.Get(ctx, "")
		require.NoError(t, err)
		assert.Len(t, srv.RequestsTo("GET", "collection/default"), 2)
	})
	t.Run("502 on a paid POST is not retried", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{})
		srv.HTMLErrorOnce("POST", "collection/default/generate/audio", 502)
		_, err := c.Generate.Music(ctx, videodb.MusicRequest{Prompt: "x"})
		var re *videodb.RequestError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, 502, re.Status)
		assert.Equal(t, "non-JSON body: 502 Bad Gateway", re.Message)
		assert.Len(t, srv.RequestsTo("POST", "collection/default/generate/audio"), 1)
	})
	t.Run("429 is retried for any POST", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{Sync: true})
		srv.RateLimitOnce("POST", "collection/default/generate/audio", "0")
		_, err := c.Generate.Music(ctx, videodb.MusicRequest{Prompt: "x"})
		require.NoError(t, err)
		assert.Len(t, srv.RequestsTo("POST", "collection/default/generate/audio"), 2)
	})
	t.Run("402 out of credits", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{})
		srv.Inject(videodbtest.Fault{Path: "collection/default/generate/", Status: 402, Message: "Insufficient credits"})
		_, err := c.Generate.Voice(ctx, videodb.VoiceRequest{Text: "hi"})
		var re *videodb.RequestError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, 402, re.Status)
		assert.Contains(t, err.Error(), "out of credits")
	})
	t.Run("truncated JSON", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{})
		id := srv.AddVideo("s", 10)
		srv.Inject(videodbtest.Fault{Path: "video/" + id, Truncate: true})
		_, err := c.Videos.Get(ctx, id)
		require.ErrorIs(t, err, videodb.ErrMalformed)
		assert.Contains(t, err.Error(), "GET video/"+id)
	})
	t.Run("200 with success false", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{})
		srv.Inject(videodbtest.Fault{Path: "collection", SuccessFalse: true, Message: "quota exceeded"})
		_, err := c.Collections.List(ctx)
		var re *videodb.RequestError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, 200, re.Status)
		assert.Equal(t, "quota exceeded", re.Message)
	})
	t.Run("slow answer times out and the GET is retried", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{}, func(o *videodb.Options) { o.Timeout = 100 * time.Millisecond })
		srv.SlowOnce("GET", "collection/default", 2*time.Second)
		_, err := c.Collections.Get(ctx, "")
		require.NoError(t, err)
		assert.Len(t, srv.RequestsTo("GET", "collection/default"), 2)
	})
	t.Run("slow answer on a paid POST is a timeout error", func(t *testing.T) {
		srv, c := newFake(t, videodbtest.Options{}, func(o *videodb.Options) { o.Timeout = 100 * time.Millisecond })
		srv.SlowOnce("POST", "collection/default/generate/image", 2*time.Second)
		_, err := c.Generate.Image(ctx, videodb.ImageRequest{Prompt: "x"})
		require.ErrorIs(t, err, videodb.ErrTimeout)
		assert.Len(t, srv.RequestsTo("POST", "collection/default/generate/image"), 1)
	})
	t.Run("cancelled context", func(t *testing.T) {
		_, c := newFake(t, videodbtest.Options{})
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := c.Collections.Get(cctx, "")
		require.True(t, errors.Is(err, context.Canceled), err)
	})
}

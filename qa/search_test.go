package qa

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

// fixedSearcher answers every query with fixed hits per search type.
type fixedSearcher struct {
	hits  map[session.SearchType][]session.Hit
	fail  map[session.SearchType]error
	calls []string
}

func (f *fixedSearcher) Search(ctx context.Context, q string, t session.SearchType) ([]session.Hit, error) {
	f.calls = append(f.calls, string(t)+":"+q)
	if err := f.fail[t]; err != nil {
		return nil, err
	}
	return f.hits[t], nil
}

func (f *fixedSearcher) Clip(ctx context.Context, s session.Span) (string, error) {
	return fmt.Sprintf("https://clips.example/%d-%d", s.Start/time.Second, s.End/time.Second), nil
}

func sp(a, b int) session.Span {
	return session.Span{Start: time.Duration(a) * time.Second, End: time.Duration(b) * time.Second}
}

func TestFindNormalisesMergesPadsAndClamps(t *testing.T) {
	s := &fixedSearcher{hits: map[session.SearchType][]session.Hit{
		// Spoken scores are on a 0..1 scale, visual on 0..100: normalised
		// per index, the best of each is worth the same.
		session.Spoken: {
			{Span: sp(10, 14), Score: 0.9, Type: session.Spoken, Text: "the upload kept timing out"},
			{Span: sp(18, 20), Score: 0.5, Type: session.Spoken, Text: "so I added a retry"}, // within 8 s: merged
			{Span: sp(200, 204), Score: 0.3, Type: session.Spoken, Text: "retry works now"},
		},
		session.Visual: {
			{Span: sp(100, 110), Score: 80, Type: session.Visual, Text: "terminal: timeout error"},
			{Span: sp(150, 151), Score: 10, Type: session.Visual, Text: "editor"},
			{Span: sp(297, 300), Score: 40, Type: session.Visual, Text: "tests pass"},
		},
	}}
	found, err := Find(context.Background(), s, "why the retry", "", SearchOptions{Length: 300 * time.Second})
	require.NoError(t, err)
	require.Len(t, found, 3)
	// Best three after merging: 10–20 (1.0), 100–110 (1.0), 297–300 (0.5); shown in time order.
	assert.Equal(t, sp(10, 20), found[0].Span)
	assert.Equal(t, sp(5, 25), found[0].Clip, "padded 5 s each side")
	assert.Equal(t, "the upload kept timing out … so I added a retry", found[0].Text)
	assert.Equal(t, sp(100, 110), found[1].Span)
	assert.Equal(t, sp(297, 300), found[2].Span)
	assert.Equal(t, sp(292, 300), found[2].Clip, "clamped to the recording")
	assert.InDelta(t, 0.5, found[2].Score, 1e-9)
	assert.Equal(t, "https://clips.example/292-300", found[2].URL)
}

func TestFindStartClampsAtZero(t *testing.T) {
	s := &fixedSearcher{hits: map[session.SearchType][]session.Hit{session.Spoken: {{Span: sp(1, 3), Score: 2, Type: session.Spoken}}}}
	found, err := Find(context.Background(), s, "q", "", SearchOptions{Length: 60 * time.Second})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, sp(0, 8), found[0].Clip)
}

func TestFindSteersTowardTheFile(t *testing.T) {
	ev := &session.Evidence{
		Scenes: []session.Scene{{Span: sp(50, 60), Files: []string{"internal/upload/retry.go"}}},
		Saves:  []session.SaveEvent{{At: 200 * time.Second, Path: "internal/upload/retry.go"}},
	}
	s := &fixedSearcher{hits: map[session.SearchType][]session.Hit{session.Spoken: {
		{Span: sp(10, 12), Score: 1.0, Type: session.Spoken, Text: "unrelated but strong"},
		{Span: sp(30, 32), Score: 0.8, Type: session.Spoken, Text: "also strong"},
		{Span: sp(52, 55), Score: 0.4, Type: session.Spoken, Text: "on the file"},
		{Span: sp(195, 198), Score: 0.3, Type: session.Spoken, Text: "saved it"},
	}}}
	found, err := Find(context.Background(), s, "why", "internal/upload/retry.go", SearchOptions{MaxClips: 2, Length: 300 * time.Second, Evidence: ev})
	require.NoError(t, err)
	require.Len(t, found, 2)
	assert.Equal(t, sp(10, 12), found[0].Span)
	assert.Equal(t, sp(52, 55), found[1].Span, "the moment on the file outranks a stronger one elsewhere")
	assert.Contains(t, s.calls, "visual:retry.go", "the file name is searched on screen too")
}

func TestFindErrors(t *testing.T) {
	boom := errors.New("index offline")
	s := &fixedSearcher{fail: map[session.SearchType]error{session.Spoken: boom, session.Visual: boom}}
	_, err := Find(context.Background(), s, "q", "", SearchOptions{})
	require.ErrorContains(t, err, "index offline")

	// One index failing still answers from the other.
	s = &fixedSearcher{fail: map[session.SearchType]error{session.Visual: boom},
		hits: map[session.SearchType][]session.Hit{session.Spoken: {{Span: sp(1, 2), Score: 1}}}}
	found, err := Find(context.Background(), s, "q", "", SearchOptions{})
	require.NoError(t, err)
	assert.Len(t, found, 1)
}

func TestFormatReplyStaysWithinLimit(t *testing.T) {
	var found []Found
	for i := 0; i < 3; i++ {
		found = append(found, Found{Span: sp(i*60, i*60+5), Clip: sp(i*60, i*60+10), URL: fmt.Sprintf("https://clips.example/%d?token=%0200d", i, 7), Text: "text"})
	}
	answer := "Because " + string(make([]byte, 0)) + fmt.Sprintf("%01000d", 1)
	for _, max := range []int{4000, 1200, 700, 300} {
		r := formatReply("why?", answer, found, "abcd1234", max)
		assert.LessOrEqual(t, len(r), max, "max %d", max)
		assert.Contains(t, r, "> /trace why?")
		// A link is whole or absent.
		for i := range found {
			if idx := indexOf(r, fmt.Sprintf("https://clips.example/%d", i)); idx >= 0 {
				assert.Contains(t, r, found[i].URL+")")
			}
		}
	}
	r := formatReply("why?", "Short.", found, "abcd1234", 4000)
	assert.Contains(t, r, "[0:00–0:10](https://clips.example/0?")
	assert.Contains(t, r, "[2:00–2:10](")
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestFormatReplyNeverLinksLocalFiles(t *testing.T) {
	found := []Found{
		{Clip: sp(0, 10), URL: "/home/dev/.trace/sessions/abcd1234/clips/000-010.mp4"},
		{Clip: sp(20, 30), URL: "file:///home/dev/clip.mp4"},
		{Clip: sp(40, 50), URL: "https://stream.example/clip.m3u8"},
		{Clip: sp(60, 70)},
	}
	r := formatReply("q", "a", found, "abcd1234", 0)
	assert.NotContains(t, r, "/home/dev")
	assert.Contains(t, r, "1. **0:00–0:10** (clip kept on the author's machine)")
	assert.Contains(t, r, "[0:40–0:50](https://stream.example/clip.m3u8)")
	assert.Contains(t, r, "4. **1:00–1:10** (clip unavailable)")
}

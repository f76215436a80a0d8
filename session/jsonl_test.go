package session_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracepr/trace/session"
)

func TestReadJSONL(t *testing.T) {
	tests := []struct {
		name        string
		content     string
		wantPaths   []string
		wantLines   int
		wantSkipped int
	}{
		{"empty file", "", nil, 0, 0},
		{"clean", "{\"t\":1,\"path\":\"a.go\"}\n{\"t\":2,\"path\":\"b.go\"}\n", []string{"a.go", "b.go"}, 2, 0},
		{"no final newline", "{\"t\":1,\"path\":\"a.go\"}\n{\"t\":2,\"path\":\"b.go\"}", []string{"a.go", "b.go"}, 2, 0},
		{"torn last line", "{\"t\":1,\"path\":\"a.go\"}\n{\"t\":2,\"pa", []string{"a.go"}, 2, 1},
		{"garbage in the middle", "{\"t\":1,\"path\":\"a.go\"}\nnot json at all\n\x00\x00\x00\n{\"t\":3,\"path\":\"c.go\"}\n", []string{"a.go", "c.go"}, 4, 2},
		{"blank lines ignored", "\n\n  \n{\"t\":1,\"path\":\"a.go\"}\r\n\n", []string{"a.go"}, 1, 0},
		{"wrong type", "{\"t\":\"soon\",\"path\":\"a.go\"}\n[1,2]\n", nil, 2, 2},
		{"null is no record", "null\n{\"t\":1,\"path\":\"a.go\"}\n  null  \n", []string{"a.go"}, 3, 2},
		{"torn then appended on same line", "{\"t\":1,\"path\":\"a.go\"}\n{\"t\":2,\"pa{\"t\":3,\"path\":\"c.go\"}\n", []string{"a.go"}, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "saves.jsonl")
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			evs, st, err := session.ReadJSONL[session.SaveEvent](path)
			require.NoError(t, err)
			var paths []string
			for _, e := range evs {
				paths = append(paths, e.Path)
			}
			assert.Equal(t, tt.wantPaths, paths)
			assert.Equal(t, tt.wantLines, st.Lines)
			assert.Equal(t, tt.wantSkipped, st.Skipped)
		})
	}
}

func TestReadJSONLMissingFile(t *testing.T) {
	evs, st, err := session.ReadJSONL[session.SaveEvent](filepath.Join(t.TempDir(), "nope.jsonl"))
	require.NoError(t, err)
	assert.Empty(t, evs)
	assert.Zero(t, st)

	_, _, err = session.ReadJSONL[session.SaveEvent](t.TempDir()) // a directory
	assert.Error(t, err)
}

func TestAppendJSONLAfterTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "windows.jsonl")
	require.NoError(t, session.AppendJSONL(path, session.WindowSample{At: time.Second, App: "Code", Title: "main.go"}))
	// A crash tore the second line.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"t":2,"app":"fire`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	require.NoError(t, session.AppendJSONL(path, session.WindowSample{At: 3 * time.Second, App: "firefox", Title: "docs"}))

	got, st, err := session.ReadJSONL[session.WindowSample](path)
	require.NoError(t, err)
	require.Len(t, got, 2, "the record after the torn line survives")
	assert.Equal(t, "Code", got[0].App)
	assert.Equal(t, "firefox", got[1].App)
	assert.Equal(t, 3*time.Second, got[1].At)
	assert.Equal(t, session.JSONLStats{Lines: 3, Skipped: 1}, st)

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(string(b), "\n"))
}

func TestAppendJSONLErrors(t *testing.T) {
	dir := t.TempDir()
	err := session.AppendJSONL(filepath.Join(dir, "missing", "x.jsonl"), 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x.jsonl")

	err = session.AppendJSONL(filepath.Join(dir, "x.jsonl"), func() {})
	require.Error(t, err, "values that do not encode are refused")
	_, err = os.Stat(filepath.Join(dir, "x.jsonl"))
	assert.True(t, os.IsNotExist(err), "and nothing is written")
}

func TestAppendJSONLConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "saves.jsonl")
	var wg sync.WaitGroup
	const writers, each = 4, 25
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				assert.NoError(t, session.AppendJSONL(path, session.SaveEvent{At: time.Duration(i) * time.Second, Path: strings.Repeat("p", 100)}))
			}
		}()
	}
	wg.Wait()
	got, st, err := session.ReadJSONL[session.SaveEvent](path)
	require.NoError(t, err)
	assert.Len(t, got, writers*each)
	assert.Zero(t, st.Skipped, "no interleaved lines")
}

func FuzzDecodeJSONL(f *testing.F) {
	f.Add([]byte("{\"t\":1,\"path\":\"a.go\"}\n{\"t\":2,\"pa"))
	f.Add([]byte("\n\n{}\nnull\n[]\n"))
	f.Add([]byte("{\"t\":1e400,\"path\":\"\"}\n"))
	f.Add([]byte("\xff\xfe\x00garbage\r\n{\"t\":-5}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, st, err := session.DecodeJSONL[session.SaveEvent](strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("a reader that does not fail gave an error: %v", err)
		}
		if st.Skipped > st.Lines || len(evs)+st.Skipped != st.Lines {
			t.Fatalf("counts do not add up: %d decoded, %+v", len(evs), st)
		}
		// Whatever decoded re-encodes and decodes to the same thing.
		for _, e := range evs {
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatalf("re-encode %+v: %v", e, err)
			}
			var back session.SaveEvent
			if err := json.Unmarshal(b, &back); err != nil || back != e {
				t.Fatalf("round trip %+v → %s → %+v (%v)", e, b, back, err)
			}
		}
	})
}

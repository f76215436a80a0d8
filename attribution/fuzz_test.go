package attribution

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzRead runs a reader over arbitrary bytes: it must not panic, must not
// fail (bad input is skipped and counted), and every edit must lie in the
// project and the window.
func fuzzRead(t *testing.T, read func(ctx context.Context, data string, q Query, emit func(Edit) error) (Stats, error), data string) {
	q := fixtureQuery()
	st, err := read(context.Background(), data, q, func(e Edit) error {
		if e.Path == "" || strings.HasPrefix(e.Path, "..") || filepath.IsAbs(e.Path) {
			t.Fatalf("edit outside the project: %q", e.Path)
		}
		if !q.inWindow(e.At) {
			t.Fatalf("edit outside the window: %v", e.At)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reader failed on bad input: %v", err)
	}
	if st.Edits < 0 || st.Records < 0 {
		t.Fatalf("bad stats %+v", st)
	}
}

func addSeeds(f *testing.F, paths ...string) {
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
		lines := strings.Split(string(b), "\n")
		for _, l := range lines {
			f.Add(l)
		}
	}
	f.Add("")
	f.Add("{}\n{\"type\":")
}

func FuzzClaudeCode(f *testing.F) {
	m, _ := filepath.Glob("testdata/claude/projects/*/*.jsonl")
	addSeeds(f, m...)
	f.Fuzz(func(t *testing.T, data string) {
		fuzzRead(t, func(ctx context.Context, data string, q Query, emit func(Edit) error) (Stats, error) {
			return (&ClaudeCode{}).ReadStream(ctx, strings.NewReader(data), "f.jsonl", q, emit)
		}, data)
	})
}

func FuzzCodex(f *testing.F) {
	m, _ := filepath.Glob("testdata/codex/sessions/*/*/*/*.jsonl")
	addSeeds(f, m...)
	f.Fuzz(func(t *testing.T, data string) {
		fuzzRead(t, func(ctx context.Context, data string, q Query, emit func(Edit) error) (Stats, error) {
			return (&Codex{}).ReadStream(ctx, strings.NewReader(data), "rollout-f.jsonl", q, emit)
		}, data)
	})
}

func FuzzGeminiJSON(f *testing.F) {
	m, _ := filepath.Glob("testdata/gemini/tmp/*/chats/*.json")
	addSeeds(f, m...)
	f.Fuzz(func(t *testing.T, data string) {
		fuzzRead(t, func(ctx context.Context, data string, q Query, emit func(Edit) error) (Stats, error) {
			return (&Gemini{}).ReadStream(ctx, strings.NewReader(data), "session-f-1.json", q, emit)
		}, data)
	})
}

func FuzzGeminiJSONL(f *testing.F) {
	m, _ := filepath.Glob("testdata/gemini/tmp/*/chats/*.jsonl")
	addSeeds(f, m...)
	f.Fuzz(func(t *testing.T, data string) {
		fuzzRead(t, func(ctx context.Context, data string, q Query, emit func(Edit) error) (Stats, error) {
			return (&Gemini{}).ReadStream(ctx, strings.NewReader(data), "session-f-1.jsonl", q, emit)
		}, data)
	})
}

func FuzzApplyPatch(f *testing.F) {
	f.Add("*** Begin Patch\n*** Add File: a.go\n+package a\n*** End Patch")
	f.Add(`tools.apply_patch("*** Begin Patch\n*** Update File: b\n+x\n*** End Patch")`)
	f.Add("*** Begin Patch\\n*** Update File: c\\n@@\\n-a\\n+b\\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, pf := range parseApplyPatch(findPatchOrAll(s)) {
			if pf.Path == "" {
				t.Fatalf("file section without a path: %+v", pf)
			}
		}
	})
}

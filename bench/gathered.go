package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// notesDir is where each package keeps its own benchmark notes.
const notesDir = "bench/notes"

// runP3 reports the recorder's cost from bench/notes/capture.md, which
// bench/capture measures (go run ./bench/capture needs Xvfb and ffmpeg).
func runP3(_ context.Context, _ config) (*result, error) {
	return noteResult("p3", "capture cost at 1080p under Xvfb (from bench/notes/capture.md)", "capture.md",
		[]string{"| fps", "|---", "| 10 ", "| 30 "})
}

// runGathered lists the micro-benchmark notes (P4–P6) with their headline lines.
func runGathered(_ context.Context, _ config) (*result, error) {
	res := &result{Part: "p4–p6", Title: "package figures gathered from bench/notes/*.md",
		Header: []string{"note", "what it measures", "reproduce"}}
	entries, err := os.ReadDir(notesDir)
	if err != nil {
		return nil, fmt.Errorf("read %s (run go run ./bench from the project root): %w", notesDir, err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(notesDir, e.Name()))
		if err != nil {
			return nil, err
		}
		title, repro := "", ""
		lines := strings.Split(string(b), "\n")
		for _, l := range lines {
			if title == "" && strings.HasPrefix(l, "# ") {
				title = strings.TrimPrefix(l, "# ")
			}
			t := strings.TrimSpace(l)
			if repro == "" && (strings.HasPrefix(t, "go test") || strings.HasPrefix(t, "go run") || strings.HasPrefix(t, "`go test") || strings.HasPrefix(t, "`go run")) {
				repro = strings.Trim(t, "`")
			}
			if repro == "" && strings.HasPrefix(t, "**Reproduce:**") {
				repro = strings.Trim(strings.TrimSpace(strings.TrimPrefix(t, "**Reproduce:**")), "`")
			}
		}
		if i := strings.Index(repro, "` "); i >= 0 {
			repro = repro[:i]
		}
		if i := strings.Index(repro, " ("); i >= 0 {
			repro = repro[:i]
		}
		res.Rows = append(res.Rows, []string{filepath.Join(notesDir, e.Name()), title, "`" + strings.TrimSpace(repro) + "`"})
	}
	return res, nil
}

func noteResult(id, title, file string, prefixes []string) (*result, error) {
	path := filepath.Join(notesDir, file)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w (measure it with go run ./bench/capture under Xvfb)", path, err)
	}
	res := &result{Part: id, Title: title}
	for _, l := range strings.Split(string(b), "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				res.Notes = append(res.Notes, l)
			}
		}
	}
	return res, nil
}

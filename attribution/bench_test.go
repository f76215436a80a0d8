package attribution

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracepr/trace/session"
)

// writeClaudeLogs writes about size bytes of Claude Code transcripts for
// fixtureProject into dir/projects/...: prompts, long assistant texts,
// Read results carrying whole files, and every 40th record an Edit (with
// its structuredPatch result) of one of the files bench0.go…bench49.go.
func writeClaudeLogs(tb testing.TB, dir string, size int64) {
	tb.Helper()
	logDir := filepath.Join(dir, "projects", EncodeClaudeProject(fixtureProject))
	if err := os.MkdirAll(logDir, 0o700); err != nil {
		tb.Fatal(err)
	}
	from := fixtureQuery().From
	body := strings.Repeat("Reading the retry loop and the timeout handling in the client. ", 30)
	fileContent := strings.Repeat("func helper(x int) int {\n\treturn x * 2\n}\n", 120)
	var written int64
	for n := 0; written < size; n++ {
		f, err := os.Create(filepath.Join(logDir, fmt.Sprintf("session-%03d.jsonl", n)))
		if err != nil {
			tb.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		sid := fmt.Sprintf("bench-%03d", n)
		for i := 0; i < 20000 && written < size; i++ {
			ts := from.Add(time.Duration(i) * 150 * time.Millisecond).Format(time.RFC3339Nano)
			var rec any
			switch {
			case i%40 == 0:
				k := i / 40
				file := filepath.Join(fixtureProject, fmt.Sprintf("bench%d.go", k%50))
				rec = map[string]any{"type": "assistant", "timestamp": ts, "cwd": fixtureProject, "sessionId": sid, "uuid": fmt.Sprint(i),
					"message": map[string]any{"id": fmt.Sprintf("msg_%d", i), "model": "claude-sonnet-4-5", "content": []any{map[string]any{
						"type": "tool_use", "id": fmt.Sprintf("toolu_%d_%d", n, i), "name": "Edit",
						"input": map[string]any{"file_path": file, "old_string": "x", "new_string": fmt.Sprintf("\tv%d := compute(%d, cfg)", k, k)}}}}}
			case i%40 == 1:
				k := (i - 1) / 40
				rec = map[string]any{"type": "user", "timestamp": ts, "cwd": fixtureProject, "sessionId": sid, "uuid": fmt.Sprint(i),
					"message":       map[string]any{"role": "user", "content": []any{map[string]any{"type": "tool_result", "tool_use_id": fmt.Sprintf("toolu_%d_%d", n, i-1), "content": "ok"}}},
					"toolUseResult": map[string]any{"structuredPatch": []any{map[string]any{"oldStart": 1, "oldLines": 1, "newStart": 1, "newLines": 1, "lines": []string{"-x", fmt.Sprintf("+\tv%d := compute(%d, cfg)", k, k)}}}}}
			case i%3 == 0:
				rec = map[string]any{"type": "user", "timestamp": ts, "cwd": fixtureProject, "sessionId": sid, "uuid": fmt.Sprint(i),
					"message":       map[string]any{"role": "user", "content": []any{map[string]any{"type": "tool_result", "tool_use_id": "toolu_read", "content": fileContent}}},
					"toolUseResult": map[string]any{"type": "text", "file": map[string]any{"filePath": "/home/dev/proj/x.go", "content": fileContent}}}
			default:
				rec = map[string]any{"type": "assistant", "timestamp": ts, "cwd": fixtureProject, "sessionId": sid, "uuid": fmt.Sprint(i),
					"message": map[string]any{"id": fmt.Sprintf("msg_%d", i), "model": "claude-sonnet-4-5", "content": []any{map[string]any{"type": "text", "text": body}}}}
			}
			b, _ := json.Marshal(rec)
			w.Write(b)
			w.WriteByte('\n')
			written += int64(len(b) + 1)
		}
		if err := w.Flush(); err != nil {
			tb.Fatal(err)
		}
		f.Close()
	}
}

// peakHeap samples the live heap every few milliseconds until stop is called.
func peakHeap() (stop func() uint64) {
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			mu.Lock()
			if v := s[0].Value.Uint64(); v > peak {
				peak = v
			}
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// BenchmarkReadClaude reads generated Claude Code logs of 10 MB and 100 MB.
// Throughput is MB/s; peak-heap-MB is the largest live heap seen while
// reading, which must stay flat as the logs grow.
func BenchmarkReadClaude(b *testing.B) {
	for _, mb := range []int64{10, 100} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			dir := b.TempDir()
			writeClaudeLogs(b, dir, mb<<20)
			src := &ClaudeCode{Dirs: []string{dir}}
			q := fixtureQuery()
			runtime.GC()
			b.SetBytes(mb << 20)
			b.ResetTimer()
			var peak uint64
			for i := 0; i < b.N; i++ {
				stop := peakHeap()
				edits := 0
				st, err := src.Read(context.Background(), q, func(Edit) error { edits++; return nil })
				if p := stop(); p > peak {
					peak = p
				}
				if err != nil || st.Edits == 0 || st.Malformed != 0 {
					b.Fatalf("read: %v %+v", err, st)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// benchDiff builds a diff of 50 files with 100 added lines each: per file,
// 60 lines the agent wrote as is, 10 it wrote and the human changed, and 30
// the human wrote; edits and saves to match.
func benchDiff() (session.Diff, []Edit, []session.SaveEvent) {
	var d session.Diff
	var edits []Edit
	var saves []session.SaveEvent
	for f := 0; f < 50; f++ {
		path := fmt.Sprintf("pkg/file%02d.go", f)
		h := session.Hunk{NewStart: 1, NewLines: 100}
		var agentLines []string
		for l := 0; l < 100; l++ {
			var text string
			switch {
			case l < 60:
				text = fmt.Sprintf("\tresult%d := transform(input%d, options.Mode%d)", l, l, f)
				agentLines = append(agentLines, text)
			case l < 70:
				agentLines = append(agentLines, fmt.Sprintf("\tlimit%d := computeLimit(cfg, %d)", l, l))
				text = fmt.Sprintf("\tlimit%d := computeLimit(cfg, %d+1)", l, l)
			default:
				text = fmt.Sprintf("\t// note %d on file %d, written by hand", l, f)
			}
			h.Lines = append(h.Lines, session.DiffLine{Kind: session.LineAdded, Text: text, NewLine: l + 1})
		}
		d.Files = append(d.Files, session.FileDiff{Path: path, Status: session.FileAdded, Hunks: []session.Hunk{h}})
		at := time.Duration(f) * time.Minute
		edits = append(edits, Edit{Agent: AgentClaudeCode, Tool: "Write", At: epoch.Add(at), Path: path, Lines: agentLines, Exact: true})
		saves = append(saves, session.SaveEvent{At: at, Path: path}, session.SaveEvent{At: at + 30*time.Second, Path: path})
	}
	return d, edits, saves
}

// BenchmarkClassify classifies a 5,000-line diff.
func BenchmarkClassify(b *testing.B) {
	d, edits, saves := benchDiff()
	b.ReportAllocs()
	b.ResetTimer()
	var r Report
	for i := 0; i < b.N; i++ {
		r = Classify(Input{Diff: d, Edits: edits, Saves: saves, Epoch: epoch})
	}
	b.StopTimer()
	if r.Totals != (Counts{Agent: 3000, Mixed: 500, Human: 1500, Total: 5000}) {
		b.Fatalf("unexpected split %+v", r.Totals)
	}
	b.ReportMetric(float64(r.Totals.Total)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// writeCodexLogs writes about size bytes of Codex rollouts: messages, shell
// calls with long outputs, and every 40th line an apply_patch call with its
// patch_apply_end.
func writeCodexLogs(tb testing.TB, home string, size int64) {
	tb.Helper()
	dir := filepath.Join(home, "sessions", "2025", "09", "11")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	from := fixtureQuery().From
	output := strings.Repeat("ok  \tgithub.com/example/client\t0.012s\n", 100)
	var written int64
	for n := 0; written < size; n++ {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("rollout-2025-09-11T13-00-00-%04d.jsonl", n)))
		if err != nil {
			tb.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		line := func(ts time.Time, typ string, payload any) {
			b, _ := json.Marshal(map[string]any{"timestamp": ts.Format(time.RFC3339Nano), "type": typ, "payload": payload})
			w.Write(b)
			w.WriteByte('\n')
			written += int64(len(b) + 1)
		}
		line(from, "session_meta", map[string]any{"id": fmt.Sprintf("bench-%04d", n), "cwd": fixtureProject})
		line(from, "turn_context", map[string]any{"cwd": fixtureProject, "model": "gpt-5-codex"})
		for i := 0; i < 20000 && written < size; i++ {
			ts := from.Add(time.Duration(i) * 150 * time.Millisecond)
			switch {
			case i%40 == 0:
				id := fmt.Sprintf("call_%d", i)
				patch := fmt.Sprintf("*** Begin Patch\n*** Update File: bench%d.go\n@@\n-x\n+\tv%d := compute(%d, cfg)\n*** End Patch", i%50, i, i)
				line(ts, "response_item", map[string]any{"type": "custom_tool_call", "call_id": id, "name": "apply_patch", "input": patch})
				line(ts, "event_msg", map[string]any{"type": "patch_apply_end", "call_id": id, "success": true,
					"changes": map[string]any{filepath.Join(fixtureProject, fmt.Sprintf("bench%d.go", i%50)): map[string]any{"type": "update", "unified_diff": fmt.Sprintf("@@ -1 +1 @@\n-x\n+\tv%d := compute(%d, cfg)\n", i, i)}}})
			case i%2 == 0:
				line(ts, "response_item", map[string]any{"type": "function_call_output", "call_id": "c", "output": output})
			default:
				line(ts, "event_msg", map[string]any{"type": "agent_reasoning", "text": strings.Repeat("Checking the timeout path. ", 40)})
			}
		}
		if err := w.Flush(); err != nil {
			tb.Fatal(err)
		}
		f.Close()
	}
}

// BenchmarkReadCodex reads 100 MB of generated Codex rollouts.
func BenchmarkReadCodex(b *testing.B) {
	const mb = 100
	home := b.TempDir()
	writeCodexLogs(b, home, mb<<20)
	src := &Codex{Home: home}
	q := fixtureQuery()
	runtime.GC()
	b.SetBytes(mb << 20)
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		stop := peakHeap()
		st, err := src.Read(context.Background(), q, func(Edit) error { return nil })
		if p := stop(); p > peak {
			peak = p
		}
		if err != nil || st.Edits == 0 || st.Malformed != 0 {
			b.Fatalf("read: %v %+v", err, st)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// Command bench measures trace as a whole against fake VideoDB and GitHub
// servers with a latency model, and prints the figures of BENCHMARKS.md.
//
//	go run ./bench                 # every part, 5 runs each
//	go run ./bench -only p1,p7 -runs 3 -json bench/out/result.json
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

type config struct {
	runs    int
	seed    uint64
	scaleP1 float64
	scaleP2 float64
	clips   int
}

// result is what one part measured: rows for the table and raw values for
// the JSON file.
type result struct {
	Part   string         `json:"part"`
	Title  string         `json:"title"`
	Header []string       `json:"header"`
	Rows   [][]string     `json:"rows"`
	Notes  []string       `json:"notes,omitempty"`
	Raw    map[string]any `json:"raw,omitempty"`
}

type part struct {
	id  string
	run func(ctx context.Context, cfg config) (*result, error)
}

func main() {
	var (
		only   = flag.String("only", "", "parts to run, comma-separated (p1,p2,p3,p4,p7); empty runs all")
		runs   = flag.Int("runs", 5, "runs per measurement (the table gives medians)")
		seed   = flag.Uint64("seed", 1, "seed of the latency model; run i uses seed+i")
		s1     = flag.Float64("p1-scale", 0.1, "time scale of the latency model in P1 (0.1: a 10 s call takes 1 s)")
		s2     = flag.Float64("p2-scale", 0.01, "time scale of the latency model in P2")
		jsonTo = flag.String("json", "", "also write the results as JSON to this file (e.g. bench/out/result.json)")
	)
	flag.Parse()
	cfg := config{runs: max(1, *runs), seed: *seed, scaleP1: *s1, scaleP2: *s2}
	parts := []part{{"p1", runP1}, {"p2", runP2}, {"p3", runP3}, {"p4", runGathered}, {"p7", runP7}}
	want := map[string]bool{}
	for _, p := range strings.Split(*only, ",") {
		if p = strings.TrimSpace(strings.ToLower(p)); p != "" {
			if p == "p5" || p == "p6" {
				p = "p4"
			}
			want[p] = true
		}
	}
	for p := range want {
		if !slices.ContainsFunc(parts, func(q part) bool { return q.id == p }) {
			fmt.Fprintf(os.Stderr, "bench: unknown part %q in -only: use p1, p2, p3, p4 (with p5 and p6) or p7\n", p)
			os.Exit(2)
		}
	}
	ctx := context.Background()
	m := machine()
	fmt.Printf("trace benchmarks — %s, %d cores (%s), %s, %s\n", m.Date, m.Cores, m.CPU, m.OS, m.Go)
	fmt.Printf("runs per figure: %d (medians); latency seed %d\n\n", cfg.runs, cfg.seed)
	out := struct {
		Machine machineInfo `json:"machine"`
		Runs    int         `json:"runs"`
		Seed    uint64      `json:"seed"`
		Results []*result   `json:"results"`
	}{m, cfg.runs, cfg.seed, nil}
	failed := false
	for _, p := range parts {
		if len(want) > 0 && !want[p.id] {
			continue
		}
		start := time.Now()
		r, err := p.run(ctx, cfg)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", p.id, err)
			failed = true
			continue
		}
		printResult(os.Stdout, r)
		fmt.Printf("(%s took %s)\n\n", p.id, time.Since(start).Round(100*time.Millisecond))
		out.Results = append(out.Results, r)
	}
	if *jsonTo != "" {
		if err := os.MkdirAll(filepath.Dir(*jsonTo), 0o755); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			os.Exit(1)
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		if err := os.WriteFile(*jsonTo, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			os.Exit(1)
		}
		fmt.Println("wrote", *jsonTo)
	}
	if failed {
		os.Exit(1)
	}
}

func printResult(w io.Writer, r *result) {
	fmt.Fprintf(w, "## %s — %s\n\n", strings.ToUpper(r.Part), r.Title)
	if len(r.Header) > 0 {
		fmt.Fprintln(w, "| "+strings.Join(r.Header, " | ")+" |")
		fmt.Fprintln(w, strings.Repeat("|---", len(r.Header))+"|")
		for _, row := range r.Rows {
			fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
		}
		fmt.Fprintln(w)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, n)
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w)
	}
}

type machineInfo struct {
	Date  string `json:"date"`
	Cores int    `json:"cores"`
	CPU   string `json:"cpu"`
	OS    string `json:"os"`
	Go    string `json:"go"`
	Load  string `json:"load,omitempty"`
}

func machine() machineInfo {
	m := machineInfo{Date: time.Now().Format("2006-01-02"), Cores: runtime.NumCPU(), CPU: "unknown CPU",
		OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.Load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return m
}

// median returns the median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func secs(xs []float64) string { return fmt.Sprintf("%.1f s", median(xs)) + spreadUnit(xs, "s") }

func spreadUnit(xs []float64, unit string) string {
	if len(xs) < 2 {
		return ""
	}
	return fmt.Sprintf(" (%.1f–%.1f)", slices.Min(xs), slices.Max(xs))
}

func ratio(xs []float64) string {
	if len(xs) < 2 {
		return fmt.Sprintf("%.2f×", median(xs))
	}
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", median(xs), slices.Min(xs), slices.Max(xs))
}

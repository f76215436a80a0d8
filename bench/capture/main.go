// Command capture measures what recording costs: CPU (% of one core, from
// /proc/<pid>/stat utime+stime over wall time) and MB per hour of the
// ffmpeg x11grab recorder, on a 1920x1080 Xvfb display whose content keeps
// changing (windows full of source code replaced twice a second).
//
//	go run ./bench/capture -seconds 30 -fps 10,30
//
// Linux only (Xvfb, /proc); needs ffmpeg, ffprobe, Xvfb and xmessage.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tracepr/trace/capture"
)

func main() {
	seconds := flag.Int("seconds", 30, "length of each recording")
	fpsList := flag.String("fps", "10,30", "frame rates to measure, comma-separated")
	size := flag.String("size", "1920x1080", "display size")
	display := flag.String("display", ":77", "X display number to create")
	flag.Parse()

	xvfb := exec.Command("Xvfb", *display, "-screen", "0", *size+"x24", "-nolisten", "tcp", "-noreset")
	if err := xvfb.Start(); err != nil {
		log.Fatalf("start Xvfb: %v", err)
	}
	defer func() { xvfb.Process.Kill(); xvfb.Wait() }()
	for i := 0; i < 100 && exec.Command("xdpyinfo", "-display", *display).Run() != nil; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	stop := churn(*display)
	defer stop()

	fmt.Printf("| fps | seconds | CPU (%% of one core) | MB/hour | file MB | measured fps |\n|---|---|---|---|---|---|\n")
	for _, f := range strings.Split(*fpsList, ",") {
		fps, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			log.Fatalf("-fps: %v", err)
		}
		cpu, res, err := measure(*display, fps, time.Duration(*seconds)*time.Second)
		if err != nil {
			log.Fatal(err)
		}
		st, _ := os.Stat(res.Path)
		mb := float64(st.Size()) / 1e6
		fmt.Printf("| %d | %.1f | %.1f | %.0f | %.1f | %.1f |\n", fps, res.Duration.Seconds(), cpu, mb/res.Duration.Hours(), mb, res.FPS)
		os.RemoveAll(filepath.Dir(res.Path))
	}
}

// measure records for d and returns ffmpeg's CPU use in % of one core.
func measure(display string, fps int, d time.Duration) (float64, capture.Result, error) {
	dir, err := os.MkdirTemp("", "trace-bench-capture-")
	if err != nil {
		return 0, capture.Result{}, err
	}
	env := capture.Env{GOOS: "linux", Display: display}
	rec := &capture.FFmpeg{Grabber: capture.X11Grab, Options: capture.Options{Env: &env}}
	ctx := context.Background()
	h, err := rec.Start(ctx, capture.Request{Dir: dir, FPS: fps})
	if err != nil {
		return 0, capture.Result{}, err
	}
	pid := h.(interface{ PID() int }).PID()
	t0, c0 := time.Now(), cpuTicks(pid)
	time.Sleep(d)
	t1, c1 := time.Now(), cpuTicks(pid)
	res, err := h.Stop(ctx)
	if err != nil {
		return 0, res, err
	}
	const hz = 100 // USER_HZ on Linux
	return float64(c1-c0) / hz / t1.Sub(t0).Seconds() * 100, res, nil
}

// cpuTicks returns utime+stime of a process, in clock ticks.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	// fields[0] is field 3 (state); utime and stime are fields 14 and 15.
	u, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return u + st
}

// churn keeps replacing a full-screen window of source code text, so the
// screen changes the way an editor or terminal does.
func churn(display string) (stop func()) {
	var text []string
	filepath.Walk(".", func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".go") && len(text) < 4000 {
			if b, err := os.ReadFile(p); err == nil {
				text = append(text, strings.Split(string(b), "\n")...)
			}
		}
		return nil
	})
	if len(text) < 100 {
		text = append(text, strings.Repeat("func main() { fmt.Println(\"hello, world\") }\n", 200))
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var prev *exec.Cmd
		for i := 0; ; i++ {
			start := (i * 37) % max(1, len(text)-60)
			c := exec.Command("xmessage", "-geometry", "1900x1060+0+0", "-fn", "fixed", strings.Join(text[start:start+60], "\n"))
			c.Env = append(os.Environ(), "DISPLAY="+display)
			c.Start()
			if prev != nil {
				prev.Process.Kill()
				prev.Wait()
			}
			prev = c
			select {
			case <-done:
				c.Process.Kill()
				c.Wait()
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-finished }
}

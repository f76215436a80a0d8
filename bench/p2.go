package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	trace "github.com/tracepr/trace"
	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb"
	"github.com/tracepr/trace/videodb/videodbtest"
)

const (
	// bytesPerHour is the recorder's output at 10 fps with a busy screen
	// (bench/notes/capture.md: 0.9–1.0 GB/h).
	bytesPerHour = 900e6
	chunkLength  = 15 * time.Second // capture's default live segment
)

type p2Run struct {
	Minutes int     `json:"minutes"`
	Live    float64 `json:"live_stop_s"`
	Whole   float64 `json:"whole_stop_s"`
}

func runP2(ctx context.Context, cfg config) (*result, error) {
	lengths := []int{2, 15, 60}
	runs := min(cfg.runs, 3)
	byLen := map[int][]p2Run{}
	for i := range runs {
		for _, m := range lengths {
			seed := cfg.seed + uint64(i)
			live, err := p2Live(ctx, seed, cfg.scaleP2, time.Duration(m)*time.Minute)
			if err != nil {
				return nil, fmt.Errorf("live, %d min: %w", m, err)
			}
			whole, err := p2Whole(ctx, seed, cfg.scaleP2, time.Duration(m)*time.Minute)
			if err != nil {
				return nil, fmt.Errorf("whole file, %d min: %w", m, err)
			}
			byLen[m] = append(byLen[m], p2Run{m, live, whole})
		}
	}
	res := &result{
		Part:   "p2",
		Title:  fmt.Sprintf("stop → indexed session, live chunks vs whole upload (VideoDB fake, latency model ×%g, %d runs)", cfg.scaleP2, runs),
		Header: []string{"recording", "live: stop → indexed (model s)", "whole file at stop (model s)", "whole ÷ live"},
		Raw:    map[string]any{"scale": cfg.scaleP2, "runs": byLen},
	}
	var first []float64
	for _, m := range lengths {
		var live, whole []float64
		for _, r := range byLen[m] {
			live, whole = append(live, r.Live), append(whole, r.Whole)
		}
		if first == nil {
			first = live
		}
		res.Rows = append(res.Rows, []string{fmt.Sprintf("%d min", m), secs(live), secs(whole), ratio(div(whole, live))})
	}
	l60 := byLen[60]
	var live60 []float64
	for _, r := range l60 {
		live60 = append(live60, r.Live)
	}
	res.Notes = append(res.Notes,
		fmt.Sprintf("Live stop time, 60 min ÷ 2 min: %s (1× means stop is O(1) in the recording's length).", ratio(div(live60, first))),
		fmt.Sprintf("Recording simulated in real time ×%g: a %s chunk closes every %s (scaled), %.1f MB each (%.0f MB/h); capture.Uploads sends them to videodb.ChunkUploader while recording goes on. Files are a few bytes; the latency model charges each upload for the modelled size.",
			cfg.scaleP2, chunkLength, chunkLength, bytesPerHour*chunkLength.Hours()/1e6, bytesPerHour/1e6))
	return res, nil
}

func capturedSession(e *env, length time.Duration, live bool) (*session.Session, error) {
	s, err := e.store.Create(session.CreateOptions{Backend: "videodb"})
	if err != nil {
		return nil, err
	}
	s.Meta.Epoch = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s.Meta.Mic, s.Meta.Live = true, live
	return s, s.Save()
}

// stopped marks the recording final at its length, as the recorder's stop does.
func stopped(s *session.Session, length time.Duration) error {
	s.Meta.Length = length
	s.Meta.StoppedAt = s.Meta.Epoch.Add(length)
	if err := s.Save(); err != nil {
		return err
	}
	return s.Transition(session.StatusCaptured, nil)
}

// p2Live records for length with live chunks going up meanwhile, then
// times stop: the uploads still in flight, then Pipeline.Stop.
func p2Live(ctx context.Context, seed uint64, scale float64, length time.Duration) (float64, error) {
	size := int64(bytesPerHour * chunkLength.Hours())
	e, err := newEnv(seed, scale, videodbtest.Options{VideoLength: chunkLength.Seconds()}, uploadAs(size))
	if err != nil {
		return 0, err
	}
	defer e.close()
	s, err := capturedSession(e, length, true)
	if err != nil {
		return 0, err
	}
	ix := videodb.NewIndexer(e.vc, videodb.IndexerOptions{Logger: e.log})
	up := &capture.Uploads{Uploader: videodb.NewChunkUploader(ix, s), Dir: s.Dir, Logger: e.log}
	chunks := make(chan capture.Chunk)
	done := make(chan error, 1)
	go func() { done <- up.Run(ctx, chunks) }()
	next := time.Now()
	for seq := 0; time.Duration(seq)*chunkLength < length; seq++ {
		start := time.Duration(seq) * chunkLength
		end := min(start+chunkLength, length)
		next = next.Add(time.Duration(float64(end-start) * scale))
		time.Sleep(time.Until(next)) // the chunk is being recorded
		path := filepath.Join(s.Dir, fmt.Sprintf("chunk-%05d.mp4", seq))
		if err := os.WriteFile(path, []byte("chunk"), 0o600); err != nil {
			return 0, err
		}
		chunks <- capture.Chunk{Seq: seq, Path: path, Span: session.Span{Start: start, End: end}}
	}
	stop := time.Now()
	close(chunks)
	if err := <-done; err != nil {
		return 0, fmt.Errorf("live uploads: %w", err)
	}
	if err := stopped(s, length); err != nil {
		return 0, err
	}
	if _, err := (&trace.Pipeline{Indexer: ix, Options: trace.Options{Logger: e.log}}).Stop(ctx, s); err != nil {
		return 0, err
	}
	return time.Since(stop).Seconds() / scale, nil
}

// p2Whole times stop of a recording of length without live chunks: the
// whole file is uploaded and indexed then.
func p2Whole(ctx context.Context, seed uint64, scale float64, length time.Duration) (float64, error) {
	e, err := newEnv(seed, scale, videodbtest.Options{VideoLength: length.Seconds()}, uploadAs(int64(bytesPerHour*length.Hours())))
	if err != nil {
		return 0, err
	}
	defer e.close()
	s, err := capturedSession(e, length, false)
	if err != nil {
		return 0, err
	}
	s.Meta.Recording = "screen.mp4"
	if err := os.WriteFile(s.Path("screen.mp4"), []byte("recording"), 0o600); err != nil {
		return 0, err
	}
	if err := stopped(s, length); err != nil {
		return 0, err
	}
	ix := videodb.NewIndexer(e.vc, videodb.IndexerOptions{Logger: e.log})
	start := time.Now()
	if _, err := (&trace.Pipeline{Indexer: ix, Options: trace.Options{Logger: e.log}}).Stop(ctx, s); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds() / scale, nil
}

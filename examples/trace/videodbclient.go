package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tracepr/trace/capture"
	"github.com/tracepr/trace/session"
	"github.com/tracepr/trace/videodb"
)

// videodbClient builds the VideoDB client of the CLI: the key from
// VIDEO_DB_API_KEY (or VIDEODB_API_KEY), the API address from
// TRACE_VIDEODB_URL when set (a proxy, or a test server), and how often
// async jobs are polled from TRACE_VIDEODB_POLL_INTERVAL (a Go duration).
func (a *app) videodbClient(log *slog.Logger) (*videodb.Client, error) {
	opts := videodb.Options{BaseURL: os.Getenv("TRACE_VIDEODB_URL"), Logger: log}
	if v := os.Getenv("TRACE_VIDEODB_POLL_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, withCode(exitConfig, fmt.Errorf("TRACE_VIDEODB_POLL_INTERVAL=%q is not a positive duration: use a value like 2s or 500ms", v))
		}
		opts.PollInterval = d
	}
	c, err := videodb.New(opts)
	if err != nil {
		return nil, withCode(exitConfig, fmt.Errorf("videodb backend: %w: set VIDEO_DB_API_KEY, or pass --backend local", err))
	}
	return c, nil
}

// videodbIndexerOptions are the indexer options every command uses, so the
// live uploader's chunks are the ones `trace stop` reuses.
func videodbIndexerOptions(log *slog.Logger) videodb.IndexerOptions {
	return videodb.IndexerOptions{Logger: log}
}

// checkLive says whether --live can work with the chosen backend, before a
// session is created.
func (a *app) checkLive() error {
	if a.backendName() != "videodb" {
		return fmt.Errorf("--live uploads chunks to VideoDB while you record, and the %s backend keeps everything on this machine: drop --live, or use --backend videodb with VIDEO_DB_API_KEY set", a.backendName())
	}
	_, err := a.videodbClient(nil)
	return err
}

// liveUploader returns where --live sends the closed chunks of session s:
// VideoDB's chunk uploader, which uploads and indexes each chunk while the
// recording goes on.
func (a *app) liveUploader(_ context.Context, s *session.Session) (capture.ChunkUploader, error) {
	if err := a.checkLive(); err != nil {
		return nil, err
	}
	log := a.log
	c, err := a.videodbClient(log)
	if err != nil {
		return nil, err
	}
	return videodb.NewChunkUploader(videodb.NewIndexer(c, videodbIndexerOptions(log)), s), nil
}

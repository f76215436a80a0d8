package capture

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tracepr/trace/session"
)

// ChunkSource is implemented by a Handle that cuts live chunks (the ffmpeg
// recorders when Request.Segment > 0). The channel delivers each closed,
// playable piece in order and is closed after the last one, once the
// recorder has exited.
type ChunkSource interface {
	Chunks() <-chan Chunk
}

// ReadChunkList reads the segment list ffmpeg writes in live mode
// ("name,start,end" per closed piece, seconds from the first frame). Paths
// in the result are joined to the list's directory. A missing list is an
// empty result; a torn last line (ffmpeg killed mid-write) is skipped.
func ReadChunkList(path string) ([]Chunk, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	return parseChunkList(f, filepath.Dir(path))
}

func parseChunkList(r io.Reader, dir string) ([]Chunk, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	// Only complete lines count: a last line without its newline may be
	// torn and could carry a cut-off end time.
	b = b[:bytes.LastIndexByte(b, '\n')+1]
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	var out []Chunk
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, nil // a torn line ends the list
		}
		if len(rec) != 3 || rec[0] == "" || rec[0] == "." || rec[0] == ".." || strings.ContainsAny(rec[0], `/\`) {
			continue
		}
		start, err1 := strconv.ParseFloat(rec[1], 64)
		end, err2 := strconv.ParseFloat(rec[2], 64)
		if err1 != nil || err2 != nil || end <= start || start < 0 {
			continue
		}
		out = append(out, Chunk{Seq: len(out), Path: filepath.Join(dir, rec[0]),
			Span: session.Span{Start: session.FromSeconds(start), End: session.FromSeconds(end)}})
	}
}

// ChunkRecord is one line of the chunk log (session.FileChunks): what was
// sent, and what came back.
type ChunkRecord struct {
	Seq      int          `json:"seq"`
	Path     string       `json:"path"` // relative to the session directory, slash-separated
	Span     session.Span `json:"span"`
	ID       string       `json:"id,omitempty"` // the uploader's id, when it succeeded
	Attempts int          `json:"attempts"`
	Error    string       `json:"error,omitempty"` // the last failure, when it did not
	At       time.Time    `json:"at"`
}

// Uploads hands live chunks to a ChunkUploader in the background, a few at
// a time, retrying each with backoff, and logs every outcome to the chunk
// log. Chunks the log already shows as sent are not sent again, so a
// restarted recording resumes.
type Uploads struct {
	Uploader ChunkUploader
	Dir      string // session directory: chunk paths in the log are relative to it
	Log      string // chunk log; default Dir/chunks.jsonl
	// Concurrency bounds the uploads in flight; default 2.
	Concurrency int
	// Attempts per chunk; default 4.
	Attempts int
	// Backoff is the first wait after a failure; it doubles up to 30s.
	// Default 2s.
	Backoff time.Duration
	Logger  *slog.Logger
}

// Run uploads every chunk from chunks until the channel closes, then waits
// for the uploads in flight. It returns an error naming the chunks that
// could not be sent (they stay on disk and in the log for a retry).
func (u *Uploads) Run(ctx context.Context, chunks <-chan Chunk) error {
	if u.Uploader == nil {
		return errors.New("capture: Uploads has no Uploader")
	}
	logPath := u.Log
	if logPath == "" {
		logPath = filepath.Join(u.Dir, session.FileChunks)
	}
	log := u.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	done := map[int]bool{}
	prev, _, err := session.ReadJSONL[ChunkRecord](logPath)
	if err != nil {
		return fmt.Errorf("read chunk log %s: %w", logPath, err)
	}
	for _, r := range prev {
		if r.ID != "" {
			done[r.Seq] = true
		}
	}
	var g errgroup.Group
	g.SetLimit(max(u.Concurrency, 1))
	if u.Concurrency <= 0 {
		g.SetLimit(2)
	}
	var mu sync.Mutex
	var failed []int
	for c := range chunks {
		if done[c.Seq] {
			continue
		}
		g.Go(func() error {
			rec := u.upload(ctx, c, log)
			rec.At = time.Now().UTC()
			mu.Lock()
			defer mu.Unlock()
			if err := session.AppendJSONL(logPath, rec); err != nil {
				log.Error("write chunk log", "err", err)
			}
			if rec.ID == "" {
				failed = append(failed, c.Seq)
			}
			return nil
		})
	}
	g.Wait()
	if len(failed) > 0 {
		return fmt.Errorf("%d live chunk(s) could not be uploaded (seq %v; see %s): the full recording is still uploaded after stop", len(failed), failed, logPath)
	}
	return nil
}

func (u *Uploads) upload(ctx context.Context, c Chunk, log *slog.Logger) ChunkRecord {
	rel, err := filepath.Rel(u.Dir, c.Path)
	if err != nil || u.Dir == "" {
		rel = c.Path
	}
	rec := ChunkRecord{Seq: c.Seq, Path: filepath.ToSlash(rel), Span: c.Span}
	attempts := u.Attempts
	if attempts <= 0 {
		attempts = 4
	}
	wait := u.Backoff
	if wait <= 0 {
		wait = 2 * time.Second
	}
	for rec.Attempts < attempts {
		rec.Attempts++
		id, err := u.Uploader.Upload(ctx, c)
		if err == nil {
			rec.ID, rec.Error = id, ""
			log.Info("live chunk uploaded", "seq", c.Seq, "id", id, "attempts", rec.Attempts)
			return rec
		}
		rec.Error = err.Error()
		log.Warn("live chunk upload failed", "seq", c.Seq, "attempt", rec.Attempts, "err", err)
		if rec.Attempts == attempts || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return rec
		}
		wait = min(wait*2, 30*time.Second)
	}
	return rec
}

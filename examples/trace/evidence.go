package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"time"

	"github.com/tracepr/trace/session"
)

// loadEvidence reads everything a session recorded into one session.Evidence,
// sorted by time: transcript.json and scenes.json (written by indexing),
// saves.jsonl, windows.jsonl and agent.jsonl (written while recording). A
// missing file is empty evidence, not an error; a corrupt JSON file is an
// error naming the file (wrapping session.ErrCorrupt); torn or garbage JSONL
// lines are skipped with a warning. Length is the recording's length from
// metadata.json; when the metadata has none yet, the end of the latest piece
// of evidence stands in for it, with a warning.
func (a *app) loadEvidence(s *session.Session) (session.Evidence, error) {
	ev := session.Evidence{Length: s.Meta.Length}
	for _, f := range []struct {
		name string
		v    any
	}{{session.FileTranscript, &ev.Transcript}, {session.FileScenes, &ev.Scenes}} {
		if err := s.ReadJSON(f.name, f.v); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return session.Evidence{}, err
		}
	}
	var err error
	if ev.Saves, err = readLog[session.SaveEvent](a, s, session.FileSaves); err != nil {
		return session.Evidence{}, err
	}
	if ev.Windows, err = readLog[session.WindowSample](a, s, session.FileWindows); err != nil {
		return session.Evidence{}, err
	}
	if ev.Agent, err = readLog[session.AgentEvent](a, s, session.FileAgent); err != nil {
		return session.Evidence{}, err
	}
	ev.Sort()
	if ev.Length <= 0 {
		if end := evidenceEnd(&ev); end > 0 {
			evidenceLogger(a).Warn("session metadata has no recording length; using the end of the last recorded event: run `trace stop` to finalize the recording",
				"session", s.ID(), "length", end.Round(time.Millisecond))
			ev.Length = end
		}
	}
	return ev, nil
}

func readLog[T any](a *app, s *session.Session, name string) ([]T, error) {
	p := s.Path(name)
	v, st, err := session.ReadJSONL[T](p)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if st.Skipped > 0 {
		evidenceLogger(a).Warn("skipped unreadable lines (a torn last line after a crash, or garbage)", "file", p, "skipped", st.Skipped, "lines", st.Lines)
	}
	return v, nil
}

// evidenceEnd returns the latest time any piece of evidence reaches.
func evidenceEnd(ev *session.Evidence) time.Duration {
	var end time.Duration
	for _, x := range ev.Transcript {
		end = max(end, x.Span.End)
	}
	for _, x := range ev.Scenes {
		end = max(end, x.Span.End)
	}
	for _, x := range ev.Saves {
		end = max(end, x.At)
	}
	for _, x := range ev.Windows {
		end = max(end, x.At)
	}
	for _, x := range ev.Agent {
		end = max(end, x.At)
	}
	return end
}

// evidenceLogger returns the app's logger, or one that discards when the
// command ran without the root's setup (as in tests).
func evidenceLogger(a *app) *slog.Logger {
	if a.log != nil {
		return a.log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

package capture

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/tracepr/trace/session"
)

// DefaultDebounce is how long a file must be quiet before its burst of
// events becomes one save.
const DefaultDebounce = 300 * time.Millisecond

// SaveWatcher reports saves of files in a project. It watches every
// directory (new ones as they appear), leaves out .git/ and what git
// ignores, and folds editor save patterns (write to a temporary then
// rename, swap files, backups, several writes in a burst) into one save of
// the real file, stamped with the time of its last event.
type SaveWatcher struct {
	Root     string    // project directory
	Epoch    time.Time // saves are offsets from it
	Debounce time.Duration
	// OnSave receives each save, in time order per file. Required.
	OnSave func(session.SaveEvent)
	// Ignore decides which paths are left out; default GitIgnore{Root}.
	Ignore Ignorer
	Logger *slog.Logger
	// Ready, when set, is closed once every directory is watched.
	Ready chan struct{}
}

type pendingSave struct {
	last    time.Time // the burst's last event: the save's time
	renamed bool      // the file was renamed away during the burst
}

// Run watches until ctx ends, then reports the saves still pending.
func (w *SaveWatcher) Run(ctx context.Context) error {
	if w.OnSave == nil {
		return errors.New("capture: SaveWatcher.OnSave is nil")
	}
	root, err := filepath.Abs(w.Root)
	if err != nil {
		return err
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return fmt.Errorf("project directory %s is not a directory: pass --project DIR", w.Root)
	}
	log := w.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ign := w.Ignore
	if ign == nil {
		ign = &GitIgnore{Root: root}
	}
	debounce := w.Debounce
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("file watcher: %w (on Linux raise fs.inotify.max_user_instances)", err)
	}
	defer fw.Close()
	s := &saveState{w: w, root: root, fw: fw, ign: ign, log: log, known: map[string]bool{}, pending: map[string]*pendingSave{}}
	if _, err := s.addTree(ctx, root, false, time.Time{}); err != nil {
		return err
	}
	if w.Ready != nil {
		close(w.Ready)
	}
	tick := time.NewTicker(max(debounce/3, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.flush(context.Background(), time.Now(), 0)
			return nil
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			log.Warn("file watcher", "err", err)
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			s.event(ctx, ev, time.Now())
		case now := <-tick.C:
			s.flush(ctx, now, debounce)
		}
	}
}

type saveState struct {
	w       *SaveWatcher
	root    string
	fw      *fsnotify.Watcher
	ign     Ignorer
	log     *slog.Logger
	known   map[string]bool // files that exist in the project (as far as seen)
	pending map[string]*pendingSave
}

func (s *saveState) rel(abs string) (string, bool) {
	r, err := filepath.Rel(s.root, abs)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", false
	}
	r = filepath.ToSlash(r)
	if r == ".git" || strings.HasPrefix(r, ".git/") {
		return "", false
	}
	return r, true
}

// addTree watches dir and every directory under it that is not ignored,
// level by level (one git call per level). Files found are remembered as
// known; when created is set they are also reported as created at t (they
// appeared in a new directory before its watch was in place).
func (s *saveState) addTree(ctx context.Context, dir string, created bool, t time.Time) (int, error) {
	level := []string{dir}
	n := 0
	for len(level) > 0 {
		var next []string
		for _, d := range level {
			if err := s.fw.Add(d); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return n, fmt.Errorf("watch %s: %w (on Linux raise fs.inotify.max_user_watches)", d, err)
			}
			n++
			ents, err := os.ReadDir(d)
			if err != nil {
				continue
			}
			for _, e := range ents {
				abs := filepath.Join(d, e.Name())
				rel, ok := s.rel(abs)
				if !ok {
					continue
				}
				if e.IsDir() {
					next = append(next, abs)
					continue
				}
				if created {
					s.note(rel, fsnotify.Create, t)
				} else {
					s.known[rel] = true
				}
			}
		}
		if len(next) == 0 {
			break
		}
		rels := make([]string, 0, len(next))
		for _, abs := range next {
			r, _ := s.rel(abs)
			rels = append(rels, r)
		}
		ignored, err := s.ign.Ignored(ctx, rels)
		if err != nil {
			s.log.Warn("ignore check failed; watching everything", "err", err)
		}
		level = level[:0]
		for i, abs := range next {
			if !ignored[rels[i]] {
				level = append(level, abs)
			}
		}
	}
	return n, nil
}

func (s *saveState) note(rel string, op fsnotify.Op, t time.Time) {
	p := s.pending[rel]
	if p == nil {
		p = &pendingSave{}
		s.pending[rel] = p
	}
	p.last = t
	p.renamed = p.renamed || op.Has(fsnotify.Rename)
}

func (s *saveState) event(ctx context.Context, ev fsnotify.Event, t time.Time) {
	if ev.Op == fsnotify.Chmod {
		return
	}
	rel, ok := s.rel(ev.Name)
	if !ok {
		return
	}
	if ev.Op.Has(fsnotify.Create) {
		if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
			ignored, _ := s.ign.Ignored(ctx, []string{rel})
			if !ignored[rel] {
				if _, err := s.addTree(ctx, ev.Name, true, t); err != nil {
					s.log.Warn("watch new directory", "dir", rel, "err", err)
				}
			}
			return
		}
	}
	if EditorTemp(rel) {
		return
	}
	s.note(rel, ev.Op, t)
}

// flush reports the files quiet for at least debounce at now.
func (s *saveState) flush(ctx context.Context, now time.Time, debounce time.Duration) {
	var ready []string
	for rel, p := range s.pending {
		if now.Sub(p.last) >= debounce {
			ready = append(ready, rel)
		}
	}
	if len(ready) == 0 {
		return
	}
	ignored, err := s.ign.Ignored(ctx, ready)
	if err != nil {
		s.log.Warn("ignore check failed", "err", err)
	}
	var out []session.SaveEvent
	for _, rel := range ready {
		p := s.pending[rel]
		delete(s.pending, rel)
		if ignored[rel] {
			continue
		}
		abs := filepath.Join(s.root, filepath.FromSlash(rel))
		st, err := os.Stat(abs)
		exists := err == nil
		if exists && st.IsDir() {
			continue
		}
		var op string
		switch {
		case exists && s.known[rel]:
			op = "write"
		case exists:
			op = "create"
			s.known[rel] = true
		case s.known[rel] && p.renamed:
			op = "rename"
			delete(s.known, rel)
		case s.known[rel]:
			op = "remove"
			delete(s.known, rel)
		default:
			continue // created and gone within one burst: a temporary
		}
		at := p.last.Sub(s.w.Epoch).Round(time.Millisecond)
		out = append(out, session.SaveEvent{At: at, Path: rel, Op: op})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].At != out[j].At {
			return out[i].At < out[j].At
		}
		return out[i].Path < out[j].Path
	})
	for _, e := range out {
		s.w.OnSave(e)
	}
}

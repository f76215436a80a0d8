package clipselect

import (
	"time"

	"github.com/tracepr/trace/session"
)

// diffIndex answers "is this path in the diff" (exact new or old path) and
// "did the diff change this function" quickly.
type diffIndex struct {
	paths map[string]string          // new or old path → new path
	funcs map[string]map[string]bool // new path → identifiers in its hunk headers and added lines
	files map[string]session.FileDiff
}

func indexDiff(d *session.Diff) *diffIndex {
	if d == nil {
		return nil
	}
	x := &diffIndex{paths: map[string]string{}, funcs: map[string]map[string]bool{}, files: map[string]session.FileDiff{}}
	for _, f := range d.Files {
		if f.Path == "" {
			continue
		}
		x.paths[f.Path] = f.Path
		if f.OldPath != "" {
			if _, taken := x.paths[f.OldPath]; !taken {
				x.paths[f.OldPath] = f.Path
			}
		}
		x.files[f.Path] = f
		ids := map[string]bool{}
		for _, h := range f.Hunks {
			identifiers(h.Section, ids)
			for _, l := range h.Lines {
				if l.Kind == session.LineAdded {
					identifiers(l.Text, ids)
				}
			}
		}
		x.funcs[f.Path] = ids
	}
	return x
}

func (x *diffIndex) has(p string) bool {
	_, ok := x.path(p)
	return ok
}

// path maps a path to the diff's new path, by exact match only.
func (x *diffIndex) path(p string) (string, bool) {
	if x == nil || p == "" {
		return "", false
	}
	np, ok := x.paths[p]
	return np, ok
}

// function returns the diff file whose hunk headers or added lines name
// fn: one of prefer when prefer is not empty, else the first in path order.
func (x *diffIndex) function(fn string, prefer []string) (string, bool) {
	if x == nil || len(fn) < 3 {
		return "", false
	}
	name := lastIdent(fn)
	for _, p := range prefer {
		if x.funcs[p][name] {
			return p, true
		}
	}
	if len(prefer) > 0 {
		return "", false
	}
	best := ""
	for p, ids := range x.funcs {
		if ids[name] && (best == "" || p < best) {
			best = p
		}
	}
	return best, best != ""
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// identifiers adds the identifier-like words of at least 3 characters in s.
func identifiers(s string, into map[string]bool) {
	for i := 0; i < len(s); {
		if !isIdent(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isIdent(s[j]) {
			j++
		}
		if j-i >= 3 && !(s[i] >= '0' && s[i] <= '9') {
			into[s[i:j]] = true
		}
		i = j
	}
}

// lastIdent turns "pkg.(*T).Method()" or "Parse(r)" into its last identifier.
func lastIdent(fn string) string {
	end := len(fn)
	for end > 0 && !isIdent(fn[end-1]) {
		end--
	}
	if i := indexByte(fn[:end], '('); i >= 0 {
		end = i
		for end > 0 && !isIdent(fn[end-1]) {
			end--
		}
	}
	start := end
	for start > 0 && isIdent(fn[start-1]) {
		start--
	}
	return fn[start:end]
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// refSpan is the time an evidence reference covers (see timeline.RefSpan).
func refSpan(ev *session.Evidence, r session.EvidenceRef) (session.Span, bool) {
	i := r.Index
	if ev == nil || i < 0 {
		return session.Span{}, false
	}
	at := func(t time.Duration) (session.Span, bool) { return session.Span{Start: t, End: t + 1}, true }
	switch r.Type {
	case session.EvSave:
		if i < len(ev.Saves) {
			return at(ev.Saves[i].At)
		}
	case session.EvSegment:
		if i < len(ev.Transcript) {
			return ev.Transcript[i].Span, true
		}
	case session.EvScene:
		if i < len(ev.Scenes) {
			return ev.Scenes[i].Span, true
		}
	case session.EvWindow:
		if i < len(ev.Windows) {
			return at(ev.Windows[i].At)
		}
	case session.EvAgent:
		if i < len(ev.Agent) {
			return at(ev.Agent[i].At)
		}
	}
	return session.Span{}, false
}

package timeline

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// Input is what a Classifier reads: a session's evidence, sorted by time,
// and the PR diff when one is known.
type Input struct {
	// Evidence is sorted by time; EvidenceRef indices point into it.
	Evidence session.Evidence
	// Diff is the change set the session produced; nil when unknown.
	Diff   *session.Diff
	inDiff map[string]bool
}

// NewInput prepares an Input. It does not sort ev; Build does.
func NewInput(ev session.Evidence, diff *session.Diff) *Input {
	in := &Input{Evidence: ev, Diff: diff}
	if diff != nil {
		in.inDiff = make(map[string]bool, 2*len(diff.Files))
		for _, f := range diff.Files {
			in.inDiff[f.Path] = true
			if f.OldPath != "" {
				in.inDiff[f.OldPath] = true
			}
		}
	}
	return in
}

// Length returns the recording's length.
func (in *Input) Length() time.Duration { return in.Evidence.Length }

// InDiff reports whether path is one of the diff's files, by exact path (new
// or old path of a rename). It is false when there is no diff.
func (in *Input) InDiff(path string) bool { return in.inDiff[path] }

// HasDiff reports whether a diff was given.
func (in *Input) HasDiff() bool { return in.Diff != nil }

// Classifier proposes candidate moments of one kind from a session's
// evidence. Candidates may overlap one another; Merge resolves them into one
// gap-free timeline. A classifier must be deterministic and must not keep
// references to in after it returns.
type Classifier interface {
	// Kind is the kind of moment the classifier proposes.
	Kind() session.MomentKind
	// Classify returns candidate moments, each with a confidence in [0,1]
	// and evidence references into in.Evidence.
	Classify(in *Input) []session.Moment
}

// ClassifierFunc adapts a function to the Classifier interface.
type ClassifierFunc struct {
	K session.MomentKind
	F func(in *Input) []session.Moment
}

// Kind implements Classifier.
func (c ClassifierFunc) Kind() session.MomentKind { return c.K }

// Classify implements Classifier.
func (c ClassifierFunc) Classify(in *Input) []session.Moment { return c.F(in) }

// DefaultClassifiers returns the built-in classifiers with their default
// options: progress, stuck, research, speech, agent and idle.
func DefaultClassifiers() []Classifier {
	return []Classifier{
		Progress(ProgressOptions{}),
		Stuck(StuckOptions{}),
		Research(ResearchOptions{}),
		Speech(SpeechOptions{}),
		Agent(AgentOptions{}),
		Idle(IdleOptions{}),
	}
}

// Options configure Build. The zero value uses the built-in classifiers and
// DefaultPriority.
type Options struct {
	// Classifiers replaces the built-in set when non-nil. To add a tag of
	// your own, pass append(DefaultClassifiers(), yours).
	Classifiers []Classifier
	// Priority decides which kind wins where candidates overlap, highest
	// first. Nil means DefaultPriority.
	Priority []session.MomentKind
}

// ErrNoLength is returned by Build when the evidence has items but no
// recording length to place them in.
var ErrNoLength = errors.New("timeline: evidence has no recording length")

// Build runs the classifiers over ev and merges their candidates into one
// gap-free, non-overlapping timeline from 0 to ev.Length.
//
// Evidence references index ev's slices in time order: if a slice is not
// sorted, Build sorts it in place (stable, like ev.Sort), so the caller's
// slices and the references agree. Items before 0 or after the end of the
// recording are kept in the evidence but produce no moment outside
// [0, ev.Length]. An empty session (no evidence, zero length) gives an empty
// timeline; a session with evidence but no length is an ErrNoLength error.
func Build(ev session.Evidence, diff *session.Diff, opts Options) (Static, error) {
	ev.Sort()
	if ev.Length <= 0 {
		if ev.Length == 0 && empty(&ev) {
			return Static{}, nil
		}
		return Static{}, fmt.Errorf("%w (length %v): set Evidence.Length to the recording's duration (session metadata length, or ffprobe of the recording)", ErrNoLength, ev.Length)
	}
	in := NewInput(ev, diff)
	cls := opts.Classifiers
	if cls == nil {
		cls = DefaultClassifiers()
	}
	var cands []session.Moment
	for _, c := range cls {
		for _, m := range c.Classify(in) {
			if m.Kind == "" {
				m.Kind = c.Kind()
			}
			cands = append(cands, m)
		}
	}
	return Merge(cands, ev.Length, MergeOptions{Priority: opts.Priority, Evidence: &in.Evidence}), nil
}

func empty(ev *session.Evidence) bool {
	return len(ev.Saves) == 0 && len(ev.Transcript) == 0 && len(ev.Scenes) == 0 && len(ev.Windows) == 0 && len(ev.Agent) == 0
}

// junkPath reports paths that are tool noise rather than work: VCS internals,
// caches, build output, editor swap files.
func junkPath(p string) bool {
	if p == "" {
		return true
	}
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case ".git", ".hg", ".svn", "node_modules", "__pycache__", ".pytest_cache", ".mypy_cache", ".idea", ".vscode", ".cache", ".DS_Store", "target", "dist", "build", ".next":
			return true
		}
		if strings.HasSuffix(seg, ".egg-info") || strings.HasSuffix(seg, ".dist-info") {
			return true
		}
	}
	b := path.Base(p)
	switch {
	case strings.HasSuffix(b, ".swp"), strings.HasSuffix(b, ".swo"), strings.HasSuffix(b, ".swx"), strings.HasSuffix(b, "~"),
		strings.HasSuffix(b, ".pyc"), strings.HasSuffix(b, ".pyo"), strings.HasSuffix(b, ".tmp"),
		strings.HasPrefix(b, ".#"), strings.HasPrefix(b, "#") && strings.HasSuffix(b, "#"), b == "4913":
		return true
	}
	return false
}

// relevantSave reports whether a save counts as work: it is in the diff, or
// it is not tool noise.
func relevantSave(in *Input, p string) bool {
	return in.InDiff(p) || !junkPath(p)
}

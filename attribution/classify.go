package attribution

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tracepr/trace/session"
)

// Class says who wrote an added line.
type Class string

// The four classes, as in Agent Trace's contributor types.
const (
	ClassHuman   Class = "human"   // the human wrote it (saved it, and no agent edit produced it)
	ClassAgent   Class = "agent"   // an agent wrote it (possibly reformatted since)
	ClassMixed   Class = "mixed"   // an agent wrote it and the human then changed it
	ClassUnknown Class = "unknown" // nothing recorded covers this file in the window
)

// Options tune the classifier. The zero value uses the defaults.
type Options struct {
	// SaveTolerance is how close a save must be to an agent edit of the same
	// file to count as the agent's own write (default 3s).
	SaveTolerance time.Duration
	// MinSimilarity is the bigram similarity at or above which a changed
	// line still counts as an agent line (default 0.6).
	MinSimilarity float64
	// Reformatted is the similarity at or above which a changed agent line
	// with no human save after the agent wrote it is still the agent's
	// (a formatter or the agent itself touched it; default 0.9).
	Reformatted float64
}

func (o Options) withDefaults() Options {
	if o.SaveTolerance <= 0 {
		o.SaveTolerance = 3 * time.Second
	}
	if o.MinSimilarity <= 0 {
		o.MinSimilarity = 0.6
	}
	if o.Reformatted <= 0 {
		o.Reformatted = 0.9
	}
	return o
}

// Input is what Classify works from.
type Input struct {
	Session string       // the trace session id (for the marker and the export)
	Diff    session.Diff // the change to attribute
	Edits   []Edit       // agent edits in the window (from Collect)
	Saves   []session.SaveEvent
	// Epoch is the session's time base: saves are offsets from it.
	Epoch time.Time
	// From and To are the window the edits were read for.
	From, To time.Time
	// Sources are the readers' statistics, reported as they are.
	Sources []Stats
	Options Options
}

// Evidence is the agent edit a line was matched to.
type Evidence struct {
	Agent     string        `json:"agent"`
	Model     string        `json:"model,omitempty"`
	SessionID string        `json:"session_id,omitempty"`
	SubAgent  string        `json:"sub_agent,omitempty"`
	Tool      string        `json:"tool"`
	At        time.Time     `json:"at"`
	Offset    time.Duration `json:"-"` // from the session epoch
	Log       string        `json:"log,omitempty"`
}

type evidenceAlias Evidence

type evidenceWire struct {
	evidenceAlias
	Offset float64 `json:"t"` // seconds from the session epoch
}

// MarshalJSON writes Offset as float seconds under "t".
func (e Evidence) MarshalJSON() ([]byte, error) {
	return json.Marshal(evidenceWire{evidenceAlias(e), session.Seconds(e.Offset)})
}

// UnmarshalJSON reads the wire form.
func (e *Evidence) UnmarshalJSON(b []byte) error {
	var w evidenceWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Evidence(w.evidenceAlias)
	e.Offset = session.FromSeconds(w.Offset)
	return nil
}

// Line is the verdict on one added line.
type Line struct {
	Line       int       `json:"line"` // 1-based line number in the new file
	Class      Class     `json:"class"`
	Reason     string    `json:"reason"`
	Similarity float64   `json:"similarity,omitempty"` // set when the match was not exact
	Agent      *Evidence `json:"agent,omitempty"`
	// HumanSave is the offset of the human save that counts as evidence.
	HumanSave *time.Duration `json:"-"`
	text      string
	edit      int // index of the matched edit, when Agent is set
}

type lineWire struct {
	Line       int       `json:"line"`
	Class      Class     `json:"class"`
	Reason     string    `json:"reason"`
	Similarity float64   `json:"similarity,omitempty"`
	Agent      *Evidence `json:"agent,omitempty"`
	HumanSave  *float64  `json:"human_save,omitempty"` // seconds from the epoch
}

// MarshalJSON writes HumanSave as float seconds.
func (l Line) MarshalJSON() ([]byte, error) {
	w := lineWire{Line: l.Line, Class: l.Class, Reason: l.Reason, Similarity: l.Similarity, Agent: l.Agent}
	if l.HumanSave != nil {
		s := session.Seconds(*l.HumanSave)
		w.HumanSave = &s
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the wire form.
func (l *Line) UnmarshalJSON(b []byte) error {
	var w lineWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*l = Line{Line: w.Line, Class: w.Class, Reason: w.Reason, Similarity: w.Similarity, Agent: w.Agent}
	if w.HumanSave != nil {
		d := session.FromSeconds(*w.HumanSave)
		l.HumanSave = &d
	}
	return nil
}

// Counts is a split of added lines.
type Counts struct {
	Human   int `json:"human"`
	Agent   int `json:"agent"`
	Mixed   int `json:"mixed"`
	Unknown int `json:"unknown"`
	Total   int `json:"total"`
}

func (c *Counts) add(cl Class) {
	c.Total++
	switch cl {
	case ClassHuman:
		c.Human++
	case ClassAgent:
		c.Agent++
	case ClassMixed:
		c.Mixed++
	default:
		c.Unknown++
	}
}

// Percents returns the agent, mixed, human and unknown shares as whole
// percentages that add up to 100 (largest remainder), or all zero for an
// empty split.
func (c Counts) Percents() (agent, mixed, human, unknown int) {
	if c.Total == 0 {
		return 0, 0, 0, 0
	}
	n := []int{c.Agent, c.Mixed, c.Human, c.Unknown}
	p := make([]int, 4)
	rem := make([]int, 4)
	left := 100
	for i, v := range n {
		p[i] = v * 100 / c.Total
		rem[i] = v * 100 % c.Total
		left -= p[i]
	}
	for ; left > 0; left-- {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		p[best]++
		rem[best] = -1
	}
	return p[0], p[1], p[2], p[3]
}

// File is the verdict on one file of the diff.
type File struct {
	Path   string             `json:"path"`
	Status session.FileStatus `json:"status"`
	Binary bool               `json:"binary,omitempty"`
	Counts
	// Note says, in one sentence, why lines of the file are unknown (or why
	// the file was not classified).
	Note  string `json:"note,omitempty"`
	Lines []Line `json:"lines,omitempty"`
}

// AgentSummary counts the lines one agent session wrote.
type AgentSummary struct {
	Agent     string `json:"agent"`
	Model     string `json:"model,omitempty"`
	SessionID string `json:"session_id,omitempty"`
	Edits     int    `json:"edits"`
	Lines     int    `json:"lines"` // added lines of the diff classed agent or mixed
}

// Report is the contribution map of a diff.
type Report struct {
	Session string         `json:"session,omitempty"`
	Base    string         `json:"base,omitempty"`
	Head    string         `json:"head,omitempty"`
	From    time.Time      `json:"from,omitzero"`
	To      time.Time      `json:"to,omitzero"`
	Totals  Counts         `json:"totals"`
	Files   []File         `json:"files"`
	Agents  []AgentSummary `json:"agents,omitempty"`
	Sources []Stats        `json:"sources,omitempty"`
}

// Classify gives every added line of the diff a class with its evidence.
//
// Per file, it rebuilds the lines each agent edit produced (the recorded
// patch when there is one, otherwise the edit's new text against the file's
// history as far as the log tells it), and matches the diff's added lines
// against them after normalisation (whitespace, trailing commas). An exact
// match is agent, unless Claude Code says the user modified that proposal
// (mixed). A near match is mixed when a human save of the file came after
// the agent's edit, and agent (reformatted) when none did and the lines are
// nearly equal. A line no agent wrote is human when the human saved the
// file in the window; otherwise it is unknown, and the reason says what was
// missing. Lines too short to match alone ("}", "") follow their neighbour.
func Classify(in Input) Report {
	o := in.Options.withDefaults()
	r := Report{Session: in.Session, Base: in.Diff.Base, Head: in.Diff.Head, From: in.From, To: in.To, Sources: in.Sources, Files: []File{}}
	edits := append([]Edit(nil), in.Edits...)
	sortEdits(edits)
	byPath := map[string][]int{}
	for i, e := range edits {
		byPath[e.Path] = append(byPath[e.Path], i)
	}
	used := map[int]bool{} // edits that produced a line of the diff
	lineEdits := map[int]int{}
	for _, fd := range in.Diff.Files {
		ids := append([]int(nil), byPath[fd.Path]...)
		if fd.OldPath != "" && fd.OldPath != fd.Path {
			ids = append(ids, byPath[fd.OldPath]...)
			sort.SliceStable(ids, func(a, b int) bool { return edits[ids[a]].At.Before(edits[ids[b]].At) })
		}
		f := classifyFile(in, o, fd, edits, ids, used, lineEdits)
		r.Totals.Human += f.Human
		r.Totals.Agent += f.Agent
		r.Totals.Mixed += f.Mixed
		r.Totals.Unknown += f.Unknown
		r.Totals.Total += f.Total
		r.Files = append(r.Files, f)
	}
	sort.SliceStable(r.Files, func(i, j int) bool { return r.Files[i].Path < r.Files[j].Path })
	r.Agents = summarizeAgents(edits, used, lineEdits)
	return r
}

func summarizeAgents(edits []Edit, used map[int]bool, lineEdits map[int]int) []AgentSummary {
	type key struct{ agent, model, session string }
	m := map[key]*AgentSummary{}
	var keys []key
	for i, e := range edits {
		if !used[i] {
			continue
		}
		k := key{e.Agent, e.Model, e.SessionID}
		s, ok := m[k]
		if !ok {
			s = &AgentSummary{Agent: e.Agent, Model: e.Model, SessionID: e.SessionID}
			m[k] = s
			keys = append(keys, k)
		}
		s.Edits++
		s.Lines += lineEdits[i]
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.agent != b.agent {
			return a.agent < b.agent
		}
		if a.session != b.session {
			return a.session < b.session
		}
		return a.model < b.model
	})
	out := make([]AgentSummary, 0, len(keys))
	for _, k := range keys {
		out = append(out, *m[k])
	}
	return out
}

type candidate struct {
	norm  string
	grams []uint16
	edit  int
}

func classifyFile(in Input, o Options, fd session.FileDiff, edits []Edit, ids []int, used map[int]bool, lineEdits map[int]int) File {
	f := File{Path: fd.Path, Status: fd.Status, Binary: fd.Binary}
	if fd.Binary {
		f.Note = "binary file: its lines are not classified"
		return f
	}
	added := fd.Added()
	if len(added) == 0 {
		return f
	}

	// Follow the file's history through the edits, so that a whole-file
	// write without a recorded patch only claims the lines it changed.
	var known *string
	for _, i := range ids {
		e := &edits[i]
		switch {
		case e.WholeFile:
			if !e.Exact && known != nil {
				e.Lines = producedLines(*known, e.New)
			}
			k := e.New
			known = &k
		case e.Old != "" && known != nil && strings.Contains(*known, e.Old):
			k := strings.Replace(*known, e.Old, e.New, 1)
			known = &k
		default:
			known = nil
		}
	}

	// Index what the agents produced.
	exact := map[string]int{} // normalized line → latest edit producing it
	raw := map[string]bool{}  // produced lines as written (right-trimmed)
	proposed := map[int]map[string]bool{}
	for _, i := range ids {
		e := edits[i]
		for _, l := range e.Lines {
			exact[normalize(l)] = i
			raw[strings.TrimRight(l, " \t\r")] = true
		}
		if e.UserModified {
			p := map[string]bool{}
			for _, l := range e.Proposed {
				p[normalize(l)] = true
			}
			proposed[i] = p
		}
	}
	inDiff := map[string]bool{}
	for _, l := range added {
		inDiff[normalize(l.Text)] = true
	}
	var orphans []candidate // agent lines that are not in the diff as they were written
	seenOrphan := map[string]bool{}
	for _, i := range ids {
		for _, l := range edits[i].Lines {
			n := normalize(l)
			if trivial(n) || inDiff[n] || seenOrphan[n] {
				continue
			}
			seenOrphan[n] = true
			orphans = append(orphans, candidate{n, bigrams(n), exact[n]})
		}
	}

	// Split the file's saves into the agents' own writes and the human's.
	var humanSaves []time.Duration
	for _, s := range in.Saves {
		if (s.Path != fd.Path && (fd.OldPath == "" || s.Path != fd.OldPath)) || s.Op == "remove" {
			continue
		}
		t := in.Epoch.Add(s.At)
		agentWrite := false
		for _, i := range ids {
			d := edits[i].At.Sub(t)
			if d < 0 {
				d = -d
			}
			if d <= o.SaveTolerance {
				agentWrite = true
				break
			}
		}
		if !agentWrite {
			humanSaves = append(humanSaves, s.At)
		}
	}
	sort.Slice(humanSaves, func(a, b int) bool { return humanSaves[a] < humanSaves[b] })
	humanSaveAfter := func(t time.Time) *time.Duration {
		for _, s := range humanSaves {
			if in.Epoch.Add(s).After(t) {
				s := s
				return &s
			}
		}
		return nil
	}

	evidence := func(i int) *Evidence {
		e := edits[i]
		ev := &Evidence{Agent: e.Agent, Model: e.Model, SessionID: e.SessionID, SubAgent: e.SubAgent, Tool: e.Tool, At: e.At, Log: e.Log}
		if !in.Epoch.IsZero() {
			ev.Offset = e.At.Sub(in.Epoch)
		}
		return ev
	}
	// fallback is the verdict on a line no agent edit produced.
	fallback := func() Line {
		if n := len(humanSaves); n > 0 {
			s := humanSaves[n-1]
			return Line{Class: ClassHuman, HumanSave: &s,
				Reason: fmt.Sprintf("saved by the human (last at %s); no agent edit produced it", session.Clock(s))}
		}
		if len(ids) > 0 {
			return Line{Class: ClassUnknown, Reason: fmt.Sprintf(
				"only agent writes of this file were recorded (%s) and none produced this line; it may predate the session", plural(len(ids), "edit"))}
		}
		return Line{Class: ClassUnknown, Reason: "no save and no agent edit of this file was recorded in the session window"}
	}

	lines := make([]Line, len(added))
	deferred := make([]bool, len(added))
	for k, dl := range added {
		n := normalize(dl.Text)
		var ln Line
		switch i, ok := exact[n]; {
		case trivial(n):
			deferred[k] = true
		case ok:
			e := edits[i]
			ln = Line{Class: ClassAgent, Agent: evidence(i), edit: i}
			switch {
			case e.UserModified && !proposed[i][n]:
				ln.Class = ClassMixed
				ln.Reason = fmt.Sprintf("%s proposed a change here and the user modified it before accepting", e.Agent)
			case raw[strings.TrimRight(dl.Text, " \t\r")]:
				ln.Reason = fmt.Sprintf("written by %s (%s)", e.Agent, e.Tool)
			default:
				ln.Reason = fmt.Sprintf("written by %s (%s), reformatted since", e.Agent, e.Tool)
			}
		default:
			best, bestSim := -1, 0.0
			var grams []uint16
			for c, cand := range orphans {
				if d := len(cand.norm) - len(n); d*d*4 > len(n)*len(n) {
					continue // lengths too far apart to reach the threshold
				}
				if grams == nil {
					grams = bigrams(n)
				}
				if s := dice(grams, cand.grams); s > bestSim {
					best, bestSim = c, s
				}
			}
			if best >= 0 && bestSim >= o.MinSimilarity {
				i := orphans[best].edit
				e := edits[i]
				ln = Line{Agent: evidence(i), Similarity: roundSim(bestSim), edit: i}
				if hs := humanSaveAfter(e.At); hs != nil {
					ln.Class, ln.HumanSave = ClassMixed, hs
					ln.Reason = fmt.Sprintf("written by %s (%s), then changed by the human (save at %s)", e.Agent, e.Tool, session.Clock(*hs))
				} else if bestSim >= o.Reformatted {
					ln.Class = ClassAgent
					ln.Reason = fmt.Sprintf("written by %s (%s), lightly changed since with no human save in between", e.Agent, e.Tool)
				} else {
					ln.Class = ClassMixed
					ln.Reason = fmt.Sprintf("written by %s (%s), then changed; no save recorded who changed it", e.Agent, e.Tool)
				}
			} else {
				ln = fallback()
			}
		}
		ln.Line, ln.text = dl.NewLine, dl.Text
		lines[k] = ln
	}
	// Short lines follow the nearest matched line of the same block.
	for k := range added {
		if !deferred[k] {
			continue
		}
		src := -1
		for j := k - 1; j >= 0 && added[j].NewLine == added[j+1].NewLine-1; j-- {
			if !deferred[j] {
				src = j
				break
			}
		}
		if src < 0 {
			for j := k + 1; j < len(added) && added[j].NewLine == added[j-1].NewLine+1; j++ {
				if !deferred[j] {
					src = j
					break
				}
			}
		}
		var ln Line
		switch i, ok := exact[normalize(added[k].Text)]; {
		case src >= 0 && lines[src].Class == ClassMixed && ok:
			// The agent wrote this short line next to one the human changed.
			ln = Line{Class: ClassAgent, Agent: evidence(i), edit: i, Reason: fmt.Sprintf("short line written by %s (%s)", edits[i].Agent, edits[i].Tool)}
		case src >= 0:
			s := lines[src]
			ln = Line{Class: s.Class, Agent: s.Agent, HumanSave: s.HumanSave, edit: s.edit, Similarity: s.Similarity, Reason: s.Reason}
		case ok && len(humanSaves) == 0:
			ln = Line{Class: ClassAgent, Agent: evidence(i), edit: i, Reason: fmt.Sprintf("short line written by %s (%s)", edits[i].Agent, edits[i].Tool)}
		default:
			ln = fallback()
		}
		ln.Line, ln.text = added[k].NewLine, added[k].Text
		lines[k] = ln
	}
	for _, ln := range lines {
		f.Counts.add(ln.Class)
		if ln.Class == ClassUnknown && f.Note == "" {
			f.Note = ln.Reason
		}
	}
	// Credit the edits that produced lines.
	for _, ln := range lines {
		if ln.Agent != nil {
			used[ln.edit] = true
			lineEdits[ln.edit]++
		}
	}
	f.Lines = lines
	return f
}

func roundSim(s float64) float64 { return float64(int(s*100+0.5)) / 100 }

// AgentEvents turns edits into timeline events on the session's time base.
func AgentEvents(edits []Edit, epoch time.Time) []session.AgentEvent {
	out := make([]session.AgentEvent, 0, len(edits))
	for _, e := range edits {
		ev := session.AgentEvent{At: e.At.Sub(epoch), Agent: e.Agent, Model: e.Model, SessionID: e.SessionID,
			Tool: e.Tool, Path: e.Path, Summary: fmt.Sprintf("%s %s (+%d lines)", e.Tool, e.Path, len(e.Lines))}
		out = append(out, ev)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out
}

package timeline

import (
	"fmt"
	"time"

	"github.com/tracepr/trace/session"
)

// AgentOptions tune the agent classifier. Zero values mean the defaults in
// brackets.
type AgentOptions struct {
	// Join merges agent activity closer than this [30s].
	Join time.Duration
	// Lead and Tail widen an agent action before and after [3s, 5s].
	Lead, Tail time.Duration
}

// editTools are agent tool names that change files.
var editTools = set("edit", "write", "multiedit", "notebookedit", "apply_patch", "replace", "write_file", "create", "str_replace", "insert", "patch")

// Agent returns the agent classifier: AI coding agent activity from agent
// logs (an edit of a file 0.85, other actions 0.6), AI assistant windows or
// browser tabs (0.5) and scenes the scene reader labelled ai_assistant
// (0.6). The files are those the agent's actions touched.
func Agent(o AgentOptions) Classifier {
	def(&o.Join, 30*time.Second)
	def(&o.Lead, 3*time.Second)
	def(&o.Tail, 5*time.Second)
	return ClassifierFunc{K: session.KindAgent, F: func(in *Input) []session.Moment { return agent(in, o) }}
}

func agent(in *Input, o AgentOptions) []session.Moment {
	ev := &in.Evidence
	var items []item
	for i, a := range ev.Agent {
		s := 0.6
		note := fmt.Sprintf("%s: %s", nonEmpty(a.Agent, "agent"), nonEmpty(a.Tool, "action"))
		if a.Path != "" && (editTools[lower(a.Tool)] || a.Tool == "") {
			s = 0.85
		}
		var files []string
		if a.Path != "" {
			files = []string{a.Path}
		}
		sum := note
		if a.Summary != "" {
			sum += ": " + cut(a.Summary, 100)
		} else if a.Path != "" {
			sum += " " + a.Path
		}
		items = append(items, item{span: session.Span{Start: a.At - o.Lead, End: a.At + o.Tail}, strength: s, files: files, summary: sum,
			ref: session.EvidenceRef{Type: session.EvAgent, Index: i, Path: a.Path, Note: note}})
	}
	for i, w := range ev.Windows {
		cls := ClassifyApp(w.App)
		if cls != AppAssistant && !(cls == AppBrowser && assistantTitle(w.Title)) && !(cls == AppOther && assistantTitle(w.Title)) {
			continue
		}
		items = append(items, item{span: windowSpan(ev, i), strength: 0.5, summary: "assistant window: " + cut(w.Title, 80),
			ref: session.EvidenceRef{Type: session.EvWindow, Index: i, Note: "AI assistant window"}})
	}
	for i, sc := range ev.Scenes {
		if sc.Label != session.LabelAIAssistant || !sc.Span.Valid() {
			continue
		}
		items = append(items, item{span: sc.Span, strength: 0.6, files: sc.Files, summary: "AI assistant on screen",
			ref: session.EvidenceRef{Type: session.EvScene, Index: i, Note: "AI assistant on screen"}})
	}
	return group(session.KindAgent, items, o.Join, time.Second, 5*time.Minute, 0.97)
}

func nonEmpty(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

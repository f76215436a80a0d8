package timeline

import (
	"time"

	"github.com/tracepr/trace/session"
)

// ResearchOptions tune the research classifier. Zero values mean the
// defaults in brackets.
type ResearchOptions struct {
	// MinWindow is the shortest browser visit that counts [10s].
	MinWindow time.Duration
	// Join merges research stretches closer than this [20s].
	Join time.Duration
}

// Research returns the research classifier: time in a browser (or any
// window titled like documentation), and scenes the scene reader labelled
// browser_docs. Browser names cover Linux, macOS and Windows (see
// ClassifyApp). A browser tab on an AI assistant is agent time, not research.
// Confidence: a browser window 0.55, titled like docs 0.7, a browser_docs
// scene 0.65, combined where they agree.
func Research(o ResearchOptions) Classifier {
	def(&o.MinWindow, 10*time.Second)
	def(&o.Join, 20*time.Second)
	return ClassifierFunc{K: session.KindResearch, F: func(in *Input) []session.Moment { return research(in, o) }}
}

func research(in *Input, o ResearchOptions) []session.Moment {
	ev := &in.Evidence
	var items []item
	for i, w := range ev.Windows {
		sp := windowSpan(ev, i)
		if sp.Len() < o.MinWindow {
			continue
		}
		cls := ClassifyApp(w.App)
		docs := docsTitle(w.Title)
		var s float64
		switch {
		case cls == AppBrowser && assistantTitle(w.Title):
			continue
		case cls == AppBrowser && docs:
			s = 0.7
		case cls == AppBrowser:
			s = 0.55
		case cls == AppOther && docs:
			s = 0.5
		default:
			continue
		}
		items = append(items, item{span: sp, strength: s, summary: "reading: " + cut(w.Title, 100),
			ref: session.EvidenceRef{Type: session.EvWindow, Index: i, Note: "browser: " + cut(w.App, 40)}})
	}
	for i, sc := range ev.Scenes {
		if sc.Label != session.LabelBrowserDocs || !sc.Span.Valid() {
			continue
		}
		sum := "docs on screen"
		if sc.Summary != "" {
			sum = "docs on screen: " + cut(sc.Summary, 100)
		}
		items = append(items, item{span: sc.Span, strength: 0.65, summary: sum,
			ref: session.EvidenceRef{Type: session.EvScene, Index: i, Note: "browser or docs on screen"}})
	}
	return group(session.KindResearch, items, o.Join, o.MinWindow, 10*time.Minute, 0.95)
}

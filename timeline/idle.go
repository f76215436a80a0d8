package timeline

import (
	"fmt"
	"sort"
	"time"

	"github.com/tracepr/trace/session"
)

// IdleOptions tune the idle classifier. Zero values mean the defaults in
// brackets.
type IdleOptions struct {
	// MinIdle is the shortest quiet stretch called idle [60s].
	MinIdle time.Duration
}

// Idle returns the idle classifier: stretches of at least MinIdle in which
// nothing happened: no save, no speech, no window change, no agent action and
// no change on screen (a scene whose text differs from the one before).
// Confidence grows with the length of the stretch, from 0.5 to 0.9.
func Idle(o IdleOptions) Classifier {
	def(&o.MinIdle, time.Minute)
	return ClassifierFunc{K: session.KindIdle, F: func(in *Input) []session.Moment { return idle(in, o) }}
}

func idle(in *Input, o IdleOptions) []session.Moment {
	ev := &in.Evidence
	busy := make([]session.Span, 0, len(ev.Saves)+len(ev.Transcript)+len(ev.Windows)+len(ev.Agent)+len(ev.Scenes))
	for _, s := range ev.Saves {
		busy = append(busy, point(s.At))
	}
	for _, s := range ev.Transcript {
		busy = append(busy, s.Span)
	}
	for _, w := range ev.Windows {
		busy = append(busy, point(w.At))
	}
	for _, a := range ev.Agent {
		busy = append(busy, point(a.At))
	}
	prevKey := "\x00"
	for i := range ev.Scenes {
		k := string(ev.Scenes[i].Label) + "\x00" + commandKey(&ev.Scenes[i])
		if k != prevKey {
			busy = append(busy, point(ev.Scenes[i].Span.Start))
		}
		prevKey = k
	}
	sort.Slice(busy, func(i, j int) bool { return busy[i].Start < busy[j].Start })
	var out []session.Moment
	emit := func(a, b time.Duration) {
		a, b = max(a, 0), min(b, ev.Length)
		if b-a < o.MinIdle {
			return
		}
		l := b - a
		conf := 0.5 + 0.4*min(1, float64(l-o.MinIdle)/float64(4*o.MinIdle))
		out = append(out, session.Moment{Kind: session.KindIdle, Span: session.Span{Start: a, End: b}, Confidence: round3(conf),
			Summary: fmt.Sprintf("nothing happened for %s: no saves, speech, window or screen changes", shortDur(l))})
	}
	reach := time.Duration(0)
	for _, s := range busy {
		if s.Start > reach {
			emit(reach, s.Start)
		}
		reach = max(reach, s.End)
	}
	emit(reach, ev.Length)
	return out
}

func point(t time.Duration) session.Span { return session.Span{Start: t, End: t} }

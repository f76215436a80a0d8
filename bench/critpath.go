package main

import (
	"sort"
	"time"
)

// call is one request to a fake, as its log recorded it, with the phase of
// the work it belonged to.
type call struct {
	Phase      string // "narration", "voice", "render", "publish"…
	Group      string // within publish: the artefact kind
	Route      string // the fake's route name
	Start, End time.Time
}

func (c call) dur() time.Duration { return c.End.Sub(c.Start) }

// dependsOn reports whether work of phase b needs a result of phase a: the
// data dependencies of generating a PR's artefacts.
//
//   - the PR's diff comes first: every other call needs it;
//   - narration batches follow each other (each continues the story), and
//     every voice clip needs its narration;
//   - the seed's reference voice comes before the clip voices;
//   - the render needs the narration (captions), every voice and the
//     seed's intro image and music, and its own calls follow each other
//     (compile, then poster, then the poster's URL);
//   - each artefact is published after its text (description, focus) or
//     the video (walkthrough, description), and its own calls (find the
//     marked comment, then create or edit it) follow each other.
//
// Nothing else waits for anything: the description, the focus text and
// the contribution map need only the diff and the local evidence.
func dependsOn(a, b call) bool {
	if a.Phase == "diff" {
		return true
	}
	switch b.Phase {
	case "narration":
		return a.Phase == "narration"
	case "voice":
		return a.Phase == "narration" || a.Phase == "refvoice"
	case "render":
		switch a.Phase {
		case "narration", "voice", "extra", "render":
			return true
		}
	case "publish":
		switch {
		case a.Phase == "publish":
			return a.Group == b.Group
		case a.Phase == "render":
			return b.Group == "walkthrough" || b.Group == "description"
		case a.Phase == "description" || a.Phase == "focus":
			return a.Phase == b.Group
		}
	case "description", "focus":
		return a.Phase == b.Phase // a retried or continued text
	}
	return false
}

// criticalPath returns the longest chain of calls in which each call ended
// before the next started and the next depends on it (dep): the time the
// work needs at the least, whatever the schedule, given these calls'
// durations. It returns the chain's summed duration and the chain.
func criticalPath(calls []call, dep func(a, b call) bool) (time.Duration, []call) {
	cs := append([]call(nil), calls...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Start.Before(cs[j].Start) })
	best := make([]time.Duration, len(cs))
	prev := make([]int, len(cs))
	top := -1
	for j := range cs {
		best[j], prev[j] = cs[j].dur(), -1
		for i := range cs[:j] {
			if cs[i].End.After(cs[j].Start) || !dep(cs[i], cs[j]) {
				continue
			}
			if d := best[i] + cs[j].dur(); d > best[j] {
				best[j], prev[j] = d, i
			}
		}
		if top < 0 || best[j] > best[top] {
			top = j
		}
	}
	if top < 0 {
		return 0, nil
	}
	var chain []call
	for i := top; i >= 0; i = prev[i] {
		chain = append([]call{cs[i]}, chain...)
	}
	return best[top], chain
}

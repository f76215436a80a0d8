package timeline

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"sort"
	"time"

	"github.com/tracepr/trace/session"
)

// SVGOptions configure SVG. Zero values mean the defaults in brackets.
type SVGOptions struct {
	// Width of the picture in pixels [960].
	Width int
	// MaxFiles is the most diff files given a row of save marks [8].
	MaxFiles int
}

// KindColors are the fill colours of the built-in kinds in the SVG strip.
// Other kinds get a stable colour from their name.
var KindColors = map[session.MomentKind]string{
	session.KindProgress: "#2e7d32",
	session.KindStuck:    "#c62828",
	session.KindResearch: "#1565c0",
	session.KindSpeech:   "#8e24aa",
	session.KindAgent:    "#ef6c00",
	session.KindIdle:     "#bdbdbd",
}

var extraColors = []string{"#00838f", "#6d4c41", "#ad1457", "#9e9d24", "#3949ab", "#00695c"}

func kindColor(k session.MomentKind) string {
	if c, ok := KindColors[k]; ok {
		return c
	}
	h := fnv.New32a()
	h.Write([]byte(k))
	return extraColors[h.Sum32()%uint32(len(extraColors))]
}

// SVG draws the timeline as a strip: one coloured block per moment (with a
// tooltip giving kind, span, confidence and summary), a legend of the kinds
// present, ticks in minutes, and one row per diff file marking when it was
// saved. diff may be nil. The output is deterministic, self-contained SVG.
func SVG(tl Timeline, ev session.Evidence, diff *session.Diff, opts SVGOptions) []byte {
	if opts.Width <= 0 {
		opts.Width = 960
	}
	opts.Width = max(opts.Width, 320)
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = 8
	}
	const (
		left, right = 200.0, 12.0
		stripY      = 34.0
		stripH      = 28.0
		rowH        = 16.0
	)
	W := float64(opts.Width)
	plotW := W - left - right
	L := tl.Length()
	x := func(t time.Duration) float64 {
		if L <= 0 {
			return left
		}
		t = min(max(t, 0), L)
		return left + plotW*float64(t)/float64(L)
	}

	type row struct {
		path  string
		times []time.Duration
	}
	var rows []row
	more := 0
	if diff != nil {
		byPath := map[string][]time.Duration{}
		for _, s := range ev.Saves {
			if f, ok := diff.File(s.Path); ok && s.At >= 0 && s.At <= L {
				byPath[f.Path] = append(byPath[f.Path], s.At)
			}
		}
		for _, p := range diff.Paths() {
			if ts, ok := byPath[p]; ok {
				sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
				rows = append(rows, row{p, ts})
			}
		}
		if len(rows) > opts.MaxFiles {
			more = len(rows) - opts.MaxFiles
			rows = rows[:opts.MaxFiles]
		}
	}
	ticksY := stripY + stripH
	rowsY := ticksY + 24
	H := rowsY + rowH*float64(len(rows)) + 8
	if more > 0 {
		H += rowH
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%.0f" viewBox="0 0 %d %.0f" font-family="sans-serif" font-size="11">`+"\n", opts.Width, H, opts.Width, H)
	fmt.Fprintf(&b, `<title>Session timeline, %s</title>`+"\n", esc(session.Clock(L)))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%.0f" fill="#ffffff"/>`+"\n", opts.Width, H)

	// Legend: the kinds present, in priority order then by name.
	present := map[session.MomentKind]bool{}
	for _, m := range tl.Moments() {
		present[m.Kind] = true
	}
	var kinds []session.MomentKind
	for _, k := range DefaultPriority {
		if present[k] {
			kinds = append(kinds, k)
			delete(present, k)
		}
	}
	var others []session.MomentKind
	for k := range present {
		others = append(others, k)
	}
	sort.Slice(others, func(i, j int) bool { return others[i] < others[j] })
	kinds = append(kinds, others...)
	lx := left
	b.WriteString(`<g class="legend">` + "\n")
	for _, k := range kinds {
		fmt.Fprintf(&b, `<rect x="%.1f" y="8" width="10" height="10" fill="%s"/><text x="%.1f" y="17">%s</text>`+"\n", lx, kindColor(k), lx+14, esc(string(k)))
		lx += 14 + 7*float64(len(k)) + 16
	}
	b.WriteString("</g>\n")
	fmt.Fprintf(&b, `<text x="8" y="%.1f">timeline</text>`+"\n", stripY+stripH/2+4)

	// The strip.
	b.WriteString(`<g class="moments">` + "\n")
	for _, m := range tl.Moments() {
		x0, x1 := x(m.Span.Start), x(m.Span.End)
		tip := fmt.Sprintf("%s %s (confidence %.2f)", m.Kind, m.Span, m.Confidence)
		if m.Summary != "" {
			tip += ": " + m.Summary
		}
		fmt.Fprintf(&b, `<rect x="%.2f" y="%.0f" width="%.2f" height="%.0f" fill="%s"><title>%s</title></rect>`+"\n",
			x0, stripY, max(x1-x0, 0.5), stripH, kindColor(m.Kind), esc(tip))
	}
	b.WriteString("</g>\n")

	// Ticks in minutes, at a step that gives at most about twelve.
	b.WriteString(`<g class="ticks" stroke="#616161">` + "\n")
	step := tickStep(L)
	for t := time.Duration(0); L > 0 && t <= L; t += step {
		xt := x(t)
		fmt.Fprintf(&b, `<line x1="%.2f" y1="%.0f" x2="%.2f" y2="%.0f"/><text x="%.2f" y="%.0f" stroke="none" text-anchor="middle">%dm</text>`+"\n",
			xt, ticksY, xt, ticksY+5, xt, ticksY+16, int(t/time.Minute))
	}
	b.WriteString("</g>\n")

	// Save marks of the diff files.
	if len(rows) > 0 {
		b.WriteString(`<g class="saves">` + "\n")
	}
	for i, r := range rows {
		y := rowsY + rowH*float64(i)
		fmt.Fprintf(&b, `<text x="8" y="%.0f">%s</text>`+"\n", y+11, esc(cut(r.path, 30)))
		fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#eeeeee"/>`+"\n", left, y+7, left+plotW, y+7)
		lastX := -1.0
		for _, t := range r.times {
			xt := x(t)
			if xt-lastX < 1 { // one mark per pixel is enough
				continue
			}
			lastX = xt
			fmt.Fprintf(&b, `<rect x="%.2f" y="%.0f" width="2" height="12" fill="#212121"><title>%s saved at %s</title></rect>`+"\n", xt-1, y+1, esc(r.path), session.Clock(t))
		}
	}
	if len(rows) > 0 {
		b.WriteString("</g>\n")
	}
	if more > 0 {
		fmt.Fprintf(&b, `<text x="8" y="%.0f" fill="#616161">and %d more diff files saved</text>`+"\n", rowsY+rowH*float64(len(rows))+11, more)
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func tickStep(L time.Duration) time.Duration {
	for _, m := range []time.Duration{1, 2, 5, 10, 15, 30, 60, 120} {
		if L/(m*time.Minute) <= 12 {
			return m * time.Minute
		}
	}
	return 240 * time.Minute
}

func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

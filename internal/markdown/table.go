package markdown

import "strings"

// Align is a table column's alignment.
type Align int

// Alignments.
const (
	AlignDefault Align = iota
	AlignLeft
	AlignCenter
	AlignRight
)

// Table renders a GitHub table. Cells are escaped with Cell; rows shorter
// than the header are padded, longer ones cut. align may be nil or shorter
// than header. An empty header yields "".
func Table(header []string, align []Align, rows [][]string) string {
	if len(header) == 0 {
		return ""
	}
	var b strings.Builder
	row := func(cells []string) {
		b.WriteString("|")
		for i := range header {
			c := ""
			if i < len(cells) {
				c = Cell(cells[i])
			}
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	row(header)
	b.WriteString("|")
	for i := range header {
		a := AlignDefault
		if i < len(align) {
			a = align[i]
		}
		switch a {
		case AlignLeft:
			b.WriteString(" :--- |")
		case AlignCenter:
			b.WriteString(" :---: |")
		case AlignRight:
			b.WriteString(" ---: |")
		default:
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		row(r)
	}
	return b.String()
}

// Cell makes text safe inside a table cell: pipes are escaped and line
// breaks become <br>.
func Cell(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", "<br>")
}

// Code wraps s in a code span with enough backticks that s may itself
// contain backticks.
func Code(s string) string {
	n, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			if run > n {
				n = run
			}
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", n+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// Link renders [text](url), escaping brackets in text and spaces and
// parentheses in url.
func Link(text, url string) string {
	text = strings.NewReplacer("[", `\[`, "]", `\]`).Replace(text)
	url = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29").Replace(url)
	return "[" + text + "](" + url + ")"
}

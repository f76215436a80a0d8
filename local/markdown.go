package local

import (
	"html"
	"regexp"
	"strings"
)

// MarkdownHTML renders the markdown trace writes (headings, paragraphs,
// bullet and numbered lists, tables, fenced code, inline code, bold,
// italics, links) to HTML. Every piece of text is escaped; raw HTML is shown
// as text and HTML comments (trace's upsert markers) are dropped; a link
// whose target is not http(s), mailto, a relative path or an anchor is
// rendered as plain text.
func MarkdownHTML(md string) string {
	md = htmlComment.ReplaceAllString(strings.ReplaceAll(md, "\r\n", "\n"), "")
	lines := strings.Split(md, "\n")
	var b strings.Builder
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			flush()
			fence := t[:3]
			b.WriteString("<pre><code>")
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), fence); i++ {
				b.WriteString(html.EscapeString(lines[i]) + "\n")
			}
			b.WriteString("</code></pre>\n")
		case heading.MatchString(t):
			flush()
			m := heading.FindStringSubmatch(t)
			n := string(rune('0' + len(m[1])))
			b.WriteString("<h" + n + ">" + inline(strings.TrimRight(m[2], " #")) + "</h" + n + ">\n")
		case strings.HasPrefix(t, "|") && i+1 < len(lines) && tableSep.MatchString(strings.TrimSpace(lines[i+1])):
			flush()
			b.WriteString("<table>\n<thead><tr>")
			for _, c := range cells(t) {
				b.WriteString("<th>" + inline(c) + "</th>")
			}
			b.WriteString("</tr></thead>\n<tbody>\n")
			for i += 2; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				b.WriteString("<tr>")
				for _, c := range cells(strings.TrimSpace(lines[i])) {
					b.WriteString("<td>" + inline(c) + "</td>")
				}
				b.WriteString("</tr>\n")
			}
			i--
			b.WriteString("</tbody>\n</table>\n")
		case bullet.MatchString(l) || numbered.MatchString(l):
			flush()
			tag, re := "ul", bullet
			if numbered.MatchString(l) {
				tag, re = "ol", numbered
			}
			b.WriteString("<" + tag + ">\n")
			for ; i < len(lines) && re.MatchString(lines[i]); i++ {
				item := re.FindStringSubmatch(lines[i])[1]
				// continuation lines indented under the item
				for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") && !bullet.MatchString(lines[i+1]) && !numbered.MatchString(lines[i+1]) && strings.TrimSpace(lines[i+1]) != "" {
					i++
					item += " " + strings.TrimSpace(lines[i])
				}
				if m := taskBox.FindStringSubmatch(item); m != nil {
					box := "☐ "
					if m[1] != " " {
						box = "☑ "
					}
					item = box + m[2]
				}
				b.WriteString("<li>" + inline(item) + "</li>\n")
			}
			i--
			b.WriteString("</" + tag + ">\n")
		case strings.HasPrefix(t, ">"):
			flush()
			b.WriteString("<blockquote>")
			var q []string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">"); i++ {
				q = append(q, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[i]), ">")))
			}
			i--
			b.WriteString(inline(strings.Join(q, " ")) + "</blockquote>\n")
		case t == "---" || t == "***":
			flush()
			b.WriteString("<hr>\n")
		default:
			para = append(para, t)
		}
	}
	flush()
	return b.String()
}

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	heading     = regexp.MustCompile(`^(#{1,6})\s+(.*)$`)
	tableSep    = regexp.MustCompile(`^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$`)
	bullet      = regexp.MustCompile(`^\s{0,3}[-*+]\s+(.*)$`)
	numbered    = regexp.MustCompile(`^\s{0,3}\d{1,9}[.)]\s+(.*)$`)
	taskBox     = regexp.MustCompile(`^\[([ xX])\]\s+(.*)$`)
	inlineTok   = regexp.MustCompile("`[^`]+`|\\[[^\\]]*\\]\\([^)\\s]*\\)|\\*\\*[^*]+\\*\\*|__[^_]+__|\\*[^*\\s][^*]*\\*|_[^_\\s][^_]*_")
)

func cells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	row = strings.TrimSuffix(row, "|")
	parts := strings.Split(row, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// inline renders code spans, links, bold and italics; all else is escaped.
func inline(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range inlineTok.FindAllStringIndex(s, -1) {
		b.WriteString(html.EscapeString(s[last:m[0]]))
		tok := s[m[0]:m[1]]
		switch {
		case strings.HasPrefix(tok, "`"):
			b.WriteString("<code>" + html.EscapeString(tok[1:len(tok)-1]) + "</code>")
		case strings.HasPrefix(tok, "["):
			j := strings.Index(tok, "](")
			text, href := tok[1:j], tok[j+2:len(tok)-1]
			if safeHref(href) {
				b.WriteString(`<a href="` + html.EscapeString(href) + `">` + inline(text) + "</a>")
			} else {
				b.WriteString(html.EscapeString(text))
			}
		case strings.HasPrefix(tok, "**") || strings.HasPrefix(tok, "__"):
			b.WriteString("<strong>" + inline(tok[2:len(tok)-2]) + "</strong>")
		default:
			b.WriteString("<em>" + inline(tok[1:len(tok)-1]) + "</em>")
		}
		last = m[1]
	}
	b.WriteString(html.EscapeString(s[last:]))
	return b.String()
}

// safeHref allows web links, mail links, anchors and relative paths.
func safeHref(h string) bool {
	l := strings.ToLower(h)
	if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "mailto:") || strings.HasPrefix(l, "#") {
		return true
	}
	return h != "" && !strings.Contains(l, ":") && !strings.HasPrefix(l, "//")
}

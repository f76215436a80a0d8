package markdown

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxBody is GitHub's limit, in characters, for a comment body and for a pull
// request description.
const MaxBody = 65536

// DefaultNote is appended to a body that Truncate had to cut when the caller
// gives no note of its own.
const DefaultNote = "_This text was cut to fit GitHub's size limit._"

// Marker returns the hidden HTML marker that identifies a published artefact,
// exactly <!-- trace:KIND:SESSION --> (the same text as ghpr.Key.Marker).
func Marker(kind, sessionID string) string {
	return "<!-- trace:" + kind + ":" + sessionID + " -->"
}

var markerRE = regexp.MustCompile(`^<!-- trace:([^:\s]+):(\S+) -->$`)

// ParseMarker reports whether line (surrounding spaces ignored) is a marker
// made by Marker, and returns its kind and session.
func ParseMarker(line string) (kind, sessionID string, ok bool) {
	m := markerRE.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// Len is the length of s in characters, the unit GitHub's limits count.
func Len(s string) int { return utf8.RuneCountInString(s) }

// Truncate returns body unchanged when it has at most limit characters
// (limit <= 0 means MaxBody). Otherwise it cuts the body at the last safe
// place and appends note (DefaultNote when empty) so the result has at most
// limit characters.
//
// A safe place is a line end outside any code fence and multi-line HTML
// comment. When the line crossing the limit is a long paragraph (over a
// quarter of the room and over 200 characters) or nothing else fits, the cut
// may fall on a space inside it that is not within a link, image, autolink,
// URL, HTML tag or code span; such a cut ends with "…". When the last safe
// place would keep less than half the room because a long code fence crosses
// the limit, the fence is cut at a line end and closed again, so the result
// is still well-formed. Open <details> blocks are closed.
//
// Marker lines (see Marker) are always kept: those leading the body stay on
// top, the others move below the note. Only when the markers alone exceed
// limit is the result longer than limit.
func Truncate(body string, limit int, note string) string {
	if limit <= 0 {
		limit = MaxBody
	}
	if Len(body) <= limit {
		return body
	}
	if note == "" {
		note = DefaultNote
	}

	// Take the marker lines out; remember which ones lead the body.
	var lead, tail []string
	var content strings.Builder
	leading := true
	for _, ln := range splitLines(body) {
		t := strings.TrimRight(ln, "\r\n")
		if _, _, ok := ParseMarker(t); ok {
			if leading {
				lead = append(lead, strings.TrimSpace(t))
			} else {
				tail = append(tail, strings.TrimSpace(t))
			}
			continue
		}
		if leading && strings.TrimSpace(t) == "" && len(lead) > 0 {
			continue // blank lines right after the leading markers
		}
		leading = false
		content.WriteString(ln)
	}

	head := ""
	if len(lead) > 0 {
		head = strings.Join(lead, "\n") + "\n"
	}
	foot := "\n\n" + note + "\n"
	if len(tail) > 0 {
		foot += strings.Join(tail, "\n") + "\n"
	}
	budget := limit - Len(head) - Len(foot)
	if budget <= 0 {
		// No room for text: keep the markers, and the note when it fits.
		out := head + strings.TrimLeft(foot, "\n")
		if Len(out) > limit {
			out = head + strings.Join(tail, "\n")
		}
		return out
	}
	cut := cutSafe(content.String(), budget)
	return head + strings.TrimRight(cut, " \t\n") + foot
}

// cutSafe returns the longest safe prefix of s (plus any closing text) with
// at most budget characters.
func cutSafe(s string, budget int) string {
	var (
		st        scanState
		best      string // best result so far
		bestLen   int
		runes     int // characters before the current line
		pos       int // bytes before the current line
		fenceBest string
	)
	for _, ln := range splitLines(s) {
		lnRunes := Len(ln)
		clean := st.clean()
		if runes+lnRunes > budget {
			// This line crosses the limit.
			// Cut inside a line only when it is long (a paragraph that
			// would take much of the room with it) or nothing else fits.
			if clean && st.details == 0 && isPlainLine(ln) && ((lnRunes > budget/4 && lnRunes > 200) || bestLen == 0) {
				if k := cutInLine(ln, budget-runes-1); k > 0 {
					cand := s[:pos] + strings.TrimRight(ln[:k], " \t") + "…"
					if Len(cand) > bestLen {
						best, bestLen = cand, Len(cand)
					}
				}
			}
			break
		}
		st.feed(ln)
		runes += lnRunes
		pos += len(ln)
		if st.clean() {
			closing := strings.Repeat("\n</details>", st.details)
			if runes+Len(closing) <= budget {
				best, bestLen = s[:pos]+closing, runes+Len(closing)
			}
		} else if st.fence != "" && !st.inComment {
			// s[:pos] ends with a newline: only the last line may lack one,
			// and it never crosses into this branch with room to spare.
			cand := s[:pos] + st.fence + strings.Repeat("\n</details>", st.details)
			if Len(cand) <= budget {
				fenceBest = cand
			}
		}
	}
	if fenceBest != "" && bestLen < budget/2 && Len(fenceBest) > bestLen {
		return fenceBest
	}
	return best
}

// scanState follows the block structure line by line.
type scanState struct {
	fence     string // the opening fence (``` or ~~~, maybe longer) while inside one
	inComment bool   // inside a multi-line <!-- -->
	details   int    // open <details> blocks
}

func (s *scanState) clean() bool { return s.fence == "" && !s.inComment }

var fenceRE = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")

func (s *scanState) feed(line string) {
	t := strings.TrimRight(line, "\r\n")
	if s.fence != "" {
		if m := fenceRE.FindStringSubmatch(t); m != nil && m[1][0] == s.fence[0] && len(m[1]) >= len(s.fence) && strings.TrimSpace(t[len(m[0]):]) == "" {
			s.fence = ""
		}
		return
	}
	if s.inComment {
		if strings.Contains(t, "-->") {
			s.inComment = false
			s.scanHTML(t[strings.Index(t, "-->")+3:])
		}
		return
	}
	if m := fenceRE.FindStringSubmatch(t); m != nil {
		if m[1][0] == '`' && strings.Contains(t[len(m[0]):], "`") {
			// An info string with a backtick is not a fence opener.
		} else {
			s.fence = m[1]
			return
		}
	}
	s.scanHTML(t)
}

// scanHTML tracks comments and <details> on one line outside code.
func (s *scanState) scanHTML(t string) {
	for {
		open := strings.Index(t, "<!--")
		if open < 0 {
			break
		}
		s.countDetails(t[:open])
		rest := t[open+4:]
		end := strings.Index(rest, "-->")
		if end < 0 {
			s.inComment = true
			return
		}
		t = rest[end+3:]
	}
	s.countDetails(t)
}

func (s *scanState) countDetails(t string) {
	l := strings.ToLower(t)
	s.details += strings.Count(l, "<details")
	s.details -= strings.Count(l, "</details>")
	if s.details < 0 {
		s.details = 0
	}
}

// isPlainLine reports whether a line may be cut in the middle: a paragraph
// or list line, not a table row, heading, fence or HTML.
func isPlainLine(ln string) bool {
	t := strings.TrimSpace(ln)
	if t == "" || strings.HasPrefix(t, "|") || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "<") {
		return false
	}
	return fenceRE.FindString(ln) == ""
}

// protectedRE finds the spans a cut must not fall inside.
var protectedRE = regexp.MustCompile("!?\\[[^\\]]*\\](?:\\([^)]*\\)|\\[[^\\]]*\\])?|<[^>\n]*>|`+[^`]*`+|(?:https?|ftp)://\\S+")

// cutInLine returns a byte offset in ln at a space, with at most max
// characters before it and not inside a protected span; 0 when none.
func cutInLine(ln string, max int) int {
	if max <= 0 {
		return 0
	}
	spans := protectedRE.FindAllStringIndex(ln, -1)
	// An unclosed span opener (a "[" or "`" or "<" without its end) protects
	// the rest of the line.
	inside := func(i int) bool {
		for _, sp := range spans {
			if i > sp[0] && i < sp[1] {
				return true
			}
		}
		return false
	}
	best := 0
	runes := 0
	for i, r := range ln {
		if runes > max {
			break
		}
		if (r == ' ' || r == '\t') && i > 0 && !inside(i) && !unbalanced(ln[:i]) {
			best = i
		}
		runes++
	}
	return best
}

// unbalanced reports whether s leaves a link bracket, code span or tag open.
func unbalanced(s string) bool {
	rest := protectedRE.ReplaceAllString(s, "")
	return strings.Count(rest, "`")%2 == 1 || strings.LastIndex(rest, "[") > strings.LastIndex(rest, "]") || strings.LastIndex(rest, "<") > strings.LastIndex(rest, ">")
}

// splitLines splits s after each "\n", keeping the newlines.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.SplitAfter(s, "\n")
}

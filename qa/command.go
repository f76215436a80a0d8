package qa

import (
	"strings"
	"unicode/utf8"
)

// MaxQuestion bounds the question read from a comment, in bytes.
const MaxQuestion = 1000

// Command is a /trace command found in a comment.
type Command struct {
	// Question is the text after /trace (and the lines below it), trimmed.
	Question string
	// Help is set for "/trace" alone and "/trace help".
	Help bool
}

// ParseCommand finds a /trace command in a comment body. The command is a
// line that starts with /trace (any case) followed by a space or the end
// of the line; the question is the rest of that line and every line after
// it. Quoted lines ("> /trace …", as when replying with a quote) and
// fenced code blocks are not commands, nor are words like /tracer.
func ParseCommand(body string) (Command, bool) {
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	fence := ""
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			continue
		}
		if len(t) < 6 || !strings.EqualFold(t[:6], "/trace") {
			continue
		}
		rest := t[6:]
		if rest != "" {
			r, _ := utf8.DecodeRuneInString(rest)
			if r != ' ' && r != '\t' && r != ':' && r != ',' {
				continue
			}
			rest = strings.TrimLeft(rest, " \t:,")
		}
		q := strings.TrimSpace(strings.Join(append([]string{rest}, lines[i+1:]...), "\n"))
		if len(q) > MaxQuestion {
			q = cutUTF8(q, MaxQuestion)
		}
		if q == "" || strings.EqualFold(q, "help") || q == "?" {
			return Command{Help: true}, true
		}
		return Command{Question: q}, true
	}
	return Command{}, false
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

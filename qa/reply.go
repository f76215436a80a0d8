package qa

import (
	"fmt"
	"strings"
)

// ReplyMarker opens every comment the bot writes, so the bot (and any other
// copy of it) recognises its own comments and never answers them.
const ReplyMarker = "<!-- trace:qa-reply -->"

// DefaultMaxReply bounds a reply's length in bytes (GitHub allows 65536).
const DefaultMaxReply = 4000

// HelpText is the reply to "/trace" alone or "/trace help".
const HelpText = "**trace** answers questions about the recorded coding session behind this PR.\n\n" +
	"- `/trace <question>` in the conversation, e.g. `/trace why was the retry added?`\n" +
	"- `/trace <question>` in a line comment on the diff: the answer looks first at moments on that file\n\n" +
	"Each answer links up to three short clips of the session, with their timestamps."

// NotAllowedText is the polite note for commenters the bot does not answer
// (when configured to say so).
const NotAllowedText = "Thanks for asking. trace answers `/trace` questions from the repository's owners, members and collaborators only; a maintainer can ask it for you."

// formatReply builds the answer comment: the question quoted, the answer,
// the clips with their timestamps, within max bytes. Clips are dropped
// from the end, then the answer is shortened, so a link is never cut.
func formatReply(question, answer string, found []Found, sessionID string, max int) string {
	if max <= 0 {
		max = DefaultMaxReply
	}
	quote := quoteLines("/trace "+oneLine(question, 300), 4)
	footer := fmt.Sprintf("\n<sub>trace · from session `%s` · spoken and on-screen search</sub>", sessionID)
	var clips []string
	for i, f := range found {
		line := fmt.Sprintf("%d. **%s**", i+1, f.Clip.String())
		switch {
		case linkable(f.URL):
			line = fmt.Sprintf("%d. [%s](%s)", i+1, f.Clip.String(), f.URL)
		case f.URL != "":
			line += " (clip kept on the author's machine)"
		default:
			line += " (clip unavailable)"
		}
		if f.Text != "" {
			line += " — " + oneLine(f.Text, 140)
		}
		clips = append(clips, line)
	}
	build := func(ans string, n int) string {
		var b strings.Builder
		b.WriteString(ReplyMarker + "\n")
		b.WriteString(quote + "\n\n")
		b.WriteString(ans + "\n")
		if n > 0 {
			b.WriteString("\n**Moments in the session**\n")
			for _, c := range clips[:n] {
				b.WriteString(c + "\n")
			}
		}
		b.WriteString(footer)
		return b.String()
	}
	n := len(clips)
	out := build(answer, n)
	for len(out) > max && n > 0 {
		n--
		out = build(answer, n)
	}
	if len(out) > max {
		room := max - (len(out) - len(answer)) - len("…")
		if room < 0 {
			room = 0
		}
		out = build(cutUTF8(answer, room)+"…", n)
	}
	return out
}

// nothingReply is the answer when the session holds nothing about the question.
func nothingReply(question, sessionID string) string {
	return ReplyMarker + "\n" + quoteLines("/trace "+oneLine(question, 300), 4) + "\n\n" +
		"Nothing in the recorded session is about this, so I can't answer it from the recording. The author may know more." +
		fmt.Sprintf("\n\n<sub>trace · from session `%s`</sub>", sessionID)
}

func helpReply() string { return ReplyMarker + "\n" + HelpText }

func notAllowedReply() string { return ReplyMarker + "\n" + NotAllowedText }

// quoteLines quotes text as Markdown, at most n lines.
func quoteLines(text string, n int) string {
	lines := strings.Split(text, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

// oneLine folds whitespace and cuts s to n bytes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = cutUTF8(s, n) + "…"
	}
	return s
}

// linkable reports whether a clip location can be linked in a comment: a
// URL with a scheme, not a file on the author's machine (the local backend
// returns paths, which must not be published).
func linkable(u string) bool {
	scheme, rest, ok := strings.Cut(u, "://")
	return ok && rest != "" && scheme != "file" && !strings.ContainsAny(scheme, "/\\ ")
}

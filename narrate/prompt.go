package narrate

import (
	"fmt"
	"strings"
	"time"

	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/session"
)

// Prompt tasks.
const (
	TaskClipNarration = "clip_narration"
	TaskDescription   = "pr_description"
	TaskFocus         = "focus"
	TaskAnswer        = "qa"
)

// CharsPerSecond is the speaking rate narration budgets assume: plain
// spoken English runs at about 15 characters a second.
const CharsPerSecond = 15

// BudgetChars is the narration budget for a clip of length d: enough text
// to fill about 80% of the clip when spoken, and never under 60 characters.
// The render plan stretches a segment to its narration, but the source span
// never runs past the clip, so narration longer than the clip would end on a
// frozen frame.
func BudgetChars(d time.Duration) int {
	return max(60, int(0.8*d.Seconds()*CharsPerSecond))
}

// ClipBatch is the structured evidence of a clip-narration prompt.
type ClipBatch struct {
	Packs   []Pack   `json:"packs"`
	Budgets []int    `json:"budgets"`           // characters per pack
	Earlier []string `json:"earlier,omitempty"` // narration already written for earlier clips
}

const narrationSystem = `You narrate a screen recording of a developer's coding session, in the developer's own voice.
Ground truth rules:
- Say only what the evidence shows: what I said, what the screen showed, the files I saved, what an agent did, the diff.
- Stay faithful to what I said; paraphrase, never invent.
- Never invent file names, function names, error messages, commands, numbers, decisions or reasons.
- When the evidence for a clip is thin, keep its narration short and plain.
Style: first person ("I"), calm and factual, short sentences, plain spoken English that reads well aloud.
No markdown, no lists, no labels, no timestamps, no "in this clip" or "now I will".
Continue the story from one clip to the next; never repeat what an earlier clip already said.`

// ClipNarrationPrompt asks for the narration of a batch of clips in one
// call. earlier holds the narration already written for the clips before
// this batch, so the story continues without repeating. Every evidence text
// is redacted.
func ClipNarrationPrompt(packs []Pack, earlier []string) Prompt {
	ev := &ClipBatch{Packs: packs, Earlier: earlier}
	var b strings.Builder
	if len(earlier) > 0 {
		b.WriteString("The story so far (already narrated, do not repeat it):\n")
		for _, e := range earlier {
			fmt.Fprintf(&b, "- %s\n", oneLine(e, 300))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Narrate these %d clips, in order, one narration per clip.\n\n", len(packs))
	total := 0
	for _, p := range packs {
		budget := BudgetChars(p.Span.Len())
		ev.Budgets = append(ev.Budgets, budget)
		total += budget
		writePack(&b, p, budget)
	}
	fmt.Fprintf(&b, "\nAt most max_chars characters per clip (%d in all).\n", total)
	b.WriteString(`Reply with JSON only: {"chunks":[{"index":<clip index>,"text":"<narration>"}]}, one entry per clip.`)
	return Prompt{Task: TaskClipNarration, System: narrationSystem, User: redact.String(b.String()), JSON: true, Evidence: ev}
}

// writePack renders one pack as prompt evidence.
func writePack(b *strings.Builder, p Pack, budget int) {
	fmt.Fprintf(b, "<clip index=%d span=%q kind=%q", p.Index, p.Span.String(), string(p.Kind))
	if f := p.MainFile(); f != "" {
		fmt.Fprintf(b, " file=%q", f)
	}
	if budget > 0 {
		fmt.Fprintf(b, " max_chars=%d", budget)
	}
	b.WriteString(">\n")
	writePackBody(b, p)
	b.WriteString("</clip>\n")
}

func writePackBody(b *strings.Builder, p Pack) {
	if s := p.Spoken(); s != "" {
		fmt.Fprintf(b, "I said: %q\n", oneLine(s, 600))
	} else {
		b.WriteString("I said nothing.\n")
	}
	for _, sc := range p.Scenes {
		fmt.Fprintf(b, "Screen %s %s:", session.Clock(sc.Span.Start), sc.Label)
		if len(sc.Files) > 0 {
			fmt.Fprintf(b, " files %s;", strings.Join(sc.Files, ", "))
		}
		if len(sc.Functions) > 0 {
			fmt.Fprintf(b, " functions %s;", strings.Join(sc.Functions, ", "))
		}
		for _, e := range sc.Errors {
			fmt.Fprintf(b, " error %q;", oneLine(e, 160))
		}
		if sc.Summary != "" {
			fmt.Fprintf(b, " %s", oneLine(sc.Summary, 240))
		}
		b.WriteString("\n")
	}
	for _, s := range p.Saves {
		fmt.Fprintf(b, "Saved %s at %s\n", s.Path, session.Clock(s.At))
	}
	for _, a := range p.Agent {
		fmt.Fprintf(b, "Agent %s %s", a.Agent, a.Tool)
		if a.Path != "" {
			fmt.Fprintf(b, " %s", a.Path)
		}
		fmt.Fprintf(b, " at %s", session.Clock(a.At))
		if a.Summary != "" {
			fmt.Fprintf(b, ": %s", oneLine(a.Summary, 200))
		}
		b.WriteString("\n")
	}
	for _, fh := range p.Hunks {
		fmt.Fprintf(b, "Diff %s (%s):\n", fh.Path, fh.Status)
		for _, h := range fh.Hunks {
			fmt.Fprintf(b, "@@ -%d,%d +%d,%d @@ %s\n", h.OldStart, h.OldLines, h.NewStart, h.NewLines, h.Section)
			for _, l := range h.Lines {
				fmt.Fprintf(b, "%c%s\n", byte(l.Kind), l.Text)
			}
		}
	}
}

const descriptionSystem = `You write the description of a pull request from the recorded coding session behind it.
Use only the evidence given: the diff, what the developer said, what the screen showed, agent actions.
Never invent file names, function names, errors, commands, numbers, decisions or reasons.
If the evidence does not say why, say less rather than guess. Write in the first person ("I"), plainly.`

// DescriptionPrompt asks for the PR description. Without a template the
// reply is JSON with the summary, why, struggles, follow-ups and test plan
// (the file list and the TODO notes come from the diff, not the model);
// with the repository's template the reply is that template, filled in.
func DescriptionPrompt(pr *PRPack) Prompt {
	var b strings.Builder
	if pr.Title != "" {
		fmt.Fprintf(&b, "Title: %s\n", pr.Title)
	}
	if pr.Branch != "" {
		fmt.Fprintf(&b, "Branch: %s\n", pr.Branch)
	}
	fmt.Fprintf(&b, "Files changed (%d, +%d -%d):\n", len(pr.Files), pr.Added, pr.Removed)
	for _, f := range pr.Files {
		fmt.Fprintf(&b, "- %s (%s, +%d -%d)\n", f.Path, f.Status, f.Added, f.Removed)
	}
	if len(pr.Notes) > 0 {
		b.WriteString("Notes added in the diff:\n")
		for _, n := range pr.Notes {
			fmt.Fprintf(&b, "- %s:%d %s\n", n.Path, n.Line, n.Text)
		}
	}
	b.WriteString("What I said during the session:\n")
	spoken := 0
	for _, s := range pr.Spoken {
		if spoken > 6000 {
			b.WriteString("(more speech omitted)\n")
			break
		}
		line := oneLine(s.Text, 400)
		spoken += len(line)
		fmt.Fprintf(&b, "[%s] %s\n", session.Clock(s.Span.Start), line)
	}
	if len(pr.Spoken) == 0 {
		b.WriteString("(nothing)\n")
	}
	for _, c := range pr.Clips {
		if c.Kind != session.KindStuck {
			continue
		}
		fmt.Fprintf(&b, "Where I got stuck, %s", c.Span)
		if f := c.MainFile(); f != "" {
			fmt.Fprintf(&b, " in %s", f)
		}
		b.WriteString(":\n")
		for _, e := range c.Errors() {
			fmt.Fprintf(&b, "  error %q\n", oneLine(e, 200))
		}
		if s := c.Spoken(); s != "" {
			fmt.Fprintf(&b, "  I said %q\n", oneLine(s, 300))
		}
	}
	if len(pr.Agent) > 0 {
		b.WriteString("Agent actions:\n")
		for i, a := range pr.Agent {
			if i == 30 {
				fmt.Fprintf(&b, "(%d more)\n", len(pr.Agent)-i)
				break
			}
			fmt.Fprintf(&b, "- %s %s %s: %s\n", a.Agent, a.Tool, a.Path, oneLine(a.Summary, 160))
		}
	}
	for _, c := range commandsSeen(pr) {
		fmt.Fprintf(&b, "Command seen: %s\n", c)
	}
	p := Prompt{Task: TaskDescription, System: descriptionSystem, Evidence: pr}
	if pr.Template != "" {
		b.WriteString("\nFill in this pull request template with what the evidence supports. Keep its headings and check boxes; leave a part empty rather than guess. Reply with the filled template only.\n<template>\n")
		b.WriteString(pr.Template)
		b.WriteString("\n</template>\n")
	} else {
		b.WriteString(`
Reply with JSON only:
{"summary": "<one sentence, at most 25 words>",
 "why": "<2-5 first-person sentences on why, faithful to what I said; empty if I never said>",
 "struggles": ["<short bullet per place I got stuck>"],
 "follow_ups": ["<imperative bullet per thing left to do that I mentioned>"],
 "test_plan": ["<bullet per check a reviewer can run, from commands and tests seen>"]}`)
		p.JSON = true
	}
	p.User = redact.String(b.String())
	return p
}

// FocusReason is one reason a file deserves a reviewer's attention.
type FocusReason struct {
	Text string       `json:"text"`           // "stuck for 2 minutes", "large change"
	Span session.Span `json:"span,omitzero"`  // when in the session, if it has a time
	Kind string       `json:"kind,omitempty"` // "stuck", "size", "agent", "uncertain"…
}

// FocusItem is one ranked file of the reviewer focus guide, as the ranking
// step produced it.
type FocusItem struct {
	Path    string        `json:"path"`
	Score   float64       `json:"score"`
	Reasons []FocusReason `json:"reasons,omitempty"`
	Ranges  [][2]int      `json:"ranges,omitempty"` // added new-file line ranges, inclusive
	Pack    *Pack         `json:"pack,omitempty"`   // the evidence around it, if gathered
}

// FocusInput is the structured evidence of a focus prompt.
type FocusInput struct {
	Items []FocusItem `json:"items"`
}

const focusSystem = `You tell a code reviewer, in one or two plain sentences per file, why a file deserves a careful look.
Use only the reasons and evidence given. Never invent functions, errors or numbers.`

// FocusPrompt asks for one short note per focus file.
func FocusPrompt(in *FocusInput) Prompt {
	var b strings.Builder
	for _, it := range in.Items {
		fmt.Fprintf(&b, "<file path=%q score=%.2f", it.Path, it.Score)
		if len(it.Ranges) > 0 {
			fmt.Fprintf(&b, " lines=%q", rangesText(it.Ranges))
		}
		b.WriteString(">\n")
		for _, r := range it.Reasons {
			if r.Span.Valid() {
				fmt.Fprintf(&b, "Reason at %s: %s\n", r.Span, r.Text)
			} else {
				fmt.Fprintf(&b, "Reason: %s\n", r.Text)
			}
		}
		if it.Pack != nil {
			writePackBody(&b, *it.Pack)
		}
		b.WriteString("</file>\n")
	}
	b.WriteString(`Reply with JSON only: {"items":[{"path":"<path>","text":"<why to look closely>"}]}`)
	return Prompt{Task: TaskFocus, System: focusSystem, User: redact.String(b.String()), JSON: true, Evidence: in}
}

// AnswerHit is one moment found for a reviewer's question.
type AnswerHit struct {
	Span  session.Span       `json:"span"`
	Type  session.SearchType `json:"type"`
	Text  string             `json:"text,omitempty"`
	Score float64            `json:"score"`
	URL   string             `json:"url,omitempty"` // playable clip, if made
	Pack  *Pack              `json:"pack,omitempty"`
}

// AnswerInput is the structured evidence of a /trace answer prompt.
type AnswerInput struct {
	Question string      `json:"question"`
	Hits     []AnswerHit `json:"hits"`
}

const answerSystem = `You answer a code reviewer's question about a recorded coding session.
Answer in one or two sentences, using only the moments given. If they do not answer the question, say so.
Never invent files, functions, errors or reasons. Do not mention clip numbers or links.`

// AnswerPrompt asks for the answer to a /trace question. The reply is
// plain text.
func AnswerPrompt(in *AnswerInput) Prompt {
	var b strings.Builder
	fmt.Fprintf(&b, "The reviewer asked: %q\n\nMoments found:\n", oneLine(in.Question, 1000))
	for i, h := range in.Hits {
		fmt.Fprintf(&b, "<moment index=%d span=%q type=%q>\n", i, h.Span.String(), string(h.Type))
		if h.Text != "" {
			fmt.Fprintf(&b, "%s\n", oneLine(h.Text, 400))
		}
		if h.Pack != nil {
			writePackBody(&b, *h.Pack)
		}
		b.WriteString("</moment>\n")
	}
	if len(in.Hits) == 0 {
		b.WriteString("(none)\n")
	}
	b.WriteString("\nAnswer in one or two sentences, plain text.")
	return Prompt{Task: TaskAnswer, System: answerSystem, User: redact.String(b.String()), Evidence: in}
}

// commandsSeen returns the distinct test and build command lines the
// screen text shows (scene raw text: OCR or the vision model's reading), in
// order of appearance.
func commandsSeen(pr *PRPack) []string {
	var out []string
	for _, sc := range pr.Scenes {
		for _, line := range strings.Split(sc.RawText, "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "$"))
			if m := cmdLineRE.FindString(line); m != "" {
				out = appendUnique(out, strings.TrimSpace(m))
			}
		}
	}
	return out
}

func rangesText(rs [][2]int) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		if r[0] == r[1] {
			parts = append(parts, fmt.Sprintf("L%d", r[0]))
		} else {
			parts = append(parts, fmt.Sprintf("L%d-L%d", r[0], r[1]))
		}
	}
	return strings.Join(parts, ", ")
}

// oneLine folds whitespace and cuts s to at most n bytes at a word boundary.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

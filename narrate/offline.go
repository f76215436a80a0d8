package narrate

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/tracepr/trace/session"
)

// Offline is a Writer that needs no model: it answers every prompt built by
// this package with extractive, template-based text taken from the prompt's
// structured Evidence, in the reply format the prompt asks for. Everything it
// names comes verbatim from the evidence, so its output passes the checker.
// The local backend uses it, and it is the fallback when a model fails.
type Offline struct{}

// Write answers p from p.Evidence. It fails only when the prompt carries no
// evidence it knows.
func (Offline) Write(ctx context.Context, p Prompt) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	switch ev := p.Evidence.(type) {
	case *ClipBatch:
		return offlineChunks(ev), nil
	case *PRPack:
		if ev.Template != "" {
			return fillTemplate(ev.Template, offlineDescription(ev)), nil
		}
		return marshal(offlineDescription(ev)), nil
	case *FocusInput:
		return offlineFocus(ev), nil
	case *AnswerInput:
		return offlineAnswer(ev), nil
	}
	return "", fmt.Errorf("offline writer: prompt %q carries no evidence it can write from (build it with the narrate prompt builders)", p.Task)
}

func marshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func offlineChunks(b *ClipBatch) string {
	type chunk struct {
		Index int    `json:"index"`
		Text  string `json:"text"`
	}
	out := struct {
		Chunks []chunk `json:"chunks"`
	}{}
	said := map[string]bool{}
	for _, e := range b.Earlier {
		for _, s := range sentences(e) {
			said[s.text] = true
		}
	}
	for i, p := range b.Packs {
		budget := BudgetChars(p.Span.Len())
		if i < len(b.Budgets) {
			budget = b.Budgets[i]
		}
		out.Chunks = append(out.Chunks, chunk{Index: p.Index, Text: ExtractiveNarration(p, budget, said)})
	}
	return marshal(out)
}

// ExtractiveNarration writes a clip's narration from its evidence alone:
// the developer's own words when they spoke, else sentences built from what
// the evidence names (errors, files, functions, agent actions). Sentences in
// said are skipped (and the ones used are added), so consecutive clips do
// not repeat each other. The result has at most budget characters.
func ExtractiveNarration(p Pack, budget int, said map[string]bool) string {
	if said == nil {
		said = map[string]bool{}
	}
	var b strings.Builder
	for _, s := range ExtractiveSentences(p) {
		if said[s] {
			continue
		}
		if b.Len() > 0 && b.Len()+1+len(s) > budget {
			continue
		}
		if b.Len() == 0 && len(s) > budget {
			s = cutSentence(s, budget)
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
		said[s] = true
	}
	if b.Len() == 0 {
		return "I carry on with the change."
	}
	return b.String()
}

// ExtractiveSentences lists the sentences the evidence of a pack supports,
// best first: what was said, then what the screen and the tools show. They
// are the candidates the checker uses to replace an unsupported sentence.
func ExtractiveSentences(p Pack) []string {
	var out []string
	for _, s := range p.Transcript {
		for _, ss := range sentences(strings.Join(strings.Fields(s.Text), " ")) {
			out = appendUnique(out, ensurePeriod(ss.text))
		}
	}
	file := base(p.MainFile())
	if p.MainFile() == "" {
		file = ""
	}
	errs := p.Errors()
	switch p.Kind {
	case session.KindStuck:
		for _, e := range errs {
			out = appendUnique(out, "I hit an error: "+quote(oneLine(e, 120))+".")
		}
		if file != "" {
			out = appendUnique(out, "This is where I got stuck, in "+file+".")
		} else {
			out = appendUnique(out, "This is where I got stuck.")
		}
	case session.KindResearch:
		out = appendUnique(out, "I look things up before going on.")
	case session.KindIdle:
		out = appendUnique(out, "A short pause before the next step.")
	}
	for _, a := range p.Agent {
		if a.Path != "" {
			out = appendUnique(out, fmt.Sprintf("I let %s change %s.", agentName(a.Agent), base(a.Path)))
		} else if a.Agent != "" {
			out = appendUnique(out, fmt.Sprintf("I ask %s for help.", agentName(a.Agent)))
		}
	}
	for _, sc := range p.Scenes {
		if len(sc.Functions) > 0 && len(sc.Files) > 0 {
			out = appendUnique(out, fmt.Sprintf("I work on %s in %s.", sc.Functions[0], base(sc.Files[0])))
		} else if len(sc.Functions) > 0 {
			out = appendUnique(out, fmt.Sprintf("I work on %s.", sc.Functions[0]))
		}
	}
	if p.Kind != session.KindStuck {
		for _, e := range errs {
			out = appendUnique(out, "The screen shows an error: "+quote(oneLine(e, 120))+".")
		}
	}
	saved := map[string]bool{}
	for _, s := range p.Saves {
		if !saved[s.Path] {
			saved[s.Path] = true
			out = appendUnique(out, "I save "+base(s.Path)+".")
		}
	}
	if file != "" && len(saved) == 0 && p.Kind != session.KindStuck {
		out = appendUnique(out, "I work in "+file+".")
	}
	for _, sc := range p.Scenes {
		if sc.Summary != "" && sc.Label == session.LabelBrowserDocs {
			out = appendUnique(out, "I read the docs: "+ensurePeriod(oneLine(sc.Summary, 160)))
		}
	}
	return out
}

func agentName(a string) string {
	switch a {
	case "claude-code":
		return "Claude Code"
	case "codex":
		return "Codex"
	case "gemini":
		return "Gemini"
	case "":
		return "the agent"
	}
	return a
}

func ensurePeriod(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	for _, end := range []string{".", "!", "?", "\"", "…"} {
		if strings.HasSuffix(s, end) {
			return s
		}
	}
	return s + "."
}

// cutSentence shortens s to at most n bytes at a word boundary, ending it
// with a period.
func cutSentence(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:max(0, n-1)], ' ')
	if cut <= 0 {
		return ""
	}
	return strings.TrimRight(s[:cut], ",;: ") + "."
}

var (
	whyRE      = regexp.MustCompile(`(?i)\b(because|so that|so we|so i|needs? to|needed to|wanted? to|the problem|the issue|bug|broken|instead of|should|in order to|otherwise|the reason|the goal)\b`)
	followUpRE = regexp.MustCompile(`(?i)\b(todo|fixme|come back|later|follow.?up|next time|next step|need to also|not yet|for now)\b`)
	testFileRE = regexp.MustCompile(`(?i)(_test\.go|_test\.py|test_[\w]+\.py|\.test\.[jt]sx?|\.spec\.[jt]sx?|Test\.java|_spec\.rb)$`)
)

func offlineDescription(pr *PRPack) DescriptionText {
	var d DescriptionText
	switch {
	case pr.Title != "":
		d.Summary = ensurePeriod(pr.Title)
	case len(pr.Files) == 1:
		d.Summary = fmt.Sprintf("I changed %s (+%d -%d).", pr.Files[0].Path, pr.Added, pr.Removed)
	case len(pr.Files) > 1:
		d.Summary = fmt.Sprintf("I changed %d files (+%d -%d).", len(pr.Files), pr.Added, pr.Removed)
	}
	var why []string
	for _, s := range pr.Spoken {
		t := ensurePeriod(strings.Join(strings.Fields(s.Text), " "))
		if whyRE.MatchString(t) && len(why) < 4 {
			why = append(why, t)
		}
		if followUpRE.MatchString(t) && len(d.FollowUps) < 4 {
			d.FollowUps = append(d.FollowUps, t)
		}
	}
	d.Why = strings.Join(why, " ")
	for _, c := range pr.Clips {
		if c.Kind != session.KindStuck {
			continue
		}
		s := "Stuck at " + c.Span.String()
		if f := c.MainFile(); f != "" {
			s += " in " + f
		}
		if errs := c.Errors(); len(errs) > 0 {
			s += ": " + quote(oneLine(errs[0], 120))
		} else if sp := c.Spoken(); sp != "" {
			s += ": " + quote(oneLine(sp, 120))
		}
		d.Struggles = append(d.Struggles, ensurePeriod(s))
	}
	d.Struggles = append(d.Struggles, screenErrors(pr, d.Struggles)...)
	for _, c := range commandsSeen(pr) {
		d.TestPlan = append(d.TestPlan, "Run `"+c+"` (it ran during the session).")
	}
	for _, f := range pr.Files {
		if testFileRE.MatchString(f.Path) && f.Status != session.FileDeleted {
			d.TestPlan = append(d.TestPlan, "Read the tests in `"+f.Path+"`.")
		}
	}
	return d
}

// screenErrors lists the errors the screen showed during the session (a
// failing test, a compiler error, a stack trace), each once, at its first
// appearance, as struggles: they are what the author worked through even when
// no stretch was long enough to count as stuck. An error counts as cleared
// when a later terminal scene shows no error.
func screenErrors(pr *PRPack, already []string) []string {
	const most = 3
	seen := map[string]bool{}
	var out []string
	for i, sc := range pr.Scenes {
		if len(sc.Errors) == 0 {
			continue
		}
		e := oneLine(sc.Errors[0], 120)
		if e == "" || seen[e] {
			continue
		}
		seen[e] = true
		covered := false
		for _, a := range already {
			if strings.Contains(a, e) {
				covered = true
			}
		}
		if covered {
			continue
		}
		line := "At " + session.Clock(sc.Span.Start) + " the screen showed " + quote(e)
		for _, later := range pr.Scenes[i+1:] {
			if later.Label == session.LabelTerminal && len(later.Errors) == 0 {
				line += "; a later run in the terminal shows no error"
				break
			}
		}
		out = append(out, ensurePeriod(line))
		if len(out) == most {
			break
		}
	}
	return out
}

var headingRE = regexp.MustCompile(`^#{1,6}\s+(.*)$`)
var htmlCommentRE = regexp.MustCompile(`(?s)<!--.*?-->`)

// fillTemplate fills a pull request template from description text: each
// heading gets the part whose name it mentions; instructions in HTML
// comments are dropped; check boxes and other lines are kept.
func fillTemplate(tmpl string, d DescriptionText) string {
	tmpl = htmlCommentRE.ReplaceAllString(tmpl, "")
	var b strings.Builder
	used := map[string]bool{}
	for _, line := range strings.Split(tmpl, "\n") {
		b.WriteString(line + "\n")
		m := headingRE.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		h := strings.ToLower(m[1])
		var part string
		switch {
		case strings.Contains(h, "why") || strings.Contains(h, "motivation") || strings.Contains(h, "context") || strings.Contains(h, "reason"):
			part = "why"
		case strings.Contains(h, "test") || strings.Contains(h, "verif") || strings.Contains(h, "how"):
			part = "test"
		case strings.Contains(h, "follow") || strings.Contains(h, "todo") || strings.Contains(h, "next") || strings.Contains(h, "note"):
			part = "follow"
		case strings.Contains(h, "risk") || strings.Contains(h, "struggl") || strings.Contains(h, "concern"):
			part = "struggles"
		case strings.Contains(h, "summary") || strings.Contains(h, "description") || strings.Contains(h, "what") || strings.Contains(h, "change"):
			part = "summary"
		}
		if part == "" || used[part] {
			continue
		}
		used[part] = true
		var text string
		switch part {
		case "why":
			text = d.Why
		case "test":
			text = bullets(d.TestPlan)
		case "follow":
			text = bullets(d.FollowUps)
		case "struggles":
			text = bullets(d.Struggles)
		case "summary":
			text = d.Summary
		}
		if text != "" {
			b.WriteString("\n" + strings.TrimRight(text, "\n") + "\n")
		}
	}
	return strings.TrimSpace(blankRunRE.ReplaceAllString(b.String(), "\n\n")) + "\n"
}

var blankRunRE = regexp.MustCompile(`\n{3,}`)

func bullets(items []string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString("- " + it + "\n")
	}
	return b.String()
}

func offlineFocus(in *FocusInput) string {
	out := struct {
		Items []FocusText `json:"items"`
	}{}
	for _, it := range in.Items {
		out.Items = append(out.Items, FocusText{Path: it.Path, Text: ExtractiveFocus(it)})
	}
	return marshal(out)
}

// ExtractiveFocus writes the note for a focus file from its reasons and
// evidence alone.
func ExtractiveFocus(it FocusItem) string {
	var parts []string
	for _, r := range it.Reasons {
		t := strings.TrimSpace(r.Text)
		if t == "" {
			continue
		}
		if r.Span.Valid() {
			t += " (" + r.Span.String() + ")"
		}
		parts = append(parts, t)
	}
	s := ""
	if len(parts) > 0 {
		s = ensurePeriod(upperFirst(strings.Join(parts, "; ")))
	}
	if it.Pack != nil {
		if errs := it.Pack.Errors(); len(errs) > 0 {
			s = strings.TrimSpace(s + " The screen showed " + quote(oneLine(errs[0], 120)) + ".")
		}
	}
	if s == "" {
		s = "Changed in this pull request."
	}
	return s
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func offlineAnswer(in *AnswerInput) string {
	if len(in.Hits) == 0 {
		return "I found no moment in the session that answers this."
	}
	var parts []string
	for _, h := range in.Hits {
		if len(parts) == 2 {
			break
		}
		if s := ExtractiveAnswerLine(h); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "The closest moment is at " + session.Clock(in.Hits[0].Span.Start) + "."
	}
	return strings.Join(parts, " ")
}

// ExtractiveAnswerLine says what one hit shows, in one sentence.
func ExtractiveAnswerLine(h AnswerHit) string {
	at := session.Clock(h.Span.Start)
	text := strings.TrimSpace(h.Text)
	if h.Pack != nil && text == "" {
		text = h.Pack.Spoken()
	}
	if text == "" {
		return ""
	}
	text = oneLine(text, 200)
	if h.Type == session.Visual {
		return fmt.Sprintf("At %s the screen shows: %s", at, ensurePeriod(text))
	}
	return "At " + at + " I said: " + quote(text) + "."
}

// quote wraps s in double quotes, turning any double quote inside into a
// single one so the quote stays one piece.
func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, "'") + `"` }

package narrate

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/tracepr/trace/internal/redact"
	"github.com/tracepr/trace/session"
)

// Narrator writes grounded text: it asks a Writer, checks the reply with
// the groundedness checker, asks once more with the problem stated when a
// claim is unsupported, and replaces what is still unsupported with
// extractive sentences from the evidence. When the Writer fails or its reply
// cannot be read, the offline writer answers instead. Every text comes back
// with its Verdict.
type Narrator struct {
	// Writer is the model; nil means Offline.
	Writer Writer
	// Grounds is the evidence texts are checked against (NewGrounds).
	Grounds *Grounds
	// BatchSize is the number of clips narrated per call (default 6).
	BatchSize int
	// Log receives a line per regeneration, repair and fallback; nil discards.
	Log *slog.Logger
}

func (n *Narrator) writer() Writer {
	if n.Writer == nil {
		return Offline{}
	}
	return n.Writer
}

func (n *Narrator) log() *slog.Logger {
	if n.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return n.Log
}

func (n *Narrator) grounds() *Grounds {
	if n.Grounds == nil {
		n.Grounds = NewGrounds(nil, nil)
	}
	return n.Grounds
}

// Script is the narration of one clip.
type Script struct {
	Index   int          `json:"index"`
	Span    session.Span `json:"span"`
	Text    string       `json:"text"`
	Verdict Verdict      `json:"verdict"`
}

// Clips narrates packs in batches, each batch continuing the story of the
// ones before. Only a cancelled context is an error; a failing model falls
// back to the offline writer per batch.
func (n *Narrator) Clips(ctx context.Context, packs []Pack) ([]Script, error) {
	size := n.BatchSize
	if size <= 0 {
		size = 6
	}
	g := n.grounds()
	var out []Script
	var earlier []string
	for start := 0; start < len(packs); start += size {
		batch := packs[start:min(start+size, len(packs))]
		idx := make([]int, len(batch))
		byIdx := map[int]Pack{}
		for i, p := range batch {
			idx[i] = p.Index
			byIdx[p.Index] = p
		}
		prompt := ClipNarrationPrompt(batch, earlier)
		texts, verdicts := n.clipAttempt(ctx, prompt, idx, byIdx, nil)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// Regenerate once, for the batch, when any chunk is unsupported.
		var problems []string
		for _, i := range idx {
			if p := verdicts[i].Problem(); p != "" && !verdicts[i].Fallback {
				problems = append(problems, fmt.Sprintf("Clip %d: %s", i, p))
			}
		}
		if len(problems) > 0 {
			n.log().Info("narration names unsupported things; asking again", "clips", len(problems))
			retry := prompt
			retry.User += "\n\n" + strings.Join(problems, "\n")
			texts2, verdicts2 := n.clipAttempt(ctx, retry, idx, byIdx, verdicts)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			for _, i := range idx {
				if verdicts[i].Grounded || verdicts[i].Fallback {
					continue
				}
				v2 := verdicts2[i]
				v2.Attempts = verdicts[i].Attempts + 1
				texts[i], verdicts[i] = texts2[i], v2
			}
		}
		for _, i := range idx {
			t, v := texts[i], verdicts[i]
			if !v.Grounded {
				p := byIdx[i]
				fixed, reps := g.Repair(t, v, ExtractiveSentences(p))
				if strings.TrimSpace(fixed) == "" {
					fixed = ExtractiveNarration(p, BudgetChars(p.Span.Len()), nil)
				}
				n.log().Info("replaced unsupported narration", "clip", i, "sentences", len(reps))
				nv := g.Check(fixed)
				nv.Attempts, nv.Replaced, nv.Fallback, nv.Error = v.Attempts, reps, v.Fallback, v.Error
				t, v = fixed, nv
			}
			t = redact.String(t)
			out = append(out, Script{Index: i, Span: byIdx[i].Span, Text: t, Verdict: v})
			earlier = append(earlier, t)
		}
	}
	return out, nil
}

// clipAttempt asks the writer for one batch and checks each chunk. Chunks
// the reply lacks (or every chunk, when the writer fails) come from the
// offline writer and are marked Fallback. prev, when set, carries the
// attempt count forward.
func (n *Narrator) clipAttempt(ctx context.Context, p Prompt, idx []int, byIdx map[int]Pack, prev map[int]Verdict) (map[int]string, map[int]Verdict) {
	texts := map[int]string{}
	verdicts := map[int]Verdict{}
	reply, err := n.writer().Write(ctx, p)
	var missing []int
	if err == nil {
		texts, missing = ParseChunks(reply, idx)
		if len(missing) > 0 {
			err = fmt.Errorf("%w: no narration for clips %v", ErrReply, missing)
		}
	} else {
		missing = idx
	}
	if len(missing) > 0 && ctx.Err() == nil {
		n.log().Warn("model narration unusable; writing those clips offline", "err", err)
		said := map[string]bool{}
		for _, e := range p.Evidence.(*ClipBatch).Earlier {
			said[e] = true
		}
		for _, i := range missing {
			p := byIdx[i]
			texts[i] = ExtractiveNarration(p, BudgetChars(p.Span.Len()), said)
		}
	}
	fallback := map[int]bool{}
	for _, i := range missing {
		fallback[i] = true
	}
	for _, i := range idx {
		v := n.grounds().Check(texts[i])
		v.Attempts = 1
		if fallback[i] {
			v.Fallback = true
			if err != nil {
				v.Error = err.Error()
			}
		}
		verdicts[i] = v
	}
	return texts, verdicts
}

// Description is a written PR description: the writer's text plus what
// comes straight from the diff.
type Description struct {
	DescriptionText
	Title   string       `json:"title,omitempty"`
	Files   []FileChange `json:"files"`
	Added   int          `json:"added"`
	Removed int          `json:"removed"`
	Notes   []Note       `json:"notes,omitempty"` // TODO/FIXME lines added in the diff
	Verdict Verdict      `json:"verdict"`
}

// Description writes the PR description from pr.
func (n *Narrator) Description(ctx context.Context, pr *PRPack) (Description, error) {
	g := n.grounds()
	if pr.Title != "" {
		g.Add("title", pr.Title)
	}
	if pr.Branch != "" {
		g.Add("branch", pr.Branch)
	}
	prompt := DescriptionPrompt(pr)
	tmpl := pr.Template != ""
	candidates := prCandidates(pr)

	attempt := func(p Prompt) (DescriptionText, Verdict) {
		reply, err := n.writer().Write(ctx, p)
		var d DescriptionText
		if err == nil {
			d, err = ParseDescription(reply, tmpl)
		}
		if err != nil {
			if ctx.Err() != nil {
				return d, Verdict{}
			}
			n.log().Warn("model description unusable; writing it offline", "err", err)
			off, _ := Offline{}.Write(ctx, p)
			d, _ = ParseDescription(off, tmpl)
			v := g.Check(descriptionText(d))
			v.Fallback, v.Error, v.Attempts = true, err.Error(), 1
			return d, v
		}
		v := g.Check(descriptionText(d))
		v.Attempts = 1
		return d, v
	}
	d, v := attempt(prompt)
	if err := ctx.Err(); err != nil {
		return Description{}, err
	}
	if !v.Grounded && !v.Fallback {
		n.log().Info("description names unsupported things; asking again")
		retry := prompt
		retry.User += "\n\n" + v.Problem()
		d2, v2 := attempt(retry)
		if err := ctx.Err(); err != nil {
			return Description{}, err
		}
		v2.Attempts = 2
		d, v = d2, v2
	}
	if !v.Grounded {
		var reps []Replacement
		d, reps = repairDescription(g, d, candidates)
		nv := g.Check(descriptionText(d))
		nv.Attempts, nv.Fallback, nv.Error, nv.Replaced = v.Attempts, v.Fallback, v.Error, reps
		v = nv
	}
	out := Description{DescriptionText: redactDescription(d), Title: pr.Title, Files: pr.Files, Added: pr.Added, Removed: pr.Removed, Notes: pr.Notes, Verdict: v}
	return out, nil
}

// descriptionText joins the parts of a description, one per line, in a
// fixed order that repairDescription relies on.
func descriptionText(d DescriptionText) string {
	var b strings.Builder
	b.WriteString(d.Summary + "\n")
	b.WriteString(d.Why + "\n")
	for _, l := range [][]string{d.Struggles, d.FollowUps, d.TestPlan} {
		for _, s := range l {
			b.WriteString("- " + s + "\n")
		}
	}
	b.WriteString(d.Filled)
	return b.String()
}

// repairDescription repairs each part on its own so that the structure
// survives.
func repairDescription(g *Grounds, d DescriptionText, candidates []string) (DescriptionText, []Replacement) {
	var all []Replacement
	// Prose parts take extractive replacements; a list item that invents
	// something is dropped rather than swapped for an unrelated sentence.
	fixWith := func(s string, cands []string) string {
		v := g.Check(s)
		if v.Grounded {
			return s
		}
		out, reps := g.Repair(s, v, cands)
		all = append(all, reps...)
		return strings.TrimSpace(out)
	}
	fix := func(s string) string { return fixWith(s, candidates) }
	fixList := func(l []string) []string {
		var out []string
		for _, s := range l {
			if f := fixWith(s, nil); f != "" {
				out = append(out, f)
			}
		}
		return out
	}
	d.Summary = fix(d.Summary)
	d.Why = fix(d.Why)
	d.Struggles = fixList(d.Struggles)
	d.FollowUps = fixList(d.FollowUps)
	d.TestPlan = fixList(d.TestPlan)
	if d.Filled != "" {
		d.Filled = fix(d.Filled)
	}
	return d, all
}

func redactDescription(d DescriptionText) DescriptionText {
	d.Summary, d.Why, d.Filled = redact.String(d.Summary), redact.String(d.Why), redact.String(d.Filled)
	for _, l := range []*[]string{&d.Struggles, &d.FollowUps, &d.TestPlan} {
		for i := range *l {
			(*l)[i] = redact.String((*l)[i])
		}
	}
	return d
}

// prCandidates lists extractive sentences for the whole PR.
func prCandidates(pr *PRPack) []string {
	var out []string
	for _, s := range pr.Spoken {
		for _, ss := range sentences(strings.Join(strings.Fields(s.Text), " ")) {
			out = appendUnique(out, ensurePeriod(ss.text))
		}
	}
	for _, c := range pr.Clips {
		out = appendUnique(out, ExtractiveSentences(c)...)
	}
	return out
}

// Focus writes the note of each focus file. Reasons count as evidence.
func (n *Narrator) Focus(ctx context.Context, in *FocusInput) ([]FocusText, Verdict, error) {
	g := n.grounds()
	paths := make([]string, 0, len(in.Items))
	for _, it := range in.Items {
		paths = append(paths, it.Path)
		g.addPaths("focus", it.Path)
		for _, r := range it.Reasons {
			g.Add("focus reason", r.Text)
		}
		g.Add("focus lines", rangesText(it.Ranges))
	}
	prompt := FocusPrompt(in)
	attempt := func(p Prompt) (map[string]string, Verdict) {
		reply, err := n.writer().Write(ctx, p)
		var got map[string]string
		if err == nil {
			got, err = ParseFocus(reply, paths)
		}
		fallback := err != nil
		if got == nil {
			got = map[string]string{}
		}
		for _, it := range in.Items {
			if _, ok := got[it.Path]; !ok {
				got[it.Path] = ExtractiveFocus(it)
				fallback = true
			}
		}
		v := g.Check(joinFocus(in.Items, got))
		v.Attempts, v.Fallback = 1, fallback
		if err != nil {
			v.Error = err.Error()
		}
		return got, v
	}
	got, v := attempt(prompt)
	if err := ctx.Err(); err != nil {
		return nil, Verdict{}, err
	}
	if !v.Grounded {
		retry := prompt
		retry.User += "\n\n" + v.Problem()
		got2, v2 := attempt(retry)
		if err := ctx.Err(); err != nil {
			return nil, Verdict{}, err
		}
		v2.Attempts = 2
		got, v = got2, v2
	}
	var reps []Replacement
	for _, it := range in.Items {
		t := got[it.Path]
		tv := g.Check(t)
		if !tv.Grounded {
			var r []Replacement
			t, r = g.Repair(t, tv, []string{ExtractiveFocus(it)})
			reps = append(reps, r...)
			if strings.TrimSpace(t) == "" {
				t = ExtractiveFocus(it)
			}
			got[it.Path] = t
		}
	}
	if len(reps) > 0 {
		nv := g.Check(joinFocus(in.Items, got))
		nv.Attempts, nv.Fallback, nv.Error, nv.Replaced = v.Attempts, v.Fallback, v.Error, reps
		v = nv
	}
	out := make([]FocusText, 0, len(in.Items))
	for _, it := range in.Items {
		out = append(out, FocusText{Path: it.Path, Text: redact.String(got[it.Path])})
	}
	return out, v, nil
}

func joinFocus(items []FocusItem, got map[string]string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(got[it.Path] + "\n")
	}
	return b.String()
}

// Answer is a written /trace answer.
type Answer struct {
	Text    string  `json:"text"`
	Verdict Verdict `json:"verdict"`
}

// Answer writes the answer to a /trace question from the hits found.
func (n *Narrator) Answer(ctx context.Context, in *AnswerInput) (Answer, error) {
	g := n.grounds()
	var cands []string
	for _, h := range in.Hits {
		g.Add("hit "+session.Clock(h.Span.Start), h.Text)
		if s := ExtractiveAnswerLine(h); s != "" {
			cands = append(cands, s)
		}
	}
	prompt := AnswerPrompt(in)
	attempt := func(p Prompt) (string, Verdict) {
		reply, err := n.writer().Write(ctx, p)
		var t string
		if err == nil {
			t, err = ParseAnswer(reply)
		}
		if err != nil {
			t = offlineAnswer(in)
			v := g.Check(t)
			v.Attempts, v.Fallback, v.Error = 1, true, err.Error()
			return t, v
		}
		v := g.Check(t)
		v.Attempts = 1
		return t, v
	}
	t, v := attempt(prompt)
	if err := ctx.Err(); err != nil {
		return Answer{}, err
	}
	if !v.Grounded && !v.Fallback {
		retry := prompt
		retry.User += "\n\n" + v.Problem()
		t, v = attempt(retry)
		if err := ctx.Err(); err != nil {
			return Answer{}, err
		}
		v.Attempts = 2
	}
	if !v.Grounded {
		fixed, reps := g.Repair(t, v, cands)
		if strings.TrimSpace(fixed) == "" {
			fixed = offlineAnswer(in)
		}
		nv := g.Check(fixed)
		nv.Attempts, nv.Fallback, nv.Error, nv.Replaced = v.Attempts, v.Fallback, v.Error, reps
		t, v = fixed, nv
	}
	return Answer{Text: redact.String(t), Verdict: v}, nil
}

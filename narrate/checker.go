package narrate

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tracepr/trace/session"
)

// ClaimKind says what a checkable claim names.
type ClaimKind string

// Claim kinds.
const (
	ClaimFile       ClaimKind = "file"       // a path or file name
	ClaimIdentifier ClaimKind = "identifier" // a function, type, method or variable
	ClaimError      ClaimKind = "error"      // an error message
	ClaimQuote      ClaimKind = "quote"      // quoted words someone said or the screen showed
	ClaimCommand    ClaimKind = "command"    // a command line
	ClaimNumber     ClaimKind = "number"     // a figure
	ClaimTime       ClaimKind = "time"       // a timestamp in the recording
)

// Claim is one checkable statement of a generated text.
type Claim struct {
	Kind      ClaimKind `json:"kind"`
	Text      string    `json:"text"`
	Sentence  int       `json:"sentence"` // index of the sentence it is in
	Supported bool      `json:"supported"`
	Source    string    `json:"source,omitempty"` // where the evidence was found
}

// Replacement records a sentence the checker removed or replaced.
type Replacement struct {
	Sentence string   `json:"sentence"`
	With     string   `json:"with,omitempty"` // "" when the sentence was dropped
	Claims   []string `json:"claims"`         // the unsupported claims it made
}

// Verdict is the checker's finding on one generated text. It is stored
// beside the text it judges.
type Verdict struct {
	Grounded bool    `json:"grounded"`
	Claims   []Claim `json:"claims,omitempty"`
	// Attempts counts writer calls (2 when the text was regenerated).
	Attempts int `json:"attempts,omitempty"`
	// Replaced lists sentences swapped for extractive ones or dropped.
	Replaced []Replacement `json:"replaced,omitempty"`
	// Fallback is set when the text came from the offline writer because
	// the model failed or gave no usable reply.
	Fallback bool   `json:"fallback,omitempty"`
	Error    string `json:"error,omitempty"` // the model error behind a fallback
}

// Unsupported returns the claims no evidence backs.
func (v Verdict) Unsupported() []Claim {
	var out []Claim
	for _, c := range v.Claims {
		if !c.Supported {
			out = append(out, c)
		}
	}
	return out
}

// Problem states the unsupported claims in words a writer can act on, for a
// regeneration request; "" when there are none.
func (v Verdict) Problem() string {
	bad := v.Unsupported()
	if len(bad) == 0 {
		return ""
	}
	parts := make([]string, 0, len(bad))
	seen := map[string]bool{}
	for _, c := range bad {
		k := string(c.Kind) + " " + strconv.Quote(c.Text)
		if !seen[k] {
			seen[k] = true
			parts = append(parts, "the "+k)
		}
	}
	return "Your previous reply named things that are not in the evidence: " + strings.Join(parts, ", ") +
		". Write it again without them: name only files, functions, errors, commands and figures that appear in the evidence."
}

// Grounds is the evidence a text is checked against: the transcript, the
// scenes, saves, window titles, agent actions, the diff and any facts added
// with Add. Build it once per session with NewGrounds.
type Grounds struct {
	items  []groundItem
	paths  map[string]string // known path -> source
	tokens map[string]string // identifier tokens -> source
	nums   map[string]string // numbers -> source
	length time.Duration
	allow  map[string]bool
}

type groundItem struct {
	label string
	norm  string // normalized text for quote matching
}

// DefaultAllow are mixed-case names that are not code: products and
// platforms a narration may name without evidence.
var DefaultAllow = []string{
	"GitHub", "GitLab", "VideoDB", "JavaScript", "TypeScript", "macOS", "iOS", "iPhone", "iPad",
	"PostgreSQL", "MySQL", "SQLite", "MongoDB", "OAuth", "YouTube", "PowerShell", "WebSocket",
	"WebAssembly", "OpenAI", "ChatGPT", "IntelliJ", "PyCharm", "VSCode", "DevOps", "FastAPI",
	"NumPy", "GraphQL", "NixOS", "FreeBSD", "OpenSSL", "LaTeX", "DynamoDB", "BigQuery",
}

// NewGrounds indexes the evidence and the diff for checking. Either may be
// nil. The recording's length bounds timestamps (ev.Length).
func NewGrounds(ev *session.Evidence, diff *session.Diff) *Grounds {
	g := &Grounds{paths: map[string]string{}, tokens: map[string]string{}, nums: map[string]string{}, allow: map[string]bool{}}
	for _, a := range DefaultAllow {
		g.allow[a] = true
	}
	if ev != nil {
		g.length = ev.Length
		for _, s := range ev.Transcript {
			g.Add("transcript "+session.Clock(s.Span.Start), s.Text)
		}
		for _, sc := range ev.Scenes {
			label := "scene " + session.Clock(sc.Span.Start)
			g.addPaths(label, sc.Files...)
			g.Add(label, sc.Functions...)
			g.Add(label, sc.Errors...)
			g.Add(label, sc.Summary, sc.RawText)
		}
		for _, s := range ev.Saves {
			g.addPaths("save "+session.Clock(s.At), s.Path)
		}
		for _, w := range ev.Windows {
			g.Add("window "+session.Clock(w.At), w.Title)
		}
		for _, a := range ev.Agent {
			label := "agent " + session.Clock(a.At)
			g.addPaths(label, a.Path)
			g.Add(label, a.Summary, a.Agent, a.Tool, a.Model)
		}
	}
	if diff != nil {
		files, added, removed := 0, 0, 0
		for _, f := range diff.Files {
			label := "diff " + f.Path
			g.addPaths(label, f.Path, f.OldPath)
			a, r := f.Counts()
			g.addNumbers(label, a, r)
			files++
			added += a
			removed += r
			for _, h := range f.Hunks {
				g.Add(label, h.Section)
				for _, l := range h.Lines {
					g.Add(label, l.Text)
				}
			}
		}
		g.addNumbers("diff", files, added, removed)
	}
	return g
}

// Add records facts under a label (where they came from): their paths,
// identifiers, numbers and words become evidence.
func (g *Grounds) Add(label string, texts ...string) {
	for _, t := range texts {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		g.items = append(g.items, groundItem{label: label, norm: normalize(t)})
		for _, p := range pathRE.FindAllString(t, -1) {
			g.addPaths(label, p)
		}
		for _, tok := range tokenRE.FindAllString(t, -1) {
			if _, ok := g.tokens[tok]; !ok {
				g.tokens[tok] = label
			}
		}
		for _, n := range numberRE.FindAllString(t, -1) {
			n = strings.TrimSuffix(n, "%")
			if _, ok := g.nums[n]; !ok {
				g.nums[n] = label
			}
		}
	}
}

// Allow lets names pass without evidence (product names, the PR title's
// words are better added with Add).
func (g *Grounds) Allow(names ...string) {
	for _, n := range names {
		g.allow[n] = true
	}
}

func (g *Grounds) addPaths(label string, paths ...string) {
	for _, p := range paths {
		p = cleanPath(p)
		if p == "" {
			continue
		}
		if _, ok := g.paths[p]; !ok {
			g.paths[p] = label
		}
		for _, tok := range tokenRE.FindAllString(p, -1) {
			if _, ok := g.tokens[tok]; !ok {
				g.tokens[tok] = label
			}
		}
	}
}

func (g *Grounds) addNumbers(label string, ns ...int) {
	for _, n := range ns {
		s := strconv.Itoa(n)
		if _, ok := g.nums[s]; !ok {
			g.nums[s] = label
		}
	}
}

var (
	codeExt = `go|py|pyi|js|mjs|cjs|ts|tsx|jsx|rs|java|kt|kts|c|h|cc|cpp|cxx|hpp|rb|php|cs|swift|m|mm|md|rst|json|jsonl|yaml|yml|toml|sql|sh|bash|zsh|fish|html|htm|css|scss|sass|less|txt|proto|mod|sum|lock|xml|ini|cfg|conf|env|vue|svelte|dart|scala|lua|ex|exs|erl|hs|ml|tf|gradle|mk|bzl|cmake|ipynb|csv|tsv|svg|png|jpg|gif|mp4|wav|diff|patch|tmpl|tpl|gotmpl|golden|lua|r|jl|zig|nim|clj|el|vim|dockerfile`
	// pathRE matches a file path with a known extension, or a relative path of two or more segments.
	pathRE     = regexp.MustCompile(`(?:\.{0,2}/)?(?:[\w@.+-]+/)*[\w@+-][\w@.+-]*\.(?:` + codeExt + `)\b|\b[\w@.-]+(?:/[\w@.-]+){2,}/?|(?:Makefile|Dockerfile|Jenkinsfile|Gemfile|Rakefile|go\.mod|go\.sum)\b`)
	tokenRE    = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	numberRE   = regexp.MustCompile(`\b\d+(?:\.\d+)?%?`)
	clockRE    = regexp.MustCompile(`\b(?:\d{1,2}:)?\d{1,2}:\d{2}\b`)
	codeSpanRE = regexp.MustCompile("`+([^`]+)`+")
	quoteRE    = regexp.MustCompile(`"([^"\n]{3,})"|“([^”\n]{3,})”`)
	linkURLRE  = regexp.MustCompile(`\]\([^)\s]*\)|<https?://[^>\s]+>|https?://\S+`)
	// identRE: camelCase or PascalCase with an inner capital, snake_case,
	// dotted selectors (pkg.Func), and calls (name()).
	identRE   = regexp.MustCompile(`\b[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:\(\))?|\b[A-Za-z_][A-Za-z0-9_]*\(\)|\b_*[A-Za-z][A-Za-z0-9]*(?:[a-z0-9][A-Z]|_[A-Za-z0-9])[A-Za-z0-9_]*\b`)
	errorWord = regexp.MustCompile(`(?i)\b(error|err|panic|fail|failed|failure|exception|traceback|undefined|cannot|can't|could not|not found|denied|refused|timeout|timed out|invalid|unexpected|nil pointer|segmentation|fatal|mismatch|no such)\b`)
	cmdWord   = regexp.MustCompile(`^\$?\s*(go|git|npm|npx|yarn|pnpm|node|make|cargo|rustc|pytest|python|python3|pip|pip3|uv|poetry|docker|kubectl|helm|terraform|curl|wget|ffmpeg|ffprobe|gh|bash|sh|mvn|gradle|dotnet|bundle|rake|rails|mix|deno|bun|tox|ruff|mypy|eslint|tsc|jest|vitest|trace|just|bazel|cmake|gcc|clang)\b`)
)

// Check extracts the claims of text and verifies each against the grounds.
// Markdown link targets are not claims (they are the links trace itself
// puts in).
func (g *Grounds) Check(text string) Verdict {
	v := Verdict{Grounded: true}
	for i, s := range sentences(text) {
		for _, c := range g.claims(s.text) {
			c.Sentence = i
			if !c.Supported {
				v.Grounded = false
			}
			v.Claims = append(v.Claims, c)
		}
	}
	return v
}

func (g *Grounds) claims(s string) []Claim {
	var out []Claim
	// Blank out link targets, then take code spans and quotes as whole claims.
	s = linkURLRE.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "](") {
			return "]" + strings.Repeat(" ", len(m)-1)
		}
		return strings.Repeat(" ", len(m))
	})
	blank := func(loc []int) {
		s = s[:loc[0]] + strings.Repeat(" ", loc[1]-loc[0]) + s[loc[1]:]
	}
	for _, loc := range codeSpanRE.FindAllStringSubmatchIndex(s, -1) {
		inner := strings.TrimSpace(s[loc[2]:loc[3]])
		out = append(out, g.checkCode(inner))
	}
	for _, loc := range codeSpanRE.FindAllStringIndex(s, -1) {
		blank(loc)
	}
	for _, loc := range quoteRE.FindAllStringSubmatchIndex(s, -1) {
		var inner string
		if loc[2] >= 0 {
			inner = s[loc[2]:loc[3]]
		} else {
			inner = s[loc[4]:loc[5]]
		}
		kind := ClaimQuote
		if errorWord.MatchString(inner) {
			kind = ClaimError
		}
		out = append(out, g.checkQuote(kind, inner))
	}
	for _, loc := range quoteRE.FindAllStringIndex(s, -1) {
		blank(loc)
	}
	for _, loc := range clockRE.FindAllStringIndex(s, -1) {
		out = append(out, g.checkTime(s[loc[0]:loc[1]]))
	}
	for _, loc := range clockRE.FindAllStringIndex(s, -1) {
		blank(loc)
	}
	for _, loc := range pathRE.FindAllStringIndex(s, -1) {
		p := strings.TrimRight(s[loc[0]:loc[1]], ".")
		if p == "" {
			continue
		}
		out = append(out, g.checkPath(p))
		blank(loc)
	}
	for _, m := range identRE.FindAllString(s, -1) {
		if c, ok := g.checkIdent(m); ok {
			out = append(out, c)
		}
	}
	s = identRE.ReplaceAllStringFunc(s, func(m string) string { return strings.Repeat(" ", len(m)) })
	for _, loc := range numberRE.FindAllStringIndex(s, -1) {
		// Skip digits glued to letters (v2, 2fa, x86).
		if loc[0] > 0 && isWordByte(s[loc[0]-1]) || loc[1] < len(s) && isLetterByte(s[loc[1]]) {
			continue
		}
		out = append(out, g.checkNumber(s[loc[0]:loc[1]]))
	}
	return out
}

func isWordByte(b byte) bool   { return b == '_' || b == '.' || isLetterByte(b) }
func isLetterByte(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// checkCode classifies and checks the inside of a code span.
func (g *Grounds) checkCode(inner string) Claim {
	switch {
	case cmdWord.MatchString(inner) && strings.ContainsAny(inner, " "):
		return g.checkCommand(inner)
	case pathRE.FindString(inner) == inner:
		return g.checkPath(inner)
	case errorWord.MatchString(inner) && strings.Contains(inner, " "):
		return g.checkQuote(ClaimError, inner)
	case tokenRE.FindString(inner) != "" && !strings.Contains(inner, " "):
		c, ok := g.checkIdent(inner)
		if ok {
			return c
		}
		return g.checkQuote(ClaimIdentifier, inner)
	default:
		return g.checkQuote(ClaimQuote, inner)
	}
}

func (g *Grounds) checkPath(p string) Claim {
	c := Claim{Kind: ClaimFile, Text: p}
	q := cleanPath(p)
	if src, ok := g.paths[q]; ok {
		c.Supported, c.Source = true, src
		return c
	}
	dir := strings.TrimSuffix(q, "/") + "/"
	for known, src := range g.paths {
		if strings.HasSuffix(known, "/"+q) || strings.HasSuffix(q, "/"+known) || strings.HasPrefix(known, dir) {
			c.Supported, c.Source = true, src
			return c
		}
	}
	return c
}

// checkIdent checks an identifier-looking word; ok is false when the word
// is not a code claim after all (an allowed name, an abbreviation like e.g.).
func (g *Grounds) checkIdent(m string) (Claim, bool) {
	name := strings.TrimSuffix(m, "()")
	if g.allow[name] {
		return Claim{}, false
	}
	parts := strings.Split(name, ".")
	for _, p := range parts {
		if len(p) < 2 {
			return Claim{}, false // e.g, i.e, a.m
		}
	}
	c := Claim{Kind: ClaimIdentifier, Text: m}
	src := ""
	for _, p := range parts {
		s, ok := g.tokens[p]
		if !ok {
			return c, true
		}
		if src == "" {
			src = s
		}
	}
	c.Supported, c.Source = true, src
	return c, true
}

func (g *Grounds) checkQuote(kind ClaimKind, text string) Claim {
	c := Claim{Kind: kind, Text: text}
	n := normalize(text)
	if n == "" {
		c.Supported = true
		return c
	}
	if kind == ClaimIdentifier {
		if src, ok := g.tokens[text]; ok {
			c.Supported, c.Source = true, src
			return c
		}
	}
	words := contentWords(n)
	for _, it := range g.items {
		if strings.Contains(it.norm, n) {
			c.Supported, c.Source = true, it.label
			return c
		}
	}
	// Speech recognition and OCR garble words: accept a quote of four or
	// more content words when at least 80% of them appear in one item.
	if len(words) >= 4 {
		for _, it := range g.items {
			have := 0
			itw := map[string]bool{}
			for _, w := range strings.Fields(it.norm) {
				itw[w] = true
			}
			for _, w := range words {
				if itw[w] {
					have++
				}
			}
			if have*5 >= len(words)*4 {
				c.Supported, c.Source = true, it.label
				return c
			}
		}
	}
	return c
}

func (g *Grounds) checkCommand(cmd string) Claim {
	c := g.checkQuote(ClaimCommand, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cmd), "$")))
	if c.Supported {
		return c
	}
	// A command counts as seen when its program and first argument were.
	f := strings.Fields(normalize(c.Text))
	if len(f) >= 2 {
		head := f[0] + " " + f[1]
		for _, it := range g.items {
			if strings.Contains(" "+it.norm+" ", " "+head+" ") {
				c.Supported, c.Source = true, it.label
				break
			}
		}
	}
	c.Kind = ClaimCommand
	return c
}

func (g *Grounds) checkNumber(n string) Claim {
	c := Claim{Kind: ClaimNumber, Text: n}
	if src, ok := g.nums[strings.TrimSuffix(n, "%")]; ok {
		c.Supported, c.Source = true, src
	}
	return c
}

func (g *Grounds) checkTime(t string) Claim {
	c := Claim{Kind: ClaimTime, Text: t}
	d, ok := parseClock(t)
	if ok && (g.length <= 0 || d <= g.length) {
		c.Supported, c.Source = true, "recording"
	}
	return c
}

func parseClock(t string) (time.Duration, bool) {
	var total int
	for _, p := range strings.Split(t, ":") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return 0, false
		}
		total = total*60 + n
	}
	return time.Duration(total) * time.Second, true
}

func cleanPath(p string) string {
	p = strings.TrimSpace(p)
	p = strings.TrimPrefix(p, "./")
	p = strings.TrimPrefix(p, "a/")
	p = strings.TrimRight(p, ".,:;)")
	return p
}

// normalize lowercases, turns punctuation into spaces and folds runs of
// space, so quotes match evidence regardless of case and punctuation.
func normalize(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

var stopWords = map[string]bool{"the": true, "and": true, "for": true, "that": true, "this": true, "with": true, "was": true, "are": true, "but": true, "not": true, "you": true, "its": true, "have": true, "has": true}

func contentWords(norm string) []string {
	var out []string
	for _, w := range strings.Fields(norm) {
		if len(w) >= 3 && !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// sentence is a sentence of a text with its byte range.
type sentence struct {
	start, end int
	text       string
}

var linePrefixRE = regexp.MustCompile(`^\s*(?:#{1,6}\s+|>\s*|(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?)?`)

// sentences splits text into sentences: at line ends, and after . ! ? when
// a space and a capital, digit, quote or backtick follow. Markdown line
// prefixes (bullets, headings, quotes, check boxes) are not part of a sentence.
func sentences(text string) []sentence {
	var out []sentence
	off := 0
	for _, line := range strings.SplitAfter(text, "\n") {
		body := strings.TrimRight(line, "\r\n")
		pre := len(linePrefixRE.FindString(body))
		start := off + pre
		seg := body[pre:]
		i := 0
		for i < len(seg) {
			j := nextBoundary(seg, i)
			piece := seg[i:j]
			if t := strings.TrimSpace(piece); t != "" {
				lead := len(piece) - len(strings.TrimLeft(piece, " \t"))
				out = append(out, sentence{start: start + i + lead, end: start + i + lead + len(t), text: t})
			}
			i = j
		}
		off += len(line)
	}
	return out
}

// nextBoundary returns the end of the sentence that starts at i in seg.
func nextBoundary(seg string, i int) int {
	inCode := false
	for j := i; j < len(seg); j++ {
		c := seg[j]
		if c == '`' {
			inCode = !inCode
			continue
		}
		if inCode || (c != '.' && c != '!' && c != '?') {
			continue
		}
		k := j + 1
		for k < len(seg) && (seg[k] == '"' || seg[k] == ')' || seg[k] == '\'' || seg[k] == '*' || seg[k] == '_') {
			k++
		}
		if k >= len(seg) {
			return len(seg)
		}
		if seg[k] != ' ' {
			continue
		}
		n := k
		for n < len(seg) && seg[n] == ' ' {
			n++
		}
		if n < len(seg) {
			r := rune(seg[n])
			if unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '`' || r == '*' || r == '_' || r == '[' || r >= 0x80 {
				return k
			}
		}
	}
	return len(seg)
}

// Repair replaces every sentence of text that makes an unsupported claim
// (per v, the verdict of g.Check(text)) with the candidate sentence that
// shares most words with it and is itself grounded, each candidate used
// once; with none left, the sentence is dropped. It returns the repaired
// text and what it replaced.
func (g *Grounds) Repair(text string, v Verdict, candidates []string) (string, []Replacement) {
	bad := map[int][]string{}
	for _, c := range v.Unsupported() {
		bad[c.Sentence] = append(bad[c.Sentence], c.Text)
	}
	if len(bad) == 0 {
		return text, nil
	}
	used := map[int]bool{}
	var reps []Replacement
	ss := sentences(text)
	// Work from the end so earlier offsets stay valid.
	idx := make([]int, 0, len(bad))
	for i := range bad {
		if i < len(ss) {
			idx = append(idx, i)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(idx)))
	// Choose replacements in text order for a stable result.
	choice := map[int]string{}
	asc := append([]int(nil), idx...)
	sort.Ints(asc)
	for _, i := range asc {
		best, bestScore := -1, -1
		for ci, cand := range candidates {
			if used[ci] || strings.TrimSpace(cand) == "" || strings.Contains(text, cand) || !g.Check(cand).Grounded {
				continue
			}
			sc := overlap(ss[i].text, cand)
			if sc > bestScore {
				best, bestScore = ci, sc
			}
		}
		if best >= 0 {
			used[best] = true
			choice[i] = strings.TrimSpace(candidates[best])
		}
	}
	for _, i := range idx {
		s := ss[i]
		with := choice[i]
		reps = append(reps, Replacement{Sentence: s.text, With: with, Claims: bad[i]})
		if with != "" {
			text = text[:s.start] + with + text[s.end:]
			continue
		}
		end := s.end
		for end < len(text) && text[end] == ' ' {
			end++
		}
		text = text[:s.start] + text[end:]
	}
	// Reverse to text order for the record.
	for l, r := 0, len(reps)-1; l < r; l, r = l+1, r-1 {
		reps[l], reps[r] = reps[r], reps[l]
	}
	return cleanEmptyLines(text), reps
}

var emptyBulletRE = regexp.MustCompile(`(?m)^\s*(?:[-*+]|\d+[.)])\s*(?:\[[ xX]\]\s*)?$\n?`)

func cleanEmptyLines(s string) string {
	s = emptyBulletRE.ReplaceAllString(s, "")
	return strings.TrimRight(s, " ")
}

func overlap(a, b string) int {
	aw := map[string]bool{}
	for _, w := range contentWords(normalize(a)) {
		aw[w] = true
	}
	n := 0
	for _, w := range contentWords(normalize(b)) {
		if aw[w] {
			n++
		}
	}
	return n
}

// String summarises the verdict in one line.
func (v Verdict) String() string {
	bad := v.Unsupported()
	if len(bad) == 0 {
		return fmt.Sprintf("grounded (%d claims checked)", len(v.Claims))
	}
	names := make([]string, 0, len(bad))
	for _, c := range bad {
		names = append(names, string(c.Kind)+" "+strconv.Quote(c.Text))
	}
	return fmt.Sprintf("%d of %d claims unsupported: %s", len(bad), len(v.Claims), strings.Join(names, ", "))
}

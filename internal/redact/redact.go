package redact

import (
	"math"
	"regexp"
	"strings"
)

// Mask replaces every secret found.
const Mask = "[REDACTED]"

// rule is one kind of secret. A rule runs only when one of its hints occurs
// in the text (lower-cased when fold is set), which keeps String fast on
// ordinary text.
type rule struct {
	name  string
	re    *regexp.Regexp
	hints []string
	fold  bool
	// group, when > 0, is the submatch to mask (the rest is kept for context).
	group int
	// keep, when set, decides that a matched value is not a secret.
	keep func(value, match string) bool
	// pre, when set, is a cheap test a line must pass before the regexp runs.
	pre func(line string) bool
}

func hasDigitOrSymbol(line string) bool { return hasDigit(line) || hasSymbol(line) }

func hasAssign(line string) bool { return strings.ContainsAny(line, "=:") }

// runOf returns a pre test for a run of at least n token characters.
func runOf(n int) func(string) bool {
	return func(line string) bool {
		run := 0
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' || c == '+' || c == '/' || c == '_' || c == '-' {
				if run++; run >= n {
					return true
				}
			} else {
				run = 0
			}
		}
		return false
	}
}

var rules = []rule{
	{name: "private key block", hints: []string{"PRIVATE KEY"},
		re: regexp.MustCompile(`-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\z)`)},
	{name: "aws access key id", hints: []string{"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"},
		re: regexp.MustCompile(`\b(AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b`)},
	{name: "github token", hints: []string{"gh", "github_pat_"},
		re: regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b`)},
	{name: "gitlab token", hints: []string{"gl"},
		re: regexp.MustCompile(`\bgl(pat|dt|rt|ptt|ft|cbt|oas|imt|agent)-[A-Za-z0-9_\-]{20,}`)},
	{name: "slack token", hints: []string{"xox", "xapp-"},
		re: regexp.MustCompile(`\b(xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})`)},
	{name: "slack or discord webhook", hints: []string{"hooks.slack.com", "/api/webhooks/"},
		re: regexp.MustCompile(`https://(hooks\.slack\.com/(services|workflows|triggers)/[A-Za-z0-9/_\-]+|(discord|discordapp)\.com/api/webhooks/[0-9]+/[A-Za-z0-9_\-]+)`)},
	{name: "stripe key", hints: []string{"k_live_", "k_test_", "whsec_"},
		re: regexp.MustCompile(`\b([rsp]k_(live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})\b`)},
	{name: "google api key", hints: []string{"AIza"},
		re: regexp.MustCompile(`\bAIza[0-9A-Za-z_\-]{35}`)},
	{name: "google oauth secret", hints: []string{"GOCSPX-"},
		re: regexp.MustCompile(`\bGOCSPX-[A-Za-z0-9_\-]{20,}`)},
	{name: "openai or anthropic key", hints: []string{"sk-"},
		re: regexp.MustCompile(`\bsk-(ant-(api|admin)\d\d-|proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}`)},
	{name: "npm token", hints: []string{"npm_"},
		re: regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
	{name: "pypi token", hints: []string{"pypi-"},
		re: regexp.MustCompile(`\bpypi-AgE[A-Za-z0-9_\-]{40,}`)},
	{name: "hugging face token", hints: []string{"hf_"},
		re: regexp.MustCompile(`\bhf_[A-Za-z]{30,}\b`)},
	{name: "digitalocean token", hints: []string{"do"},
		re: regexp.MustCompile(`\bdo[opr]_v1_[a-f0-9]{64}\b`)},
	{name: "shopify token", hints: []string{"shp"},
		re: regexp.MustCompile(`\bshp(at|ca|pa|ss)_[a-fA-F0-9]{32}\b`)},
	{name: "sendgrid key", hints: []string{"SG."},
		re: regexp.MustCompile(`\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b`)},
	{name: "twilio key", hints: []string{"SK", "AC"},
		re: regexp.MustCompile(`\bSK[0-9a-f]{32}\b`)},
	{name: "jwt", hints: []string{"eyJ"},
		re: regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}`)},
	{name: "azure connection string", pre: hasAssign, hints: []string{"accountkey=", "sharedaccesskey=", "sharedaccesssignature=", "sig="}, fold: true, group: 2,
		re: regexp.MustCompile(`(?i)\b(AccountKey|SharedAccessKey|SharedAccessSignature|sig)=([^;&\s"'<>]{16,})`)},
	{name: "password in url", hints: []string{"://"}, group: 2,
		re:   regexp.MustCompile(`\b([a-zA-Z][a-zA-Z0-9+.\-]*://[^:/\s@"'<>]*:)([^@/\s"'<>]{1,256})(@)`),
		keep: func(v, _ string) bool { return isPlaceholder(v) }},
	{name: "authorization header", pre: runOf(16), hints: []string{"bearer", "basic", "token"}, fold: true, group: 2,
		re:   regexp.MustCompile(`(?i)(\bauthorization["']?\s*[:=]\s*["']?(?:bearer|token|basic)\s+|\bbearer\s+)([A-Za-z0-9._~+/=\-]{16,})`),
		keep: func(v, _ string) bool { return isPlaceholder(v) || !hasDigit(v) }},
	{name: "aws secret key", pre: runOf(40), hints: []string{"aws"}, fold: true, group: 2,
		re:   regexp.MustCompile(`(?i)(\baws[A-Za-z0-9_.\-]*?(?:secret|key|credential)[A-Za-z0-9_.\-]*["']?\s*(?:=|:|=>|\s)\s*["']?)([A-Za-z0-9/+]{40})\b`),
		keep: func(v, _ string) bool { return isPlaceholder(v) }},
	// KEY=value in .env files and shell: an upper-case sensitive name at
	// the start of a line, an unquoted or quoted literal value.
	{name: "env assignment", pre: hasAssign, hints: sensitiveWords, fold: true, group: 3,
		re: regexp.MustCompile(`(?m)^(\s*(?:export\s+|set\s+|ENV\s+)?)([A-Za-z0-9_]*(?i:` + sensitiveNames + `)[A-Za-z0-9_]*=["']?)([^\s"'#,;]+)`),
		keep: func(v, m string) bool {
			return isPlaceholder(v) || len(v) < 4 || isPath(v) || benignName(m) || isNumber(v) && len(v) < 8 || isDottedRef(v) || isIdentifier(v) && !hasDigit(v) && len(v) < 12
		}},
	// "name": "value", name = 'value', name: "value" in code, JSON and YAML:
	// a quoted literal under a sensitive name.
	{name: "quoted secret", pre: hasAssign, hints: sensitiveWords, fold: true, group: 2,
		re:   regexp.MustCompile(`(?i)(\b[A-Za-z0-9_.\-]*(?:` + sensitiveNames + `)[A-Za-z0-9_.\-]*["']?\s*(?::=|=|:|=>)\s*(?:[a-z]\s*)?["'])([^"'\s]{6,})["']`),
		keep: func(v, _ string) bool { return isPlaceholder(v) || looksLikeProse(v) || isPath(v) }},
	// name: value, name = value with a bare value: only values that look
	// generated (letters and digits mixed, or long and random).
	{name: "bare secret", pre: hasAssign, hints: sensitiveWords, fold: true, group: 2,
		re:   regexp.MustCompile(`(?i)(\b[A-Za-z0-9_.\-]*(?:` + sensitiveNames + `)[A-Za-z0-9_.\-]*\s*(?:=|:)\s*)([^\s"'` + "`" + `,;(){}\[\]<>]{8,})`),
		keep: func(v, _ string) bool { return isPlaceholder(v) || isPath(v) || isDottedRef(v) || !looksGenerated(v) }},
	// "the password is hunter2x": a said or typed password with a digit or symbol.
	{name: "password in words", pre: hasDigitOrSymbol, hints: []string{"passw", "passphrase", "pin"}, fold: true, group: 2,
		re:   regexp.MustCompile(`(?i)(\b(?:passw(?:or)?d|passphrase|pin(?:\s+code)?)\s+(?:is|was|will\s+be|should\s+be)\s+["']?)([^\s"',;]{4,})`),
		keep: func(v, _ string) bool { return isPlaceholder(v) || !hasDigit(v) && !hasSymbol(v) }},
	// A long random-looking token in the few words after key, secret,
	// token, password… ("my api key is 9f8c…").
	{name: "token near a sensitive word", pre: runOf(20), hints: sensitiveWords, fold: true, group: 2,
		re:   regexp.MustCompile(`(?i)(\b(?:` + sensitiveNames + `|key)s?\b[^\n]{0,40}?)([A-Za-z0-9+/_\-]{20,}={0,2})`),
		keep: func(v, _ string) bool { return isPlaceholder(v) || isHex(v) || isPath(v) || !looksRandom(v) }},
}

// sensitiveNames is the alternation of words that make a name sensitive.
const sensitiveNames = `secret|passw(?:or)?d|passphrase|pwd|token|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key|client[_\-]?secret|credentials?|auth`

// sensitiveWords are the lower-case hints for the sensitive-name rules.
var sensitiveWords = []string{"secret", "passw", "passphrase", "pwd", "token", "key", "credential", "auth"}

// String returns s with every secret replaced by Mask. It is idempotent:
// String(String(s)) == String(s).
func String(s string) string {
	if s == "" {
		return s
	}
	// Masking one secret can expose another match (a name next to a mask,
	// a token whose neighbour was masked); repeat until nothing changes.
	for i := 0; i < 4; i++ {
		n := pass(s)
		if n == s {
			return s
		}
		s = n
	}
	return s
}

func pass(s string) string {
	// Rules keyed on a literal prefix run over the whole text; the rules
	// that look at sensitive names run line by line, and only on lines
	// that hold one of their words, which is much faster on source code.
	var lineRules []rule
	for _, r := range rules {
		if r.fold {
			lineRules = append(lineRules, r)
			continue
		}
		if containsAny(s, r.hints) {
			s = apply(r, s)
		}
	}
	if !containsAny(strings.ToLower(s), sensitiveAndFoldHints) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	rest := s
	for len(rest) > 0 {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = ""
		}
		lower := strings.ToLower(line)
		for _, r := range lineRules {
			if containsAny(lower, r.hints) && (r.pre == nil || r.pre(line)) {
				if n := apply(r, line); n != line {
					line, lower = n, strings.ToLower(n)
				}
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

// sensitiveAndFoldHints is every hint of the line rules.
var sensitiveAndFoldHints = func() []string {
	var out []string
	for _, r := range rules {
		if r.fold {
			out = append(out, r.hints...)
		}
	}
	return out
}()

func apply(r rule, s string) string {
	if r.group == 0 {
		return r.re.ReplaceAllLiteralString(s, Mask)
	}
	idxs := r.re.FindAllStringSubmatchIndex(s, -1)
	if idxs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, idx := range idxs {
		vs, ve := idx[2*r.group], idx[2*r.group+1]
		if vs < 0 {
			continue
		}
		v := s[vs:ve]
		if strings.Contains(s[idx[0]:idx[1]], Mask) || (r.keep != nil && r.keep(v, s[idx[0]:idx[1]])) {
			continue
		}
		b.WriteString(s[last:vs])
		b.WriteString(Mask)
		last = ve
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// Found reports whether s contains anything String would redact.
func Found(s string) bool { return String(s) != s }

func containsAny(s string, hints []string) bool {
	for _, h := range hints {
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
}

// isPlaceholder reports values that stand for a secret without being one:
// references to variables, templates, masks, examples, function calls.
func isPlaceholder(v string) bool {
	l := strings.ToLower(v)
	switch {
	case strings.Contains(v, Mask), strings.Contains(v, "***"),
		strings.HasPrefix(v, "$"), strings.HasPrefix(v, "%"), strings.HasPrefix(v, "<"), strings.HasPrefix(v, "{"),
		strings.HasPrefix(v, "#{"), strings.Contains(v, "{{"), strings.Contains(v, "("),
		strings.HasPrefix(l, "os.") || strings.HasPrefix(l, "process.env") || strings.HasPrefix(l, "env.") || strings.HasPrefix(l, "secrets."),
		strings.HasPrefix(l, "your") || strings.HasPrefix(l, "my-") || strings.HasPrefix(l, "my_"),
		strings.Contains(l, "example") || strings.Contains(l, "placeholder") || strings.Contains(l, "changeme") || strings.Contains(l, "redacted"),
		strings.Trim(l, "x.-_*0") == "":
		return true
	}
	switch l {
	case "none", "null", "nil", "true", "false", "required", "optional", "string", "password", "secret", "token",
		"undefined", "hidden", "masked", "dummy", "test", "testing", "foobar", "notset", "empty", "unset":
		return true
	}
	return false
}

// looksLikeProse reports quoted values that are words for people or code,
// not secrets: a label, a field or variable name ("Bearer", "secretKey",
// "access_token").
func looksLikeProse(v string) bool {
	return !hasDigit(v) && !hasSymbol(v) && len(v) <= 24
}

// benignName reports assignments whose name says the value is about a
// secret, not the secret itself: SECRET_NAME, TOKEN_TTL, PASSWORD_FILE.
func benignName(m string) bool {
	name := strings.ToLower(strings.TrimSpace(m))
	if i := strings.IndexAny(name, "=:"); i >= 0 {
		name = strings.TrimRight(name[:i], " \t\"'")
	}
	if i := strings.LastIndexAny(name, " \t"); i >= 0 {
		name = name[i+1:]
	}
	for _, suf := range []string{"_name", "_ttl", "_file", "_path", "_dir", "_length", "_len", "_mode", "_provider", "_type",
		"_id", "_header", "_expiry", "_timeout", "_url", "_endpoint", "_env", "_var", "_count", "_size", "_format", "_algorithm", "_scope", "_scopes"} {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}

func isNumber(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return v != ""
}

// isPath reports file paths and URLs without credentials.
func isPath(v string) bool {
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") || strings.HasPrefix(v, "~/") {
		return !strings.Contains(v, "@")
	}
	if i := strings.LastIndexByte(v, '/'); i >= 0 {
		base := v[i+1:]
		if j := strings.LastIndexByte(base, '.'); j > 0 && j >= len(base)-5 && isIdentifier(base[j+1:]) && !hasDigit(base[j+1:]) {
			return true // dir/file.ext
		}
	}
	return false
}

// isDottedRef reports a reference like config.api_key or hashlib.sha256.
func isDottedRef(v string) bool {
	parts := strings.Split(strings.TrimRight(v, ",;"), ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if !isIdentifier(p) {
			return false
		}
	}
	return true
}

// isIdentifier reports a programming-language identifier.
func isIdentifier(v string) bool {
	if v == "" || v[0] >= '0' && v[0] <= '9' {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z') {
			return false
		}
	}
	return true
}

// looksGenerated reports bare values that look machine-made: letters and
// digits mixed in a long run, or high entropy. Identifiers and dotted
// references (config.Token, input_password, readToken) do not.
func looksGenerated(v string) bool {
	if !hasDigit(v) {
		return len(v) >= 24 && entropy(v) >= 4.0 && hasUpperAfterFirst(v) && !isIdentifierish(v)
	}
	if !hasLetter(v) {
		return len(v) >= 12 // a long number: a pin or account secret
	}
	return true
}

// looksRandom reports long tokens with the character mix and entropy of a
// generated secret, not of a word, path or identifier.
func looksRandom(v string) bool {
	v = strings.TrimRight(v, "=")
	if len(v) < 20 || !hasDigit(v) || !hasLetter(v) {
		return false
	}
	if isHex(v) {
		return len(v) >= 32 && entropy(v) >= 3.0
	}
	return entropy(v) >= 3.5
}

func isIdentifierish(v string) bool {
	// CamelCase or snake_case words: few digits, every run of letters wordy.
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '_' || r == '-' }) {
		if len(part) > 20 {
			return false
		}
	}
	return true
}

func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var h float64
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

func hasSymbol(s string) bool { return strings.ContainsAny(s, "!@#%^&*+=/?~|\\:") }

func hasUpperAfterFirst(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

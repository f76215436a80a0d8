// Package redact removes secrets from text before it leaves the machine:
// transcripts, scene text, window titles, generated text and PR comments all
// pass through String at the boundary where they are sent or published.
package redact

import (
	"regexp"
	"strings"
)

// Mask replaces every secret found.
const Mask = "[REDACTED]"

type rule struct {
	name string
	re   *regexp.Regexp
	// group, when > 0, is the submatch to mask (the rest is kept for context).
	group int
}

var rules = []rule{
	{name: "private key block", re: regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----|$)`)},
	{name: "aws access key", re: regexp.MustCompile(`\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`)},
	{name: "github token", re: regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b`)},
	{name: "gitlab token", re: regexp.MustCompile(`\bglpat-[A-Za-z0-9_\-]{20,}\b`)},
	{name: "slack token", re: regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}\b`)},
	{name: "slack webhook", re: regexp.MustCompile(`https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]+`)},
	{name: "stripe key", re: regexp.MustCompile(`\b[rsp]k_(live|test)_[A-Za-z0-9]{16,}\b`)},
	{name: "google api key", re: regexp.MustCompile(`\bAIza[0-9A-Za-z_\-]{35}\b`)},
	{name: "openai/anthropic key", re: regexp.MustCompile(`\bsk-(ant-|proj-)?[A-Za-z0-9_\-]{20,}\b`)},
	{name: "jwt", re: regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\b`)},
	{name: "password in url", re: regexp.MustCompile(`\b([a-zA-Z][a-zA-Z0-9+.\-]*://[^:/\s@]+:)([^@/\s]{1,256})(@)`), group: 2},
	{name: "bearer token", re: regexp.MustCompile(`(?i)\b(authorization:\s*(?:bearer|token|basic)\s+)([A-Za-z0-9._~+/=\-]{8,})`), group: 2},
	// KEY=value / key: value where the key name says it is sensitive.
	{name: "sensitive assignment", re: regexp.MustCompile(`(?i)\b([A-Z0-9_.\-]*(?:secret|passw(?:or)?d|passwd|token|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key|client[_\-]?secret|auth)[A-Z0-9_.\-]*["']?\s*(?:=|:)\s*["']?)([^\s"'` + "`" + `,;]{6,})`), group: 2},
}

// String returns s with every secret replaced by Mask.
func String(s string) string {
	if s == "" {
		return s
	}
	for _, r := range rules {
		if r.group == 0 {
			s = r.re.ReplaceAllString(s, Mask)
			continue
		}
		s = r.re.ReplaceAllStringFunc(s, func(m string) string {
			idx := r.re.FindStringSubmatchIndex(m)
			if idx == nil || idx[2*r.group] < 0 {
				return m
			}
			val := m[idx[2*r.group]:idx[2*r.group+1]]
			if looksHarmless(val) {
				return m
			}
			return m[:idx[2*r.group]] + Mask + m[idx[2*r.group+1]:]
		})
	}
	return s
}

// looksHarmless filters the values of sensitive-looking assignments that are
// clearly not secrets: code references, placeholders, already-masked values.
func looksHarmless(v string) bool {
	if strings.Contains(v, Mask) || strings.HasPrefix(v, "$") || strings.HasPrefix(v, "os.") ||
		strings.HasPrefix(v, "process.env") || strings.Contains(v, "(") || strings.HasPrefix(v, "<") {
		return true
	}
	switch strings.ToLower(v) {
	case "none", "null", "nil", "true", "false", "required", "optional", "string", "changeme", "example", "xxxxxx", "******":
		return true
	}
	return false
}

// Found reports whether s contains anything String would redact.
func Found(s string) bool { return String(s) != s }

// Package attribution says which added lines of a diff a human wrote and which
// an AI agent wrote, from Claude Code, Codex and Gemini session logs and the
// session's save history, with a per-file summary, markdown for the PR and an
// Agent Trace export.
package attribution

// Package attribution says which added lines of a diff a human wrote and which an AI agent wrote.
// It reads Claude Code, Codex CLI and Gemini CLI session logs and the session's save history,
// and feeds a per-file contribution map (markdown, JSON, Agent Trace) to ghpr after recording.
package attribution

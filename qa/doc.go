// Package qa answers reviewers' /trace questions: it parses commands from PR
// comments, searches a session's Index (spoken and visual), bounds the clips,
// writes a short grounded answer, and replies through a PRSink, by polling or
// from webhooks, without answering anything twice.
package qa

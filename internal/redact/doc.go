// Package redact removes secrets from text before it leaves the machine:
// transcripts, scene text, window titles, generated text and PR comments all
// pass through String at the boundary where they are sent or published.
package redact

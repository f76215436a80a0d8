// Package narratetest has fakes of narrate's interfaces for tests: a Writer
// with scripted replies that records its prompts, and a Voice whose speech
// lasts as long as its text would take to say, that fails on chosen texts
// and tracks how many calls ran at once.
package narratetest

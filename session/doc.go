// Package session is trace's shared vocabulary and its on-disk session store.
//
// Every other package speaks in these types: a Span of offsets from the
// session's epoch (the wall time of the first recorded frame), speech
// Segments, screen Scenes, SaveEvents, WindowSamples, AgentEvents, the tagged
// Moments of a timeline, the Clips chosen for a reviewer, a PR's Diff, and
// search Hits. Durations are time.Duration in Go and float seconds on the wire.
//
// The Store keeps one directory per session under $TRACE_HOME/sessions
// (0700): metadata.json with a schema version and a status machine, atomic
// JSON files, append-only JSONL logs that survive a torn last line, and a pid
// lock so two processes never write one session at once.
//
// The Indexer and Index interfaces are the contract between a captured
// session and the backends that index it (videodb, local); sessiontest holds
// a fake and the conformance suite.
package session

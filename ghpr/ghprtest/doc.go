// Package ghprtest helps test code that publishes on pull requests: an
// in-memory ghpr.PRSink that records what was published, the PRSink
// conformance suite every implementation passes, and a fake GitHub REST
// server (127.0.0.1) for the endpoints trace uses.
package ghprtest

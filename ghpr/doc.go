// Package ghpr is trace's GitHub side: PR references, diffs into
// session.Diff, the PRSink interface for publishing by upsert, its GitHub
// implementation on go-github, PR creation and webhook verification. It is
// the last step of the flow; ghprtest has an in-memory sink, a fake GitHub
// REST server and the PRSink conformance suite.
package ghpr
